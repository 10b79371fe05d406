"""Hybrid search: BM25 over prefix stems plus e5 vectors, fused by reciprocal rank.

Language-aware: passages in the question's language are preferred; other languages still
answer when they rank well (a Finnish question can find an English document).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import bm25s
import hnswlib
import numpy as np

from assistant.domain import Citation, Lang
from assistant.language.detect import detect_language
from assistant.language.text import stems
from assistant.retrieval.documents import Chunk
from assistant.retrieval.index import KnowledgeIndex

RRF_K = 60
OTHER_LANGUAGE_WEIGHT = 0.55
CANDIDATES = 40
COUNT_EVERY_S = 1.0
APPROXIMATE_FROM = 20_000  # vectors in one language before it gets an HNSW graph
HNSW_M = 16
HNSW_BUILD_EF = 100
HNSW_SEARCH_EF = 96  # well above CANDIDATES: recall@40 of the graph near the exact scan


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and why it ranked."""

    chunk: Chunk
    score: float
    vector_similarity: float
    lexical_score: float

    @property
    def title(self) -> str:
        return self.chunk.title

    @property
    def text(self) -> str:
        return self.chunk.text

    def citation(self) -> Citation:
        """The passage as a numbered source of an answer."""
        chunk = self.chunk
        return Citation(
            id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            title=chunk.title,
            snippet=chunk.text[:300],
            score=round(self.score, 5),
        )


class LexicalIndex:
    """BM25 over every stored chunk, rebuilt only when the store changed."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        corpus = [stems(f"{c.title} {c.section} {c.text}") or ["_"] for c in chunks]
        if chunks:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best-scoring chunks (score > 0), best first; ties by position.

        Scores every chunk and picks the top with ``argpartition``: bm25s's own ``retrieve``
        gives the same scores but took 3.5 ms at 100k chunks against 0.23 ms this way."""
        tokens = [token for token in stems(query) if token in self._bm25.vocab_dict]
        if not self.chunks or not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        k = min(k, len(scores))
        best = np.sort(np.argpartition(-scores, k - 1)[:k])
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]


class LanguageVectors:
    """Each language's chunk vectors in memory, for the nearest chunks in one language, or in
    every language.

    Below ``APPROXIMATE_FROM`` vectors a language is searched exactly (a matrix product: about
    a millisecond at 10k). Above it, an HNSW graph of that language alone (Chroma's hnswlib)
    is built in a background thread when the corpus loads, and answers once it is ready; until
    then the exact product does. Chroma itself answers a query filtered by language with a
    metadata scan first (24 ms at 10k chunks), and its one graph over every language cannot
    give one language's nearest; measured with ``python -m bench``."""

    def __init__(
        self, chunks: list[Chunk], vectors: np.ndarray, approximate_from: int = APPROXIMATE_FROM
    ) -> None:
        self._rows: dict[str, np.ndarray] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._graphs: dict[str, Any] = {}
        langs = np.array([c.lang for c in chunks])
        for lang in sorted(set(langs.tolist())):
            rows = np.flatnonzero(langs == lang)
            self._rows[lang] = rows
            self._vectors[lang] = np.ascontiguousarray(vectors[rows], dtype=np.float32)
        large = [lang for lang, rows in self._rows.items() if len(rows) >= approximate_from]
        self._builder: threading.Thread | None = None
        if large:
            self._builder = threading.Thread(
                target=self._build, args=(large,), name="polku-hnsw", daemon=True
            )
            self._builder.start()

    def _build(self, langs: list[str]) -> None:
        for lang in langs:
            matrix = self._vectors[lang]
            graph = hnswlib.Index(space="ip", dim=matrix.shape[1])
            graph.init_index(
                max_elements=len(matrix), ef_construction=HNSW_BUILD_EF, M=HNSW_M, random_seed=7
            )
            graph.add_items(matrix, np.arange(len(matrix)), num_threads=1)
            graph.set_ef(HNSW_SEARCH_EF)
            self._graphs[lang] = graph  # one assignment: a search sees the graph or not

    def wait_until_approximate(self, timeout: float | None = None) -> bool:
        """Blocks until every large language has its graph (for benchmarks and tests)."""
        if self._builder is not None:
            self._builder.join(timeout)
        return self._builder is None or not self._builder.is_alive()

    @property
    def approximate(self) -> list[str]:
        """The languages searched through their graph."""
        return sorted(self._graphs)

    def nearest(self, vector: np.ndarray, lang: str, k: int) -> list[tuple[int, float]]:
        matrix = self._vectors.get(lang)
        if matrix is None or not len(matrix):
            return []
        k = min(k, len(matrix))
        rows = self._rows[lang]
        graph = self._graphs.get(lang)
        if graph is not None:
            labels, distances = graph.knn_query(
                vector.astype(np.float32).reshape(1, -1), k=k, num_threads=1
            )
            return [
                (int(rows[i]), 1.0 - float(d)) for i, d in zip(labels[0], distances[0], strict=True)
            ]
        scores = matrix @ vector.astype(np.float32)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(int(rows[i]), float(scores[i])) for i in best]

    def nearest_by_language(self, vector: np.ndarray, k: int) -> dict[str, list[tuple[int, float]]]:
        """Each language's ``k`` nearest chunks."""
        return {lang: self.nearest(vector, lang, k) for lang in self._rows}


@dataclass(frozen=True)
class Corpus:
    """What search needs in memory, built once per state of the store: every chunk, its
    position, the BM25 index and the per-language vectors."""

    chunks: list[Chunk]
    position: dict[str, int]
    lexical: LexicalIndex
    vectors: LanguageVectors

    @classmethod
    def load(cls, index: KnowledgeIndex) -> Corpus:
        chunks, vectors = index.chunks_with_vectors()
        return cls(
            chunks=chunks,
            position={chunk.chunk_id: i for i, chunk in enumerate(chunks)},
            lexical=LexicalIndex(chunks),
            vectors=LanguageVectors(chunks, vectors),
        )


class HybridRetriever:
    """Searches both collections of a ``KnowledgeIndex``."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self._corpus: Corpus | None = None
        self._key: tuple[int, ...] | None = None
        self._counts: tuple[int, ...] = ()
        self._counted_at = -COUNT_EVERY_S
        self._lock = threading.Lock()

    def counts(self) -> tuple[int, ...]:
        """The collections' sizes; asked of Chroma at most once a second (writes by this
        process bump ``index.generation`` and are seen at once)."""
        now = time.monotonic()
        if now - self._counted_at >= COUNT_EVERY_S or self._key is None:
            self._counts, self._counted_at = self.index.counts(), now
        return self._counts

    def corpus(self) -> Corpus:
        with self._lock:
            key = (*self.counts(), self.index.generation)
            if self._corpus is None or key != self._key:
                if self._key is not None and key[-1] != self._key[-1]:
                    self._counts = self.index.counts()  # written here: count again now
                    key = (*self._counts, self.index.generation)
                self._corpus = Corpus.load(self.index)
                self._key = key
            return self._corpus

    def search(self, query: str, lang: Lang | None = None, k: int = 5) -> list[Hit]:
        asked_in = detect_language(query)
        lang = lang or asked_in
        corpus = self.corpus()
        chunks, position = corpus.chunks, corpus.position
        fused: dict[int, float] = {}
        lexical_scores: dict[int, float] = {}
        for rank, (i, score) in enumerate(corpus.lexical.search(query, CANDIDATES)):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
            lexical_scores[i] = score
        vector = self.index.embedder.query(query)
        similarities: dict[int, float] = {}
        for ranked in self._vector_rankings(vector, corpus, lang):
            for rank, (i, similarity) in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
                similarities[i] = similarity
        if asked_in != lang:
            self._pivot_to_language(fused, chunks, position, lang)
        hits = [
            Hit(
                chunk=chunks[i],
                score=score * (1.0 if chunks[i].lang == lang else OTHER_LANGUAGE_WEIGHT),
                vector_similarity=similarities.get(i, 0.0),
                lexical_score=lexical_scores.get(i, 0.0),
            )
            for i, score in fused.items()
        ]
        hits.sort(key=lambda hit: -hit.score)
        return hits[:k]

    @staticmethod
    def _pivot_to_language(
        fused: dict[int, float], chunks: list[Chunk], position: dict[str, int], lang: Lang
    ) -> None:
        """The built-in documents are parallel across languages (same id, same sections): when
        the question is in another language than the answer should be, a passage found in
        the question's language lends its score to the same passage in ``lang``, so a
        question in Estonian finds the English text that says the same."""
        lent: dict[int, float] = {}
        for i, score in fused.items():
            chunk = chunks[i]
            if chunk.lang == lang or not chunk.doc_id.startswith(f"{chunk.lang}/"):
                continue
            twin = position.get(f"{lang}/{chunk.chunk_id.split('/', 1)[1]}")
            if twin is not None:
                lent[twin] = max(lent.get(twin, 0.0), score)
        for twin, score in lent.items():
            fused[twin] = fused.get(twin, 0.0) + score

    @staticmethod
    def _vector_rankings(
        vector: np.ndarray, corpus: Corpus, lang: Lang
    ) -> list[list[tuple[int, float]]]:
        """Two rankings: the nearest chunks in any language, and the nearest in ``lang``.

        The embedder prefers passages in the question's own language, so without the second
        ranking a Finnish question asked for an English answer would never reach English text.
        Both come from the vectors in memory (read from Chroma when the corpus loads), exact
        or through each language's graph (``LanguageVectors``)."""
        by_language = corpus.vectors.nearest_by_language(vector, CANDIDATES)
        anywhere = sorted(
            (hit for hits in by_language.values() for hit in hits), key=lambda hit: -hit[1]
        )
        return [anywhere[:CANDIDATES], by_language.get(lang, [])]

"""What the retrievers find, judged by people's labels rather than by agreement with the
vector floor: the evaluation's 61 labelled queries (en, fi, et and cross-lingual) over the
built-in knowledge base, each system ranking documents (first passage wins)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

PASSAGES = 40  # as the evaluation: enough passages to rank ten documents


def _documents(doc_ids: list[str]) -> list[str]:
    ranked: list[str] = []
    for doc_id in doc_ids:
        if doc_id not in ranked:
            ranked.append(doc_id)
    return ranked[:10]


def bench_relevance(data_dir: Path) -> dict[str, Any]:
    from assistant.app.services import Services
    from assistant.evaluation.datasets import datasets_dir, load_retrieval
    from assistant.evaluation.metrics import mean, ndcg_at_k, recall_at_k
    from assistant.settings import Settings

    services = Services(Settings(data_dir=data_dir))
    chunks, matrix = services.index.chunks_with_vectors(("kb",))
    langs = np.array([c.lang for c in chunks])
    embed = services.index.embedder.query

    def vectors(text: str, lang: str | None) -> list[str]:
        scores = matrix @ embed(text)
        if lang is not None:
            scores = np.where(langs == lang, scores, -2.0)
        best = np.argsort(-scores)[:PASSAGES]
        return [chunks[i].doc_id for i in best]

    systems: dict[str, Callable[[str, str], list[str]]] = {
        "vector cosine, any language (what Chroma and LangChain return)": lambda text, lang: (
            vectors(text, None)
        ),
        "vector cosine, in the asked language": lambda text, lang: vectors(text, lang),
        "Polku hybrid (BM25 + vectors)": lambda text, lang: [
            hit.chunk.doc_id for hit in services.retriever.search(text, lang=lang, k=PASSAGES)
        ],
    }
    cases = load_retrieval(datasets_dir())
    found: dict[str, Any] = {}
    for name, search in systems.items():
        ranked = [(_documents(search(c.text, c.target_lang)), c.relevant) for c in cases]
        found[name] = {
            "recall@5": round(mean(recall_at_k(r, rel, 5) for r, rel in ranked), 3),
            "ndcg@10": round(mean(ndcg_at_k(r, rel, 10) for r, rel in ranked), 3),
        }
    return {"queries": len(cases), "systems": found}

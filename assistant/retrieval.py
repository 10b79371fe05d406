"""Hybrid search: BM25 over prefix stems plus e5 vectors, fused by reciprocal rank.

Language-aware: passages in the question's language are preferred; other languages still
answer when they rank well (a Finnish question can find an English document).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.domain import Lang
from assistant.index import KnowledgeIndex
from assistant.knowledge import Chunk
from assistant.text import detect_language, stems

RRF_K = 60
OTHER_LANGUAGE_WEIGHT = 0.55
CANDIDATES = 40


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and why it ranked."""

    chunk: Chunk
    score: float
    vector_similarity: float
    lexical_score: float


class LexicalIndex:
    """BM25 over every stored chunk, rebuilt only when the store changed."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        corpus = [stems(f"{c.title} {c.section} {c.text}") or ["_"] for c in chunks]
        if chunks:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = stems(query)
        if not self.chunks or not tokens:
            return []
        k = min(k, len(self.chunks))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        return [(int(i), float(s)) for i, s in zip(docs[0], scores[0]) if s > 0]


class HybridRetriever:
    """Searches both collections of a ``KnowledgeIndex``."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self._lexical: LexicalIndex | None = None
        self._lexical_key: tuple[int, ...] | None = None
        self._lock = threading.Lock()

    def _lexical_index(self, counts: tuple[int, ...] | None = None) -> LexicalIndex:
        key = (*(counts or self.index.counts()), self.index.generation)
        with self._lock:
            if self._lexical is None or key != self._lexical_key:
                self._lexical = LexicalIndex(self.index.chunks())
                self._lexical_key = key
            return self._lexical

    def search(self, query: str, lang: Lang | None = None, k: int = 5) -> list[Hit]:
        asked_in = detect_language(query)
        lang = lang or asked_in
        counts = self.index.counts()
        lexical = self._lexical_index(counts)
        position = {chunk.chunk_id: i for i, chunk in enumerate(lexical.chunks)}
        fused: dict[int, float] = {}
        lexical_scores: dict[int, float] = {}
        for rank, (i, score) in enumerate(lexical.search(query, CANDIDATES)):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
            lexical_scores[i] = score
        vector = self.index.embedder.query(query)
        similarities: dict[int, float] = {}
        for ranked in self._vector_rankings(vector, position, lang, counts):
            for rank, (i, similarity) in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
                similarities[i] = similarity
        if asked_in != lang:
            self._pivot_to_language(fused, lexical.chunks, position, lang)
        hits = [
            Hit(
                chunk=lexical.chunks[i],
                score=score * (1.0 if lexical.chunks[i].lang == lang else OTHER_LANGUAGE_WEIGHT),
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

    def _vector_rankings(
        self, vector: np.ndarray, position: dict[str, int], lang: Lang, counts: tuple[int, ...]
    ) -> list[list[tuple[int, float]]]:
        """Two rankings: the nearest chunks in any language, and the nearest in ``lang``.

        The embedder prefers passages in the question's own language, so without the second
        ranking a Finnish question asked for an English answer would never reach English text.
        """
        rankings = []
        for only in (None, lang):
            found: dict[int, float] = {}
            for collection, count in zip(("kb", "user"), counts, strict=True):
                for chunk_id, similarity in self.index.vector_search(
                    vector, CANDIDATES, collection, lang=only, count=count
                ):
                    if chunk_id in position:
                        found[position[chunk_id]] = similarity
            rankings.append(sorted(found.items(), key=lambda item: -item[1]))
        return rankings

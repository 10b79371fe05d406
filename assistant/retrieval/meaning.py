"""Similarity by meaning between short texts (a pain point and a stage, a channel and a
touchpoint), with e5 vectors.

Both sides get e5's ``query:`` prefix, as e5 advises for symmetric comparisons. Vectors are
kept in memory for the process and, when the embedder has a cache, on disk by content hash,
so a text is embedded once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

import numpy as np

from assistant.retrieval.embeddings import DIM, Embedder

MAX_REMEMBERED = 50_000


class Meaning:
    """Unit vectors of short texts, and their cosine similarities."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or Embedder()
        self._known: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text (texts are compared as written, case and all)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._known))
        if missing:
            fresh = self.embedder.queries(missing)
            norms = np.linalg.norm(fresh, axis=1, keepdims=True)
            fresh = fresh / np.where(norms == 0, 1, norms)
            with self._lock:
                if len(self._known) > MAX_REMEMBERED:
                    self._known.clear()
                self._known.update(zip(missing, fresh, strict=True))
        with self._lock:
            return np.stack([self._known[t] for t in texts])

    def similarity(self, texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
        """Cosine similarities, one row per text and one column per other text."""
        if not texts or not others:
            return np.zeros((len(texts), len(others)), dtype=np.float32)
        found: np.ndarray = self.vectors(texts) @ self.vectors(others).T
        return found

    def centred_similarity(self, texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
        """Cosine similarities after taking out what ``others`` have in common (their mean
        vector) from both sides. e5 rates texts of one field alike (most sentences about a
        customer journey are 0.8-0.9 apart); the centred vectors tell them apart by what each
        says beyond the field. Chosen leave-one-out, on the answer cards' questions and on the
        library's own sentences and roles (``tests/test_answer_cards.py``,
        ``tests/test_stage_roles.py``)."""
        if not texts or not others:
            return np.zeros((len(texts), len(others)), dtype=np.float32)
        known = self.vectors(others)
        centre = known.mean(axis=0)
        found: np.ndarray = centred(self.vectors(texts), centre) @ centred(known, centre).T
        return found


def centred(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Unit rows of ``vectors`` with the common direction ``centre`` taken out."""
    moved = vectors - centre
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    result: np.ndarray = moved / np.where(norms == 0, 1, norms)
    return result


@cache
def default_meaning() -> Meaning:
    """A process-wide Meaning without a disk cache, for callers that were given none (a
    critique run as a plain function); the app passes its own, disk-cached one."""
    return Meaning()

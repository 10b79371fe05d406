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


@cache
def default_meaning() -> Meaning:
    """A process-wide Meaning without a disk cache, for callers that were given none (a
    critique run as a plain function); the app passes its own, disk-cached one."""
    return Meaning()

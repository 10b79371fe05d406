"""Vectors shipped with Polku (``knowledge/embeddings.npz``): the built-in knowledge base's
passages and the drafting library's texts, embedded once when they were written, so a fresh
install embeds nothing before its first answer.

Each vector is keyed by the same content hash as the embedding cache (model, e5 prefix kind,
text), so a text that changed since the file was made simply has no vector here and is
embedded as usual: a stale vector can never be used for a changed text. A file made with
another model, or one that cannot be read, is ignored with one line on stderr.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from assistant.resources import knowledge_dir
from assistant.retrieval.embeddings import DIM, MODEL_NAME, EmbeddingCache

FILE_NAME = "embeddings.npz"
KEY_BYTES = 16  # the first 16 bytes of the sha256 content hash


def shipped_path() -> Path:
    return knowledge_dir() / FILE_NAME


class ShippedVectors:
    """Read-only vectors by content hash."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self._rows = {bytes(key): row for row, key in enumerate(keys)}
        self._vectors = vectors

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: str) -> bool:
        return _short(key) in self._rows

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = {}
        for key in keys:
            row = self._rows.get(_short(key))
            if row is not None:
                found[key] = self._vectors[row].astype(np.float32)
        return found


def _short(key: str) -> bytes:
    return bytes.fromhex(key)[:KEY_BYTES]


def read(path: Path) -> ShippedVectors | None:
    """The vectors in ``path``; None (and one line on stderr) when the file is missing,
    unreadable or made with another model."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            model = str(data["model"])
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        print(f"polku: ignoring {path.name} ({exc}); texts are embedded instead", file=sys.stderr)
        return None
    if model != MODEL_NAME or vectors.shape[1:] != (DIM,) or len(keys) != len(vectors):
        print(
            f"polku: ignoring {path.name} (made for {model!r}); texts are embedded instead",
            file=sys.stderr,
        )
        return None
    return ShippedVectors(keys, vectors)


@cache
def shipped() -> ShippedVectors | None:
    return read(shipped_path())


def write(path: Path, items: Iterable[tuple[str, str]], vectors: np.ndarray) -> None:
    """Write ``(kind, text)`` items and their vectors (one row each), keyed by content hash."""
    keys = np.array(
        [
            np.frombuffer(_short(EmbeddingCache.key(text, kind)), dtype=np.uint8)
            for kind, text in items
        ]
    ).reshape(-1, KEY_BYTES)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, model=np.array(MODEL_NAME), keys=keys, vectors=vectors.astype(np.float16)
    )
    tmp.replace(path)

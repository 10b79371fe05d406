"""The vectors shipped in knowledge/embeddings.npz: complete for today's knowledge files, used
instead of embedding, and never trusted when they are stale, foreign or broken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.app.vectors import shipped_texts
from assistant.retrieval import shipped as shipped_module
from assistant.retrieval.embeddings import DIM, Embedder, EmbeddingCache
from assistant.retrieval.shipped import read, shipped, write


def test_every_knowledge_text_has_a_shipped_vector() -> None:
    """Fails when a knowledge document, the library, the roles or the stage models changed
    and `make embeddings` was not run: the new texts would be embedded on every fresh
    install instead of arriving with Polku."""
    found = shipped()
    assert found is not None
    missing = [
        text for kind, text in shipped_texts() if EmbeddingCache.key(text, kind) not in found
    ]
    assert missing == [], (
        f"{len(missing)} texts lack vectors, e.g. {missing[:3]}; run make embeddings"
    )


def test_shipped_vectors_are_used_and_match_the_model() -> None:
    _kind, text = next(item for item in shipped_texts() if item[0] == "query")
    embedder = Embedder()
    from_file = embedder.queries([text])[0]
    assert embedder.encoded == 0  # nothing was run through the model
    fresh = Embedder(use_shipped=False).queries([text])[0]
    assert float(from_file @ fresh / np.linalg.norm(from_file) / np.linalg.norm(fresh)) > 0.999


def test_a_changed_text_is_embedded_not_looked_up() -> None:
    embedder = Embedder()
    embedder.queries(["a text that no knowledge file holds, 7f3a"])
    assert embedder.encoded == 1


def _write_small(path: Path) -> None:
    write(path, [("query", "hello")], np.ones((1, DIM), dtype=np.float32))


def test_a_file_of_another_model_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "embeddings.npz"
    np.savez(
        path,
        model=np.array("another-model"),
        keys=np.zeros((1, 16), np.uint8),
        vectors=np.zeros((1, DIM), np.float16),
    )
    assert read(path) is None
    assert "another-model" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["truncate", "junk"])
def test_a_broken_file_is_ignored(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "embeddings.npz"
    _write_small(path)
    assert read(path) is not None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"\x00junk" * 50)
    assert read(path) is None
    assert "ignoring" in capsys.readouterr().err


def test_without_a_shipped_file_texts_are_embedded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shipped_module, "shipped_path", lambda: tmp_path / "missing.npz")
    shipped_module.shipped.cache_clear()
    try:
        _kind, text = next(item for item in shipped_texts() if item[0] == "query")
        embedder = Embedder()
        embedder.queries([text])
        assert embedder.encoded == 1
    finally:
        shipped_module.shipped.cache_clear()

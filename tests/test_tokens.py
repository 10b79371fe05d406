"""tiktoken works with the network cut, from files rebuilt out of toktok-rs and verified."""

import hashlib
import inspect
from pathlib import Path

import pytest
import tiktoken_ext.openai_public as openai_public

from assistant.llm import tokenizer as tokens


@pytest.fixture
def token_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    return tmp_path / "tiktoken"


def test_pinned_hashes_are_tiktokens_own() -> None:
    source = inspect.getsource(openai_public)
    for expected in tokens.PINNED_SHA256.values():
        assert expected in source


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_encodings_load_offline(token_dir: Path, name: str) -> None:
    import tiktoken

    tokens.ensure_token_files(token_dir)
    path = tokens.cache_path(token_dir, name)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.PINNED_SHA256[name]
    tiktoken.registry.ENCODINGS.pop(name, None)  # force a real load from the files
    encoding = tiktoken.get_encoding(name)
    text = "Asiakaspolun kartta auttaa ymmärtämään asiakasta. Klienditeekond!"
    assert encoding.decode(encoding.encode(text)) == text


def test_tampered_file_is_rebuilt(token_dir: Path) -> None:
    tokens.ensure_token_files(token_dir)
    path = tokens.cache_path(token_dir, "cl100k_base")
    path.write_bytes(b"tampered")
    tokens.ensure_token_files(token_dir)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.PINNED_SHA256["cl100k_base"]


def test_mismatching_vocabulary_is_refused(
    token_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "_bpe_file_bytes", lambda name: b"not the real vocabulary\n")
    with pytest.raises(tokens.TokenFilesError, match="sha256"):
        tokens.ensure_token_files(token_dir)


def test_count_tokens(token_dir: Path) -> None:
    tokens.ensure_token_files(token_dir)
    assert tokens.count_tokens("hello world", "cl100k_base") == 2
    assert tokens.count_tokens("", "o200k_base") == 0

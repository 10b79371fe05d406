"""A stand-in Slack on 127.0.0.1 for tests: the Web API (recording every call), response URLs
for slash commands, and a Socket Mode WebSocket server; plus signing like Slack's.

    from tests.slack_server import SlackStandIn, signed_headers

The Web API answers ``auth.test``, ``chat.postMessage`` and ``apps.connections.open``;
``fail_next(method, status, headers)`` makes the next call to ``method`` fail (e.g. 429 with
``Retry-After``). Every call is kept in ``calls`` with its time, so tests can wait for them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

from slack_sdk.signature import SignatureVerifier

BOT_USER = "UPOLKUBOT"
BOT_ID = "BPOLKU"
TEAM = "T0TEAM"


@dataclass
class Call:
    """One request the stand-in received."""

    method: str  # the Web API method, or "response_url"
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


def signed_headers(
    secret: str, body: str, timestamp: int | None = None, content_type: str = "application/json"
) -> dict[str, str]:
    """Headers as Slack signs them (``v0=`` HMAC-SHA256 of ``v0:timestamp:body``)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def event_body(event: dict[str, Any], event_id: str) -> str:
    """An ``event_callback`` envelope as Slack posts it to the events URL."""
    return json.dumps(
        {
            "token": "legacy-unused",
            "team_id": TEAM,
            "api_app_id": "A0POLKU",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            "event": event,
        }
    )


def command_body(text: str, response_url: str, command: str = "/polku") -> str:
    """A slash command as Slack posts it (form-encoded)."""
    return urlencode(
        {
            "token": "legacy-unused",
            "team_id": TEAM,
            "channel_id": "C0CHANNEL",
            "user_id": "U0PERSON",
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "api_app_id": "A0POLKU",
        }
    )


class SlackStandIn:
    """The Web API and response URLs on one loopback HTTP server."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.socket_url = ""
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> SlackStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.failures.setdefault(method, []).append((status, headers or {}))

    def posts(self, method: str = "chat.postMessage") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, match: Callable[[Call], bool], count: int = 1, timeout: float = 30
    ) -> list[Call]:
        """The calls that ``match``, once there are ``count`` of them (or fail on timeout)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if match(c)]
                if len(found) >= count or time.monotonic() > deadline:
                    break
                self._changed.wait(timeout=0.2)
        if len(found) < count:
            seen = [(c.method, c.body) for c in self.calls]
            raise AssertionError(f"expected {count} matching call(s) in {timeout} s; saw {seen}")
        return found

    def _record(self, call: Call) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
            queued = self.failures.get(call.method)
            if queued:
                status, headers = queued.pop(0)
                return status, headers, {"ok": False, "error": "ratelimited"}
        return 200, {}, self._answer(call)

    def _answer(self, call: Call) -> dict[str, Any]:
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": "https://polku-test.slack.com/",
                "team": "Polku test",
                "user": "polku",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if call.method == "chat.postMessage":
            return {"ok": True, "channel": call.body.get("channel"), "ts": f"{time.time():.6f}"}
        if call.method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if call.method == "response_url":
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                if self.path.startswith("/response/"):
                    method = "response_url"
                    body["_name"] = self.path.rsplit("/", 1)[1]
                else:
                    method = self.path.removeprefix("/api/")
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, answer = stand_in._record(Call(method, body, headers))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@contextmanager
def running_stand_in() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    try:
        yield stand_in
    finally:
        stand_in.stop()

"""Two ASGI guards in front of every route: a busy limit for the REST API, and a refusal of
state-changing requests that a foreign web page makes with the person's cookies.

- ``BusyLimit``: at most ``max_active`` API requests run at once; up to ``max_waiting`` more
  wait (at most ``wait_s``) for a slot; anything beyond gets ``503`` with a message and a
  ``Retry-After`` header at once, instead of piling up until every client times out. The API
  has two: one for the work that costs CPU (answers, drafts, critiques, uploads) and one for
  reading and saving maps, so a save never waits behind a queue of questions.
- ``SameOriginWrites``: a POST/PUT/PATCH/DELETE whose ``Origin`` is not the server's own (nor
  one listed in ``POLKU_ALLOWED_ORIGINS``) gets ``403``: a page on another site can neither
  drive Polku with a logged-in person's cookies (cross-site request forgery) nor, without
  cookies, upload files to a Polku running on the person's own machine. Requests without an
  ``Origin`` header (REST clients, curl, Slack) are not affected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"error": message}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BusyLimit:
    """Bounded concurrency with a bounded, time-limited wait for paths under ``prefix`` (one
    or several), except those under ``exclude``."""

    def __init__(
        self,
        app: ASGIApp,
        max_active: int,
        max_waiting: int,
        wait_s: float,
        prefix: str | tuple[str, ...] = "/api/",
        exclude: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_active = max_active
        self.max_waiting = max_waiting
        self.wait_s = wait_s
        self.prefix = prefix
        self.exclude = exclude
        self.active = 0
        self.waiting = 0
        self.refused = 0
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(self.prefix)
            or (self.exclude and path.startswith(self.exclude))
        ):
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # created on the server's event loop
            self._slots = asyncio.Semaphore(self.max_active)
        if self._slots.locked() and self.waiting >= self.max_waiting:
            await self._busy(send)
            return
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.wait_s)
        except TimeoutError:
            await self._busy(send)
            return
        finally:
            self.waiting -= 1
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self._slots.release()

    async def _busy(self, send: Send) -> None:
        self.refused += 1
        await _refuse(
            send,
            503,
            "Polku is busy with other requests right now; try again in a few seconds.",
            {"Retry-After": "2"},
        )


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


class SameOriginWrites:
    """Refuses cross-site writes (see the module docstring)."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = {_origin_of(o) for o in allowed_origins if _origin_of(o)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _WRITES and self._foreign(scope):
            await _refuse(
                send,
                403,
                "refused: this request came from another site's page (its Origin is not "
                "this server). Use Polku from its own address, or list the site in "
                "POLKU_ALLOWED_ORIGINS.",
                {},
            )
            return
        await self.app(scope, receive, send)

    def _foreign(self, scope: Scope) -> bool:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if "origin" not in headers:  # not sent by a browser page (or a same-origin GET)
            return False
        origin = headers["origin"].strip().lower()
        if origin in self.allowed:
            return False
        host = headers.get("host", "").lower()
        return origin not in {f"http://{host}", f"https://{host}"}

"""Who is asking, for the page and the API.

- A built-in user: HTTP Basic or an API token (``Authorization: Bearer``) on the API; the
  sign-in cookie on the page (``/signin``). Wrong passwords are throttled per user name.
- A user a trusted reverse proxy names in ``POLKU_TRUSTED_USER_HEADER``: believed only when
  the request comes from an address in ``POLKU_TRUSTED_PROXIES``.
- Nobody, while no user exists and no proxy header is configured: each browser has its own
  maps (the default for one person on their own machine).

``SignInRequired`` sends a person who is not signed in to ``/signin`` (the page) or answers
401 (Gradio's own routes), whenever users or a proxy are in use.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.app.access import Access, Forbidden, Gate
from assistant.app.store.accounts import Throttled
from assistant.settings import Settings

logger = logging.getLogger("polku.auth")

COOKIE = "polku_sign_in"
SHARE_COOKIE = "polku_share"  # an editable link opened on the page (its one map)
OPEN_PATHS = ("/signin", "/signout", "/shared/", "/api/", "/slack/", "/favicon.ico")


class NotSignedIn(Exception):
    """No (valid) credentials where they are needed; the message says how to send them."""

    def __init__(self, message: str, wait_s: float | None = None) -> None:
        super().__init__(message)
        self.wait_s = wait_s


def cookie_value(headers: Any, cookie: str = COOKIE) -> str:
    """One cookie (the sign-in, unless told) from a Cookie header."""
    for part in str(headers.get("cookie", "")).split(";"):
        name, _, value = part.strip().partition("=")
        if name == cookie:
            return value
    return ""


def editor_link(gate: Gate, headers: Any) -> Access | None:
    """The map an editable share link opened on this page, while the link still works."""
    token = cookie_value(headers, SHARE_COOKIE)
    if not token:
        return None
    try:
        access = gate.link(token)
    except Forbidden:
        return None
    return access if access.role == "editor" else None


def trusted_proxy(settings: Settings, client_host: str | None) -> bool:
    """Whether the peer is one of POLKU_TRUSTED_PROXIES (addresses or networks, e.g.
    10.0.0.0/8)."""
    if not client_host:
        return False
    try:
        address = ipaddress.ip_address(client_host)
    except ValueError:
        return False
    for entry in settings.trusted_proxy_list:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            logger.warning("POLKU_TRUSTED_PROXIES: %r is not an address or network", entry)
    return False


def proxy_user(settings: Settings, headers: Any, client_host: str | None) -> str | None:
    """The user the trusted proxy names; None when no proxy is configured, the header is
    missing, or the request did not come from a trusted proxy."""
    header = settings.trusted_user_header
    if not header:
        return None
    named = str(headers.get(header.lower(), headers.get(header, ""))).strip()
    if not named:
        return None
    if not trusted_proxy(settings, client_host):
        logger.warning("ignored %s from %s: not a trusted proxy", header, client_host)
        return None
    return named


def signed_in_user(gate: Gate, settings: Settings, headers: Any, client: str | None) -> str | None:
    """The user of a page request: named by the trusted proxy, or by the sign-in cookie."""
    if settings.trusted_user_header:
        named = proxy_user(settings, headers, client)
        if named:
            gate.proxy_user(named, settings.proxy_user_role)
        return named
    token = cookie_value(headers)
    return gate.accounts.signed_in(token) if token else None


def page_access(
    gate: Gate, settings: Settings, owner: str, headers: Any, client: str | None
) -> Access:
    """What a page request may do: the browser's own maps while nobody signs in, else the
    signed-in user's workspace (Forbidden when they are signed out or in no workspace)."""
    if gate.mode() == "anonymous":
        return gate.browser(owner)
    user = signed_in_user(gate, settings, headers, client)
    if user is None:
        raise Forbidden("you are signed out: reload the page to sign in again")
    return gate.user(user)


def api_user(gate: Gate, settings: Settings, conn: HTTPConnection) -> str:
    """The user of an API request, or NotSignedIn saying what to send."""
    client = conn.client.host if conn.client else None
    named = proxy_user(settings, conn.headers, client)
    if named:
        gate.proxy_user(named, settings.proxy_user_role)
        return named
    given = conn.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        user = gate.accounts.user_for_token(value.strip())
        if user:
            return user
        raise NotSignedIn("that API token is not valid: make one with `polku users token NAME`")
    if scheme.lower() == "basic":
        try:
            name, _, password = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise NotSignedIn("the Basic credentials are not base64 of 'user:password'") from None
        try:
            if gate.accounts.check_password(name, password):
                return name
        except Throttled as error:
            raise NotSignedIn(str(error), wait_s=error.wait_s) from None
        raise NotSignedIn("wrong user name or password")
    user = gate.accounts.signed_in(cookie_value(conn.headers))
    if user:
        return user
    if not gate.accounts.has_users() and not settings.trusted_user_header:
        raise NotSignedIn(
            "saved maps over the API belong to users: add one with "
            "`polku users add NAME --password-stdin`, then send HTTP Basic or a token"
        )
    raise NotSignedIn("sign in: send HTTP Basic credentials or 'Authorization: Bearer TOKEN'")


class SignInRequired:
    """In front of the page: while users or a proxy are in use, a request without a valid
    sign-in is sent to /signin (a page load) or refused with 401 (Gradio's routes)."""

    def __init__(self, app: ASGIApp, gate: Gate, settings: Settings) -> None:
        self.app = app
        self.gate = gate
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] not in ("http", "websocket") or path.startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        client = conn.client.host if conn.client else None
        mode = self.gate.mode()
        if (
            mode == "anonymous"
            or signed_in_user(self.gate, self.settings, conn.headers, client)
            or editor_link(self.gate, conn.headers)
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401})
            return
        if mode == "proxy":
            await _send(send, 401, "text/plain", b"Sign in through the single sign-on proxy.")
            return
        if scope.get("method") == "GET" and path in ("/", ""):
            target = "/signin?next=" + quote(path or "/")
            await _send(send, 303, "text/plain", b"", {"location": target})
            return
        body = json.dumps({"error": "sign in first: open /signin"}).encode()
        await _send(send, 401, "application/json", body)


async def _send(
    send: Send, status: int, media: str, body: bytes, headers: dict[str, str] | None = None
) -> None:
    raw = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def public_base(conn: HTTPConnection, settings: Settings) -> str:
    """The address people reach Polku at: what a trusted proxy says (X-Forwarded-Proto and
    -Host, or Host), else the request's own."""
    base = str(conn.base_url).rstrip("/")
    client = conn.client.host if conn.client else None
    if trusted_proxy(settings, client):
        proto = conn.headers.get("x-forwarded-proto", "").split(",")[0].strip()
        host = conn.headers.get("x-forwarded-host") or conn.headers.get("host")
        if proto in ("http", "https") and host:
            base = f"{proto}://{host.split(',')[0].strip()}"
    return base


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this server only (never another site)."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"
    return target

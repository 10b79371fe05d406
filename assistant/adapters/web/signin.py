"""The pages around the app: sign in (``/signin``), sign out (``/signout``), and a map opened
by a share link (``/shared/{token}``: the map, its critique and its versions, read-only).

They are plain HTML in the person's language (the browser's, or ``?lang=``), with no script;
the sign-in cookie is HttpOnly and SameSite=Lax, and Secure when the request came over HTTPS.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.adapters.web.auth import COOKIE, SHARE_COOKIE, cookie_value, safe_next
from assistant.app.access import Forbidden
from assistant.app.services import Services
from assistant.app.store import MapStore, StoreError
from assistant.app.store.accounts import Throttled
from assistant.domain import Lang
from assistant.language.i18n import t

logger = logging.getLogger("polku.signin")
LANGS: tuple[Lang, ...] = ("en", "fi", "et")
_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;background:#f5f6f8;margin:0;color:#1d2430}
main{max-width:380px;margin:12vh auto;background:#fff;padding:32px;border-radius:12px;
box-shadow:0 2px 12px #0001}
h1{font-size:22px;margin:0 0 20px}label{display:block;margin:14px 0 4px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:10px;font-size:16px;border:1px solid #c5cad3;
border-radius:8px}button{margin-top:22px;width:100%;padding:11px;font-size:16px;border:0;
border-radius:8px;background:#2f5bd3;color:#fff;cursor:pointer}
p.error{color:#a4161a;background:#fdecec;padding:10px;border-radius:8px}
nav a{margin-right:10px;color:#2f5bd3}
"""


def request_lang(request: Request) -> Lang:
    """The language asked for with ?lang=, else the browser's first one we speak."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "en"


def _secure(request: Request, setting: bool | None) -> bool:
    if setting is not None:
        return setting
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def _login_page(lang: Lang, target: str, problem: str = "", status: int = 200) -> HTMLResponse:
    links = " ".join(
        f'<a href="/signin?lang={code}&amp;next={escape(target, quote=True)}">{code.upper()}</a>'
        for code in LANGS
    )
    error = f'<p class="error" role="alert">{escape(problem)}</p>' if problem else ""
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("signin_title", lang))}</title><style>{_STYLE}</style></head>
<body><main><nav>{links}</nav><h1>{escape(t("signin_title", lang))}</h1>{error}
<form method="post" action="/signin?lang={lang}">
<input type="hidden" name="next" value="{escape(target, quote=True)}">
<label for="name">{escape(t("signin_name", lang))}</label>
<input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">{escape(t("signin_password", lang))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{escape(t("signin_button", lang))}</button>
</form></main></body></html>"""
    return HTMLResponse(page, status_code=status)


def signin_routes(services: Services) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    gate = services.gate
    settings = services.settings

    @router.get("/signin")
    def login_form(request: Request) -> Response:
        return _login_page(request_lang(request), safe_next(request.query_params.get("next", "/")))

    @router.post("/signin")
    def login(
        request: Request,
        name: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        lang, target = request_lang(request), safe_next(next)
        try:
            ok = gate.accounts.check_password(name.strip(), password)
        except Throttled as error:
            seconds = max(1, round(error.wait_s))
            return _login_page(lang, target, t("signin_throttled", lang, seconds=seconds), 429)
        if not ok:
            logger.warning("wrong password for %r from %s", name, request.client)
            return _login_page(lang, target, t("signin_wrong", lang), 401)
        token = gate.accounts.sign_in(name.strip(), settings.sign_in_days)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(settings.sign_in_days * 86400),
            httponly=True,
            samesite="lax",
            secure=_secure(request, settings.secure_cookies),
            path="/",
        )
        return response

    @router.api_route("/signout", methods=["GET", "POST"])
    def logout(request: Request) -> Response:
        token = cookie_value(request.headers)
        if token:
            gate.accounts.sign_out(token)
        response = RedirectResponse("/signin?lang=" + request_lang(request), status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.get("/shared/leave")
    def leave_shared(request: Request) -> Response:
        """Stop editing a shared map on this page."""
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SHARE_COOKIE, path="/")
        return response

    @router.get("/shared/{token}")
    def shared(token: str, request: Request) -> Response:
        return shared_page(services, token, request)

    @router.get("/shared/{token}/edit")
    def edit_shared(token: str, request: Request) -> Response:
        """Open an editable link's map on the page (a cookie holds the link, HttpOnly)."""
        try:
            access = gate.link(token)
        except Forbidden:
            return shared_page(services, token, request)  # says the link is gone
        if access.role != "editor":
            return RedirectResponse(f"/shared/{token}", status_code=303)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SHARE_COOKIE,
            token,
            max_age=14 * 86400,
            httponly=True,
            samesite="lax",
            secure=_secure(request, settings.secure_cookies),
            path="/",
        )
        return response

    return router


_SHARED_STYLE = (
    "section{margin:28px 0}table.polku-findings{border-collapse:collapse;width:100%}"
    "table.polku-findings td,table.polku-findings th{border:1px solid #d5d9e0;padding:6px 8px;"
    "text-align:left;vertical-align:top}ol.versions a{color:#2f5bd3}"
    "p.open-edit a{display:inline-block;padding:8px 14px;border-radius:8px;background:#2f5bd3;"
    "color:#fff;text-decoration:none}"
)


def _plain_page(lang: Lang, title: str, text: str, status: int) -> HTMLResponse:
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>"
    )
    return HTMLResponse(page, status_code=status)


def shared_page(services: Services, token: str, request: Request) -> HTMLResponse:
    """The map a link opens, with its critique and its versions; a gone link says so."""
    from assistant.adapters.web.ui.views import findings_html
    from assistant.formats.render.html import render_html

    lang = request_lang(request)
    try:
        access = services.gate.link(token)
    except Forbidden:
        return _plain_page(lang, t("shared_title", lang), t("shared_gone", lang), 404)
    store = MapStore(services.database)
    map_id = access.only_map or ""
    wanted = request.query_params.get("version", "")
    version = int(wanted) if wanted.isdigit() else None
    try:
        saved = store.load_saved(access.owner, map_id, version)
    except StoreError as error:
        return _plain_page(lang, t("shared_title", lang), str(error), 404)
    lang = saved.journey.language
    report = store.load_report(access.owner, map_id) if version is None else None
    if report is None:
        report = services.critique(saved.journey).value
    items = []
    for v in reversed(store.versions(access.owner, map_id)):
        when = v.saved_at[:16].replace("T", " ")
        label = t(
            "version_by",
            lang,
            version=v.version,
            saved_at=when,
            author=v.author or t("someone", lang),
        )
        items.append(f'<li><a href="?version={v.version}">{escape(label)}</a></li>')
    critique = findings_html(report, lang)
    edit = (
        f'<p class="open-edit"><a href="/shared/{escape(token, quote=True)}/edit">'
        f"{escape(t('link_open_edit', lang))}</a></p>"
        if access.role == "editor"
        else ""
    )
    extra = (
        f"<style>{_SHARED_STYLE}</style>"
        f"<section><h2>{escape(t('shared_critique', lang))}</h2>{critique}</section>"
        f"<section><h2>{escape(t('shared_versions', lang))}</h2>"
        f'<ol class="versions" reversed>{"".join(items)}</ol></section>'
    )
    page = render_html(saved.journey).replace("\n</body>", "\n" + extra + "\n</body>", 1)
    page = page.replace("<body>\n", "<body>\n" + edit, 1)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(page, headers=headers)

"""One server: the REST API under /api, OpenAPI docs at /docs, the web UI at /.

Safe defaults: bound to 127.0.0.1 by the caller, no share link, analytics off, no extra
allowed paths, an upload size limit, optional login from ``POLKU_AUTH`` ("user:password").
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from assistant.adapters.web.guards import SameOriginWrites
from assistant.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    import gradio as gr

    from assistant.adapters.web.api import create_api
    from assistant.adapters.web.auth import SignInRequired
    from assistant.adapters.web.signin import signin_routes
    from assistant.adapters.web.ui.app import CSS, build_ui, exports_root
    from assistant.app.services import Services
    from assistant.app.store import MapStore

    settings = settings or Settings()
    services = Services(settings)
    services.index  # build or open the index before the first request  # noqa: B018
    _warm_up(services)
    store = MapStore(services.database)
    app = create_api(services)
    app.add_middleware(SameOriginWrites, allowed_origins=settings.allowed_origin_list)
    # Present, this switches off Gradio's own CORS handling, which on a server reached by a
    # name other than localhost lets any site read the page's routes with the person's cookie.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origin_list,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.include_router(signin_routes(services))
    app.add_middleware(SignInRequired, gate=services.gate, settings=settings)
    auth = settings.auth_pair()
    if auth:
        _require_basic_auth(app, auth)
    if settings.slack_http_configured:  # Slack signs its requests; no login on this route
        from assistant.adapters.slack.app import build_slack_app
        from assistant.adapters.slack.http_mode import mount_slack

        secret = settings.slack_signing_secret.get_secret_value()  # type: ignore[union-attr]
        mount_slack(app, build_slack_app(services), secret)
    demo = build_ui(services, store)
    gr.mount_gradio_app(  # mounts onto app in place
        app,
        demo,
        path="/",
        auth=[auth] if auth else None,
        max_file_size=f"{settings.max_upload_mb}mb",
        allowed_paths=[str(exports_root(settings))],
        show_error=False,
        ssr_mode=False,
        footer_links=[],
        css=CSS,
    )
    # Unlike launch(), mounting leaves this False, and with it Gradio skips its own check that
    # a file sent to an event was uploaded (not a server path the client named).
    demo.has_launched = True
    return app


def _require_basic_auth(app: FastAPI, auth: tuple[str, str]) -> None:
    """With POLKU_AUTH set, the API and its docs need the same login as the page."""
    import base64
    import secrets

    from fastapi import Request
    from fastapi.responses import JSONResponse

    expected = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()

    @app.middleware("http")
    async def basic_auth(request: Request, call_next: Any) -> Any:
        path = request.url.path
        guarded = path.startswith(("/api/", "/docs", "/openapi.json", "/redoc"))
        given = request.headers.get("authorization", "")
        if guarded and not secrets.compare_digest(given.encode(), expected.encode()):
            return JSONResponse(
                {"error": "login required: send HTTP Basic credentials (POLKU_AUTH)"},
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="polku"'},
            )
        return await call_next(request)


def _warm_up(services: Any) -> None:
    """Load what the first chat turn would otherwise load (catalogs, the drafting library,
    the shipped vectors, language profiles, guideline citations), so the first person is not
    the slow one."""
    from assistant.capabilities.critique.critic import critique_map
    from assistant.capabilities.drafting.draft import draft_map
    from assistant.domain import InterviewAnswers
    from assistant.language.detect import detect_language

    detect_language("warm up the language profiles")
    answers = InterviewAnswers(business="A shop", pain_points=["long queue"], channels=["web"])
    meaning = services.meaning  # offline parts only: no model call at start-up
    critique_map(draft_map(answers, meaning=meaning), meaning=meaning)
    services.retriever.search("What is a journey map?", lang="en", k=3)

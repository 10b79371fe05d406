"""One server: the REST API under /api, OpenAPI docs at /docs, the web UI at /.

Safe defaults: bound to 127.0.0.1 by the caller, no share link, analytics off, no extra
allowed paths, an upload size limit, optional login from ``POLKU_AUTH`` ("user:password").
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from fastapi import FastAPI

from assistant.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    import gradio as gr

    from assistant.api import create_api
    from assistant.services import Services
    from assistant.store import MapStore
    from assistant.ui.app import CSS, build_ui, exports_root

    settings = settings or Settings()
    services = Services(settings)
    services.index  # build or open the index before the first request  # noqa: B018
    store = MapStore.for_settings(settings)
    app = create_api(services)
    auth = settings.auth_pair()
    return gr.mount_gradio_app(  # type: ignore[no-any-return]
        app,
        build_ui(services, store),
        path="/",
        auth=[auth] if auth else None,
        max_file_size=f"{settings.max_upload_mb}mb",
        allowed_paths=[str(exports_root(settings))],
        show_error=False,
        ssr_mode=False,
        footer_links=[],
        css=CSS,
    )

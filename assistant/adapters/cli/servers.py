"""``polku serve`` (the web page and REST API) and ``polku slack`` (Socket Mode)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.adapters.cli.common import errors, fail, open_services


def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless proxied.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 7860,
) -> None:
    """Start the web UI (and the REST API under /api) on the offline default."""
    import uvicorn

    from assistant.adapters.web.server import create_app

    errors.print(f"Polku on http://{host}:{port}  (API docs: /docs)", highlight=False)
    # The peer's own address, not X-Forwarded-For: the trusted-proxy check must see the
    # proxy (forwarded headers are read, from trusted proxies only, where they matter).
    from assistant.app.store import DatabaseError

    try:
        app = create_app()
    except DatabaseError as error:
        fail(str(error))
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def slack() -> None:
    """Answer in Slack over Socket Mode (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN)."""
    from assistant.adapters.slack.socket_mode import SlackConfigError, socket_mode_handler

    services = open_services()
    services.index  # noqa: B018 - open or build the index before the first question
    try:
        handler = socket_mode_handler(services)
    except SlackConfigError as exc:
        fail(str(exc))
        return
    errors.print("Polku is connected to Slack over Socket Mode; Ctrl+C stops it.", highlight=False)
    handler.start()  # type: ignore[no-untyped-call]


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(slack)

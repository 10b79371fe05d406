"""Socket Mode: Polku connects out to Slack over a WebSocket, so no public URL is needed."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from assistant.adapters.slack.app import build_slack_app
from assistant.app.services import Services


class SlackConfigError(ValueError):
    """A Slack token is missing; the message says which and where to find it."""


def socket_mode_handler(services: Services) -> SocketModeHandler:
    """A handler ready to ``start()`` (blocking) or ``connect()`` (in the background)."""
    settings = services.settings
    if not settings.slack_app_token or not settings.slack_app_token.get_secret_value():
        raise SlackConfigError(
            "SLACK_APP_TOKEN is not set: create an app-level token with the "
            "connections:write scope (Basic Information > App-Level Tokens) and export it."
        )
    if not settings.slack_bot_token or not settings.slack_bot_token.get_secret_value():
        raise SlackConfigError(
            "SLACK_BOT_TOKEN is not set: install the app to your workspace and export its "
            "Bot User OAuth Token (OAuth & Permissions)."
        )
    app = build_slack_app(services, socket_mode=True)
    return SocketModeHandler(app, settings.slack_app_token.get_secret_value())

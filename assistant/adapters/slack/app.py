"""The Bolt app: listeners for mentions, direct messages and /polku, acknowledged at once
and answered after (lazy listeners), with retries deduplicated by event id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.adapters.slack.client import web_client
from assistant.adapters.slack.dedupe import SeenEvents
from assistant.adapters.slack.format import SlackMessage, notice_message
from assistant.adapters.slack.replies import Replies
from assistant.adapters.slack.threads import ThreadMaps
from assistant.app.services import Services
from assistant.language.i18n import t

logger = logging.getLogger(__name__)
# Bolt logs a refused request's body at INFO; people's messages stay out of the log.
logging.getLogger("slack_bolt").setLevel(logging.WARNING)


def thread_of(event: dict[str, Any]) -> str:
    """The thread to answer in: the asking message's own thread, or the message itself."""
    return str(event.get("thread_ts") or event["ts"])


def is_direct_question(event: dict[str, Any]) -> bool:
    """A person's new message in a DM with the bot (not an edit, a join or a bot's post)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("ts"))
    )


def build_slack_app(
    services: Services, client: WebClient | None = None, socket_mode: bool = False
) -> App:
    """The Bolt app over ``services``; HTTP mode verifies every request's signature."""
    settings = services.settings
    secret = settings.slack_signing_secret
    seen = SeenEvents(services.database)
    replies = Replies(services, ThreadMaps(services.database))
    app = App(
        client=client or web_client(settings),
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=False,  # no Web API call at start-up; made on first event
        request_verification_enabled=not socket_mode,
        logger=logger,
    )

    @app.middleware
    def drop_retries(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        """An event already taken (Slack's retry, or a resend after a restart) is only
        acknowledged: it never gets a second answer."""
        event_id = request.body.get("event_id") if isinstance(request.body, dict) else None
        if event_id and not seen.first_time(str(event_id)):
            retry = request.headers.get("x-slack-retry-num", ["0"])[0]
            logger.info("event %s already taken; retry %s acknowledged only", event_id, retry)
            return BoltResponse(status=200, body="")
        return next()

    def post(client: WebClient, event: dict[str, Any], message: SlackMessage) -> None:
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=thread_of(event),
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )

    def answer_in_thread(event: dict[str, Any], client: WebClient) -> None:
        try:
            where = (str(event["channel"]), thread_of(event))
            message = replies.for_message(event.get("text", ""), where)
        except Exception:  # the person still hears back, the details go to the log
            logger.exception("answering a Slack message failed")
            message = notice_message(t("slack_failed", replies.language(event.get("text", ""))))
        try:
            post(client, event, message)
        except SlackApiError as exc:
            logger.error("chat.postMessage failed: %s", exc.response.get("error", "unknown"))

    def just_ack(ack: Ack) -> None:
        ack()

    def direct_message(event: dict[str, Any], client: WebClient) -> None:
        if is_direct_question(event):
            answer_in_thread(event, client)

    app.event("app_mention")(ack=just_ack, lazy=[answer_in_thread])
    app.event("message")(ack=just_ack, lazy=[direct_message])

    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        """Quick commands (help, mistakes) are answered in the ack; the rest says 'on it'."""
        text = command.get("text", "")
        if Replies.needs_work(text):
            ack(response_type="ephemeral", text=t("slack_working", replies.language(text)))
        else:
            message = replies.for_command(text)
            ack(response_type="ephemeral", text=message.text, blocks=message.blocks)

    def run_command(command: dict[str, Any], respond: Respond) -> None:
        text = command.get("text", "")
        if not Replies.needs_work(text):
            return
        try:
            message = replies.for_command(text)
            kind = "in_channel"
        except Exception:
            logger.exception("answering /polku failed")
            message, kind = notice_message(t("slack_failed", replies.language(text))), "ephemeral"
        respond(text=message.text, blocks=message.blocks, response_type=kind)

    app.command("/polku")(ack=ack_command, lazy=[run_command])

    @app.error
    def on_error(error: Exception) -> None:
        logger.error("Slack listener failed: %s", type(error).__name__)

    return app

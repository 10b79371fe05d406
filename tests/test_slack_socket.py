"""Socket Mode over a real WebSocket: bolt's own SocketModeHandler connects to a stand-in
Slack (apps.connections.open on the loopback Web API, then a WebSocket server on 127.0.0.1),
receives envelopes, acknowledges them and posts answers through the Web API."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.server import ServerConnection, serve

from assistant.adapters.slack.socket_mode import SlackConfigError, socket_mode_handler
from assistant.app.services import Services
from assistant.settings import Settings
from tests.slack_server import BOT_USER, SlackStandIn, event_body

APP_TOKEN = "xapp-1-A0POLKU-1234567890-abcdefabcdefabcdefabcdefabcdefabcdef"


class SocketStandIn:
    """Slack's side of the Socket Mode WebSocket: says hello, sends what tests queue, and
    collects the acknowledgements the client sends back."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=t1"

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        sender = threading.Thread(target=self._send_all, args=(connection,), daemon=True)
        sender.start()
        try:
            for message in connection:
                self.acks.put(json.loads(message))
        except Exception:  # the client closed the connection
            pass

    def _send_all(self, connection: ServerConnection) -> None:
        while True:
            envelope = self.outbox.get()
            try:
                connection.send(json.dumps(envelope))
            except Exception:
                return

    def ack_for(self, envelope_id: str, timeout: float = 15) -> dict[str, Any]:
        while True:
            ack = self.acks.get(timeout=timeout)
            if ack.get("envelope_id") == envelope_id:
                return ack

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture
def socket_slack(fresh_settings: Settings) -> Iterator[tuple[SlackStandIn, SocketStandIn, Any]]:
    web, socket = SlackStandIn().start(), SocketStandIn()
    web.socket_url = socket.url
    settings = Settings.model_validate(
        fresh_settings.model_dump()
        | {
            "slack_app_token": APP_TOKEN,
            "slack_bot_token": "xoxb-socket-test",
            "slack_api_url": web.api_url,
        }
    )
    services = Services(settings)
    handler = socket_mode_handler(services)
    handler.connect()
    assert socket.connected.wait(15)
    yield web, socket, handler
    handler.close()
    socket.stop()
    web.stop()


def _event_envelope(
    envelope_id: str, event_id: str, text: str, ts: str, retry: int = 0
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": "U0PERSON",
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": "C0SOCKET",
    }
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
        "payload": json.loads(event_body(event, event_id)),
    }


def test_socket_mode_answers_a_mention_in_its_thread_once(socket_slack: Any) -> None:
    web, socket, _handler = socket_slack
    [opened] = web.posts("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
    socket.outbox.put(
        _event_envelope("env-1", "EvS1", "What is a customer journey map?", "1700000100.000100")
    )
    assert socket.ack_for("env-1")["envelope_id"] == "env-1"
    [post] = web.wait_for(lambda c: c.method == "chat.postMessage")
    assert post.body["thread_ts"] == "1700000100.000100"
    assert post.body["channel"] == "C0SOCKET"
    assert "[1]" in json.dumps(post.body["blocks"])
    # Slack's retry of the same event over the socket is acknowledged and not answered again.
    socket.outbox.put(
        _event_envelope(
            "env-2", "EvS1", "What is a customer journey map?", "1700000100.000100", retry=1
        )
    )
    socket.ack_for("env-2")
    socket.outbox.put(_event_envelope("env-3", "EvS2", "What is a persona?", "1700000100.000200"))
    socket.ack_for("env-3")
    web.wait_for(lambda c: c.method == "chat.postMessage", count=2)
    threads = [c.body["thread_ts"] for c in web.posts()]
    assert threads.count("1700000100.000100") == 1


def test_socket_mode_slash_command_help_comes_back_in_the_ack(socket_slack: Any) -> None:
    _web, socket, _handler = socket_slack
    socket.outbox.put(
        {
            "envelope_id": "env-cmd",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/polku",
                "text": "help",
                "channel_id": "C0SOCKET",
                "user_id": "U0PERSON",
                "response_url": "http://127.0.0.1:9/unused",
                "team_id": "T0TEAM",
            },
        }
    )
    ack = socket.ack_for("env-cmd")
    assert "/polku ask" in ack["payload"]["text"]


def test_socket_mode_without_tokens_says_which_is_missing(fresh_settings: Settings) -> None:
    with pytest.raises(SlackConfigError, match="SLACK_APP_TOKEN"):
        socket_mode_handler(Services(fresh_settings))
    with_app = Settings.model_validate(fresh_settings.model_dump() | {"slack_app_token": APP_TOKEN})
    with pytest.raises(SlackConfigError, match="SLACK_BOT_TOKEN"):
        socket_mode_handler(Services(with_app))


def test_polku_slack_without_tokens_says_what_to_set(
    fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from assistant.adapters.cli.main import app

    monkeypatch.setenv("POLKU_DATA_DIR", str(fresh_settings.data_dir))
    for name in ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["slack"])
    assert result.exit_code == 2
    assert "SLACK_APP_TOKEN is not set" in result.output
    assert "Traceback" not in result.output

"""Slack over real HTTP: signed requests to /slack/events on the running server, answers
posted to a stand-in Slack Web API on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.slack_server import (
    BOT_ID,
    BOT_USER,
    Call,
    SlackStandIn,
    command_body,
    event_body,
    signed_headers,
)
from tests.ui_server import RunningServer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"


@pytest.fixture(scope="module")
def slack_api() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path, slack_api: SlackStandIn
) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("slack") / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    settings = Settings(
        data_dir=data,
        slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=slack_api.api_url,
    )
    running = RunningServer(settings).start()
    yield running
    running.stop()


def _post(server: RunningServer, body: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{server.url}/slack/events", content=body, headers=headers, timeout=10)


def _mention(text: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": "U0PERSON",
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": "C0CHANNEL",
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def _send_event(
    server: RunningServer, event: dict[str, Any], event_id: str, retry: int | None = None
) -> httpx.Response:
    body = event_body(event, event_id)
    headers = signed_headers(SECRET, body)
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return _post(server, body, headers)


def _in_thread(thread_ts: str) -> Any:
    return lambda call: call.method == "chat.postMessage" and call.body["thread_ts"] == thread_ts


def _text_of(call: Call) -> str:
    return call.body["text"] + json.dumps(call.body.get("blocks", []), ensure_ascii=False)


def test_url_verification_answers_the_challenge(server: RunningServer) -> None:
    body = json.dumps(
        {
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "token": "x",
        }
    )
    answer = _post(server, body, signed_headers(SECRET, body))
    assert answer.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer.text


def test_a_mention_is_acknowledged_then_answered_in_its_thread(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    answer = _send_event(
        server, _mention("How many stages should a journey map have?", "1700000000.000100"), "Ev001"
    )
    assert answer.status_code == 200
    [post] = slack_api.wait_for(_in_thread("1700000000.000100"))
    assert post.body["channel"] == "C0CHANNEL"
    assert post.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    text = _text_of(post)
    assert "Sources" in text and "[1]" in text
    assert "stage" in post.body["text"].lower()
    assert post.body["blocks"][0]["text"]["type"] == "mrkdwn"


def test_the_ack_does_not_wait_for_the_answer(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    """The first postMessage is refused with a 429 asking for a 2 s wait: the event's HTTP
    response must already be back long before the answer can be posted."""
    slack_api.fail_next("chat.postMessage", 429, {"Retry-After": "2"})
    started = time.monotonic()
    answer = _send_event(server, _mention("What is a persona?", "1700000000.000200"), "Ev002")
    acked = time.monotonic()
    assert answer.status_code == 200
    posts = slack_api.wait_for(
        lambda c: c.method == "chat.postMessage" and c.body["thread_ts"] == "1700000000.000200",
        count=2,
    )
    assert acked < posts[1].at  # answered after the ack
    assert posts[1].at - posts[0].at >= 2.0  # Retry-After honoured
    assert acked - started < posts[1].at - started


def test_a_reply_inside_a_thread_stays_in_that_thread(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    event = _mention("What is a touchpoint?", "1700000000.000301", thread_ts="1700000000.000300")
    assert _send_event(server, event, "Ev003").status_code == 200
    [post] = slack_api.wait_for(_in_thread("1700000000.000300"))
    assert "touchpoint" in _text_of(post).lower()


def test_a_finnish_question_gets_a_finnish_answer(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    event = _mention("Mitä kosketuspisteet ovat asiakaspolulla?", "1700000000.000400")
    assert _send_event(server, event, "Ev004").status_code == 200
    [post] = slack_api.wait_for(_in_thread("1700000000.000400"))
    assert "Lähteet" in _text_of(post)
    assert "fi/" in _text_of(post)


def test_slack_retries_never_produce_a_second_answer(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    event = _mention("Who should own the journey map?", "1700000000.000500")
    assert _send_event(server, event, "Ev005").status_code == 200
    for attempt in (1, 2):
        assert _send_event(server, event, "Ev005", retry=attempt).status_code == 200
    # A later question is answered; by then a duplicate of the first would have been too.
    assert (
        _send_event(
            server, _mention("What is a pain point?", "1700000000.000501"), "Ev006"
        ).status_code
        == 200
    )
    slack_api.wait_for(_in_thread("1700000000.000501"))
    slack_api.wait_for(_in_thread("1700000000.000500"))
    time.sleep(1.0)
    assert len([c for c in slack_api.posts() if c.body["thread_ts"] == "1700000000.000500"]) == 1


@pytest.mark.parametrize(
    ("case", "headers"),
    [
        ("forged", lambda body: signed_headers("not-the-secret", body)),
        ("stale", lambda body: signed_headers(SECRET, body, timestamp=int(time.time()) - 600)),
        ("unsigned", lambda body: {"Content-Type": "application/json"}),
        ("tampered", lambda body: signed_headers(SECRET, body.replace("pain", "gain"))),
    ],
)
def test_requests_without_a_valid_signature_get_401_and_no_answer(
    server: RunningServer,
    slack_api: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    case: str,
    headers: Any,
) -> None:
    ts = f"1700000001.{abs(hash(case)) % 1_000_000:06d}"
    body = event_body(_mention("Tell me about pain points", ts), f"EvBad{case}")
    with caplog.at_level(logging.DEBUG):
        answer = _post(server, body, headers(body))
    assert answer.status_code == 401
    time.sleep(0.5)
    assert not [c for c in slack_api.posts() if c.body["thread_ts"] == ts]
    assert SECRET not in caplog.text and BOT_TOKEN not in caplog.text


def test_garbage_bodies_are_refused_cleanly(server: RunningServer) -> None:
    for body in ("not json at all", "{", "payload=%7B"):
        answer = _post(server, body, {"Content-Type": "application/json"})
        assert answer.status_code == 401
    signed = "{not json"
    answer = _post(server, signed, signed_headers(SECRET, signed))
    assert answer.status_code == 400
    assert "not a Slack event" in answer.json()["error"]
    huge = "x" * 2_000_000
    answer = _post(server, huge, signed_headers(SECRET, huge))
    assert answer.status_code == 413
    assert "too large" in answer.json()["error"]


def test_direct_messages_are_answered_and_the_bots_own_posts_ignored(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    def dm(text: str, ts: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DM",
            "user": "U0PERSON",
            "text": text,
            "ts": ts,
        } | extra

    assert (
        _send_event(
            server, dm("I am the bot", "1700000000.000601", bot_id=BOT_ID, user=BOT_USER), "Ev007"
        ).status_code
        == 200
    )
    edited = dm("edited", "1700000000.000602", subtype="message_changed")
    assert _send_event(server, edited, "Ev008").status_code == 200
    assert (
        _send_event(
            server, dm("How do I find pain points?", "1700000000.000603"), "Ev009"
        ).status_code
        == 200
    )
    [post] = slack_api.wait_for(_in_thread("1700000000.000603"))
    assert post.body["channel"] == "D0DM"
    time.sleep(0.5)
    threads = {c.body["thread_ts"] for c in slack_api.posts()}
    assert "1700000000.000601" not in threads and "1700000000.000602" not in threads


def test_a_map_pasted_in_a_mention_is_critiqued(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    table = (
        "| | Awareness | Purchase |\n|---|---|---|\n"
        "| Actions | Sees an ad | Pays |\n| Pain points | | Long queue |"
    )
    event = _mention(table.replace("&", "&amp;"), "1700000000.000700")
    assert _send_event(server, event, "Ev010").status_code == 200
    [post] = slack_api.wait_for(_in_thread("1700000000.000700"))
    assert "Score" in post.body["text"] and "/100" in post.body["text"]


def _command(server: RunningServer, text: str, response_url: str) -> httpx.Response:
    body = command_body(text, response_url)
    headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
    return _post(server, body, headers)


def test_slash_command_ask_acks_then_answers_in_the_channel(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    answer = _command(server, "ask What is an emotion curve?", slack_api.response_url("ask1"))
    assert answer.status_code == 200
    assert answer.json()["response_type"] == "ephemeral"  # "On it…"
    [call] = slack_api.wait_for(lambda c: c.method == "response_url" and c.body["_name"] == "ask1")
    assert call.body["response_type"] == "in_channel"
    assert "emotion curve" in call.body["blocks"][0]["text"]["text"].lower()  # the question quoted
    assert "[1]" in _text_of(call)


def test_slash_command_help_and_mistakes_are_answered_in_the_ack(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    helped = _command(server, "help", slack_api.response_url("help1"))
    assert "/polku critique" in helped.json()["text"]
    unknown = _command(server, "summarise everything", slack_api.response_url("bad1"))
    assert 'know "summarise"' in unknown.json()["text"]
    empty = _command(server, "critique", slack_api.response_url("bad2"))
    assert "Paste the map" in empty.json()["text"]
    time.sleep(0.5)
    names = {c.body["_name"] for c in slack_api.posts("response_url")}
    assert not names & {"help1", "bad1", "bad2"}


def test_slash_command_critique_reads_a_pasted_table(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    table = "| | Awareness | Purchase |\n|---|---|---|\n| Actions | Sees an ad | Pays |"
    assert (
        _command(server, f"critique\n{table}", slack_api.response_url("crit1")).status_code == 200
    )
    [call] = slack_api.wait_for(lambda c: c.method == "response_url" and c.body["_name"] == "crit1")
    assert "/100" in call.body["text"]
    broken = _command(server, "critique just some words", slack_api.response_url("crit2"))
    assert broken.status_code == 200
    [call] = slack_api.wait_for(lambda c: c.method == "response_url" and c.body["_name"] == "crit2")
    assert "could not read that map" in call.body["text"]


def test_without_slack_secrets_the_route_is_not_there(ui_server: RunningServer) -> None:
    body = event_body(_mention("hello", "1.0"), "EvNone")
    answer = _post(ui_server, body, signed_headers(SECRET, body))
    assert answer.status_code in (404, 405)


def test_a_change_asked_in_a_thread_under_a_pasted_map_is_proposed_then_applied(
    server: RunningServer, slack_api: SlackStandIn
) -> None:
    root = "1700000000.001000"
    table = (
        "| | Awareness | Purchase |\n|---|---|---|\n| Actions | Sees an ad | Pays |\n"
        "| Pain points | | Long queue |"
    )
    _send_event(server, _mention(table, root), "Ev1000")
    [critique] = slack_api.wait_for(_in_thread(root))
    assert "say what to change in this thread" in _text_of(critique)
    ask = _mention("Add a stage for rebooking after Purchase", "1700000000.001001", root)
    _send_event(server, ask, "Ev1001")
    posts = slack_api.wait_for(_in_thread(root), count=2)
    proposal = _text_of(posts[1])
    assert "Reply “yes”" in proposal and "Rebooking" in proposal
    _send_event(server, _mention("yes", "1700000000.001002", root), "Ev1002")
    posts = slack_api.wait_for(_in_thread(root), count=3)
    assert "version 2" in _text_of(posts[2]) and "/100" in _text_of(posts[2])
    why = _mention("Why is Long queue here?", "1700000000.001003", root)
    _send_event(server, why, "Ev1003")
    posts = slack_api.wait_for(_in_thread(root), count=4)
    assert "you said it" in _text_of(posts[3])
    _send_event(server, _mention("undo", "1700000000.001004", root), "Ev1004")
    posts = slack_api.wait_for(_in_thread(root), count=5)
    assert "Undone" in _text_of(posts[4])

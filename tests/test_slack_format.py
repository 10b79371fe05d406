"""Slack text in and out: escaping, mentions, sources, shortening, commands, dedupe, 429s."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from assistant.adapters.slack.client import RateLimitRetry, retry_after
from assistant.adapters.slack.dedupe import SeenEvents
from assistant.adapters.slack.format import (
    MAX_FINDINGS,
    answer_message,
    critique_message,
    escape,
    shorten,
    to_mrkdwn,
)
from assistant.adapters.slack.incoming import plain_text, split_command
from assistant.adapters.slack.replies import Replies
from assistant.adapters.slack.threads import ThreadMaps, ThreadState
from assistant.app.intent import looks_like_map
from assistant.app.store import Database
from assistant.capabilities.critique.critic import critique_map
from assistant.domain import Answer, Citation
from assistant.formats.parse import parse_map
from tests.maps import good_map


def _citation(n: int, title: str = "Personas") -> Citation:
    return Citation(id=f"en/personas#{n}", doc_id="en/personas", title=title, snippet="...")


def test_control_sequences_from_documents_or_people_are_inert() -> None:
    hostile = "Ping <!channel> & visit <https://evil.example|your bank> <@U123>"
    escaped = escape(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;!channel&gt;" in escaped and "&amp; visit" in escaped
    assert to_mrkdwn("**Goals** first") == "*Goals* first"


def test_answer_lists_only_the_sources_its_markers_cite_and_drops_dangling_markers() -> None:
    answer = Answer(
        question="q",
        language="en",
        answer="Start from goals [2]. Keep one persona [7].",
        citations=[_citation(1), _citation(2, "Goals <b>"), _citation(3)],
    )
    message = answer_message(answer)
    body = message.blocks[0]["text"]["text"]
    assert "[2]" in body and "[7]" not in body
    sources = " ".join(e["text"] for e in message.blocks[1]["elements"])
    assert "[2] Goals &lt;b&gt;" in sources and "[1]" not in sources and "[3]" not in sources
    assert message.text.endswith("Sources: [2] Goals <b>")


def test_answer_in_finnish_labels_its_sources_in_finnish_and_can_quote_the_question() -> None:
    answer = Answer(
        question="Mikä on persoona?",
        language="fi",
        answer="Persoona on [1].",
        citations=[_citation(1)],
    )
    message = answer_message(answer, quote=True)
    assert message.blocks[0]["text"]["text"] == "> Mikä on persoona?"
    assert "*Lähteet*" in message.blocks[2]["elements"][0]["text"]


def test_long_answers_are_cut_at_a_sentence_end() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    short = shorten(text, 200)
    assert len(short) <= 200 and short.endswith(".")
    assert shorten("x" * 500, 100).endswith("…")


def test_critique_message_shows_the_worst_findings_with_sources() -> None:
    journey = parse_map("| | Awareness | Purchase |\n|---|---|---|\n| Actions | <!here> | Pays |")
    report = critique_map(journey)
    message = critique_message(report, "en")
    assert f"Score {report.score}/100" in message.text
    listed = message.blocks[1]["text"]["text"]
    assert "source:" in listed and "<!here>" not in listed
    shown = min(len(report.findings), MAX_FINDINGS)
    assert (
        listed.count(":large_orange_circle:")
        + listed.count(":red_circle:")
        + listed.count(":white_circle:")
        == shown
    )
    if len(report.findings) > MAX_FINDINGS:
        assert "more finding" in listed


def test_incoming_text_is_made_plain() -> None:
    assert plain_text("<@U0BOT> what &amp; why &lt;3 <https://x.fi|x.fi>") == "what & why <3 x.fi"
    assert split_command("ASK  How many stages?") == ("ask", "How many stages?")
    assert split_command("critique\n| a | b |") == ("critique", "| a | b |")
    assert split_command("") == ("", "")
    assert looks_like_map("| a | b |\n| c | d |") and not looks_like_map("a | b")
    assert looks_like_map('{"stages": []}')


def test_replies_route_help_critique_and_questions(services: Any) -> None:
    replies = Replies(services)
    assert "/polku ask" in replies.for_message("<@U0BOT> help").text
    assert "/polku ask" in replies.for_message("apua").text  # Finnish for help
    assert "Score" in replies.for_message("| | Awareness |\n|---|---|\n| Actions | Sees |").text
    assert "Sources" in replies.for_message("<@U0BOT> What is a persona?").text
    assert Replies.needs_work("ask What?") and not Replies.needs_work("ask")
    assert not Replies.needs_work("help") and not Replies.needs_work("dance")
    assert "Ask me something" in replies.for_command("ask").text


def test_an_event_id_is_taken_once_even_across_instances(database_url: str) -> None:
    first, second = SeenEvents(Database(database_url)), SeenEvents(Database(database_url))
    assert first.first_time("Ev1")
    assert not first.first_time("Ev1") and not second.first_time("Ev1")
    assert second.first_time("Ev2")
    expired = SeenEvents(Database(database_url), keep_seconds=-1)
    assert expired.first_time("Ev1")  # forgotten after its time to live


def test_an_event_id_is_taken_once_by_many_threads(database_url: str) -> None:
    seen = SeenEvents(Database(database_url))
    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = list(pool.map(lambda _: seen.first_time("EvRace"), range(16)))
    assert taken.count(True) == 1


def test_a_thread_keeps_its_map_and_waiting_change(database_url: str) -> None:
    threads = ThreadMaps(Database(database_url))
    assert threads.get("C1", "1.0") == ThreadState()
    threads.put("C1", "1.0", ThreadState(journey=good_map()))
    again = ThreadMaps(Database(database_url))  # another server, or after a restart
    assert again.get("C1", "1.0").journey == good_map()
    assert again.get("C1", "2.0").journey is None
    again.put("C1", "1.0", ThreadState(journey=None, previous=good_map()))
    assert threads.get("C1", "1.0") == ThreadState(journey=None, previous=good_map())


def _response(status: int, headers: dict[str, list[str]]) -> HttpResponse:
    return HttpResponse(status_code=status, headers=headers, data=b"{}")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": ["3"]}, 3.0),
        ({"retry-after": ["0.5"]}, 0.5),
        ({}, None),
        ({"Retry-After": ["soon"]}, None),
    ],
)
def test_retry_after_is_read_from_the_header(
    headers: dict[str, list[str]], expected: float | None
) -> None:
    assert retry_after(_response(429, headers)) == expected


def test_rate_limit_retry_waits_what_slack_asks_and_refuses_absurd_waits() -> None:
    handler = RateLimitRetry(max_retry_count=2, max_wait_s=30)
    waits: list[float] = []
    handler.sleep = waits.append
    request = HttpRequest(method="POST", url="http://127.0.0.1/api/chat.postMessage", headers={})
    state = RetryState()
    asked = _response(429, {"Retry-After": ["4"]})
    assert handler.can_retry(state=state, request=request, response=asked)
    handler.prepare_for_next_attempt(state=state, request=request, response=asked)
    assert waits == [4.0] and state.current_attempt == 1
    hour = _response(429, {"Retry-After": ["3600"]})
    assert not handler.can_retry(state=RetryState(), request=request, response=hour)
    assert not handler.can_retry(state=RetryState(), request=request, response=_response(500, {}))


def test_the_manifest_asks_for_exactly_what_the_app_handles() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    manifest = yaml.safe_load((root / "slack-manifest.yaml").read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_mention", "message.im"]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/polku" and command["url"].endswith("/slack/events")
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"app_mentions:read", "chat:write", "commands", "im:history"}
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs allowed


def test_polku_config_masks_the_slack_secrets(tmp_path: Path) -> None:
    from assistant.settings import Settings

    shown = Settings(
        data_dir=tmp_path,
        slack_signing_secret="s3cret-signing",
        slack_bot_token="xoxb-secret",
        slack_app_token="xapp-secret",
    ).masked()
    assert shown["slack_signing_secret"] == shown["slack_bot_token"] == "********"
    assert not [v for k, v in shown.items() if k != "data_dir" and "secret" in str(v)]

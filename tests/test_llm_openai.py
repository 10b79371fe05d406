"""OpenAIChat through the real openai client, against a scripted HTTP server on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any

import openai
import pytest

from assistant.llm.base import LLMError, Message
from assistant.llm.providers.openai_chat import OpenAIChat
from assistant.settings import Settings
from tests.openai_server import OpenAIServer, Reply, openai_server_fixture, settings_for  # noqa: F401

pytestmark = pytest.mark.security

KEY = "sk-test-VERY-SECRET-0123456789"
MESSAGES = [
    Message(role="system", content="You map customer journeys."),
    Message(role="user", content="Where do customers drop off?"),
    Message(role="assistant", content="At checkout."),
    Message(role="user", content="Why?"),
]


def chat(server: OpenAIServer, tmp_path: Path, **overrides: Any) -> OpenAIChat:
    return OpenAIChat(settings_for(server, tmp_path, **overrides))


def failure(model: OpenAIChat, **kwargs: Any) -> tuple[list[str], LLMError]:
    """Run a call that must fail: the deltas shown before the failure, and the error."""
    shown: list[str] = []
    with pytest.raises(LLMError) as caught:
        for delta in model.stream(MESSAGES, **kwargs):
            shown.append(delta)
    return shown, caught.value


def test_stream_yields_the_text_in_deltas(openai_server: OpenAIServer, tmp_path: Path) -> None:
    openai_server.enqueue(Reply(text="Hello [1] customer world"))
    model = chat(openai_server, tmp_path)
    deltas = list(model.stream(MESSAGES))
    assert deltas == ["Hello ", "[1] ", "customer ", "world"]
    assert model.complete(MESSAGES) == "OK"  # the default responder


def test_messages_and_model_name_reach_the_server(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    model = chat(openai_server, tmp_path, llm_model="llama3.2:3b", llm_context_window=32768)
    assert (model.name, model.supports_json, model.context_window) == ("llama3.2:3b", True, 32768)
    model.complete(MESSAGES, max_tokens=123)
    (body,) = openai_server.requests
    assert body["model"] == "llama3.2:3b"
    assert body["stream"] is True
    assert body["messages"] == [{"role": m.role, "content": m.content} for m in MESSAGES]
    assert body["max_completion_tokens"] == 123
    assert "response_format" not in body
    assert openai_server.authorizations == ["Bearer not-needed"]  # dummy key for local servers


def test_json_mode_sends_response_format(openai_server: OpenAIServer, tmp_path: Path) -> None:
    openai_server.enqueue(Reply(text='{"stage": "Checkout"}'), Reply(text="{not json"))
    model = chat(openai_server, tmp_path)
    assert model.complete(MESSAGES, json_mode=True) == '{"stage": "Checkout"}'
    # Invalid JSON is passed through as text: validating it is the caller's job.
    assert model.complete(MESSAGES, json_mode=True) == "{not json"
    formats = [body.get("response_format") for body in openai_server.requests]
    assert formats == [{"type": "json_object"}] * 2


def test_a_scripted_responder_reacts_to_the_prompt(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.responder = lambda body: f"You asked: {body['messages'][-1]['content']}"
    assert chat(openai_server, tmp_path).complete(MESSAGES) == "You asked: Why?"


def test_429_is_retried_and_retry_after_honoured(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.enqueue(Reply(status=429, headers={"Retry-After": "0.4"}), Reply(text="fine"))
    model = chat(openai_server, tmp_path)
    started = time.monotonic()
    assert model.complete(MESSAGES) == "fine"
    assert time.monotonic() - started >= 0.4  # the backoff alone would be 0.01 s
    assert len(openai_server.requests) == 2


def test_retry_after_is_capped_at_ten_seconds(
    openai_server: OpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("assistant.llm.providers.openai_chat.time.sleep", waits.append)
    openai_server.enqueue(Reply(status=429, headers={"Retry-After": "3600"}))
    assert chat(openai_server, tmp_path, llm_total_timeout_s=60).complete(MESSAGES) == "OK"
    assert waits == [10.0]


def test_backoff_doubles_between_retries(
    openai_server: OpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("assistant.llm.providers.openai_chat.time.sleep", waits.append)
    openai_server.enqueue(Reply(status=502), Reply(status=503), Reply(status=429))
    model = chat(openai_server, tmp_path, llm_max_retries=3, llm_retry_backoff_s=0.5)
    assert model.complete(MESSAGES) == "OK"
    assert waits == [0.5, 1.0, 2.0]


def test_500_on_every_try_gives_a_readable_reason(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.enqueue(*[Reply(status=500)] * 3)
    shown, error = failure(chat(openai_server, tmp_path, llm_max_retries=2))
    assert shown == []
    assert error.reason == "the model server returned 500 three times"
    assert len(openai_server.requests) == 3


def test_a_reply_slower_than_the_read_timeout_fails_after_retries(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.enqueue(*[Reply(delay_s=3)] * 2)
    model = chat(openai_server, tmp_path, llm_read_timeout_s=0.3, llm_max_retries=1)
    started = time.monotonic()
    _, error = failure(model)
    assert time.monotonic() - started < 2
    assert error.reason == "the model server did not answer within 0.3 s (twice)"
    assert len(openai_server.requests) == 2


def test_a_stream_that_stalls_midway_fails_fast_without_retry(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.enqueue(Reply(text="abc def ghi", stall_after_chunks=1, stall_s=5))
    model = chat(openai_server, tmp_path, llm_read_timeout_s=0.4, llm_total_timeout_s=5)
    started = time.monotonic()
    shown, error = failure(model)
    assert time.monotonic() - started < 1.5  # the idle watchdog, not the total deadline
    assert shown == ["abc "]
    assert "mid-reply" in error.reason
    assert len(openai_server.requests) == 1  # text was shown: never retried


def test_the_total_deadline_cuts_a_trickling_stream(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    openai_server.enqueue(Reply(text="one two three four five six seven", chunk_delay_s=0.25))
    model = chat(openai_server, tmp_path, llm_read_timeout_s=1.0, llm_total_timeout_s=0.8)
    started = time.monotonic()
    shown, error = failure(model)
    assert time.monotonic() - started < 1.3
    assert 0 < len(shown) < 7
    assert error.reason == "the model did not finish within 0.8 s"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (401, "the model server refused the key (401)"),
        (403, "the model server refused the key (403)"),
        (404, "model 'test-model' not found (404)"),
        (400, "the model server rejected the request (400)"),
    ],
)
def test_client_errors_fail_at_once_without_retry(
    openai_server: OpenAIServer, tmp_path: Path, status: int, reason: str
) -> None:
    openai_server.enqueue(Reply(status=status))
    _, error = failure(chat(openai_server, tmp_path))
    assert error.reason == reason
    assert len(openai_server.requests) == 1


def test_an_unreachable_server_gives_a_readable_reason(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings = Settings(
        data_dir=tmp_path,
        llm_base_url=f"http://user:pw@127.0.0.1:{port}/v1",
        llm_max_retries=1,
        llm_retry_backoff_s=0.01,
    )
    _, error = failure(OpenAIChat(settings))
    assert error.reason == f"could not connect to the model server at 127.0.0.1:{port} (twice)"


def test_the_key_is_sent_but_never_shown_or_logged(
    openai_server: OpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = f"Incorrect API key provided: {KEY}"  # servers do echo keys in error bodies
    openai_server.enqueue(
        Reply(status=500, error_message=echo),
        Reply(status=401, error_message=echo),
        Reply(text="abc def", stall_after_chunks=1, stall_s=3),
    )
    model = chat(openai_server, tmp_path, llm_api_key=KEY, llm_read_timeout_s=0.3)
    errors = [failure(model)[1], failure(model)[1]]
    assert openai_server.authorizations == [f"Bearer {KEY}"] * 3
    for error in errors:
        assert KEY not in error.reason
        assert KEY not in str(error)
        assert error.__cause__ is None  # no SDK exception (with the echoed key) chained
        assert error.__context__ is None or error.__suppress_context__
    assert caplog.records  # the SDK did log at DEBUG
    assert KEY not in caplog.text
    assert KEY not in repr(model.__dict__)


def test_reported_usage_lands_in_last_usage(openai_server: OpenAIServer, tmp_path: Path) -> None:
    openai_server.enqueue(
        Reply(text="Hi", usage=(42, 7)),
        Reply(text="{}", usage=(5, 1)),
        Reply(text="Hi", report_usage=False),
    )
    model = chat(openai_server, tmp_path)
    model.complete(MESSAGES)
    assert model.last_usage == (42, 7)
    assert openai_server.requests[0]["stream_options"] == {"include_usage": True}
    model.complete(MESSAGES, json_mode=True)
    assert model.last_usage == (5, 1)
    model.complete(MESSAGES)
    assert model.last_usage is None


def test_no_key_and_no_server_is_an_llm_error(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="no API key"):
        OpenAIChat(Settings(data_dir=tmp_path))


def test_the_server_also_answers_plain_json(openai_server: OpenAIServer) -> None:
    openai_server.enqueue(Reply(text="plain", usage=(3, 1)))
    client = openai.OpenAI(api_key="x", base_url=openai_server.base_url, max_retries=0)
    reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == "plain"
    assert reply.usage is not None and reply.usage.prompt_tokens == 3

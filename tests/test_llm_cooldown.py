"""After the model server proved unreachable, turns go offline at once for a while."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.app.services import Services
from assistant.domain.events import AnswerReady, Notice
from assistant.llm.base import ChatModel, LLMError, Message
from assistant.llm.cooldown import Cooldown
from assistant.llm.factory import chat_model
from tests.openai_server import OpenAIServer, Reply, openai_server_fixture, settings_for  # noqa: F401

pytestmark = pytest.mark.security

HELLO = [Message(role="user", content="hello")]


class Scripted(ChatModel):
    """Raises the queued errors in turn, then answers ``fine``."""

    name = "scripted"

    def __init__(self, errors: list[LLMError]) -> None:
        self.errors = errors
        self.calls = 0

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        yield "fine"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_unreachable_server_is_not_asked_again_until_the_pause_ends() -> None:
    inner, clock = Scripted([LLMError("could not connect", unreachable=True)]), Clock()
    model = Cooldown(inner, cooldown_s=30, clock=clock)
    with pytest.raises(LLMError, match="could not connect"):
        model.complete(HELLO)
    clock.now += 29
    with pytest.raises(LLMError, match=r"could not connect; not asking it again for 1 s"):
        model.complete(HELLO)
    assert inner.calls == 1  # answered without touching the server
    clock.now += 1.5
    assert model.complete(HELLO) == "fine"
    assert inner.calls == 2 and model.paused_for() == 0


def test_a_rejected_request_does_not_pause_the_model() -> None:
    inner = Scripted([LLMError("the model server rejected the request (400)")])
    model = Cooldown(inner, cooldown_s=30, clock=Clock())
    with pytest.raises(LLMError):
        model.complete(HELLO)
    assert model.complete(HELLO) == "fine" and inner.calls == 2


def test_the_factory_wraps_a_server_model_unless_the_pause_is_off(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    wrapped = chat_model(settings_for(openai_server, tmp_path))
    assert isinstance(wrapped, Cooldown) and wrapped.cooldown_s == 30
    plain = chat_model(settings_for(openai_server, tmp_path, llm_cooldown_s=0))
    assert plain is not None and not isinstance(plain, Cooldown)


def _ask(services: Services, question: str) -> tuple[Any, list[str], float]:
    started = time.monotonic()
    events = list(services.ask_events(question, "en"))
    took = time.monotonic() - started
    answer = next(e for e in events if isinstance(e, AnswerReady)).answer
    return answer, [e.message for e in events if isinstance(e, Notice)], took


def test_a_silent_server_costs_one_timeout_then_answers_come_at_once(
    openai_server: OpenAIServer, services: Services, tmp_path: Path
) -> None:
    """A server that accepts connections and never answers, over the real wire."""
    settings = settings_for(
        openai_server,
        tmp_path,
        data_dir=services.settings.data_dir,
        llm_read_timeout_s=0.5,
        llm_max_retries=1,
        llm_cooldown_s=4,
    )
    wired = Services(settings)
    wired.__dict__["retriever"] = services.retriever
    openai_server.responder = lambda _: Reply(delay_s=5)
    answer, notices, first = _ask(wired, "What is a persona?")
    assert answer.mode == "offline" and answer.citations
    assert first >= 1.0  # two tries, each waiting out the 0.5 s watchdog
    assert any("did not answer" in n for n in notices), notices
    sent = len(openai_server.requests)
    for question in ("What is a touchpoint?", "How many stages should a map have?"):
        answer, notices, took = _ask(wired, question)
        assert answer.mode == "offline" and answer.citations
        assert took < first, (took, first)
        assert any("not asking it again" in n for n in notices), notices
    assert len(openai_server.requests) == sent  # the server was left alone
    # Once it answers again and the pause is over, the model is back.
    openai_server.responder = lambda _: "A persona is a portrait of one customer [1]."
    model = wired.model
    assert isinstance(model, Cooldown) and model.paused_for() > 0
    time.sleep(model.paused_for() + 0.05)
    answer, notices, _ = _ask(wired, "What is a persona?")
    assert answer.mode == "llm" and not notices

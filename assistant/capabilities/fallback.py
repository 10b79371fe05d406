"""The one way a model-assisted step falls back offline.

Every capability computes its offline result first; its model-assisted half (``assisted.py``)
may then improve it, and raises ``LLMError`` when the model fails. ``assisted`` runs such a
step and gives an ``Outcome``: the model's result, or the offline one with one localized
notice saying why. ``assisted_stream`` does the same for a streamed answer, replacing what was
shown with the offline answer. The notice is written here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from assistant.domain import Lang, Mode
from assistant.domain.events import Event, Notice
from assistant.domain.usage import TokenUsage
from assistant.language.i18n import t
from assistant.llm.base import LLMError

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """A capability's result: the value, which engine made it, what the person should know,
    and the tokens the model used for it."""

    value: T
    mode: Mode = "offline"
    notices: list[Notice] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)


def fallback_notice(reason: str, lang: Lang) -> Notice:
    """What the person is told when the model failed and the offline engine answered."""
    return Notice(level="warning", message=t("llm_fallback", lang, reason=reason))


def assisted(offline: T, step: Callable[[], T] | None, lang: Lang) -> Outcome[T]:
    """``step()`` when there is a step and it succeeds; else ``offline`` (with a notice when
    the model failed)."""
    if step is None:
        return Outcome(offline)
    try:
        return Outcome(step(), mode="llm")
    except LLMError as exc:
        return Outcome(offline, notices=[fallback_notice(exc.reason, lang)])


def assisted_stream(
    events: Iterator[Event], offline: Callable[[bool], Iterator[Event]], lang: Lang
) -> Iterator[Event]:
    """The model's events; when the model fails mid-way, a notice and then the offline
    events, called with ``replace=True`` so that they replace what was shown."""
    try:
        yield from events
    except LLMError as exc:
        yield fallback_notice(exc.reason, lang)
        yield from offline(True)

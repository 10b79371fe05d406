"""Answer a methodology question: with a model when one is configured, offline otherwise.

Either way the turn yields the same events and ends with an ``Answer``. With a model, the
answer is grounded in packed passages, streamed, its [n] markers checked against what was
retrieved; a failure (or a reply that leaks its instructions) raises ``LLMError``, and the
caller falls back to the offline answer (``capabilities.fallback.assisted_stream``).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from assistant.capabilities.qa.extractive import covers, offline_events
from assistant.domain import Answer, Lang
from assistant.domain.events import AnswerReady, Event, Notice, Sources, TextDelta, Usage
from assistant.language.i18n import t
from assistant.llm.base import LLMError, Message
from assistant.llm.budget import pack_passages, usage_of
from assistant.llm.guards import LeakGuard, is_injection, new_canary
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep
from assistant.retrieval.search import Hit

_MARKER = re.compile(r"\[(\d{1,3})\]")
_OPEN_MARKER = re.compile(r"\[\d{0,3}$")


class MarkerFilter:
    """Drops [n] markers that point at no retrieved passage, also across stream deltas."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pending = ""

    def _clean(self, text: str) -> str:
        return _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= self.count else "", text)

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        held = _OPEN_MARKER.search(text)
        self._pending = text[held.start() :] if held else ""
        return self._clean(text[: held.start()] if held else text)

    def finish(self) -> str:
        out, self._pending = self._clean(self._pending), ""
        return out


class GenerativeAnswerer(ModelStep):
    """One question answered by a chat model, grounded in the retrieved passages."""

    def events(self, question: str, hits: list[Hit], lang: Lang) -> Iterator[Event]:
        """The answer's events; raises ``LLMError`` when the model fails (see
        ``capabilities.fallback.assisted_stream``)."""
        if not covers(question, hits):  # say so instead of inventing
            yield from offline_events(question, hits, lang)
            return
        safe = [h for h in hits if not is_injection(h.chunk.text)]
        if len(safe) < len(hits):
            titles = ", ".join(sorted({h.chunk.title for h in hits if h not in safe}))
            yield Notice(
                level="warning",
                message=t("passages_quarantined", lang, count=len(hits) - len(safe), titles=titles),
            )
        budget = min(self.settings.llm_context_budget, self.model.context_window // 2)
        passages, kept = pack_passages(safe, budget)
        if not kept:
            yield from offline_events(question, hits, lang)
            return
        canary = new_canary()
        messages = prompt("answer").messages(
            language_name=t("language_name", lang),
            question=question,
            passages=passages,
            canary=canary,
        )
        guard = LeakGuard(messages[0].content, canary)
        text = yield from self._stream(messages, guard, len(kept), lang)
        citations = [hit.citation() for hit in kept]
        yield Sources(citations=citations)
        answer = Answer(
            question=question, language=lang, answer=text.strip(), citations=citations, mode="llm"
        )
        yield AnswerReady(answer=answer)

    def _stream(
        self, messages: list[Message], guard: LeakGuard, passages: int, lang: Lang
    ) -> Generator[Event, None, str]:
        """Yield the reply's safe text; return it whole. ``LLMError`` on failure or a leak."""
        markers = MarkerFilter(passages)
        shown: list[str] = []
        raw: list[str] = []
        for delta in self.model.stream(messages, max_tokens=self.settings.llm_max_output_tokens):
            raw.append(delta)
            safe = markers.feed(guard.feed(delta))
            if guard.leaked:
                raise LLMError(t("llm_leak", lang))
            if safe:
                shown.append(safe)
                yield TextDelta(text=safe)
        rest = markers.feed(guard.finish()) + markers.finish()
        if rest:
            shown.append(rest)
            yield TextDelta(text=rest)
        turn = usage_of(messages, "".join(raw))
        self.meter.add(turn)
        yield Usage(turn=turn, session=self.meter.total)
        return "".join(shown)

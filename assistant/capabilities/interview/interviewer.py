"""The offline interview: one question at a time, skips what is known, resumable.

The state is a pydantic model: save it as JSON after any turn and resume from it later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, Field

from assistant.capabilities.fallback import assisted
from assistant.capabilities.interview.script import (
    implied_by,
    is_command,
    read_slot,
    script,
    slot_named,
)
from assistant.catalog.library import named_trade
from assistant.catalog.stage_models import find_model
from assistant.domain import InterviewAnswers, Lang
from assistant.domain.events import Notice
from assistant.formats.syntax import without_surrogates
from assistant.language.detect import detect_language
from assistant.language.i18n import t
from assistant.language.vocabulary import is_skip, mentions, vocabulary
from assistant.retrieval.documents import kb_source

if TYPE_CHECKING:
    from assistant.capabilities.interview.assisted import ModelUnderstanding

Phase = Literal["asking", "confirming", "done"]
T = TypeVar("T")


class InterviewState(BaseModel):
    """Everything needed to resume an interview."""

    lang: Lang = Field(default="en", description="Language of the conversation.")
    lang_fixed: bool = Field(default=False, description="True when the person chose a language.")
    answers: InterviewAnswers = Field(default_factory=InterviewAnswers)
    settled: list[str] = Field(default_factory=list, description="Slots answered or skipped.")
    skipped: list[str] = Field(default_factory=list, description="Slots the person skipped.")
    current: str | None = Field(default=None, description="The slot being asked.")
    phase: Phase = "asking"
    editing: bool = Field(default=False, description="Re-asking one slot from the summary.")


class Turn(BaseModel):
    """What the interviewer says after a reply."""

    message: str
    slot: str | None = None
    done: bool = False
    notices: list[Notice] = Field(
        default_factory=list, description="The model failed this turn: read offline (once)."
    )


#: Research people usually have as files Polku can read (not analytics or sales figures).
FILE_RESEARCH = ("interviews", "surveys", "reviews", "feedback", "support_tickets")


def has_research_files(evidence: list[str]) -> bool:
    """Whether the research the person named is the kind kept in files (reviews, surveys,
    interviews, feedback, tickets), so the interview can ask for them."""
    kinds = vocabulary().evidence_kinds
    terms = [term for kind in FILE_RESEARCH for term in kinds[kind].all()]
    return any(mentions(item, terms) for item in evidence)


class Interviewer:
    """Drives an ``InterviewState`` forward, one reply at a time."""

    def __init__(
        self,
        state: InterviewState | None = None,
        understanding: ModelUnderstanding | None = None,
    ) -> None:
        self.state = state or InterviewState()
        self.understanding = understanding
        self._notices: list[Notice] = []

    def start(self) -> Turn:
        self.state.answers.language = self.state.lang
        if self.state.phase == "confirming":
            return self._summary()
        intro = t("interview_intro", self.state.lang)
        return self._next(prefix=intro)

    def reply(self, text: str) -> Turn:
        """The next message after the person's ``text``; with a model that failed, read
        offline and said so once."""
        self._notices = []
        turn = self._reply(text)
        shown = {notice.message: notice for notice in self._notices}
        return turn.model_copy(update={"notices": list(shown.values())})

    def _assisted(self, offline: T, step: Callable[[], T]) -> T:
        outcome = assisted(offline, step, self.state.lang)
        self._notices += outcome.notices
        return outcome.value

    def _reply(self, text: str) -> Turn:
        state = self.state
        text = without_surrogates(text)  # the answers must stay savable as UTF-8 JSON
        if state.phase == "done":
            return Turn(message=t("interview_done", state.lang), done=True)
        self._maybe_switch_language(text)
        if state.phase == "confirming":
            return self._confirm(text)
        if is_command(text, script().commands.back):
            return self._back()
        slot = state.current or ""
        if is_skip(text):
            state.skipped.append(slot)
            return self._settle(slot, t("skipped", state.lang))
        if self.understanding and (noted := self._understand(slot, text)) is not None:
            return self._settle(slot, t("noted", state.lang, items=noted) if noted else "")
        if not read_slot(slot, text, state.answers):
            return Turn(message=f"{t('unclear', state.lang)} {self.question(slot)}", slot=slot)
        noted = self._absorb(slot, text)
        return self._settle(slot, t("noted", state.lang, items=noted) if noted else "")

    def _maybe_switch_language(self, text: str) -> None:
        state = self.state
        if state.lang_fixed or len(text.split()) < 3:
            return
        detected = detect_language(text, state.lang)
        if detected != state.lang:
            state.lang = state.answers.language = detected

    def _understand(self, slot: str, text: str) -> str | None:
        """Read the reply with the model; None when the model could not fill this slot."""
        from assistant.capabilities.interview.assisted import apply

        assert self.understanding is not None
        state = self.state
        understanding = self.understanding
        values = self._assisted(
            None, lambda: understanding.extract(slot, text, state.answers, state.lang)
        )
        given = values.given() if values else {}
        if slot not in given:
            return None
        others = {k: v for k, v in given.items() if k != slot and k not in state.settled}
        apply({slot: given[slot], **others}, state.answers)
        for other in others:
            if other in script().slots:
                state.settled.append(other)
        return ", ".join(
            str(v) if not isinstance(v, list) else ", ".join(v) for v in others.values()
        )

    def _absorb(self, slot: str, text: str) -> str:
        """Fill other slots the answer already settles; say what was picked up."""
        state = self.state
        noted: list[str] = []
        if slot == "business" and "industry" not in state.settled:
            trade = named_trade(text)
            if trade is not None:
                state.answers.industry = trade.name.get(state.lang)
                state.settled.append("industry")
                noted.append(state.answers.industry)
        for other, value in implied_by(text).items():
            if other not in state.settled and other != slot:
                setattr(state.answers, other, value)
                state.settled.append(other)
                noted.append(self._in_words(other, value))
        return ", ".join(noted)

    def _settle(self, slot: str, prefix: str) -> Turn:
        state = self.state
        if slot not in state.settled:
            state.settled.append(slot)
        if slot == "evidence" and has_research_files(state.answers.evidence):
            prefix = " ".join(filter(None, [prefix, t("research_upload_hint", state.lang)]))
        if state.editing:
            state.editing = False
            state.phase = "confirming"
            return self._summary(prefix)
        return self._next(prefix)

    def _back(self) -> Turn:
        state = self.state
        order = list(script().slots)
        position = order.index(state.current) if state.current in order else len(order)
        previous = [s for s in order[:position] if s in state.settled]
        if not previous:
            first = state.current or order[0]
            message = f"{t('back_at_start', state.lang)} {self.question(first)}"
            return Turn(message=message, slot=state.current)
        slot = previous[-1]
        state.settled.remove(slot)
        if slot in state.skipped:
            state.skipped.remove(slot)
        state.current = slot
        return Turn(message=self.question(slot), slot=slot)

    def _next(self, prefix: str = "") -> Turn:
        state = self.state
        remaining = [s for s in script().slots if s not in state.settled]
        if not remaining:
            state.phase = "confirming"
            return self._summary(prefix)
        state.current = remaining[0]
        message = "\n\n".join(filter(None, [prefix, self.question(state.current)]))
        return Turn(message=message, slot=state.current)

    def question(self, slot: str) -> str:
        """The question for ``slot``, with why it matters and its source."""
        entry = script().slots[slot]
        lang = self.state.lang
        source = kb_source(entry.doc, lang)
        why = t("why_line", lang, why=entry.why.get(lang), title=source.title)
        asked = entry.question.get(lang)
        if self.understanding:
            understanding = self.understanding
            missing = [s for s in script().slots if s not in self.state.settled]
            phrased = self._assisted(
                None, lambda: understanding.phrase(slot, self.state.answers, missing, lang)
            )
            asked = phrased or asked
        return f"{asked}\n{why}"

    def _summary(self, prefix: str = "") -> Turn:
        lang = self.state.lang
        lines = [f"- {name}: {value}" for name, value in self.summary_rows()]
        body = "\n".join([t("summary_header", lang), *lines, "", t("summary_prompt", lang)])
        return Turn(message="\n\n".join(filter(None, [prefix, body])), slot=None)

    def summary_rows(self) -> list[tuple[str, str]]:
        lang = self.state.lang
        answers = self.state.answers
        values = {
            **answers.model_dump(exclude={"persona", "language"}),
            **{f"persona_{k}": v for k, v in answers.persona.model_dump().items()},
        }
        rows = []
        for slot, entry in script().slots.items():
            shown = self._in_words(slot, values.get(slot))
            rows.append((entry.names.get(lang)[0], shown or t("not_given", lang)))
        return rows

    def _in_words(self, slot: str, value: object) -> str:
        """An answer as the person reads it: words, never codes ("b2c", "current-state")."""
        lang = self.state.lang
        if slot == "stages" and value is None and slot in self.state.settled:
            return t("default_stages_label", lang)
        if slot == "model" and value:
            return t(f"model_{value}", lang)
        if slot == "map_type" and value:
            return t(f"map_type_{value}", lang)
        if slot == "stages" and isinstance(value, list) and len(value) == 1:
            named = find_model(value[0])
            if named is not None:
                return named.name.get(lang)
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        return str(value) if value else ""

    def _confirm(self, text: str) -> Turn:
        state = self.state
        if is_command(text, script().commands.confirm):
            state.phase = "done"
            return Turn(message=t("interview_done", state.lang), done=True)
        slot = slot_named(text)
        if slot is None:
            return self._summary(t("unclear", state.lang))
        state.phase, state.editing, state.current = "asking", True, slot
        return Turn(message=self.question(slot), slot=slot)

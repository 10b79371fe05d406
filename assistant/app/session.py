"""One conversation: the interview, the current map, questions, edits; persisted per owner.

Every action yields events (``assistant.domain.events``) that the web UI, Slack, REST and CLI
render; nothing here knows about any of them. State lives in the store, so a server restart loses
nothing and two browsers never share a map.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from pydantic import BaseModel, Field

from assistant.app.services import Services
from assistant.app.store import MapStore
from assistant.capabilities.interview.interviewer import Interviewer, InterviewState
from assistant.domain import CritiqueReport, JourneyMap, Lang
from assistant.domain.events import CritiqueReady, Event, MapUpdated, Notice, TextDelta
from assistant.formats.parse import Format, MapParseError, parse_map
from assistant.language.i18n import t
from assistant.language.text import detect_language

_QUESTION = re.compile(
    r"^\s*(what|how|why|when|which|who|should|can|is|are|do|does|mikä|mitä|miten|miksi|"
    r"milloin|kuinka|onko|voiko|pitääkö|mis|mida|kuidas|miks|millal|kas|milline|millised)\b",
    re.IGNORECASE,
)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)


class ChatLine(BaseModel):
    role: str = Field(description="user or assistant")
    content: str


class SessionState(BaseModel):
    """What is saved for one owner (one browser)."""

    lang: Lang = "en"
    lang_fixed: bool = False
    interview: InterviewState = Field(default_factory=InterviewState)
    messages: list[ChatLine] = Field(default_factory=list)
    map_id: str | None = None


def looks_like_table(text: str) -> bool:
    return len(_TABLE_ROW.findall(text)) >= 3


def looks_like_question(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("?") and bool(_QUESTION.match(stripped))


class Session:
    """A person's conversation with Polku, loaded from and saved to the store."""

    def __init__(self, services: Services, store: MapStore, owner: str) -> None:
        self.services = services
        self.store = store
        self.owner = owner
        saved = store.load_session(owner)
        self.state = SessionState.model_validate(saved) if saved else SessionState()

    # --- persistence -------------------------------------------------------------
    def save(self) -> None:
        self.store.save_session(self.owner, self.state.model_dump(mode="json"))

    @property
    def journey(self) -> JourneyMap | None:
        if self.state.map_id is None:
            return None
        return self.store.load(self.owner, self.state.map_id)

    def keep(self, journey: JourneyMap, note: str) -> JourneyMap:
        saved = self.store.save(self.owner, journey, self.state.map_id, note)
        self.state.map_id = saved.id
        return self.store.load(self.owner, saved.id)

    # --- conversation ------------------------------------------------------------
    def set_language(self, lang: Lang) -> None:
        self.state.lang, self.state.lang_fixed = lang, True
        self.state.interview.lang, self.state.interview.lang_fixed = lang, True
        self.state.interview.answers.language = lang
        self.save()

    def _interviewer(self) -> Interviewer:
        return Interviewer(self.state.interview, understanding=self.services.understanding())

    def start(self) -> Iterator[Event]:
        """The greeting and first question, unless the conversation is already going."""
        if self.state.messages:
            return
        turn = self._interviewer().start()
        yield from self._say(turn.message)
        self.save()

    def turn(self, text: str) -> Iterator[Event]:
        text = text.strip()
        if not text:
            return
        self.state.messages.append(ChatLine(role="user", content=text))
        if not self.state.lang_fixed:
            self.state.lang = detect_language(text, self.state.lang)
        if looks_like_table(text):
            events = self.import_map(text, "md")
        elif looks_like_question(text) or self.state.interview.phase == "done":
            events = self._answer(text)
        else:
            events = self._interview(text)
        yield from self._keeping_notices(events)
        self.save()

    def _keeping_notices(self, events: Iterator[Event]) -> Iterator[Event]:
        """Notices (a model fell back, a file was refused) stay in the saved conversation."""
        for event in events:
            if isinstance(event, Notice):
                self.state.messages.append(ChatLine(role="assistant", content=f"⚠️ {event.message}"))
            yield event

    def _say(self, text: str) -> Iterator[Event]:
        self.state.messages.append(ChatLine(role="assistant", content=text))
        yield TextDelta(text=text)

    def _answer(self, text: str) -> Iterator[Event]:
        shown = ""
        for event in self.services.ask_events(text, lang=self.state.lang):
            if isinstance(event, TextDelta):
                shown = event.applied_to(shown)
            yield event
        if self.state.interview.phase == "asking" and self.state.interview.current:
            follow = t("back_to_interview", self.state.lang)
            question = self._interviewer()._question(self.state.interview.current)
            shown += f"\n\n{follow} {question}"
            yield TextDelta(text=f"\n\n{follow} {question}")
        self.state.messages.append(ChatLine(role="assistant", content=shown))

    def _interview(self, text: str) -> Iterator[Event]:
        understanding = self.services.understanding()
        turn = Interviewer(self.state.interview, understanding=understanding).reply(text)
        self.state.lang = self.state.interview.lang
        if understanding is not None and understanding.failures:
            reason = understanding.failures[-1]
            yield Notice(level="warning", message=t("llm_fallback", self.state.lang, reason=reason))
        yield from self._say(turn.message)
        if turn.done:
            yield from self.draft()

    def new_map(self) -> Iterator[Event]:
        self.state.interview = InterviewState(
            lang=self.state.lang, lang_fixed=self.state.lang_fixed
        )
        self.state.map_id = None
        yield from self._say(t("new_interview", self.state.lang))
        yield from self._say(self._interviewer().start().message)
        self.save()

    # --- the map -----------------------------------------------------------------
    def draft(self) -> Iterator[Event]:
        journey, notices, _ = self.services.draft(self.state.interview.answers)
        yield from notices
        self.state.map_id = None  # a new interview makes a new map
        yield from self._publish(self.keep(journey, "drafted"))

    def import_map(
        self, content: str | bytes, fmt: Format | None, filename: str | None = None
    ) -> Iterator[Event]:
        try:
            journey = parse_map(content, fmt, filename=filename)
        except MapParseError as exc:
            yield Notice(level="warning", message=str(exc))
            return
        self.state.map_id = None
        kept = self.keep(journey, "imported")
        report = yield from self._publish(kept)
        message = t("map_imported", kept.language, stages=len(kept.stages), score=report.score)
        yield from self._say(message)
        self.save()

    def _publish(self, journey: JourneyMap) -> Generator[Event, None, CritiqueReport]:
        yield MapUpdated(map=journey)
        report, _, notices = self.services.critique(journey)
        yield from notices
        yield CritiqueReady(report=report)
        return report

    def replace_map(self, journey: JourneyMap, note: str) -> Iterator[Event]:
        """An edited map: saved as a new version, critiqued again."""
        kept = self.keep(journey, note)
        yield from self._publish(kept)
        self.save()

    def current(self) -> Iterator[Event]:
        """Events that show the saved map (after a reload or a restart)."""
        journey = self.journey
        if journey is None:
            return
        yield from self._publish(journey)

"""One conversation: the interview, the current map, questions, edits; persisted per owner.

Every action yields events (``assistant.domain.events``) that the web UI, Slack, REST and CLI
render; nothing here knows about any of them. State lives in the store, so a server restart
loses nothing and two browsers never share a map. The tokens a model spends for this person
are counted here, per session.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.app.intent import classify
from assistant.app.services import Services
from assistant.app.store import MapStore
from assistant.capabilities.insights.mine import ResearchFile
from assistant.capabilities.interview.interviewer import Interviewer, InterviewState
from assistant.domain import CritiqueReport, InsightReport, JourneyMap, Lang
from assistant.domain.events import CritiqueReady, Event, MapUpdated, Notice, TextDelta, Usage
from assistant.domain.usage import TokenUsage
from assistant.formats.parse import Format, MapParseError, parse_map
from assistant.language.detect import detect_language
from assistant.language.i18n import t
from assistant.llm.budget import UsageMeter


def _safe_name(name: str) -> str:
    """A file name that stays inside the research folder: no folders, no dot names."""
    base = re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).strip(". ")
    return base or "research"


def _research_summary(report: InsightReport, lang: Lang) -> str:
    files = ", ".join(s.name for s in report.sources if not s.problem)
    if not report.themes:
        return t("research_none", lang, files=files)
    top = "; ".join(f"“{theme.label}” ({theme.count})" for theme in report.themes[:3])
    return t(
        "research_read",
        lang,
        files=files,
        statements=report.statements,
        respondents=report.respondents,
        themes=len(report.themes),
        top=top,
    )


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
    research: InsightReport | None = Field(
        default=None, description="Themes of the research files the person added."
    )
    usage: TokenUsage = Field(default_factory=TokenUsage, description="This session's tokens.")


class Session:
    """A person's conversation with Polku, loaded from and saved to the store."""

    def __init__(self, services: Services, store: MapStore, owner: str) -> None:
        self.services = services
        self.store = store
        self.owner = owner
        saved = store.load_session(owner)
        self.state = SessionState.model_validate(saved) if saved else SessionState()
        self.meter = UsageMeter(self.state.usage)

    # --- persistence -------------------------------------------------------------
    def save(self) -> None:
        self.state.usage = self.meter.total
        self.store.save_session(self.owner, self.state.model_dump(mode="json"))

    @property
    def journey(self) -> JourneyMap | None:
        if self.state.map_id is None:
            return None
        return self.store.load(self.owner, self.state.map_id)

    def shown_report(self) -> CritiqueReport | None:
        """The current map's critique: the one kept with its version, or made now (once, for
        a map saved before reports were kept)."""
        journey, map_id = self.journey, self.state.map_id
        if journey is None or map_id is None:
            return None
        kept = self.store.load_report(self.owner, map_id)
        if kept is None:
            kept = self.services.critique(journey, meter=self.meter).value
            self.store.save_report(self.owner, map_id, journey.version, kept)
        return kept

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
        understanding = self.services.understanding(self.meter)
        return Interviewer(self.state.interview, understanding=understanding)

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
        before = self.meter.total
        interviewing = self.state.interview.phase != "done"
        intent = classify(text, interviewing=interviewing)
        if intent == "map":
            events = self.import_map(text, None)
        elif intent == "help":
            events = self._say(t("chat_help", self.state.lang))
        elif intent == "question":
            events = self._answer(text)
        else:
            events = self._interview(text)
        yield from self._keeping_notices(events)
        yield from self._usage_since(before)
        self.save()

    def _usage_since(self, before: TokenUsage) -> Iterator[Event]:
        turn = self.meter.total - before
        if turn.tokens_in or turn.tokens_out:
            yield Usage(turn=turn, session=self.meter.total)

    def _keeping_notices(self, events: Iterator[Event]) -> Iterator[Event]:
        """Notices (a model fell back, a file was refused) stay in the saved conversation;
        the model's own per-answer usage is replaced by the turn's (see ``_usage_since``)."""
        for event in events:
            if isinstance(event, Usage):
                continue
            if isinstance(event, Notice):
                self.state.messages.append(ChatLine(role="assistant", content=f"⚠️ {event.message}"))
            yield event

    def _say(self, text: str) -> Iterator[Event]:
        self.state.messages.append(ChatLine(role="assistant", content=text))
        yield TextDelta(text=text)

    def _answer(self, text: str) -> Iterator[Event]:
        shown = ""
        for event in self.services.ask_events(text, lang=self.state.lang, meter=self.meter):
            if isinstance(event, TextDelta):
                shown = event.applied_to(shown)
            yield event
        if self.state.interview.phase == "asking" and self.state.interview.current:
            follow = t("back_to_interview", self.state.lang)
            question = self._interviewer().question(self.state.interview.current)
            shown += f"\n\n{follow} {question}"
            yield TextDelta(text=f"\n\n{follow} {question}")
        self.state.messages.append(ChatLine(role="assistant", content=shown))

    def _interview(self, text: str) -> Iterator[Event]:
        turn = self._interviewer().reply(text)
        self.state.lang = self.state.interview.lang
        yield from turn.notices
        yield from self._say(turn.message)
        if turn.done:
            yield from self.draft()

    def new_map(self) -> Iterator[Event]:
        self.state.interview = InterviewState(
            lang=self.state.lang, lang_fixed=self.state.lang_fixed
        )
        self.state.map_id = None
        self.state.research = None  # research belongs to the business it was added for
        folder = self.research_folder()
        if folder.is_dir():
            for path in folder.iterdir():
                path.unlink()
        yield from self._say(t("new_interview", self.state.lang))
        yield from self._say(self._interviewer().start().message)
        self.save()

    # --- research --------------------------------------------------------------------
    def research_folder(self) -> Path:
        """Where this person's research files are kept (read again when more are added)."""
        owner = hashlib.sha256(self.owner.encode()).hexdigest()[:32]
        return self.services.settings.data_dir / "research" / owner

    def add_research(self, files: Sequence[ResearchFile]) -> Iterator[Event]:
        """Read the new files with the ones added before; say what the research says, and
        build the map on it (a new version) when the interview is done. A file that cannot
        be read is named with the reason and not kept."""
        folder = self.research_folder()
        kept = {f.name: f for f in self._kept_research(folder)}
        kept.update({_safe_name(f.name): ResearchFile(_safe_name(f.name), f.data) for f in files})
        outcome = self.services.insights(
            list(kept.values()), lang=self.state.lang, meter=self.meter
        )
        yield from outcome.notices
        report, lang = outcome.value, self.state.lang
        refused = {s.name for s in report.sources if s.problem}
        for source in report.sources:
            if source.problem:
                yield Notice(level="warning", message=source.problem)
            for warning in source.warnings:
                yield Notice(level="info", message=warning)
        usable = [f for f in kept.values() if f.name not in refused]
        folder.mkdir(parents=True, exist_ok=True)
        for file in usable:
            (folder / file.name).write_bytes(file.data)
        for stale in refused & {p.name for p in folder.iterdir()}:
            (folder / stale).unlink()
        if not usable:
            self.save()
            return
        self.state.research = report
        yield from self._say(_research_summary(report, lang))
        if self.state.interview.phase == "done":
            yield from self.draft()
            yield from self._say(t("research_redrafted", lang))
        elif self.state.interview.phase == "asking":
            yield from self._say(t("research_later", lang))
        self.save()

    def _kept_research(self, folder: Path) -> list[ResearchFile]:
        if not folder.is_dir():
            return []
        return [
            ResearchFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()
        ]

    # --- the map -----------------------------------------------------------------
    def draft(self) -> Iterator[Event]:
        outcome = self.services.draft(
            self.state.interview.answers, meter=self.meter, insights=self.state.research
        )
        yield from outcome.notices
        self.state.map_id = None  # a new interview makes a new map
        yield from self._publish(self.keep(outcome.value, "drafted"))

    def import_map(
        self, content: str | bytes, fmt: Format | None, filename: str | None = None
    ) -> Iterator[Event]:
        try:
            journey = parse_map(content, fmt, filename=filename, default_lang=self.state.lang)
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
        """Show the map, critique it once and keep the report with this version."""
        yield MapUpdated(map=journey)
        outcome = self.services.critique(journey, meter=self.meter)
        yield from outcome.notices
        if self.state.map_id is not None:
            self.store.save_report(self.owner, self.state.map_id, journey.version, outcome.value)
        yield CritiqueReady(report=outcome.value)
        return outcome.value

    def replace_map(self, journey: JourneyMap, note: str) -> Iterator[Event]:
        """An edited map: saved as a new version, critiqued again."""
        kept = self.keep(journey, note)
        yield from self._publish(kept)
        self.save()

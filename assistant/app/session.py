"""One conversation: the interview, the current map, questions, edits; persisted per owner.

Every action yields events (``assistant.domain.events``) that the web UI, Slack, REST and CLI
render; nothing here knows about any of them. State lives in the store, so a server restart
loses nothing and two browsers never share a map. The tokens a model spends for this person
are counted here, per session.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.app.access import Access
from assistant.app.ideas import ideas_asked
from assistant.app.intent import classify
from assistant.app.services import Services
from assistant.app.store import MapStore, StoreError
from assistant.capabilities.editing.apply import EditError, apply_operations
from assistant.capabilities.editing.propose import proposal_text, propose
from assistant.capabilities.editing.why import explain
from assistant.capabilities.insights.mine import ResearchFile
from assistant.capabilities.interview.interviewer import Interviewer, InterviewState
from assistant.domain import Answer, CritiqueReport, InsightReport, JourneyMap, Lang
from assistant.domain.edits import EditPlan, EditProposal
from assistant.domain.events import (
    AnswerReady,
    CritiqueReady,
    EditProposed,
    Event,
    MapUpdated,
    Notice,
    ProposalClosed,
    TextDelta,
    Usage,
)
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


EDIT_INTENTS = ("edit", "accept", "reject", "undo", "why", "ideas")


def source_list(answer: Answer) -> str:
    """The numbered sources under an answer, by the titles a person reads."""
    lines = [f"[{n}] {c.title}" for n, c in enumerate(answer.citations, 1)]
    return f"\n\n{t('sources', answer.language)}:\n" + "\n".join(lines)


def _stages(journey: JourneyMap) -> str:
    return ", ".join(stage.name for stage in journey.stages)


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
    pending: EditProposal | None = Field(
        default=None, description="A change shown for approval, not yet applied."
    )
    undo: list[int] = Field(
        default_factory=list, description="The version before each change, newest last."
    )
    undo_map: str | None = Field(default=None, description="The map the undo versions are of.")
    workspace: str | None = Field(
        default=None, description="The workspace a signed-in person chose to work in."
    )
    shown_version: int | None = Field(
        default=None, description="The version the page last showed (a table edit's base)."
    )


class Session:
    """A person's conversation with Polku, loaded from and saved to the store."""

    def __init__(
        self, services: Services, store: MapStore, owner: str, access: Access | None = None
    ) -> None:
        self.services = services
        self.store = store
        self.owner = owner  # whose conversation this is (a browser, or a user in a browser)
        self.access = access or Access(owner=owner, role="owner")  # whose maps it works on
        self.maps = self.access.owner
        saved = store.load_session(owner)
        self.state = SessionState.model_validate(saved) if saved else SessionState()
        self.meter = UsageMeter(self.state.usage)

    # --- persistence -------------------------------------------------------------
    def save(self) -> None:
        self.state.usage = self.meter.total
        self.store.save_session(self.owner, self.state.model_dump(mode="json"))

    def shown(self, journey: JourneyMap | None) -> None:
        """The page now shows ``journey``: a table edit is made from this version."""
        version = journey.version if journey is not None else None
        if version != self.state.shown_version:
            self.state.shown_version = version
            self.save()

    @property
    def journey(self) -> JourneyMap | None:
        """The map on screen; None when there is none, or it is gone (deleted, or no longer
        in a workspace this person belongs to)."""
        if self.state.map_id is None:
            return None
        try:
            return self.store.load(self.maps, self.state.map_id)
        except StoreError:
            self.state.map_id = None
            return None

    def shown_report(self) -> CritiqueReport | None:
        """The current map's critique: the one kept with its version, or made now (once, for
        a map saved before reports were kept)."""
        journey, map_id = self.journey, self.state.map_id
        if journey is None or map_id is None:
            return None
        kept = self.store.load_report(self.maps, map_id)
        if kept is None:
            kept = self.services.critique(journey, meter=self.meter).value
            self.store.save_report(self.maps, map_id, journey.version, kept)
        return kept

    def keep(self, journey: JourneyMap, note: str, base_version: int | None = None) -> JourneyMap:
        """Save ``journey`` as the map's next version (a new map when there is none), as
        this person; Forbidden for a viewer, VersionConflict when ``base_version`` is no
        longer the newest."""
        self.access.check_write()
        self.access.check_map(self.state.map_id)
        saved = self.store.save(
            self.maps,
            journey,
            self.state.map_id,
            note,
            author=self.access.user,
            base_version=base_version,
        )
        self.state.map_id = saved.id
        return saved.journey

    # --- conversation ------------------------------------------------------------
    def set_language(self, lang: Lang) -> list[Event]:
        """The person picked ``lang``: from now on the conversation is in it. A greeting
        nobody answered yet is said again in it; an interview under way asks its current
        question again in it. The events of what was said."""
        changed = lang != self.state.lang
        self.state.lang, self.state.lang_fixed = lang, True
        interview = self.state.interview
        interview.lang, interview.lang_fixed = lang, True
        interview.answers.language = lang
        events: list[Event] = []
        if changed:
            unanswered = all(m.role == "assistant" for m in self.state.messages)
            if unanswered and self.state.map_id is None:
                self.state.messages = []
                events = list(self.start())
            elif interview.phase == "asking" and interview.current:
                question = self._interviewer().question(interview.current)
                events = list(self._say(f"{t('back_to_interview', lang)} {question}"))
        self.save()
        return events

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
        intent = classify(
            text,
            interviewing=interviewing,
            has_map=self.state.map_id is not None,
            proposing=self.state.pending is not None,
        )
        if intent not in ("accept", "reject") and self.state.pending is not None:
            self.state.pending = None  # a new message sets a waiting proposal aside
            yield ProposalClosed(accepted=False)
        if intent == "map":
            events = self.import_map(text, None)
        elif intent == "help":
            events = self._say(t("chat_help", self.state.lang))
        elif intent == "question":
            events = self._answer(text)
        elif intent == "edit" and interviewing:
            events = self._edit(text, or_else=self._interview)
        elif intent in EDIT_INTENTS:
            events = self._editing(intent, text)
        elif interviewing:
            events = self._interview(text)
        else:
            events = self._answer(text)
        yield from self._keeping_notices(events)
        yield from self._usage_since(before)
        self.save()

    # --- changing the map by saying so ------------------------------------------------
    def _editing(self, intent: str, text: str) -> Iterator[Event]:
        if intent == "accept":
            return self.accept()
        if intent == "reject":
            return self.reject()
        if intent == "undo":
            return self.undo()
        if intent == "ideas":
            return self._ideas(text)
        if intent == "why":
            return self._why(text)
        return self._edit(text)

    def _edit(
        self, text: str, or_else: Callable[[str], Iterator[Event]] | None = None
    ) -> Iterator[Event]:
        """Propose the change ``text`` asks for; a message that only looks like an edit goes
        to ``or_else`` (an interview answer) or is answered as a question."""
        journey = self.journey
        if journey is None:
            yield from self._say(t("edit_no_map", self.state.lang))
            return
        outcome = self.services.edit_plan(text, journey, meter=self.meter)
        plan = outcome.value
        if or_else is not None and (plan is None or not plan.operations):
            yield from or_else(text)
            return
        yield from outcome.notices
        if plan is None:  # reads like an edit, but is not one: answer it as a question
            yield from self._answer(text)
            return
        if not plan.operations:
            yield from self._say(plan.question or t("edit_unclear", journey.language))
            return
        yield from self._propose(journey, plan, text)

    def _propose(
        self, journey: JourneyMap, plan: EditPlan, text: str, intro: str | None = None
    ) -> Iterator[Event]:
        proposal = propose(journey, plan, text)
        if isinstance(proposal, str):
            yield from self._say(proposal)
            return
        self.state.pending = proposal
        yield from self._say(proposal_text(proposal, journey.language, intro))
        yield EditProposed(proposal=proposal, map=apply_operations(journey, proposal.operations))

    def propose_text(self, text: str) -> Iterator[Event]:
        """An instruction given as an edit whatever it looks like (the REST and CLI path)."""
        yield from self._edit(text)

    def accept(self) -> Iterator[Event]:
        """Apply the waiting proposal: a new version, shown and critiqued again."""
        proposal, journey, lang = self.state.pending, self.journey, self.state.lang
        self.state.pending = None
        if proposal is None or journey is None:
            yield from self._say(t("edit_nothing_pending", lang))
            self.save()
            return
        yield ProposalClosed(accepted=True)
        if journey.version != proposal.base_version:
            yield from self._say(t("edit_stale", lang))
            self.save()
            return
        try:
            edited = apply_operations(journey, proposal.operations)
        except EditError as exc:
            yield from self._say(exc.message)
            self.save()
            return
        kept = self.keep(edited, proposal.note)
        self._remember(journey.version)
        yield from self._publish(kept)
        yield from self._say(t("edit_applied", kept.language, version=kept.version))
        self.save()

    def reject(self) -> Iterator[Event]:
        """Set the waiting proposal aside: nothing changes, and nothing of it is kept."""
        had = self.state.pending is not None
        self.state.pending = None
        if had:
            yield ProposalClosed(accepted=False)
            yield from self._say(t("edit_rejected", self.state.lang))
        else:
            yield from self._say(t("edit_nothing_pending", self.state.lang))
        self.save()

    def undo(self) -> Iterator[Event]:
        """Back to the version before the last accepted change (or the previous version)."""
        journey, map_id, lang = self.journey, self.state.map_id, self.state.lang
        if journey is None or map_id is None:
            yield from self._say(t("edit_no_map", lang))
            return
        if self.state.undo_map != map_id or not self.state.undo:
            yield from self._say(t("edit_nothing_to_undo", lang))
            return
        back = self.state.undo.pop()
        old = self.store.load(self.maps, map_id, back)
        kept = self.keep(old, t("edit_undo_note", lang, version=back))
        yield from self._publish(kept)
        yield from self._say(t("edit_undone", lang, version=back, new=kept.version))
        self.save()

    def _remember(self, version: int) -> None:
        """Keep the version a change was made on, so that "undo" can go back to it."""
        if self.state.undo_map != self.state.map_id:
            self.state.undo, self.state.undo_map = [], self.state.map_id
        self.state.undo.append(version)

    def _why(self, text: str) -> Iterator[Event]:
        journey = self.journey
        found = explain(journey, text) if journey else None
        if found is None:
            yield from self._answer(text)
            return
        yield from self._say(found)

    def _ideas(self, text: str) -> Iterator[Event]:
        journey = self.journey
        if journey is None:
            yield from self._say(t("edit_no_map", self.state.lang))
            return
        asked = ideas_asked(journey, text, self.services.meaning)
        if asked.plan is None:
            yield from self._say(asked.message)
            return
        yield from self._propose(journey, asked.plan, text, asked.message)

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
        lang = detect_language(text, self.state.lang)  # a question gets its own language
        for event in self.services.ask_events(text, lang=lang, meter=self.meter):
            if isinstance(event, TextDelta):
                shown = event.applied_to(shown)
            yield event
            if isinstance(event, AnswerReady) and event.answer.citations:
                listed = source_list(event.answer)
                shown += listed
                yield TextDelta(text=listed)
        if self.state.interview.phase == "asking" and self.state.interview.current:
            if not self.state.interview.lang_fixed:  # the interview follows the conversation
                self.state.interview.lang = self.state.lang
                self.state.interview.answers.language = self.state.lang
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
        # A clean start: the old conversation leaves the chat (its map stays under Saved
        # maps), and the greeting is one message of its own.
        self.state.messages = []
        greeting = self._interviewer().start().message
        yield from self._say(f"{t('new_interview', self.state.lang)}\n\n{greeting}")
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
            self.store.save_report(self.maps, self.state.map_id, journey.version, outcome.value)
        yield CritiqueReady(report=outcome.value)
        return outcome.value

    def replace_map(
        self, journey: JourneyMap, note: str, base_version: int | None = None
    ) -> Iterator[Event]:
        """An edited map: saved as a new version, critiqued again."""
        current = self.journey
        kept = self.keep(journey, note, base_version)
        if current is not None and kept.version != current.version:
            self._remember(current.version)
        yield from self._publish(kept)
        self.save()

"""Changing a thread's map from Slack: the same proposals as the page, applied on "yes"."""

from __future__ import annotations

from assistant.adapters.slack.format import SlackMessage, notice_message
from assistant.adapters.slack.threads import ThreadMaps, ThreadState
from assistant.app.ideas import ideas_asked
from assistant.app.services import Services
from assistant.capabilities.editing.apply import EditError, apply_operations
from assistant.capabilities.editing.propose import proposal_text, propose
from assistant.capabilities.editing.why import explain
from assistant.domain import JourneyMap
from assistant.domain.edits import EditPlan
from assistant.language.i18n import t


class ThreadEditor:
    """One reply about a thread's map; ``None`` when the message is not about the map after
    all (then it is answered as a question)."""

    def __init__(
        self, services: Services, threads: ThreadMaps, where: tuple[str, str], state: ThreadState
    ) -> None:
        self.services = services
        self.threads = threads
        self.where = where
        self.state = state
        assert state.journey is not None
        self.journey: JourneyMap = state.journey
        self.lang = state.journey.language

    def _keep(self, state: ThreadState) -> None:
        self.threads.put(*self.where, state)

    def reply(self, intent: str, text: str) -> SlackMessage | None:
        if intent == "accept":
            return self.accept()
        if intent == "reject":
            self._keep(ThreadState(journey=self.journey, previous=self.state.previous))
            return notice_message(t("edit_rejected", self.lang))
        if intent == "undo":
            return self.undo()
        if intent == "why":
            found = explain(self.journey, text)
            return notice_message(found) if found else None
        if intent == "ideas":
            return self.ideas(text)
        return self.edit(text)

    def edit(self, text: str) -> SlackMessage | None:
        plan = self.services.edit_plan(text, self.journey).value
        if plan is None:
            return None
        if not plan.operations:
            return notice_message(plan.question or t("edit_unclear", self.lang))
        return self._propose(plan, text)

    def _propose(self, plan: EditPlan, text: str, intro: str | None = None) -> SlackMessage:
        proposal = propose(self.journey, plan, text)
        if isinstance(proposal, str):
            return notice_message(proposal)
        self._keep(ThreadState(self.journey, proposal, self.state.previous))
        shown = proposal_text(proposal, self.lang, intro or t("slack_edit_proposal", self.lang))
        return notice_message(shown)

    def ideas(self, text: str) -> SlackMessage:
        asked = ideas_asked(self.journey, text, self.services.meaning)
        if asked.plan is None:
            return notice_message(asked.message)
        return self._propose(asked.plan, text, asked.message)

    def accept(self) -> SlackMessage:
        pending = self.state.pending
        if pending is None:
            return notice_message(t("edit_nothing_pending", self.lang))
        try:
            edited = apply_operations(self.journey, pending.operations)
        except EditError as exc:
            return notice_message(exc.message)
        edited = edited.model_copy(update={"version": self.journey.version + 1})
        self._keep(ThreadState(journey=edited, previous=self.journey))
        report = self.services.critique(edited).value
        done = t("edit_applied_slack", self.lang, version=edited.version)
        score = t("slack_score", self.lang, score=report.score)
        return notice_message(f"{done}\n{score} {report.summary}")

    def undo(self) -> SlackMessage:
        previous = self.state.previous
        if previous is None:
            return notice_message(t("edit_nothing_to_undo_slack", self.lang))
        self._keep(ThreadState(journey=previous))
        return notice_message(t("edit_undone_slack", self.lang))

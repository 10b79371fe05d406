"""A plan made into a proposal: the operations checked against the map, their readable
diff, and the text every adapter shows (chat, Slack, CLI)."""

from __future__ import annotations

from assistant.capabilities.editing.apply import EditError, apply_operations
from assistant.capabilities.editing.describe import describe
from assistant.domain import JourneyMap, Lang
from assistant.domain.edits import Change, EditPlan, EditProposal
from assistant.language.i18n import t

NOTE_CHARS = 80


def propose(journey: JourneyMap, plan: EditPlan, instruction: str) -> EditProposal | str:
    """The proposal of ``plan``'s operations, or why they cannot be made (a message)."""
    try:
        apply_operations(journey, plan.operations)
    except EditError as exc:
        return exc.message
    note = " ".join(instruction.split())
    if len(note) > NOTE_CHARS:
        note = note[: NOTE_CHARS - 1] + "…"
    return EditProposal(
        instruction=instruction,
        operations=plan.operations,
        changes=describe(journey, plan.operations),
        note=t("edit_note", journey.language, instruction=note),
        base_version=journey.version,
    )


def change_line(change: Change) -> str:
    """``Osto · Kipupisteet: “old” → “new”`` (+ for added, − for removed)."""
    if change.before and change.after and change.before != change.after:
        return f"{change.where}: “{change.before}” → “{change.after}”"
    if change.after and not change.before:
        return f"{change.where}: + “{change.after}”"
    if change.before and not change.after:
        return f"{change.where}: − “{change.before}”"
    return f"{change.where}: “{change.after or change.before}”"


def proposal_text(proposal: EditProposal, lang: Lang, intro: str | None = None) -> str:
    """The proposal as a short message: what will change, one line each."""
    lines = [f"• {change_line(change)}" for change in proposal.changes]
    return "\n".join([intro or t("edit_proposal", lang), *lines])

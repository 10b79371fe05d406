"""What a turn yields, in order, for any adapter (CLI, web UI, Slack, REST) to render."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from assistant.domain.edits import EditProposal
from assistant.domain.models import Answer, Citation, CritiqueReport, JourneyMap
from assistant.domain.usage import TokenUsage


class TextDelta(BaseModel):
    """A piece of the reply text, to append to what was shown."""

    kind: Literal["text"] = "text"
    text: str = Field(description="Text to append.")
    replace: bool = Field(
        default=False, description="Replace what was shown (a fallback after a failed stream)."
    )

    def applied_to(self, shown: str) -> str:
        """What is shown after this delta: ``shown`` plus the text, or the text alone."""
        return self.text if self.replace else shown + self.text


class Sources(BaseModel):
    """The passages the reply cites, numbered as its [n] markers."""

    kind: Literal["sources"] = "sources"
    citations: list[Citation] = Field(description="Citations, [1] first.")


class Notice(BaseModel):
    """Something the person should know: a fallback to offline, a dropped passage..."""

    kind: Literal["notice"] = "notice"
    level: Literal["info", "warning"] = Field(default="info", description="How loud to show it.")
    message: str = Field(description="The notice in the person's language.")


class MapUpdated(BaseModel):
    """The map changed; render it again."""

    kind: Literal["map"] = "map"
    map: JourneyMap = Field(description="The whole map as it is now.")


class Usage(BaseModel):
    """Tokens this turn and this session used (zero when offline)."""

    kind: Literal["usage"] = "usage"
    turn: TokenUsage = Field(description="This turn.")
    session: TokenUsage = Field(description="The whole session so far.")


class AnswerReady(BaseModel):
    """The finished answer of a question turn."""

    kind: Literal["answer"] = "answer"
    answer: Answer = Field(description="The final answer with its citations and mode.")


class CritiqueReady(BaseModel):
    """The critique of the current map."""

    kind: Literal["critique"] = "critique"
    report: CritiqueReport = Field(description="Findings, score and summary.")


class EditProposed(BaseModel):
    """A change waiting for the person's approval: the diff, and the map it would give."""

    kind: Literal["proposal"] = "proposal"
    proposal: EditProposal = Field(description="The operations and their readable diff.")
    map: JourneyMap = Field(description="The map as it would be once accepted.")


class ProposalClosed(BaseModel):
    """The waiting proposal was accepted, rejected or replaced: hide it."""

    kind: Literal["proposal_closed"] = "proposal_closed"
    accepted: bool = Field(description="Whether the change was applied.")


Event = (
    TextDelta
    | Sources
    | Notice
    | MapUpdated
    | Usage
    | AnswerReady
    | CritiqueReady
    | EditProposed
    | ProposalClosed
)


def shown_text(events: Iterable[Event]) -> str:
    """The reply text a person sees at the end of ``events``."""
    shown = ""
    for event in events:
        if isinstance(event, TextDelta):
            shown = event.applied_to(shown)
    return shown

"""Insights mined from a person's own research: themes with counts and verbatim quotes.

Part of the public contract (``polku insights --json``, ``POST /api/insights``): quotes are
copied from the files exactly, counts are computed, never written by a model.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from assistant.domain.models import Lang, Model

InsightKind = Literal["pain", "gain", "need"]
INSIGHT_KINDS: tuple[InsightKind, ...] = get_args(InsightKind)
ResearchKind = Literal["reviews", "survey", "interviews", "tickets", "notes"]
#: The ten journey roles, in journey order (what a stage or a statement is about).
JourneyRole = Literal[
    "need",
    "discover",
    "compare",
    "commit",
    "prepare",
    "use",
    "support",
    "after",
    "return",
    "advocate",
]


class Quote(Model):
    """A statement exactly as it stands in the person's file, and where."""

    text: str = Field(description="The statement, copied verbatim.")
    source: str = Field(description="The file it comes from.")
    location: str = Field(description="Where in the file: 'row 12 (Review)' or 'line 40'.")


class Theme(Model):
    """Statements that say the same thing, counted."""

    label: str = Field(description="The theme's most central statement (verbatim).")
    name: str | None = Field(
        default=None, description="A short name a language model gave it (LLM mode)."
    )
    kind: InsightKind = Field(description="pain, gain or need.")
    role: JourneyRole = Field(description="The part of the journey it is about.")
    stage: str = Field(description="That part's name in the research's language.")
    count: int = Field(ge=1, description="Places (rows, cells, answers) that say it.")
    respondents: int = Field(ge=1, description="Distinct respondents, reviews or interviewees.")
    quotes: list[Quote] = Field(description="Up to five statements, most central first.")
    locations: list[Quote] = Field(
        default_factory=list, description="Every statement of the theme, for tracing."
    )


class ResearchSource(Model):
    """One file that was read, or refused with the reason."""

    name: str = Field(description="The file name.")
    kind: ResearchKind | None = Field(default=None, description="What the research is.")
    respondents: int = Field(default=0, description="Respondents, reviews or interviewees.")
    statements: int = Field(default=0, description="Statements read from it.")
    problem: str | None = Field(default=None, description="Why it was refused, when it was.")
    warnings: list[str] = Field(
        default_factory=list, description="What was skipped inside it (formula cells...)."
    )


class InsightReport(Model):
    """What the research says, theme by theme."""

    language: Lang = Field(description="The language of the research and of stage names.")
    themes: list[Theme] = Field(description="Themes said at least twice, most said first.")
    one_offs: list[Theme] = Field(
        default_factory=list, description="Statements said once, kept so nothing is lost."
    )
    statements: int = Field(description="Statements with a pain, gain or need in them.")
    set_aside: int = Field(
        default=0, description="Statements that addressed an AI assistant: data, not quoted."
    )
    sources: list[ResearchSource] = Field(description="Every file, read or refused.")

    @property
    def respondents(self) -> int:
        return sum(s.respondents for s in self.sources)

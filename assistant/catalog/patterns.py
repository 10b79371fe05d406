"""Drafting patterns (``knowledge/patterns/*.yaml``): per industry and stage, in three languages."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, field_validator

from assistant.domain import STAGE_KEYS, Localized, LocalizedList, StageKey, Strict, TouchpointKind
from assistant.language.vocabulary import mentions
from assistant.resources import knowledge_dir, load_data


class PatternTouchpoint(Strict):
    channel: Localized
    kind: TouchpointKind
    description: Localized


class PatternOpportunity(Strict):
    text: Localized
    owner: Localized
    metric: Localized


class StagePattern(Strict):
    customer_goal: Localized
    actions: LocalizedList
    touchpoints: list[PatternTouchpoint] = Field(min_length=1)
    thoughts: LocalizedList
    emotion: int = Field(ge=-2, le=2)
    emotion_label: Localized
    pain_points: LocalizedList
    opportunities: list[PatternOpportunity] = Field(min_length=1)
    frontstage: LocalizedList
    backstage: LocalizedList
    support_processes: LocalizedList
    physical_evidence: LocalizedList


class IndustryPattern(Strict):
    industry: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    aliases: LocalizedList
    source_docs: list[str] = Field(min_length=1, description="Knowledge document ids cited.")
    default_model: Literal["b2b", "b2c"]
    stakeholders: list[Localized] = Field(description="Typical B2B buying committee roles.")
    stages: dict[StageKey, StagePattern]

    @field_validator("stages")
    @classmethod
    def _all_stages(cls, stages: dict[StageKey, StagePattern]) -> dict[StageKey, StagePattern]:
        missing = [key for key in STAGE_KEYS if key not in stages]
        if missing:
            raise ValueError(f"patterns missing for stages {missing}")
        return stages


@cache
def patterns() -> dict[str, IndustryPattern]:
    found = sorted((knowledge_dir() / "patterns").glob("*.yaml"))
    loaded = [load_data(path, IndustryPattern) for path in found]
    return {pattern.industry: pattern for pattern in loaded}


def match_industry(text: str) -> IndustryPattern:
    """The drafting pattern whose aliases the text names most; ``generic`` when none."""
    scored = [
        (mentions(text, pattern.aliases.all()), pattern)
        for pattern in patterns().values()
        if pattern.industry != "generic"
    ]
    scored.sort(key=lambda item: -item[0])
    if scored and scored[0][0] > 0:
        return scored[0][1]
    return patterns()["generic"]

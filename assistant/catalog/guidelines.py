"""The guideline catalog (``knowledge/guidelines.yaml``): what the critic checks maps against."""

from __future__ import annotations

from functools import cache

from pydantic import Field, field_validator

from assistant.domain import Localized, Severity, Strict
from assistant.resources import knowledge_dir, load_data


class Variant(Strict):
    """Another wording of a finding, for a case the main one does not fit ("no persona at
    all" rather than "two personas")."""

    message: Localized
    suggestion: Localized


class Guideline(Strict):
    """A do/don't guideline with the rule that checks it."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: Localized
    checks: Localized = Field(description="What the executable rule checks.")
    rationale: Localized = Field(description="Why it matters.")
    source_doc: str = Field(description="Knowledge document id the guideline rests on.")
    severity: Severity
    message: Localized = Field(description="Finding message; may use {stage}, {item}, {count}.")
    suggestion: Localized = Field(description="What to do; may use {stage}, {item}, {count}.")
    variants: dict[str, Variant] = Field(
        default_factory=dict, description="Wordings a check picks with the value 'variant'."
    )


class GuidelineCatalog(Strict):
    version: int
    guidelines: list[Guideline]

    @field_validator("guidelines")
    @classmethod
    def _unique_ids(cls, guidelines: list[Guideline]) -> list[Guideline]:
        ids = [g.id for g in guidelines]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate guideline ids: {duplicates}")
        return guidelines

    def by_id(self, guideline_id: str) -> Guideline:
        for guideline in self.guidelines:
            if guideline.id == guideline_id:
                return guideline
        raise KeyError(guideline_id)


@cache
def guidelines() -> GuidelineCatalog:
    return load_data(knowledge_dir() / "guidelines.yaml", GuidelineCatalog)

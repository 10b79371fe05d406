"""The guideline catalog (``knowledge/guidelines.yaml``): what the critic checks maps against,
and what the checks listen for (``knowledge/guideline_cues.yaml``): the words, example
sentences and lane names of each idea a check looks for, in the three languages."""

from __future__ import annotations

from functools import cache

from pydantic import Field, field_validator, model_validator

from assistant.domain import LANGS, Localized, LocalizedList, Severity, Strict
from assistant.resources import CatalogError, knowledge_dir, load_data


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


class Concept(Strict):
    """One idea a check looks for in a map's text ("the map's purpose", "a failure"):
    ``cues`` are words or stems matched at word starts, ``examples`` are sentences that state
    the idea and ``contrasts`` sentences that look alike but do not, both compared by meaning;
    ``endings`` are word endings that show it (a Finnish passive: ``-taan``), counted only
    right after one of the ``after`` words where a language has some (an English passive:
    "is" + "-ed")."""

    used_by: list[str] = Field(min_length=1, description="Guideline ids whose checks use it.")
    cues: LocalizedList = Field(default_factory=LocalizedList)
    examples: LocalizedList = Field(default_factory=LocalizedList)
    contrasts: LocalizedList = Field(default_factory=LocalizedList)
    endings: LocalizedList = Field(default_factory=LocalizedList)
    after: LocalizedList = Field(default_factory=LocalizedList)

    @model_validator(mode="after")
    def _every_language(self) -> Concept:
        """Every language can be recognised: by cues or by endings (English has no passive
        ending, Finnish needs no passive phrase), and by meaning in all three or none."""
        words = [lang for lang in LANGS if self.cues.get(lang) or self.endings.get(lang)]
        if words and len(words) != len(LANGS):
            raise ValueError(f"cues or endings are written for {words} only; write all three")
        for name in ("examples", "contrasts"):
            found: LocalizedList = getattr(self, name)
            filled = [lang for lang in LANGS if found.get(lang)]
            if filled and len(filled) != len(LANGS):
                raise ValueError(f"{name} is written in {filled} only; write all three")
        orphans = [lang for lang in LANGS if self.after.get(lang) and not self.endings.get(lang)]
        if orphans:
            raise ValueError(f"after needs endings to follow it ({orphans})")
        if bool(self.examples.en) != bool(self.contrasts.en):
            raise ValueError("examples and contrasts go together (meaning compares them)")
        return self


#: The concepts the checks in assistant/capabilities/critique/ read by name.
CONCEPTS = (
    "purpose",
    "expectation",
    "scope",
    "hypothesis",
    "speech",
    "stereotype",
    "generalisation",
    "failure",
    "recovery",
    "outside",
    "moment_of_truth",
    "for_someone_else",
    "dependant",
    "user_role",
    "buyer_role",
    "customer",
    "performer",
    "visible_contact",
    "impersonal",
)
#: The extra lanes (kept by the name a person gave them) the checks recognise.
CUE_LANES = ("expectations", "moments_of_truth", "failure_paths", "quotes", "outside_steps")


class GuidelineCues(Strict):
    version: int
    concepts: dict[str, Concept]
    neutral: LocalizedList = Field(
        description="Ordinary map entries every concept is also contrasted with."
    )
    lanes: dict[str, LocalizedList] = Field(
        description="Names of extra lanes a check reads (an 'Expectations' row)."
    )

    @model_validator(mode="after")
    def _complete(self) -> GuidelineCues:
        missing: list[str] = [f"neutral.{lang}" for lang in LANGS if not self.neutral.get(lang)]
        missing += [c for c in CONCEPTS if c not in self.concepts]
        missing += [lane for lane in CUE_LANES if lane not in self.lanes]
        if missing:
            raise ValueError(f"missing: {missing}")
        return self


@cache
def guideline_cues() -> GuidelineCues:
    return load_data(knowledge_dir() / "guideline_cues.yaml", GuidelineCues)


@cache
def guidelines() -> GuidelineCatalog:
    """The catalog; its checks' cues are loaded and cross-checked with it, so that
    ``python -m assistant.catalog`` validates both."""
    catalog = load_data(knowledge_dir() / "guidelines.yaml", GuidelineCatalog)
    ids = {g.id for g in catalog.guidelines}
    unknown = sorted({gid for c in guideline_cues().concepts.values() for gid in c.used_by} - ids)
    if unknown:
        raise CatalogError(f"guideline_cues.yaml names guidelines not in the catalog: {unknown}")
    return catalog

"""Typed, validated loaders for the structured knowledge files.

- ``knowledge/guidelines.yaml``: the guideline catalog the critic checks maps against;
- ``knowledge/stage_models.yaml``: the stage models of the knowledge base;
- ``knowledge/vocabulary.yaml``: words Polku recognises (channels, lanes, cues, emotions);
- ``knowledge/patterns/*.yaml``: drafting patterns per industry and stage.

Run ``python -m assistant.catalog`` to validate them all.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.domain import Lang, MapType, Severity, TouchpointKind
from assistant.resources import knowledge_dir

StageKey = Literal["awareness", "consideration", "purchase", "retention", "advocacy"]
STAGE_KEYS: tuple[StageKey, ...] = (
    "awareness",
    "consideration",
    "purchase",
    "retention",
    "advocacy",
)
LaneKey = Literal[
    "customer_goal",
    "actions",
    "touchpoints",
    "thoughts",
    "emotion",
    "pain_points",
    "opportunities",
    "frontstage",
    "backstage",
    "support_processes",
    "physical_evidence",
]
MetaKey = Literal[
    "title",
    "persona",
    "scenario",
    "map_type",
    "owner",
    "last_updated",
    "review_cadence",
    "evidence",
    "business",
    "model",
    "stage",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """One text in each of the three languages."""

    en: str = Field(min_length=1)
    fi: str = Field(min_length=1)
    et: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))


class LocalizedList(Strict):
    """A list of texts in each of the three languages."""

    en: list[str] = Field(default_factory=list)
    fi: list[str] = Field(default_factory=list)
    et: list[str] = Field(default_factory=list)

    def get(self, lang: Lang) -> list[str]:
        return list(getattr(self, lang))

    def all(self) -> list[str]:
        return [*self.en, *self.fi, *self.et]


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


class StageDef(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    customer_goal: Localized
    pattern_stages: list[StageKey] = Field(
        min_length=1, description="Stages of the five-stage model whose patterns apply here."
    )


class StageModel(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    source_doc: str
    aliases: LocalizedList = Field(description="Words that name this model in a conversation.")
    stages: list[StageDef] = Field(min_length=2)


class StageModels(Strict):
    default: str
    models: list[StageModel]

    def get(self, model_id: str) -> StageModel:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)


class ChannelTerm(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: TouchpointKind
    label: Localized
    synonyms: LocalizedList = Field(description="Lower-case words or stems that name it.")
    stages: list[StageKey] = Field(min_length=1, description="Where it belongs in a journey.")


class Vocabulary(Strict):
    channels: list[ChannelTerm]
    lanes: dict[LaneKey, LocalizedList]
    meta_keys: dict[MetaKey, LocalizedList]
    emotions: dict[int, LocalizedList] = Field(description="Words per score -2..2.")
    b2b_cues: LocalizedList
    b2c_cues: LocalizedList
    map_type_cues: dict[MapType, LocalizedList]
    skip_words: LocalizedList
    physical_presence_cues: LocalizedList
    stage_cues: dict[StageKey, LocalizedList] = Field(
        description="Words that place a pain point at a stage (checkout -> purchase)."
    )
    evidence_kinds: dict[str, LocalizedList] = Field(
        description="Research kinds (interviews, surveys, ...) and the words that name them."
    )

    @field_validator("emotions")
    @classmethod
    def _scores_in_range(cls, emotions: dict[int, LocalizedList]) -> dict[int, LocalizedList]:
        if set(emotions) != {-2, -1, 0, 1, 2}:
            raise ValueError("emotions needs exactly the scores -2, -1, 0, 1, 2")
        return emotions


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


class CatalogError(ValueError):
    """A knowledge file is missing or does not match its schema."""


M = TypeVar("M", bound=BaseModel)


def _load(path: Path, model: type[M]) -> M:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except FileNotFoundError as exc:
        raise CatalogError(f"{path} is missing") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"{path} is not valid: {exc}") from exc


@cache
def guidelines() -> GuidelineCatalog:
    return _load(knowledge_dir() / "guidelines.yaml", GuidelineCatalog)


@cache
def stage_models() -> StageModels:
    return _load(knowledge_dir() / "stage_models.yaml", StageModels)


@cache
def vocabulary() -> Vocabulary:
    return _load(knowledge_dir() / "vocabulary.yaml", Vocabulary)


@cache
def patterns() -> dict[str, IndustryPattern]:
    found = sorted((knowledge_dir() / "patterns").glob("*.yaml"))
    loaded = [_load(path, IndustryPattern) for path in found]
    return {pattern.industry: pattern for pattern in loaded}


def validate_all() -> list[str]:
    """Load every structured knowledge file; return the problems found (empty when valid)."""
    problems: list[str] = []
    for loader in (guidelines, stage_models, vocabulary, patterns):
        try:
            loader()
        except CatalogError as exc:
            problems.append(str(exc))
    return problems


if __name__ == "__main__":
    errors = validate_all()
    for error in errors:
        print(error, file=sys.stderr)
    print("knowledge files valid" if not errors else f"{len(errors)} file(s) invalid")
    sys.exit(1 if errors else 0)

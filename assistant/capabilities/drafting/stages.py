"""Resolve the stages a person asked for: a named stage model, their own stages, or the default."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.catalog.stage_models import StageModel, find_model, known_stage, stage_models
from assistant.domain import STAGE_KEYS, Lang, StageKey
from assistant.language.vocabulary import normalise, stage_for


@dataclass(frozen=True)
class PlannedStage:
    """A stage of the map to draft, and the five-stage patterns that fill it."""

    key: str
    name: str
    pattern_stages: tuple[StageKey, ...]
    goal: str | None  # the model's own customer goal, when the stage comes from a model


def _from_model(model: StageModel, lang: Lang) -> list[PlannedStage]:
    return [
        PlannedStage(s.key, s.name.get(lang), tuple(s.pattern_stages), s.customer_goal.get(lang))
        for s in model.stages
    ]


def _positional(index: int, count: int) -> StageKey:
    if count <= 1:
        return "purchase"
    return STAGE_KEYS[round(index * (len(STAGE_KEYS) - 1) / (count - 1))]


def plan_stages(requested: list[str] | None, lang: Lang) -> tuple[str, list[PlannedStage]]:
    """(stage model id or 'custom', the stages to draft)."""
    if not requested:
        model = stage_models().get(stage_models().default)
        return model.id, _from_model(model, lang)
    if len(requested) == 1 and (named := find_model(requested[0])):
        return named.id, _from_model(named, lang)
    planned = []
    for index, name in enumerate(requested):
        known = known_stage(name)
        cue = stage_for(name)
        keys = known or ((cue,) if cue else (_positional(index, len(requested)),))
        slug = "-".join(normalise(name).split())[:40] or f"stage-{index + 1}"
        planned.append(PlannedStage(slug, name.strip(), keys, None))
    return "custom", planned

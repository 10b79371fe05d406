"""The stages to draft: the person's own, a stage model they named, or the model that fits
their trade (an appointment business gets find -> book -> visit -> after the visit ->
rebook). Every stage carries the journey roles its content is drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.capabilities.stage_roles import roles_of
from assistant.catalog.library import TradeLibrary
from assistant.catalog.roles import Role, stage_keys
from assistant.catalog.stage_models import StageDef, StageModel, find_model, stage_models
from assistant.domain import InterviewAnswers, Lang, StageKey
from assistant.language.vocabulary import normalise
from assistant.retrieval.meaning import Meaning

DAY_IN_THE_LIFE = "day-in-the-life"
CUSTOM = "custom"


@dataclass(frozen=True)
class PlannedStage:
    """A stage of the map to draft and the journey roles that fill it."""

    key: str
    name: str
    roles: tuple[Role, ...]
    goal: str | None  # the stage model's own customer goal, when the stage comes from one

    @property
    def pattern_stages(self) -> tuple[StageKey, ...]:
        """Its place in the five-stage model."""
        return stage_keys(self.roles)


@dataclass(frozen=True)
class StagePlan:
    model_id: str
    model: StageModel | None
    stages: list[PlannedStage]


def _from_model(model: StageModel, lang: Lang) -> StagePlan:
    stages = [
        PlannedStage(s.key, s.name.get(lang), tuple(s.roles), s.customer_goal.get(lang))
        for s in model.stages
    ]
    return StagePlan(model.id, model, stages)


def _model(model_id: str) -> StageModel | None:
    try:
        return stage_models().get(model_id)
    except KeyError:
        return None


def plan_stages(
    answers: InterviewAnswers, trade: TradeLibrary, meaning: Meaning, model_id: str | None = None
) -> StagePlan:
    """The stages of the map, each with the roles its name means, from the stage model
    ``model_id`` (default: the trade's) when the person named none."""
    lang, requested = answers.language, answers.stages
    model_id = model_id or trade.stage_model
    if not requested:
        wanted = DAY_IN_THE_LIFE if answers.map_type == DAY_IN_THE_LIFE else model_id
        model = _model(wanted) or stage_models().get(stage_models().default)
        return _from_model(model, lang)
    if len(requested) == 1 and (named := find_model(requested[0])):
        return _from_model(named, lang)
    names = [name.strip() for name in requested if name.strip()]
    planned = [
        PlannedStage(_slug(name, index), name, roles, None)
        for index, (name, roles) in enumerate(zip(names, roles_of(names, lang, meaning)))
    ]
    return StagePlan(CUSTOM, None, _whole_journey(planned, model_id, lang))


BEFORE: frozenset[Role] = frozenset({"need", "discover", "compare"})
AFTER: frozenset[Role] = frozenset({"prepare", "use", "support", "after", "return", "advocate"})


def _whole_journey(planned: list[PlannedStage], model_id: str, lang: Lang) -> list[PlannedStage]:
    """The person's own stages, and where they leave out what comes before the purchase or
    after it, the trade's own stage for that part, as a suggestion: a journey starts long
    before the booking and goes on after it."""
    found = {role for stage in planned for role in stage.roles}
    model = _model(model_id) or stage_models().get(stage_models().default)
    first, last = model.stages[0], model.stages[-1]
    if not found & BEFORE and BEFORE & set(first.roles):
        planned = [_suggested_stage(first, lang), *planned]
    if not found & AFTER and AFTER & set(last.roles):
        planned = [*planned, _suggested_stage(last, lang)]
    return planned


def _suggested_stage(stage: StageDef, lang: Lang) -> PlannedStage:
    return PlannedStage(
        stage.key, stage.name.get(lang), tuple(stage.roles), stage.customer_goal.get(lang)
    )


def _slug(name: str, index: int) -> str:
    return "-".join(normalise(name).split())[:40] or f"stage-{index + 1}"

"""Stage models (``knowledge/stage_models.yaml``) and how a conversation names them."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from assistant.catalog.roles import Role, stage_keys
from assistant.domain import Localized, LocalizedList, StageKey, Strict
from assistant.language.vocabulary import mentions, normalise
from assistant.resources import knowledge_dir, load_data


class StageDef(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    customer_goal: Localized
    roles: list[Role] = Field(min_length=1, description="The journey roles this stage holds.")

    @property
    def pattern_stages(self) -> tuple[StageKey, ...]:
        """The five-stage keys of its roles."""
        return stage_keys(self.roles)


class StageModel(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    source_doc: str
    scenario: Localized = Field(description="The map's scenario line; {name} is the persona.")
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


@cache
def stage_models() -> StageModels:
    return load_data(knowledge_dir() / "stage_models.yaml", StageModels)


def find_model(text: str) -> StageModel | None:
    """A stage model named in ``text`` by id or alias."""
    flat = normalise(text)
    for model in stage_models().models:
        if f" {model.id.replace('-', ' ')} " in flat or mentions(text, model.aliases.all()):
            return model
    return None


def known_roles(name: str) -> tuple[Role, ...] | None:
    """The roles of a stage that some model names ``name`` (in any language, or by key)."""
    flat = normalise(name).strip()
    for model in stage_models().models:
        for stage in model.stages:
            names = (stage.name.en, stage.name.fi, stage.name.et, stage.key.replace("-", " "))
            if flat in {normalise(n).strip() for n in names}:
                return tuple(stage.roles)
    return None


def known_stage(name: str) -> tuple[StageKey, ...] | None:
    """The five-stage keys of a stage that some model names ``name`` (in any language)."""
    found = known_roles(name)
    return stage_keys(found) if found else None

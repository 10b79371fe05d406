"""The ten journey roles (``knowledge/roles.yaml``): what happens in a stage, whatever the
stage is called, and where each role sits in the five-stage model."""

from __future__ import annotations

from functools import cache
from typing import get_args

from pydantic import field_validator

from assistant.domain import JourneyRole, Localized, LocalizedList, StageKey, Strict
from assistant.resources import knowledge_dir, load_data

Role = JourneyRole
#: In journey order: a stage's roles never run backwards along this order.
ROLES: tuple[Role, ...] = get_args(Role)


class RoleDef(Strict):
    stage: StageKey
    name: Localized
    meaning: Localized
    cues: LocalizedList
    examples: LocalizedList
    signals: LocalizedList


class RoleCatalog(Strict):
    roles: dict[Role, RoleDef]

    @field_validator("roles")
    @classmethod
    def _every_role(cls, roles: dict[Role, RoleDef]) -> dict[Role, RoleDef]:
        missing = [role for role in ROLES if role not in roles]
        if missing:
            raise ValueError(f"roles missing: {missing}")
        return roles


@cache
def roles() -> RoleCatalog:
    return load_data(knowledge_dir() / "roles.yaml", RoleCatalog)


def stage_keys(found: tuple[Role, ...] | list[Role]) -> tuple[StageKey, ...]:
    """The five-stage keys of these roles, in order, each once."""
    catalog = roles().roles
    return tuple(dict.fromkeys(catalog[role].stage for role in found))

"""The ten journey roles (``knowledge/roles.yaml``): what happens in a stage, whatever the
stage is called, and where each role sits in the five-stage model."""

from __future__ import annotations

from functools import cache
from typing import get_args

from pydantic import field_validator

from assistant.domain import JourneyRole, Lang, Localized, LocalizedList, StageKey, Strict
from assistant.resources import CatalogError, knowledge_dir, load_data

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


class RoleStatements(Strict):
    """Example statements of one language, labelled with the role they are about
    (``knowledge/role_statements/<lang>.yaml``): what placement by meaning compares with."""

    lang: Lang
    statements: dict[Role, list[str]]

    @field_validator("statements")
    @classmethod
    def _every_role_written(cls, found: dict[Role, list[str]]) -> dict[Role, list[str]]:
        thin = [role for role in ROLES if len(found.get(role, [])) < MIN_STATEMENTS]
        if thin:
            raise ValueError(f"fewer than {MIN_STATEMENTS} statements for: {thin}")
        every = [text.strip().casefold() for texts in found.values() for text in texts]
        twice = sorted({text for text in every if every.count(text) > 1})
        if twice:
            raise ValueError(f"statements written twice: {twice[:3]}")
        return found


MIN_STATEMENTS = 10


@cache
def role_statements(lang: Lang) -> RoleStatements:
    found = load_data(knowledge_dir() / "role_statements" / f"{lang}.yaml", RoleStatements)
    if found.lang != lang:
        raise CatalogError(f"role_statements/{lang}.yaml says lang: {found.lang}")
    return found


def stage_keys(found: tuple[Role, ...] | list[Role]) -> tuple[StageKey, ...]:
    """The five-stage keys of these roles, in order, each once."""
    catalog = roles().roles
    return tuple(dict.fromkeys(catalog[role].stage for role in found))

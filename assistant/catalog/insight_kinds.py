"""What pains, gains and needs sound like (``knowledge/insights.yaml``): labelled prototype
statements in three languages, compared with a customer's statement by meaning, and cue
words matched at word starts; plus neutral statements (context without an opinion)."""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

from pydantic import field_validator

from assistant.domain import LANGS, Localized, LocalizedList, Strict
from assistant.resources import knowledge_dir, load_data

StatementKind = Literal["pain", "gain", "need", "neutral"]
STATEMENT_KINDS: tuple[StatementKind, ...] = get_args(StatementKind)
MIN_PROTOTYPES = 10


class KindDef(Strict):
    name: Localized
    prototypes: LocalizedList
    cues: LocalizedList
    #: words of a survey question that asks for this kind ("what should we improve?")
    questions: LocalizedList = LocalizedList()

    @field_validator("prototypes")
    @classmethod
    def _enough(cls, found: LocalizedList) -> LocalizedList:
        short = [lang for lang in LANGS if len(found.get(lang)) < MIN_PROTOTYPES]
        if short:
            raise ValueError(f"fewer than {MIN_PROTOTYPES} prototypes in {short}")
        return found


class InsightKinds(Strict):
    kinds: dict[StatementKind, KindDef]

    @field_validator("kinds")
    @classmethod
    def _every_kind(cls, kinds: dict[StatementKind, KindDef]) -> dict[StatementKind, KindDef]:
        missing = [kind for kind in STATEMENT_KINDS if kind not in kinds]
        if missing:
            raise ValueError(f"kinds missing: {missing}")
        return kinds


@cache
def insight_kinds() -> InsightKinds:
    return load_data(knowledge_dir() / "insights.yaml", InsightKinds)

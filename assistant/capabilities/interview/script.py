"""The interview's script (questions, reasons, commands) and how each slot reads an answer."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.catalog.stage_models import find_model
from assistant.domain import MAP_TYPES, InterviewAnswers, Localized, LocalizedList, MapType
from assistant.language.lists import split_list
from assistant.language.vocabulary import infer_map_type, infer_model, mentions, normalise

_SCRIPT = Path(__file__).resolve().parent / "script.yaml"
SlotKind = Literal["text", "list", "choice"]


class SlotScript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    doc: str
    kind: SlotKind
    names: LocalizedList
    question: Localized
    why: Localized


class Commands(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    back: LocalizedList
    confirm: LocalizedList
    default_stages: LocalizedList


class Script(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slots: dict[str, SlotScript]
    commands: Commands


@cache
def script() -> Script:
    return Script.model_validate(yaml.safe_load(_SCRIPT.read_text(encoding="utf-8")))


def is_command(text: str, words: LocalizedList) -> bool:
    flat = normalise(text).strip()
    return any(normalise(word).strip() == flat for word in words.all())


def _map_type(text: str) -> MapType | None:
    digit = re.fullmatch(r"\s*([1-4])\s*[).]?\s*", text)
    if digit:
        return MAP_TYPES[int(digit.group(1)) - 1]
    return infer_map_type(text)


def read_slot(slot: str, text: str, answers: InterviewAnswers) -> bool:
    """Store ``text`` as the answer to ``slot``; False when it could not be understood."""
    text = text.strip()
    if slot == "model":
        lowered = normalise(text)
        model = "b2b" if " b2b " in lowered else "b2c" if " b2c " in lowered else infer_model(text)
        if model is None:
            return False
        answers.model = model
    elif slot == "map_type":
        kind = _map_type(text)
        if kind is None:
            return False
        answers.map_type = kind
    elif slot == "stages":
        answers.stages = _stages(text)
    elif slot in ("persona_goals", "persona_frustrations"):
        setattr(answers.persona, slot.removeprefix("persona_"), split_list(text))
    elif slot == "persona_who":
        answers.persona.who = text
    elif script().slots[slot].kind == "list":
        setattr(answers, slot, split_list(text))
    else:
        setattr(answers, slot, text)
    return True


def _stages(text: str) -> list[str] | None:
    if is_command(text, script().commands.default_stages):
        return None
    items = split_list(text)
    if len(items) <= 1 and (model := find_model(text)):
        return [model.id]
    return items or None


def implied_by(text: str) -> dict[str, object]:
    """Single-valued slots a free-text answer already settles (so they are not asked again)."""
    found: dict[str, object] = {}
    if model := infer_model(text):
        found["model"] = model
    if kind := infer_map_type(text):
        found["map_type"] = kind
    return found


def slot_named(text: str) -> str | None:
    """The slot a person names at the summary ('channels', 'kanavat', ...)."""
    for slot, entry in script().slots.items():
        if mentions(text, entry.names.all()):
            return slot
    return None

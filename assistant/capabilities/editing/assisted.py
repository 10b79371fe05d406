"""The model-assisted half of editing: a model reads the instruction and returns the same
typed operations the offline parser gives, checked against the map (re-asked once when
they do not fit); ``LLMError`` sends the caller to the offline parser."""

from __future__ import annotations

import json

from pydantic import model_validator

from assistant.capabilities.editing.apply import (
    ENTRY_LANES,
    EditError,
    apply_operations,
    entries,
    entry_text,
)
from assistant.domain import JourneyMap
from assistant.domain.edits import EditPlan
from assistant.language.i18n import t
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep

MAX_ENTRY_CHARS = 160


def listing(journey: JourneyMap) -> str:
    """The map as numbered lines: what the model names stages and entries by."""
    lines = []
    for s, stage in enumerate(journey.stages):
        parts = []
        for lane in [*ENTRY_LANES, *stage.extra_lanes]:
            found = entries(stage, lane)
            if found:
                texts = "; ".join(
                    f"{i}: {entry_text(e)[:MAX_ENTRY_CHARS]}" for i, e in enumerate(found)
                )
                parts.append(f"{lane} {texts}")
        emotion = f"emotion {stage.emotion.score:+d} {stage.emotion.label}"
        lines.append(f'stage {s} "{stage.name}": ' + " | ".join([*parts, emotion]))
    if journey.persona:
        lines.append(f"persona: {journey.persona.name}")
    return "\n".join(lines)


def _checked(journey: JourneyMap) -> type[EditPlan]:
    """``EditPlan`` that also checks that its operations fit ``journey``."""

    class CheckedPlan(EditPlan):
        @model_validator(mode="after")
        def _fits(self) -> CheckedPlan:
            try:
                apply_operations(journey, self.operations)
            except EditError as exc:
                raise ValueError(exc.message) from exc
            if not self.operations and not self.question.strip():
                raise ValueError("give operations, or a clarifying question")
            return self

    return CheckedPlan


class ModelEditor(ModelStep):
    """A model's reading of an edit instruction."""

    def plan(self, instruction: str, journey: JourneyMap) -> EditPlan:
        schema = _checked(journey)
        messages = prompt("edit").messages(
            language_name=t("language_name", journey.language),
            map=listing(journey),
            instruction=instruction.replace("<<<", "").replace(">>>", ""),
            schema=json.dumps(EditPlan.model_json_schema()),
        )
        found = self.ask(messages, schema)
        return EditPlan(operations=found.operations, question=found.question)

"""``--judge``: a model grades each drafted persona (after the Persona Perception Scale) and
map on a 1-5 rubric. Reported apart from the metrics and never gating: a model grading
a model is a signal, not a measurement."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from assistant.domain import JourneyMap
from assistant.evaluation.metrics import mean
from assistant.evaluation.results import Tick
from assistant.formats.render import render
from assistant.llm.base import ChatModel, LLMError
from assistant.llm.prompts import prompt
from assistant.llm.structured import ask_structured


class PersonaGrade(BaseModel):
    credibility: int = Field(ge=1, le=5, description="Could this be a real customer?")
    consistency: int = Field(ge=1, le=5, description="Do the details fit together?")
    completeness: int = Field(ge=1, le=5, description="Goals, motivations, frustrations, context.")
    clarity: int = Field(ge=1, le=5, description="Easy to understand who this is.")
    comment: str = Field(default="", description="One sentence on the weakest point.")


class MapGrade(BaseModel):
    coherence: int = Field(ge=1, le=5, description="One believable journey.")
    specificity: int = Field(ge=1, le=5, description="Specific to this business.")
    actionability: int = Field(ge=1, le=5, description="Opportunities answer pain points.")
    grounding: int = Field(ge=1, le=5, description="The person's facts kept; sources plausible.")
    comment: str = Field(default="", description="One sentence on the weakest point.")


def _schema(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema())


def grade(model: ChatModel, journeys: list[tuple[str, JourneyMap]], tick: Tick) -> dict[str, Any]:
    """Grades per drafted map and their means; a failed grading is recorded, not fatal."""
    cases = []
    for case_id, journey in journeys:
        row: dict[str, Any] = {"id": case_id}
        persona = journey.persona.model_dump_json(indent=1) if journey.persona else "(none)"
        text = render(journey, "md")[0].decode("utf-8")
        try:
            row["persona"] = ask_structured(
                model,
                prompt("judge_persona").messages(
                    persona=persona, business=journey.business, schema=_schema(PersonaGrade)
                ),
                PersonaGrade,
            )[0].model_dump()
            row["map"] = ask_structured(
                model,
                prompt("judge_map").messages(
                    map=text[:12000], business=journey.business, schema=_schema(MapGrade)
                ),
                MapGrade,
            )[0].model_dump()
        except LLMError as exc:
            row["error"] = exc.reason
        cases.append(row)
        tick(case_id)
    graded = [c for c in cases if "error" not in c]
    means = {
        f"{part}.{name}": mean(c[part][name] for c in graded)
        for part, model_type in (("persona", PersonaGrade), ("map", MapGrade))
        for name in model_type.model_fields
        if name != "comment"
    }
    return {"means": {k: round(v, 2) for k, v in means.items()}, "cases": cases}

"""JSON: the JourneyMap contract itself."""

from __future__ import annotations

from assistant.domain import JourneyMap


def render_json(journey: JourneyMap) -> str:
    return journey.model_dump_json(indent=2)

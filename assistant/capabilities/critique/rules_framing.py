"""What a map says about itself: the decision it serves, the customer's expectations, and its
scope and level of detail."""

from __future__ import annotations

import re

from assistant.capabilities.critique.context import Check, Hit, MapContext, lane_name
from assistant.capabilities.critique.cues import lane_items, map_statements, states
from assistant.domain import JourneyMap, Stage
from assistant.language.vocabulary import vocabulary

MAX_ITEMS_PER_CELL = 6
MAX_STAGES = 10
# A start and an end: stages listed with arrows, or a title that ends in a span ("Leaf &
# Kettle – first order to subscription"); other languages' spans are read by meaning.
_RANGE = re.compile(r"\w[)\s]*(?:→|->|»)\s*\w|[–—:]\s*[^–—:]+\s(?:to|until)\s[^–—:]+$")


def purpose_stated(m: JourneyMap, c: MapContext) -> list[Hit]:
    """The title, business line or scenario says which decision or business goal the map
    serves (by cue words or by meaning); a map with a purpose of its own states it."""
    if m.purpose.strip() or states(map_statements(m), "purpose", c.lang, c.meaning):
        return []
    return [("map", {})]


def expectations_stated(m: JourneyMap, c: MapContext) -> list[Hit]:
    """The customer's expectations are on the map: in the scenario or the persona's goals
    (by meaning), as the persona's needs, or in an 'Expectations' lane."""
    if any(lane_items(s, "expectations") for s in m.stages):
        return []
    persona = m.persona
    if persona and persona.needs:
        return []
    texts = [m.scenario, *(persona.goals if persona else [])]
    if states(texts, "expectation", c.lang, c.meaning):
        return []
    return [("scenario", {})]


def _cells(stage: Stage) -> dict[str, int]:
    """How many entries each lane of a stage holds."""
    counts = {
        lane: len(getattr(stage, lane))
        for lane in (
            "actions",
            "touchpoints",
            "thoughts",
            "pain_points",
            "opportunities",
            "frontstage",
            "backstage",
            "support_processes",
            "physical_evidence",
        )
    }
    counts.update({name: len(items) for name, items in stage.extra_lanes.items()})
    return counts


def _overloaded(m: JourneyMap, c: MapContext) -> list[Hit]:
    hits = []
    for stage in m.stages:
        lane, count = max(_cells(stage).items(), key=lambda pair: pair[1], default=("", 0))
        if count > MAX_ITEMS_PER_CELL:
            shown = lane_name(lane, c.lang) if lane in vocabulary().lanes else lane
            values = {"stage": stage.name, "item": shown, "count": str(count)}
            hits.append((stage.name, {**values, "variant": "overloaded"}))
    return hits


def map_scope(m: JourneyMap, c: MapContext) -> list[Hit]:
    """The scope is stated (the whole journey or one part of it, by cue words, by meaning or
    as a from → to range), the stages are few enough to read, and no cell is overloaded."""
    hits = _overloaded(m, c)
    if len(m.stages) > MAX_STAGES:
        hits.append(("stages", {"count": str(len(m.stages)), "variant": "too-many-stages"}))
    statements = map_statements(m)
    ranged = any(_RANGE.search(text) for text in statements)
    if not m.scope.strip() and not ranged and not states(statements, "scope", c.lang, c.meaning):
        hits.append(("map", {}))
    return hits


CHECKS: dict[str, Check] = {
    "purpose-stated": purpose_stated,
    "expectations-stated": expectations_stated,
    "map-scope": map_scope,
}

"""The journey as the customer lives it: what happens when something goes wrong, the steps
taken outside the company's own touchpoints, the moments that decide loyalty, and which
opportunities come first."""

from __future__ import annotations

from assistant.capabilities.critique.context import Check, Hit, MapContext, blueprint_items
from assistant.capabilities.critique.cues import has_cue, lane_items, states
from assistant.domain import JourneyMap, Stage

MIN_OPPORTUNITIES_TO_RANK = 3


def _failures(m: JourneyMap, c: MapContext) -> list[Stage]:
    """Stages where something goes wrong: a stage that is only about a fault, complaint or
    cancellation (its journey role), or a pain point or action that means a failure."""
    found = [s for s, roles in zip(m.stages, c.roles, strict=False) if roles == ("support",)]
    found += [s for s in m.stages if s not in found and lane_items(s, "failure_paths")]
    for stage in m.stages:
        texts = [i.text for i in [*stage.pain_points, *stage.actions]]
        if stage not in found and states(texts, "failure", c.lang, c.meaning):
            found.append(stage)
    return found


def _recovers(m: JourneyMap, c: MapContext) -> bool:
    """Somewhere the map shows how the customer gets back on track: an action, a remedy or
    a frontstage or backstage step that means a recovery (a refund, a new time...)."""
    if any(lane_items(stage, "failure_paths") for stage in m.stages):
        return True  # a lane of what goes wrong and how the customer gets back on track
    texts = []
    for stage in m.stages:
        texts += [i.text for i in [*stage.actions, *blueprint_items(stage)]]
        texts += [o.text for o in stage.opportunities]
        texts += [i.text for items in stage.extra_lanes.values() for i in items]
    return states(texts, "recovery", c.lang, c.meaning)


def failure_recovery(m: JourneyMap, c: MapContext) -> list[Hit]:
    if not m.stages:
        return []
    failures = _failures(m, c)
    if not failures:
        return [("stages", {"variant": "none"})]
    if _recovers(m, c):
        return []
    return [(failures[0].name, {"stage": failures[0].name})]


def outside_in(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Steps the customer takes outside the company's own touchpoints (asking friends,
    comparing elsewhere) appear among the actions or touchpoints, or in a lane of their
    own."""
    if not m.stages or any(lane_items(s, "outside_steps") for s in m.stages):
        return []
    texts = [i.text for s in m.stages for i in s.actions]
    texts += [f"{t.channel} {t.description}".strip() for s in m.stages for t in s.touchpoints]
    return [] if states(texts, "outside", c.lang, c.meaning) else [("stages", {})]


def _marked(stage: Stage, c: MapContext) -> bool:
    if lane_items(stage, "moments_of_truth"):
        return True
    texts = [stage.name, stage.emotion.label, stage.emotion.reason]
    texts += [i.text for i in [*stage.actions, *stage.thoughts, *stage.pain_points]]
    if stage.customer_goal:
        texts.append(stage.customer_goal.text)
    return any(has_cue(text, "moment_of_truth", c.lang) for text in texts if text)


def moments_of_truth(m: JourneyMap, c: MapContext) -> list[Hit]:
    """The moments that decide loyalty are marked (a 'Moments of truth' lane or a mark in a
    cell) and singled out: marking most stages prioritises none."""
    if len(m.stages) < 2:
        return []
    marked = [s for s in m.stages if _marked(s, c)]
    if not marked:
        return [("stages", {"variant": "none"})]
    if len(marked) > len(m.stages) / 2 and len(marked) > 2:
        return [("stages", {"count": str(len(marked)), "variant": "everywhere"})]
    return []


def opportunity_priority(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Every opportunity carries a value and an effort (1-5), and they differ enough to
    rank the opportunities."""
    found = [o for s in m.stages for o in s.opportunities]
    if not found:
        return []
    unscored = [o for o in found if o.value is None or o.effort is None]
    if unscored:
        values = {"count": str(len(unscored)), "item": unscored[0].text}
        return [("opportunities", values)]
    if len(found) >= MIN_OPPORTUNITIES_TO_RANK and len({(o.value, o.effort) for o in found}) == 1:
        return [("opportunities", {"count": str(len(found)), "variant": "flat"})]
    return []


CHECKS: dict[str, Check] = {
    "failure-recovery": failure_recovery,
    "outside-in": outside_in,
    "moments-of-truth": moments_of_truth,
    "opportunity-priority": opportunity_priority,
}

"""Service blueprints only: the five lanes, the lines between them, and one scenario each.

A map is a blueprint when its type says so, or when it names no type and fills the
frontstage, backstage or support lanes.
"""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.capabilities.critique.context import Check, Hit, MapContext, lane_name
from assistant.capabilities.critique.cues import concept, has_cue
from assistant.domain import Item, JourneyMap, Stage
from assistant.language.vocabulary import normalise

LANES = ("actions", "frontstage", "backstage", "support_processes", "physical_evidence")
_LABEL = re.compile(r"^\s*([^:()]{2,30}?)\s*:\s+\S")
_QUALIFIER = re.compile(r"\s*[(\[]([^)\]]+)[)\]]\s*$")


def is_blueprint(m: JourneyMap) -> bool:
    if m.map_type == "service-blueprint":
        return True
    used = any(s.frontstage or s.backstage or s.support_processes for s in m.stages)
    return m.map_type is None and used


def blueprint_lanes(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Customer actions, frontstage, backstage, support processes and physical evidence: a
    lane missing from the whole blueprint is one finding, a stage missing a lane the others
    fill is another."""
    if not is_blueprint(m):
        return []
    absent = [lane for lane in LANES if not any(getattr(s, lane) for s in m.stages)]
    hits: list[Hit] = []
    if absent:
        names = ", ".join(lane_name(lane, c.lang) for lane in absent)
        hits.append(("blueprint", {"item": names, "variant": "lane-missing"}))
    for stage in m.stages:
        empty = [lane for lane in LANES if lane not in absent and not getattr(stage, lane)]
        if empty:
            names = ", ".join(lane_name(lane, c.lang) for lane in empty)
            hits.append((stage.name, {"stage": stage.name, "item": names}))
    return hits


def _starts_with_customer(text: str, m: JourneyMap, c: MapContext) -> bool:
    """The entry's subject is the customer: a word for a customer, or the persona's name."""
    words = normalise(text).split()
    names = {w.lower() for w in concept("customer").cues.get(c.lang)}
    if m.persona and normalise(m.persona.name).split():
        names.add(normalise(m.persona.name).split()[0])
    return bool(words) and words[0] in names


def _visibility(stage: Stage, m: JourneyMap, c: MapContext) -> list[Hit]:
    hits: list[Hit] = []
    for item in stage.backstage:
        if has_cue(item.text, "visible_contact", c.lang):
            hits.append((stage.name, {"stage": stage.name, "item": item.text}))
    own = {normalise(a.text) for a in stage.actions}
    for item in stage.frontstage:
        values = {"stage": stage.name, "item": item.text}
        by_customer = _starts_with_customer(item.text, m, c) and not has_cue(
            item.text, "performer", c.lang
        )
        if normalise(item.text) in own or by_customer:
            hits.append((stage.name, {**values, "variant": "customer-action"}))
        elif has_cue(item.text, "impersonal", c.lang) and not has_cue(
            item.text, "performer", c.lang
        ):
            hits.append((stage.name, {**values, "variant": "no-performer"}))
    return hits


def blueprint_visibility(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Nothing backstage happens in front of the customer (line of visibility), and every
    frontstage entry is something staff or a system does for the customer to see: not the
    customer's own action (line of interaction), not an action nobody performs."""
    if not is_blueprint(m):
        return []
    return [hit for stage in m.stages for hit in _visibility(stage, m, c)]


def _labels(m: JourneyMap) -> dict[str, set[int]]:
    """'Dine-in: …' prefixes in the customer, frontstage and backstage lanes, and the stages
    each one appears in."""
    found: dict[str, set[int]] = defaultdict(set)
    for position, stage in enumerate(m.stages):
        items: list[Item] = [*stage.actions, *stage.frontstage, *stage.backstage]
        for item in items:
            label = _LABEL.match(item.text)
            if label:
                found[normalise(label.group(1)).strip()].add(position)
    return found


def _repeated_stages(m: JourneyMap) -> list[str]:
    """Stages named alike but for a qualifier ("Ordering (dine-in)", "Ordering (takeaway)"),
    or named twice: the same step drawn for two scenarios."""
    by_base: dict[str, list[str]] = defaultdict(list)
    for stage in m.stages:
        by_base[normalise(_QUALIFIER.sub("", stage.name)).strip()].append(stage.name)
    return next((names for names in by_base.values() if len(names) > 1), [])


def blueprint_one_scenario(m: JourneyMap, c: MapContext) -> list[Hit]:
    """One scenario per blueprint: no two sets of labelled steps running side by side in
    the cells, and no step drawn twice for two situations."""
    if not is_blueprint(m):
        return []
    recurring = sorted(label for label, at in _labels(m).items() if len(at) >= 2)
    if len(recurring) >= 2:
        return [("blueprint", {"item": ", ".join(recurring)})]
    repeated = _repeated_stages(m)
    if repeated:
        return [("stages", {"item": ", ".join(repeated), "variant": "repeated"})]
    return []


CHECKS: dict[str, Check] = {
    "blueprint-lanes": blueprint_lanes,
    "blueprint-visibility": blueprint_visibility,
    "blueprint-one-scenario": blueprint_one_scenario,
}

"""One executable check per guideline id. Each returns (where, placeholders) for its findings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from assistant.capabilities.critique import (
    rules_blueprint,
    rules_evidence,
    rules_framing,
    rules_journey,
    rules_persona,
)
from assistant.capabilities.critique.context import (
    Check,
    Entry,
    Hit,
    MapContext,
    entries,
    lane_name,
    stage_texts,
)
from assistant.capabilities.critique.cues import has_cue
from assistant.catalog.roles import Role
from assistant.domain import JourneyMap
from assistant.language.i18n import t
from assistant.language.vocabulary import mentions, vocabulary

__all__ = ["CHECKS", "Hit", "MapContext"]

STALE_AFTER_DAYS = 183
SUGGESTION_SHARE_LIMIT = 60
_SOURCE_CUE = re.compile(
    r"source|according|lähde|mukaan|allika|järgi|seed-|\([^)]*\d{4}[^)]*\)|https?://", re.I
)
_STATISTIC = re.compile(r"\d+(?:[.,]\d+)?\s?%")
# Two people: a conjunction followed by another capitalised name ("Kadri ja Ants"), not a
# second role of the same person ("owner and managing director", "äiti ja yrittäjä").
_SEVERAL_NAMES = re.compile(r"\s(?:[Aa]nd|ja|ning|&|\+|/)\s+(?=[A-ZÄÖÅÕÜŠŽ])")


def one_persona(m: JourneyMap, c: MapContext) -> list[Hit]:
    if m.persona is None or not m.persona.name.strip():
        return [("persona", {"count": "0", "variant": "none"})]
    several = len(_SEVERAL_NAMES.findall(m.persona.name))
    return [("persona", {"count": str(several + 1)})] if several else []


def persona_evidence(m: JourneyMap, c: MapContext) -> list[Hit]:
    """The persona or the map names its research, or the map's items rest on it."""
    if m.persona is None or m.persona.evidence or m.evidence:
        return []
    if m.persona.provenance.kind == "evidence" or any(
        entry.provenance.kind == "evidence" for entry in entries(m)
    ):
        return []
    return [("persona", {})]


def scenario_stated(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [] if m.scenario.strip() else [("map", {})]


def map_type(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [] if m.map_type else [("map", {})]


BEFORE: frozenset[Role] = frozenset({"need", "discover", "compare"})
AFTER: frozenset[Role] = frozenset({"prepare", "use", "support", "after", "return", "advocate"})


def full_lifecycle(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Stages before and after the purchase, judged by what each stage is about (its roles,
    read from its name by meaning), or simply placed around the purchase ("Looking for a
    place | Booking | Stay | Coming back"); not asked of a map whose scope says it covers one
    part of the journey ("Scope: only the visit, from arrival to payment")."""
    if has_cue(m.scope, "part_only", c.lang) and not has_cue(m.scope, "whole_journey", c.lang):
        return []  # the map says it covers one part of the journey, on purpose
    found = set().union(*c.roles) if c.roles else set()
    before, after = bool(found & BEFORE), bool(found & AFTER)
    buying = [i for i, roles in enumerate(c.roles) if "commit" in roles]
    if buying:
        before = before or buying[0] > 0
        after = after or buying[-1] < len(c.roles) - 1
    return [] if before and after else [("stages", {})]


def customer_language(m: JourneyMap, c: MapContext) -> list[Hit]:
    hits = []
    for stage in m.stages:
        for text in [stage.name, *stage_texts(stage)]:
            if mentions(text, vocabulary().jargon.all()):
                hits.append((stage.name, {"stage": stage.name, "item": text}))
    return hits


def stage_lanes(m: JourneyMap, c: MapContext) -> list[Hit]:
    hits = []
    for stage in m.stages:
        missing = [
            lane
            for lane, present in (
                (
                    "customer_goal",
                    stage.customer_goal is not None and bool(stage.customer_goal.text),
                ),
                ("actions", bool(stage.actions)),
                ("touchpoints", bool(stage.touchpoints)),
                ("emotion", stage.emotion.recorded),
                ("pain_points", bool(stage.pain_points)),
            )
            if not present
        ]
        if missing:
            names = ", ".join(lane_name(lane, c.lang) for lane in missing)
            hits.append((stage.name, {"stage": stage.name, "item": names}))
    return hits


def emotional_lows(m: JourneyMap, c: MapContext) -> list[Hit]:
    recorded = [s for s in m.stages if s.emotion.recorded]
    if not recorded:
        return [("emotion", {"variant": "none"})]
    lowest = min(recorded, key=lambda s: s.emotion.score)
    if lowest.emotion.score < 0 and not (lowest.pain_points and lowest.opportunities):
        return [(lowest.name, {"stage": lowest.name})]
    return []


def touchpoint_channels(m: JourneyMap, c: MapContext) -> list[Hit]:
    hits = [(s.name, {"stage": s.name}) for s in m.stages if not s.touchpoints]
    kinds = {tp.kind for s in m.stages for tp in s.touchpoints}
    if (kinds == {"online"} and c.physical_presence) or kinds == {"offline"}:
        hits.append(("touchpoints", {"variant": "one-kind"}))
    return hits


def pain_point_opportunity(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [
        (s.name, {"stage": s.name, "count": str(len(s.pain_points))})
        for s in m.stages
        if s.pain_points and not s.opportunities
    ]


def opportunity_owner_metric(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [
        (s.name, {"stage": s.name, "item": o.text})
        for s in m.stages
        for o in s.opportunities
        if not (o.owner and o.metric)
    ]


def customer_feedback(m: JourneyMap, c: MapContext) -> list[Hit]:
    kinds = vocabulary().evidence_kinds
    feedback_terms = [
        t
        for key, terms in kinds.items()
        if key not in ("analytics", "sales_data")
        for t in terms.all()
    ]
    sources = [*m.evidence, *(m.persona.evidence if m.persona else [])]
    text = " ".join(f"{s.title} {s.doc_id}" for s in sources)
    return [] if mentions(text, feedback_terms) else [("evidence", {})]


def _suggested_share(found: Sequence[Entry]) -> int:
    kinds = [entry.provenance.kind for entry in found]
    return round(100 * sum(k in ("pattern", "llm") for k in kinds) / len(kinds)) if kinds else 0


def evidence_based(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Facts (the person's words and their research, ``evidence``) outweigh suggestions, and
    the pain points are not all suggestions."""
    hits: list[Hit] = []
    share = _suggested_share(entries(m))
    if share > SUGGESTION_SHARE_LIMIT:
        hits.append(("map", {"count": str(share), "item": t("evidence_scope_entries", c.lang)}))
    pains = [p for s in m.stages for p in s.pain_points]
    if pains and _suggested_share(pains) == 100:
        hits.append(("pain_points", {"count": "100", "item": t("evidence_scope_pains", c.lang)}))
    return hits


def keep_updated(m: JourneyMap, c: MapContext, today: date | None = None) -> list[Hit]:
    today = today or c.today or date.today()
    missing = [
        name
        for name, value in (
            ("owner", m.owner),
            ("last_updated", m.last_updated),
            ("review_cadence", m.review_cadence),
        )
        if not value
    ]
    if m.last_updated and (today - m.last_updated).days > STALE_AFTER_DAYS:
        missing.append(f"last_updated {m.last_updated.isoformat()}")
    meta = vocabulary().meta_keys
    shown = [meta[n].get(c.lang)[0] if n in meta and meta[n].get(c.lang) else n for n in missing]
    return [("map", {"item": ", ".join(shown)})] if missing else []


def b2b_stakeholders(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [("stakeholders", {})] if c.is_b2b and not m.stakeholders else []


def stage_transitions(m: JourneyMap, c: MapContext) -> list[Hit]:
    return [
        (after.name, {"stage": after.name})
        for before, after in zip(m.stages, m.stages[1:])
        if before.emotion.score - after.emotion.score >= 2 and not after.pain_points
    ]


def attributed_statistics(m: JourneyMap, c: MapContext) -> list[Hit]:
    texts = [m.scenario, *(m.persona.goals + m.persona.frustrations if m.persona else [])]
    texts += [text for s in m.stages for text in stage_texts(s)]
    return [
        ("map", {"item": text})
        for text in texts
        if _STATISTIC.search(text) and not _SOURCE_CUE.search(text)
    ]


CHECKS: dict[str, Check] = {
    "one-persona": one_persona,
    "persona-evidence": persona_evidence,
    "scenario-stated": scenario_stated,
    "map-type": map_type,
    "full-lifecycle": full_lifecycle,
    "customer-language": customer_language,
    "stage-lanes": stage_lanes,
    "emotional-lows": emotional_lows,
    "touchpoint-channels": touchpoint_channels,
    "pain-point-opportunity": pain_point_opportunity,
    "opportunity-owner-metric": opportunity_owner_metric,
    "customer-feedback": customer_feedback,
    "evidence-based": evidence_based,
    "keep-updated": keep_updated,
    "b2b-stakeholders": b2b_stakeholders,
    "stage-transitions": stage_transitions,
    "attributed-statistics": attributed_statistics,
    **rules_framing.CHECKS,
    **rules_evidence.CHECKS,
    **rules_persona.CHECKS,
    **rules_journey.CHECKS,
    **rules_blueprint.CHECKS,
}

"""Drafts: interview scenarios drafted into maps, measured for validity, coverage, fidelity
to what the person said, provenance, language, diversity across industries, and what the
critic thinks of Polku's own drafts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from assistant.app.services import Services
from assistant.capabilities.stage_roles import journey_roles
from assistant.domain import CORE_LANES, Item, JourneyMap, Stage
from assistant.evaluation.datasets import DraftScenario
from assistant.evaluation.metrics import diversity, mean
from assistant.evaluation.results import SuiteResult, Tick, rounded
from assistant.formats.parse import MapParseError, parse_map
from assistant.formats.render import render
from assistant.language.detect import guess_language
from assistant.language.vocabulary import mentions
from assistant.retrieval.meaning import Meaning


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def lanes_filled(stage: Stage) -> dict[str, bool]:
    return {
        "customer_goal": stage.customer_goal is not None and bool(stage.customer_goal.text),
        "actions": bool(stage.actions),
        "touchpoints": bool(stage.touchpoints),
        "thoughts": bool(stage.thoughts),
        "emotion": bool(stage.emotion.label),
        "pain_points": bool(stage.pain_points),
        "opportunities": bool(stage.opportunities),
    }


def items_of(journey: JourneyMap) -> list[Any]:
    """Every entry that carries provenance: items, emotions and opportunities."""
    found: list[Any] = []
    for stage in journey.stages:
        if stage.customer_goal:
            found.append(stage.customer_goal)
        found += stage.actions + stage.thoughts + stage.pain_points + stage.opportunities
        found += stage.frontstage + stage.backstage + stage.support_processes
        found += [*stage.physical_evidence, stage.emotion]
        for extra in stage.extra_lanes.values():
            found += extra
    return found


def provenance_complete(entry: Any) -> bool:
    """Suggestions and evidence name their source; the person's own words need none."""
    provenance = entry.provenance
    return provenance.kind in ("user", "llm") or provenance.source is not None


def stage_of(journey: JourneyMap, text: str) -> int | None:
    """The first stage position holding ``text`` among its pain points."""
    wanted = _norm(text)
    for position, stage in enumerate(journey.stages):
        if any(wanted in _norm(p.text) or _norm(p.text) in wanted for p in stage.pain_points):
            return position
    return None


def has_channel(journey: JourneyMap, channel: str) -> bool:
    wanted = _norm(channel)
    return any(
        wanted in _norm(t.channel) or _norm(t.channel) in wanted
        for stage in journey.stages
        for t in stage.touchpoints
    )


def suggested_texts(journey: JourneyMap) -> set[str]:
    return {
        _norm(getattr(entry, "text", "") or getattr(entry, "label", ""))
        for entry in items_of(journey)
        if entry.provenance.kind in ("pattern", "llm")
    } - {""}


def map_text(journey: JourneyMap) -> str:
    parts = [journey.title, journey.scenario or ""]
    for entry in items_of(journey):
        if isinstance(entry, Item) or hasattr(entry, "text"):
            parts.append(getattr(entry, "text", ""))
    return " ".join(parts)


def reads_back(journey: JourneyMap) -> bool:
    """What a person receives is valid: the JSON export (which ``polku draft --json`` also
    prints) reads back through the importer as the same map."""
    exported, _, _ = render(journey, "json")
    try:
        return parse_map(exported, "json") == journey
    except MapParseError:
        return False


def placed_right(journey: JourneyMap, case: DraftScenario, meaning: Meaning) -> dict[str, bool]:
    """Each labelled pain point -> whether it landed where it belongs: at one of the labelled
    stage positions, or on a stage that holds one of the labelled roles."""
    found: dict[str, bool] = {}
    named = case.answers.stages or []
    for pain, positions in case.expect.pain_points.items():
        position = stage_of(journey, pain)
        if position is not None and len(named) > 1:  # positions in the person's own list
            name = journey.stages[position].name
            position = named.index(name) if name in named else None
        found[pain] = position in positions
    if case.expect.pain_roles:
        roles = journey_roles(journey, meaning)
        for pain, wanted in case.expect.pain_roles.items():
            position = stage_of(journey, pain)
            found[pain] = position is not None and bool(set(roles[position]) & set(wanted))
    return found


def suggestion_texts(journey: JourneyMap) -> list[str]:
    """Every suggested item as a reader sees it (touchpoints with what happens there)."""
    texts = [
        e.text for e in items_of(journey) if isinstance(e, Item) and e.provenance.kind == "pattern"
    ]
    for stage in journey.stages:
        texts += [
            f"{t.channel}: {t.description}"
            for t in stage.touchpoints
            if t.provenance.kind == "pattern"
        ]
        texts += [o.text for o in stage.opportunities if o.provenance.kind == "pattern"]
    return texts


def duplicate_cells(journey: JourneyMap) -> int:
    """Suggested items that stand in more than one stage (a stage copied from another)."""
    seen: dict[str, int] = defaultdict(int)
    for stage in journey.stages:
        texts = {
            e.text
            for e in [*stage.actions, *stage.thoughts, *stage.pain_points]
            if e.provenance.kind == "pattern"
        }
        texts |= {
            t.channel + t.description for t in stage.touchpoints if t.provenance.kind == "pattern"
        }
        for text in texts:
            seen[text] += 1
    return sum(count - 1 for count in seen.values() if count > 1)


def run(
    services: Services,
    cases: list[DraftScenario],
    tick: Tick,
    keep: list[tuple[str, JourneyMap]] | None = None,
) -> SuiteResult:
    """``keep`` collects the drafted maps (for the model-graded rubric)."""
    rows: list[dict[str, Any]] = []
    coverage_by_stage: dict[str, list[float]] = defaultdict(list)
    suggestions: list[set[str]] = []
    for case in cases:
        drafted = services.draft(case.answers)
        journey, notices = drafted.value, drafted.notices
        if keep is not None:
            keep.append((case.id, journey))
        valid = reads_back(journey)
        filled = [lanes_filled(stage) for stage in journey.stages]
        per_stage = [sum(f.values()) / len(CORE_LANES) for f in filled]
        for position, value in enumerate(per_stage):
            coverage_by_stage[f"stage {position + 1}"].append(value)
        named_channels = case.answers.channels
        named_pains = case.answers.pain_points
        channels_found = [c for c in named_channels if has_channel(journey, c)]
        pains_found = [p for p in named_pains if stage_of(journey, p) is not None]
        placements = placed_right(journey, case, services.meaning)
        suggested = suggestion_texts(journey)
        entries = items_of(journey)
        report = services.critique(journey).value
        named = len(named_channels) + len(named_pains)
        suggestions.append(suggested_texts(journey))
        rows.append(
            {
                "id": case.id,
                "industry": case.industry,
                "lang": case.lang,
                "segment": case.segment,
                "schema_valid": float(valid),
                "stages": len(journey.stages),
                "lane_coverage": mean(per_stage),
                "input_fidelity": (len(channels_found) + len(pains_found)) / named
                if named
                else 1.0,
                "missing": sorted(set(named_channels) - set(channels_found))
                + sorted(set(named_pains) - set(pains_found)),
                "placement": placements,
                "wrong_trade_items": [t for t in suggested if mentions(t, case.expect.forbidden)],
                "trade_concepts": (
                    mean(
                        float(any(mentions(t, group) for t in suggested))
                        for group in case.expect.concepts
                    )
                    if case.expect.concepts
                    else None
                ),
                "duplicate_stage_cells": duplicate_cells(journey),
                "expected_channels_present": mean(
                    float(has_channel(journey, c)) for c in case.expect.channels
                )
                if case.expect.channels
                else None,
                "provenance_complete": mean(float(provenance_complete(e)) for e in entries),
                "language": guess_language(map_text(journey)),  # None (no match) when unclear
                "critic_score": report.score,
                "critic_findings": [f"{f.severity}:{f.guideline_id}" for f in report.findings],
                "own_criticals": sum(f.severity == "critical" for f in report.findings),
                "notices": [n.message for n in notices],
            }
        )
        tick(case.id)
    placed = [ok for r in rows for ok in r["placement"].values()]
    concepts = [r["trade_concepts"] for r in rows if r["trade_concepts"] is not None]
    expected = [
        r["expected_channels_present"] for r in rows if r["expected_channels_present"] is not None
    ]
    metrics = {
        "schema_valid": mean(r["schema_valid"] for r in rows),
        "lane_coverage": mean(r["lane_coverage"] for r in rows),
        "input_fidelity": mean(r["input_fidelity"] for r in rows),
        "placement_accuracy": mean(float(ok) for ok in placed),
        "wrong_trade_items": mean(len(r["wrong_trade_items"]) for r in rows),
        "trade_concepts": mean(concepts),
        "duplicate_stage_cells": mean(r["duplicate_stage_cells"] for r in rows),
        "expected_channels_present": mean(expected),
        "provenance_complete": mean(r["provenance_complete"] for r in rows),
        "language_match": mean(float(r["language"] == r["lang"]) for r in rows),
        "diversity": diversity(suggestions),
        "critic_score": mean(r["critic_score"] for r in rows),
        "own_criticals": mean(r["own_criticals"] for r in rows),
    }
    details = {"lane_coverage_by_stage": {k: mean(v) for k, v in coverage_by_stage.items()}}
    return SuiteResult(metrics=rounded(metrics), cases=rows, details=details)

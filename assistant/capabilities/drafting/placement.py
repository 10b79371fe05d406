"""Build stages from drafting patterns, then place the person's own channels and pain points."""

from __future__ import annotations

from assistant.capabilities.drafting.stages import PlannedStage
from assistant.catalog.patterns import IndustryPattern, StagePattern
from assistant.domain import (
    Emotion,
    Item,
    Lang,
    Opportunity,
    Provenance,
    Source,
    Stage,
    StageKey,
    Touchpoint,
)
from assistant.language.i18n import t
from assistant.language.text import overlap, stems
from assistant.language.vocabulary import find_channel, stage_for, vocabulary
from assistant.retrieval.documents import kb_source

PATTERN_ITEMS = 3


def _suggested(source: Source) -> Provenance:
    return Provenance(kind="pattern", source=source)


def emotion_label(score: int, lang: Lang) -> str:
    words = vocabulary().emotions[score].get(lang)
    return next((w for w in words if any(ch.isalpha() for ch in w)), str(score))


def stage_from_patterns(
    planned: PlannedStage, pattern: IndustryPattern, lang: Lang, blueprint: bool
) -> Stage:
    """A stage filled with the industry's suggestions for its pattern stages."""
    parts: list[StagePattern] = [pattern.stages[key] for key in planned.pattern_stages]
    source = kb_source(pattern.source_docs[0], lang)
    mark = _suggested(source)

    def items(lane: str, limit: int = PATTERN_ITEMS) -> list[Item]:
        texts = [text for part in parts for text in getattr(part, lane).get(lang)]
        return [Item(text=text, provenance=mark) for text in dict.fromkeys(texts)][:limit]

    first = parts[0]
    score = round(sum(part.emotion for part in parts) / len(parts))
    stage = Stage(
        name=planned.name,
        key=planned.key,
        customer_goal=Item(text=planned.goal or first.customer_goal.get(lang), provenance=mark),
        actions=items("actions"),
        touchpoints=[
            Touchpoint(
                channel=tp.channel.get(lang),
                kind=tp.kind,
                description=tp.description.get(lang),
                provenance=mark,
            )
            for part in parts
            for tp in part.touchpoints
        ][:4],
        thoughts=items("thoughts", 2),
        emotion=Emotion(score=score, label=first.emotion_label.get(lang), provenance=mark),
        pain_points=items("pain_points", 2),
        opportunities=[
            Opportunity(
                text=o.text.get(lang),
                owner=o.owner.get(lang),
                metric=o.metric.get(lang),
                provenance=mark,
            )
            for part in parts
            for o in part.opportunities
        ][:2],
    )
    if blueprint:
        for lane in ("frontstage", "backstage", "support_processes", "physical_evidence"):
            setattr(stage, lane, items(lane))
    return stage


def place_channels(
    stages: list[Stage], plans: list[PlannedStage], channels: list[str], lang: Lang
) -> None:
    """Every channel the person named goes to the stages where that channel belongs."""
    for name in channels:
        term = find_channel(name)
        belongs: set[StageKey] = set(term.stages) if term else {"consideration", "purchase"}
        targets = [i for i, plan in enumerate(plans) if belongs & set(plan.pattern_stages)]
        for index in targets or [min(1, len(stages) - 1)]:
            stage = stages[index]
            if term:  # the person's channel replaces the suggestion for the same channel
                stage.touchpoints = [
                    tp
                    for tp in stage.touchpoints
                    if tp.provenance.kind == "user" or find_channel(tp.channel) != term
                ]
            kind = term.kind if term else "online"
            stage.touchpoints.insert(0, Touchpoint(channel=name, kind=kind))


def _stage_index_for_pain(pain: str, plans: list[PlannedStage]) -> int:
    key = stage_for(pain)
    if key:
        for index, plan in enumerate(plans):
            if key in plan.pattern_stages:
                return index
    best = max(range(len(plans)), key=lambda i: overlap(stems(pain), plans[i].name))
    return best if overlap(stems(pain), plans[best].name) else min(2, len(plans) - 1)


def _opportunity_for(pain: str, stage: Stage, plan: PlannedStage, lang: Lang) -> Opportunity:
    key = plan.pattern_stages[-1]
    source = kb_source("pain-points-and-opportunities", lang)
    return Opportunity(
        text=t("fix_pain", lang, pain=pain),
        owner=t(f"owner_{key}", lang),
        metric=t(f"metric_{key}", lang),
        addresses=pain,
        provenance=_suggested(source),
    )


def place_pain_points(
    stages: list[Stage], plans: list[PlannedStage], pains: list[str], lang: Lang
) -> None:
    """Each pain point goes to its stage, gets an opportunity, and pulls the emotion down."""
    counts = [0] * len(stages)
    for pain in pains:
        index = _stage_index_for_pain(pain, plans)
        stage = stages[index]
        stage.pain_points.insert(counts[index], Item(text=pain))
        stage.opportunities.insert(counts[index], _opportunity_for(pain, stage, plans[index], lang))
        counts[index] += 1
    for stage, count in zip(stages, counts):
        if count:
            score = max(-2, min(stage.emotion.score, 0) - count)
            stage.emotion = Emotion(
                score=score, label=emotion_label(score, lang), provenance=stage.emotion.provenance
            )

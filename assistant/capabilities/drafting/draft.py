"""Offline drafting: InterviewAnswers -> JourneyMap in the person's language.

The person's own words (channels, pain points, persona) are placed first and marked as theirs;
the industry's drafting patterns fill the rest, marked as suggestions with their source.
"""

from __future__ import annotations

from datetime import date

from assistant.capabilities.drafting.placement import (
    emotion_label,
    place_channels,
    place_pain_points,
    stage_from_patterns,
)
from assistant.capabilities.drafting.stages import PlannedStage, plan_stages
from assistant.catalog.patterns import IndustryPattern, match_industry, patterns
from assistant.catalog.stage_models import stage_models
from assistant.domain import (
    Emotion,
    InterviewAnswers,
    Item,
    JourneyMap,
    Lang,
    Persona,
    Provenance,
    Source,
    Stage,
    Stakeholder,
)
from assistant.language.i18n import messages, t
from assistant.language.vocabulary import infer_model
from assistant.retrieval.documents import kb_source


def _persona(answers: InterviewAnswers, pattern: IndustryPattern, lang: Lang) -> Persona:
    said = answers.persona
    stages = pattern.stages
    suggestion = Provenance(kind="pattern", source=kb_source("personas", lang))
    return Persona(
        name=(said.who.split(",")[0].strip() or t("default_persona", lang))[:80],
        segment=said.who,
        b2b_role=said.who if answers.model == "b2b" and said.who else None,
        goals=said.goals or [stages["consideration"].customer_goal.get(lang)],
        needs=[
            stages["purchase"].customer_goal.get(lang),
            stages["retention"].customer_goal.get(lang),
        ],
        motivations=[stages["awareness"].customer_goal.get(lang)],
        frustrations=said.frustrations or stages["purchase"].pain_points.get(lang)[:1],
        preferred_channels=list(answers.channels),
        quote=next(iter(stages["consideration"].thoughts.get(lang)), ""),
        evidence=[Source(doc_id="user/evidence", title=item) for item in answers.evidence],
        provenance=Provenance(kind="user") if said.who or said.goals else suggestion,
    )


def _stakeholders(pattern: IndustryPattern, lang: Lang) -> list[Stakeholder]:
    roles = pattern.stakeholders or patterns()["b2b-saas"].stakeholders
    mark = Provenance(kind="pattern", source=kb_source("b2b-vs-b2c", lang))
    return [Stakeholder(role=role.get(lang), provenance=mark) for role in roles]


def _plan(answers: InterviewAnswers, lang: Lang) -> tuple[str, list[PlannedStage]]:
    if answers.map_type == "day-in-the-life" and not answers.stages:
        known = {m.id for m in stage_models().models}
        if "day-in-the-life" in known:
            return plan_stages(["day-in-the-life"], lang)
    return plan_stages(answers.stages, lang)


def _to_future_state(stages: list[Stage], lang: Lang) -> None:
    """Mark what changes: each opportunity becomes a new action; the emotion rises where it acts."""
    for stage in stages:
        if not stage.opportunities:
            continue
        for opportunity in stage.opportunities[:2]:
            provenance = opportunity.provenance.model_copy(update={"changed": True})
            stage.actions.insert(
                0, Item(text=t("future_action", lang, text=opportunity.text), provenance=provenance)
            )
        score = min(2, stage.emotion.score + 1)
        stage.emotion = Emotion(
            score=score,
            label=emotion_label(score, lang),
            provenance=Provenance(kind="pattern", changed=True),
        )


def _add_day_context(stages: list[Stage], lang: Lang) -> None:
    """A day-in-the-life map follows the person's whole day, not only the moments with the brand."""
    mark = Provenance(kind="pattern", source=kb_source("map-types", lang))
    for stage in stages:
        key = f"day_context_{stage.key}"
        if key in messages():
            stage.actions.insert(0, Item(text=t(key, lang), provenance=mark))


def _title(answers: InterviewAnswers, business: str, lang: Lang) -> str:
    key = {"future-state": "future_title", "day-in-the-life": "day_title"}.get(
        answers.map_type or "", "map_title"
    )
    return t(key, lang, business=business)


def draft_map(answers: InterviewAnswers, today: date | None = None) -> JourneyMap:
    """Draft a complete journey map from the interview's answers."""
    lang = answers.language
    described = " ".join(filter(None, [answers.business, answers.industry or ""]))
    pattern = match_industry(described)
    model = answers.model or infer_model(described) or pattern.default_model
    answers = answers.model_copy(update={"model": model})
    map_type = answers.map_type or "current-state"
    model_id, plans = _plan(answers, lang)
    stages = [
        stage_from_patterns(plan, pattern, lang, blueprint=map_type == "service-blueprint")
        for plan in plans
    ]
    place_channels(stages, plans, answers.channels, lang)
    place_pain_points(stages, plans, answers.pain_points, lang)
    if map_type == "future-state":
        _to_future_state(stages, lang)
    if model_id == "day-in-the-life":
        _add_day_context(stages, lang)
    business = answers.business.strip() or t("default_business", lang)
    persona = _persona(answers, pattern, lang)
    return JourneyMap(
        title=_title(answers, business, lang),
        language=lang,
        business=answers.business,
        industry=pattern.industry,
        model=model,
        map_type=map_type,
        scenario=t("scenario", lang, who=persona.name, business=business),
        persona=persona,
        stages=stages,
        evidence=[Source(doc_id="user/evidence", title=item) for item in answers.evidence],
        kpis=list(answers.kpis),
        owner=answers.owner,
        last_updated=today or date.today(),
        review_cadence=answers.review_cadence,
        stakeholders=_stakeholders(pattern, lang) if model == "b2b" else [],
        stage_model=model_id,
    )

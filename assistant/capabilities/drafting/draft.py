"""Offline drafting: InterviewAnswers -> JourneyMap in the person's language.

A draft is assembled, not copied: the trades that fit the business are found by meaning, the
stages (the person's own, or the stage model of the trade) each get the library items of
their journey roles, and then everything the person said is placed where it belongs and
marked as theirs, beside suggestions marked with their source.
"""

from __future__ import annotations

from datetime import date

from assistant.capabilities.drafting.evidence import EvidencePlacer, research_sources
from assistant.capabilities.drafting.fill import StageFiller
from assistant.capabilities.drafting.moments import add_moment_lanes
from assistant.capabilities.drafting.persona import persona, scenario, title
from assistant.capabilities.drafting.placement import Placer, emotion_label
from assistant.capabilities.drafting.stages import DAY_IN_THE_LIFE, plan_stages
from assistant.capabilities.drafting.trades import TradeFit, described, fit_trades
from assistant.domain import (
    Emotion,
    InsightReport,
    InterviewAnswers,
    Item,
    JourneyMap,
    Lang,
    Provenance,
    Source,
    Stage,
    Stakeholder,
)
from assistant.language.i18n import messages, t
from assistant.language.vocabulary import infer_model
from assistant.retrieval.documents import kb_source
from assistant.retrieval.meaning import Meaning, default_meaning


def _stakeholders(fit: TradeFit, lang: Lang) -> list[Stakeholder]:
    mark = Provenance(kind="pattern", source=kb_source("b2b-vs-b2c", lang))
    roles = [role.get(lang) for role in fit.primary.stakeholders]
    if not roles:  # a trade that rarely sells to companies: the committee every B2B buy has
        roles = [
            t(key, lang)
            for key in ("stakeholder_user", "stakeholder_decider", "stakeholder_finance")
        ]
    return [Stakeholder(role=role, provenance=mark) for role in roles]


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
            reason=stage.opportunities[0].text,
            provenance=Provenance(kind="pattern", changed=True),
        )


def _add_day_context(stages: list[Stage], lang: Lang) -> None:
    """A day-in-the-life map follows the person's whole day, not only the moments with the brand."""
    mark = Provenance(kind="pattern", source=kb_source("map-types", lang))
    for stage in stages:
        key = f"day_context_{stage.key}"
        if key in messages():
            stage.actions.insert(0, Item(text=t(key, lang), provenance=mark))


def _scope(stages: list[Stage], lang: Lang, researched: bool) -> str:
    """What the draft covers, from its first stage to its last; without research behind it,
    also that it is a hypothesis map to check with customers."""
    if not stages:
        return ""
    line = t("draft_scope", lang, first=stages[0].name, last=stages[-1].name)
    return line if researched else f"{line} {t('draft_hypothesis', lang)}"


def draft_map(
    answers: InterviewAnswers,
    today: date | None = None,
    meaning: Meaning | None = None,
    insights: InsightReport | None = None,
) -> JourneyMap:
    """Draft a complete journey map from the interview's answers, built on the themes of
    the person's research when there are ``insights``."""
    meaning = meaning or default_meaning()
    lang = answers.language
    fit = fit_trades(answers, meaning)
    model = answers.model or infer_model(described(answers)) or fit.primary.default_model
    answers = answers.model_copy(update={"model": model})
    map_type = answers.map_type or "current-state"
    plan = plan_stages(answers, fit.primary, meaning, fit.stage_model)
    context = " ".join([described(answers), *answers.persona.goals])
    filler = StageFiller(fit, lang, context, meaning)
    stages = [filler.stage(p, blueprint=map_type == "service-blueprint") for p in plan.stages]
    placer = Placer(stages, plan.stages, fit, lang, meaning, context)
    placer.place_channels(answers.channels)
    placer.place_pains(answers.pain_points)
    placer.place_goals(answers.persona.goals)
    evidence = EvidencePlacer(placer, insights) if insights and insights.themes else None
    if evidence:
        evidence.place_pains(answers.pain_points)
        evidence.place_gains()
    placer.attach_kpis(answers.kpis)
    add_moment_lanes(stages, plan.stages, fit, lang)
    if map_type == "future-state":
        _to_future_state(stages, lang)
    if plan.model_id == DAY_IN_THE_LIFE:
        _add_day_context(stages, lang)
    person = persona(answers, fit, plan)
    if evidence:
        person = evidence.enrich(person)
    sources = [Source(doc_id="user/evidence", title=item) for item in answers.evidence]
    if insights:
        sources += research_sources(insights, lang)
    return JourneyMap(
        title=title(answers.model_copy(update={"map_type": map_type})),
        language=lang,
        business=answers.business,
        industry=fit.primary.trade,
        model=model,
        map_type=map_type,
        scenario=scenario(answers, plan, person.name),
        purpose=answers.purpose.strip(),
        scope=_scope(stages, lang, researched=bool(insights and insights.themes)),
        persona=person,
        stages=stages,
        evidence=sources,
        kpis=list(answers.kpis),
        owner=answers.owner,
        last_updated=today or date.today(),
        review_cadence=answers.review_cadence,
        stakeholders=_stakeholders(fit, lang) if model == "b2b" else [],
        stage_model=plan.model_id,
    )

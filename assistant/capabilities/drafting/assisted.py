"""Drafting with a model: the offline draft, tailored to the business and its research.

The offline draft is the skeleton (stages, the person's own items, pattern suggestions).
The model rewrites the suggestions for this business, citing the person's own documents
where it uses them; the critic then checks the result, and critical findings get one
revision. Whatever the model returns is validated; on failure the offline draft stands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from assistant.domain import (
    CritiqueReport,
    Emotion,
    InterviewAnswers,
    Item,
    JourneyMap,
    Opportunity,
    Provenance,
    Source,
    Stage,
)
from assistant.language.i18n import t
from assistant.llm.base import ChatModel
from assistant.llm.budget import UsageMeter, pack_passages
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep
from assistant.retrieval.search import Hit
from assistant.settings import Settings

MAX_ITEMS = 4


class TailoredItem(BaseModel):
    text: str = Field(min_length=2, max_length=200, description="A short map cell.")
    evidence: int | None = Field(
        default=None, description="Number of the research passage this rests on, if any."
    )


class TailoredOpportunity(TailoredItem):
    owner: str = Field(min_length=2, description="Team or role that owns it.")
    metric: str = Field(min_length=2, description="How success is measured.")


class StageTailoring(BaseModel):
    key: str = Field(description="The stage key, exactly as in the draft.")
    customer_goal: str | None = Field(default=None, description="The customer's goal here.")
    actions: list[TailoredItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    thoughts: list[TailoredItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    pain_points: list[TailoredItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    opportunities: list[TailoredOpportunity] = Field(default_factory=list, max_length=MAX_ITEMS)
    emotion_score: int | None = Field(default=None, ge=-2, le=2)
    emotion_label: str | None = Field(default=None, max_length=40)


class DraftTailoring(BaseModel):
    """The model's changes to the draft, stage by stage."""

    stages: list[StageTailoring] = Field(min_length=1)


def _cell(item: Item) -> str:
    return f"{item.text} ({item.provenance.kind})"


def describe(journey: JourneyMap) -> str:
    """The draft as compact JSON the model can read: lanes with each cell's provenance."""
    stages = [
        {
            "key": s.key,
            "name": s.name,
            "customer_goal": s.customer_goal.text if s.customer_goal else "",
            "actions": [_cell(i) for i in s.actions],
            "touchpoints": [f"{tp.channel} ({tp.provenance.kind})" for tp in s.touchpoints],
            "thoughts": [_cell(i) for i in s.thoughts],
            "emotion": s.emotion.score,
            "pain_points": [_cell(i) for i in s.pain_points],
            "opportunities": [f"{o.text} ({o.provenance.kind})" for o in s.opportunities],
        }
        for s in journey.stages
    ]
    return json.dumps(stages, ensure_ascii=False)


class Tailor(ModelStep):
    """Tailors drafts with one chat model; keeps the tokens it used."""

    def __init__(
        self,
        model: ChatModel,
        settings: Settings,
        meter: UsageMeter,
        critic: Callable[[JourneyMap], CritiqueReport],
    ) -> None:
        super().__init__(model, settings, meter)
        self.critic = critic

    def tailor(
        self, draft: JourneyMap, answers: InterviewAnswers, evidence: Sequence[Hit]
    ) -> JourneyMap:
        """The tailored map; raises ``LLMError`` when the model cannot produce a valid one."""
        passages, kept = pack_passages(list(evidence), self.settings.llm_context_budget // 2)
        tailored = self._ask(draft, answers, passages, kept, findings="-")
        critical = [f for f in self.critic(tailored).findings if f.severity == "critical"]
        if critical:
            listed = "\n".join(f"- {f.where}: {f.message}" for f in critical)
            tailored = self._ask(draft, answers, passages, kept, findings=listed)
        return tailored

    def _ask(
        self,
        draft: JourneyMap,
        answers: InterviewAnswers,
        passages: str,
        kept: list[Hit],
        findings: str,
    ) -> JourneyMap:
        lang = draft.language
        messages = prompt("draft").messages(
            language_name=t("language_name", lang),
            business=answers.business or "-",
            persona=answers.persona.model_dump_json(),
            answers=answers.model_dump_json(exclude={"persona"}),
            evidence=passages or "-",
            draft=describe(draft),
            findings=findings,
            schema=json.dumps(DraftTailoring.model_json_schema()),
        )
        max_tokens = max(self.settings.llm_max_output_tokens, 1800)
        changes = self.ask(messages, DraftTailoring, max_tokens=max_tokens)
        return merge(draft, changes, kept)


def _provenance(item: TailoredItem, kept: list[Hit]) -> Provenance:
    if item.evidence is not None and 1 <= item.evidence <= len(kept):
        chunk = kept[item.evidence - 1].chunk
        return Provenance(kind="evidence", source=Source(doc_id=chunk.doc_id, title=chunk.title))
    return Provenance(kind="llm")


def _items(own: list[Item], new: list[TailoredItem], kept: list[Hit]) -> list[Item]:
    mine = [i for i in own if i.provenance.kind == "user"]
    seen = {i.text.casefold() for i in mine}
    added = [
        Item(text=n.text, provenance=_provenance(n, kept))
        for n in new
        if n.text.casefold() not in seen
    ]
    return mine + added if added else own


def _opportunities(stage: Stage, new: list[TailoredOpportunity], kept: list[Hit]) -> None:
    answering = [o for o in stage.opportunities if o.addresses or o.provenance.kind == "user"]
    added = [
        Opportunity(text=n.text, owner=n.owner, metric=n.metric, provenance=_provenance(n, kept))
        for n in new
    ]
    if added:
        stage.opportunities = answering + added


def merge(draft: JourneyMap, changes: DraftTailoring, kept: list[Hit]) -> JourneyMap:
    """Apply the model's changes: the person's items stay, suggestions are replaced."""
    journey = draft.model_copy(deep=True)
    by_key = {c.key: c for c in changes.stages}
    for stage in journey.stages:
        change = by_key.get(stage.key or "")
        if change is None:
            continue
        if change.customer_goal and (
            stage.customer_goal is None or stage.customer_goal.provenance.kind != "user"
        ):
            stage.customer_goal = Item(text=change.customer_goal, provenance=Provenance(kind="llm"))
        stage.actions = _items(stage.actions, change.actions, kept)
        stage.thoughts = _items(stage.thoughts, change.thoughts, kept)
        stage.pain_points = _items(stage.pain_points, change.pain_points, kept)
        _opportunities(stage, change.opportunities, kept)
        if change.emotion_score is not None:
            user_pain = any(p.provenance.kind == "user" for p in stage.pain_points)
            score = min(change.emotion_score, -1) if user_pain else change.emotion_score
            stage.emotion = Emotion(
                score=score,
                label=change.emotion_label or stage.emotion.label,
                provenance=Provenance(kind="llm"),
            )
    return journey

"""Fill each stage with library items: those of the stage's roles, from the trades that fit
the business (then the generic items), ranked by how close each is to what the person
described. No item appears in two stages, so every stage has content of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.capabilities.drafting.stages import PlannedStage
from assistant.capabilities.drafting.trades import TradeFit
from assistant.catalog.library import LibraryOpportunity, RoleContent, TradeLibrary, library
from assistant.catalog.roles import Role
from assistant.domain import (
    Emotion,
    Item,
    Lang,
    Localized,
    Opportunity,
    Provenance,
    Stage,
    Touchpoint,
)
from assistant.retrieval.documents import kb_source
from assistant.retrieval.meaning import Meaning

LIMITS = {
    "actions": 3,
    "touchpoints": 3,
    "thoughts": 2,
    "pain_points": 2,
    "opportunities": 1,
    "frontstage": 2,
    "backstage": 2,
    "support_processes": 2,
    "physical_evidence": 2,
}
BLUEPRINT = ("frontstage", "backstage", "support_processes", "physical_evidence")
PRIOR = {0: 0.0, 1: -0.01}  # the best trade, a second one; the generic items: GENERIC_PRIOR
GENERIC_PRIOR = -0.03
UNSURE_GENERIC_PRIOR = 0.01  # when the trade is in doubt, an item of it must beat the generic
SAME = 0.96  # two suggestions this close say the same thing: keep one
SPREAD = 0.04  # a suggestion this much further from the business than the lane's best is left out
DOCS = {
    "touchpoints": "touchpoints",
    "pain_points": "pain-points-and-opportunities",
    "opportunities": "opportunities-owners-metrics",
    "emotion": "emotions-and-motivation",
    "thoughts": "emotions-and-motivation",
    **dict.fromkeys(BLUEPRINT, "service-blueprint"),
}


@dataclass(frozen=True)
class Pick:
    """A library entry that could go into a stage, with what it is scored on."""

    text: str
    trade: TradeLibrary
    prior: float
    entry: Any


def suggested(lane: str, lang: Lang, trade: TradeLibrary) -> Provenance:
    doc = DOCS.get(lane) or trade.source_docs[0]
    return Provenance(kind="pattern", source=kb_source(doc, lang))


def opportunity(
    found: LibraryOpportunity, trade: TradeLibrary, lang: Lang, addresses: str | None = None
) -> Opportunity:
    """A library remedy as a map opportunity, its owner named as that trade names it."""
    return Opportunity(
        text=found.text.get(lang),
        owner=trade.owners[found.owner].get(lang),
        metric=found.metric.get(lang),
        addresses=addresses,
        value=found.value,
        effort=found.effort,
        provenance=suggested("opportunities", lang, trade),
    )


def main_role(roles: Sequence[Role]) -> Role:
    """The role a stage is mostly about: what goes wrong (support) only when it is all."""
    others: list[Role] = [role for role in roles if role != "support"]
    return (others or [*roles])[0]


class StageFiller:
    """Fills the stages of one draft; remembers what it used, so nothing repeats."""

    def __init__(self, fit: TradeFit, lang: Lang, context: str, meaning: Meaning) -> None:
        self.fit = fit
        self.lang = lang
        self.context = context or fit.primary.description.get(lang)
        self.meaning = meaning
        self.used: set[str] = set()

    def _sources(self) -> list[tuple[TradeLibrary, float]]:
        ranked = [(trade, PRIOR.get(i, -0.02)) for i, trade in enumerate(self.fit.trades)]
        generic = GENERIC_PRIOR if self.fit.confident else UNSURE_GENERIC_PRIOR
        return [*ranked, (self.fit.generic, generic)]

    def _content(self, trade: TradeLibrary, role: Role) -> RoleContent:
        return trade.roles[role]

    def _picks(self, roles: Sequence[Role], lane: str) -> list[Pick]:
        picks = []
        for trade, prior in self._sources():
            for role in roles:
                for entry in getattr(self._content(trade, role), lane):
                    if self.fit.belongs(trade, entry):
                        picks.append(Pick(_text(entry, self.lang), trade, prior, entry))
        return picks

    def _best(self, picks: list[Pick], limit: int) -> list[Pick]:
        fresh = [p for p in picks if p.text not in self.used]
        if not fresh:
            return []
        texts = [p.text for p in fresh]
        fit = self.meaning.similarity([self.context], texts)[0]
        order = sorted(range(len(fresh)), key=lambda i: -(fit[i] + fresh[i].prior))
        vectors = self.meaning.vectors(texts)
        chosen: list[int] = []
        floor = fit[order[0]] + fresh[order[0]].prior - SPREAD
        for i in order:
            if chosen and fit[i] + fresh[i].prior < floor:  # far from this business: leave out
                break
            if any(float(vectors[i] @ vectors[j]) >= SAME for j in chosen):
                continue
            chosen.append(i)
            if len(chosen) == limit:
                break
        self.used.update(fresh[i].text for i in chosen)
        return [fresh[i] for i in chosen]

    def lane(self, roles: Sequence[Role], lane: str) -> list[Pick]:
        return self._best(self._picks(roles, lane), LIMITS[lane])

    def stage(self, planned: PlannedStage, blueprint: bool) -> Stage:
        roles, lang = planned.roles, self.lang
        primary = self.fit.primary
        role = main_role(roles)
        stage = Stage(
            name=planned.name,
            key=planned.key,
            customer_goal=self._goal(planned, role),
            actions=self._items(roles, "actions"),
            touchpoints=[
                Touchpoint(
                    channel=p.entry.channel.get(lang),
                    kind=p.entry.kind,
                    description=p.entry.description.get(lang),
                    provenance=suggested("touchpoints", lang, p.trade),
                )
                for p in self.lane(roles, "touchpoints")
            ],
            thoughts=self._items(roles, "thoughts"),
            emotion=self._emotion(primary, roles),
        )
        for pick in self.lane(roles, "pain_points"):
            pain = pick.entry.text.get(lang)
            stage.pain_points.append(
                Item(text=pain, provenance=suggested("pain_points", lang, pick.trade))
            )
            stage.opportunities.append(opportunity(pick.entry.remedy, pick.trade, lang, pain))
        for pick in self.lane(roles, "opportunities"):
            stage.opportunities.append(opportunity(pick.entry, pick.trade, lang))
        if blueprint:
            for lane in BLUEPRINT:
                setattr(stage, lane, self._items(roles, lane))
        return stage

    def _items(self, roles: Sequence[Role], lane: str) -> list[Item]:
        return [
            Item(text=p.text, provenance=suggested(lane, self.lang, p.trade))
            for p in self.lane(roles, lane)
        ]

    def _goal(self, planned: PlannedStage, role: Role) -> Item:
        trade = self.fit.primary
        text = planned.goal if not self.fit.trades and planned.goal else None
        text = text or self.fit.customer_goal(role).get(self.lang)
        return Item(text=text, provenance=suggested("customer_goal", self.lang, trade))

    def _emotion(self, trade: TradeLibrary, roles: Sequence[Role]) -> Emotion:
        """The feeling of the stage's strongest moment (what goes wrong counts only when the
        stage is about nothing else), with its reason."""
        candidates: list[Role] = [r for r in roles if r != "support"] or [*roles]
        feeling = max(
            (trade.roles[r].emotion for r in candidates), key=lambda e: (abs(e.score), e.score)
        )
        return Emotion(
            score=feeling.score,
            label=feeling.label.get(self.lang),
            reason=feeling.reason.get(self.lang),
            provenance=suggested("emotion", self.lang, trade),
        )


def _text(entry: Any, lang: Lang) -> str:
    """What an entry is compared on: its text, or a touchpoint's channel and description."""
    if isinstance(entry, Localized):
        return entry.get(lang)
    if hasattr(entry, "channel"):
        return f"{entry.channel.get(lang)}: {entry.description.get(lang)}"
    return str(entry.text.get(lang))


def library_texts(lang: Lang) -> list[str]:
    """Every library text drafting compares by meaning, in one language (what the shipped
    vectors must hold, see ``app.vectors``)."""
    texts: list[str] = []
    for trade in library().values():
        for content in trade.roles.values():
            texts.append(content.customer_goal.get(lang))
            for lane in LIMITS:
                texts += [_text(entry, lang) for entry in getattr(content, lane)]
            texts += [touchpoint.channel.get(lang) for touchpoint in content.touchpoints]
            texts += [pain.remedy.metric.get(lang) for pain in content.pain_points]
            texts += [found.metric.get(lang) for found in content.opportunities]
    return texts

"""Put what the person said where it belongs, by meaning: each pain point at the stage it is
about, with a concrete remedy from the library; each channel at the stages where it is met,
with its real kind; each goal at the stage it is a goal of; their own KPIs as the metrics of
the opportunities they measure. Nothing the person said is dropped or shortened."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.capabilities.drafting.fill import UNSURE_GENERIC_PRIOR, Pick, opportunity
from assistant.capabilities.drafting.stages import PlannedStage
from assistant.capabilities.drafting.trades import TradeFit, elsewhere
from assistant.capabilities.stage_roles import Lane, sentence_roles, touchpoint_text
from assistant.catalog.library import LibraryPain, TradeLibrary
from assistant.catalog.roles import ROLES, Role, roles
from assistant.domain import Emotion, Item, Lang, Opportunity, Stage, Touchpoint
from assistant.language.i18n import t
from assistant.language.vocabulary import (
    channel_kind,
    find_channel,
    kpi_concepts_in,
    vocabulary,
)
from assistant.retrieval.meaning import Meaning

CUE_BONUS = 0.5  # a known channel's usual stages (the vocabulary) count like a signal word
GOAL_LEAD = 0.15  # a goal replaces a stage's goal only when it clearly belongs there
TIEBREAK = 0.1  # how much the stage's single closest item weighs beside its roles
OWN_ROLE_BONUS = 0.01  # a remedy from the stage's own roles is preferred
GENERIC_PRIOR = -0.02  # a generic remedy only when the trades have nothing as close
CONTEXT_WEIGHT = 1.0  # how much a remedy's closeness to the business counts beside the pain's
SAME_PAIN = 0.95  # a suggested pain this close says what the person said (distinct library
# pains' nearest neighbours: median 0.91, 90th percentile 0.94)
SAME_CHANNEL = 0.9  # a suggested touchpoint this close to the person's channel is replaced
KPI_FIT = 0.88  # a person's KPI measures an opportunity this close to its metric...
KPI_LEAD = 0.04  # ...and clearly closer than to the typical metric of the map


def emotion_label(score: int, lang: Lang) -> str:
    words = vocabulary().emotions[score].get(lang)
    return next((w for w in words if any(ch.isalpha() for ch in w)), str(score))


class Placer:
    """Places the person's own items on drafted stages."""

    def __init__(
        self,
        stages: list[Stage],
        plans: list[PlannedStage],
        fit: TradeFit,
        lang: Lang,
        meaning: Meaning,
        context: str = "",
    ) -> None:
        self.stages, self.plans, self.fit = stages, plans, fit
        self.lang, self.meaning = lang, meaning
        self.context = context or fit.primary.description.get(lang)

    # --- where a text belongs ----------------------------------------------------------
    def _stage_texts(self, index: int) -> list[str]:
        """What a stage holds: its name, and the best trade's words for its roles (only the
        items of the branches this business is in)."""
        plan, lang, trade = self.plans[index], self.lang, self.fit.primary
        texts = [plan.name]
        for role in plan.roles:
            content = trade.roles[role]
            texts.append(content.customer_goal.get(lang))
            texts += [a.get(lang) for a in content.actions if self.fit.belongs(trade, a)]
            texts += [p.text.get(lang) for p in content.pain_points if self.fit.belongs(trade, p)]
            texts += [
                touchpoint_text(t, lang) for t in content.touchpoints if self.fit.belongs(trade, t)
            ]
        return texts

    def stage_scores(self, text: str, lane: Lane) -> np.ndarray:
        """How well ``text`` belongs to each stage: how much it is about the stage's roles
        (its words and what it means, see ``stage_roles.sentence_roles``), with the stage's
        closest item as a tie-break."""
        about = sentence_roles(text, self.lang, lane, self.meaning)
        scores = np.array(
            [max(about[ROLES.index(role)] for role in plan.roles) for plan in self.plans]
        )
        closest = [
            self.meaning.similarity([text], self._stage_texts(i))[0].max()
            for i in range(len(self.stages))
        ]
        return scores + TIEBREAK * np.array(closest)

    def best_stage(self, text: str, lane: Lane) -> int:
        return int(np.argmax(self.stage_scores(text, lane)))

    # --- pain points -------------------------------------------------------------------
    def place_pains(self, pains: Sequence[str]) -> None:
        """Each pain at its stage, first in the lane, with a remedy; the emotion dips there.

        A suggested pain that says the same as the person's (``SAME_PAIN``) gives way to it:
        the person's pain goes to that stage, the library's written for it, and the remedy
        drafted for the suggestion is free for the person's own."""
        counts = [0] * len(self.stages)
        for pain in pains:
            twin = self._drop_twin(pain)
            index = twin if twin is not None else self.best_stage(pain, "pain_points")
            stage = self.stages[index]
            stage.pain_points.insert(counts[index], Item(text=pain))
            remedy = self._remedy(pain, self.plans[index].roles, index)
            stage.opportunities.insert(counts[index], remedy)
            counts[index] += 1
        for stage, count in zip(self.stages, counts, strict=True):
            if count:
                stage.emotion = self._dipped(stage, count)

    def _suggestions_answered(self, at: int) -> dict[str, tuple[Stage, Item, Opportunity]]:
        """Remedy text -> (stage, suggested pain, opportunity) for every drafted remedy of a
        suggested pain that could leave: its stage keeps another pain, or is ``at``."""
        found: dict[str, tuple[Stage, Item, Opportunity]] = {}
        for index, stage in enumerate(self.stages):
            suggested = {p.text: p for p in stage.pain_points if p.provenance.kind != "user"}
            if len(stage.pain_points) < 2 and index != at:
                continue
            for answer in stage.opportunities:
                if answer.addresses in suggested:
                    found[answer.text] = (stage, suggested[answer.addresses], answer)
        return found

    def _drop_twin(self, pain: str) -> int | None:
        """Removes the suggested pain (and the opportunity answering it) that says what
        ``pain`` says; returns its stage, or None when no suggestion is that close."""
        found = [
            (index, item)
            for index, stage in enumerate(self.stages)
            for item in stage.pain_points
            if item.provenance.kind != "user"
        ]
        if not found:
            return None
        close = self.meaning.similarity([pain], [item.text for _, item in found])[0]
        best = int(np.argmax(close))
        if close[best] < SAME_PAIN:
            return None
        index, item = found[best]
        stage = self.stages[index]
        stage.pain_points.remove(item)
        stage.opportunities = [o for o in stage.opportunities if o.addresses != item.text]
        return index

    def _dipped(self, stage: Stage, count: int) -> Emotion:
        """The stage's feeling with ``count`` of the person's pains in it: a low stage sinks
        by one a pain; the trade's high moment (the visit itself) loses two a pain, so one
        pain leaves it mixed, and its reason says both."""
        emotion = stage.emotion
        first = next(p.text for p in stage.pain_points if p.provenance.kind == "user")
        if emotion.score > 0:
            score = max(-2, emotion.score - 2 * count)
            reason = t("emotion_mixed", self.lang, high=emotion.reason, pain=first)
        else:
            score, reason = max(-2, emotion.score - count), first
        mixed = emotion.score > 0 and score >= 0 and bool(emotion.reason)
        return Emotion(
            score=score,
            label=t("emotion_mixed_label", self.lang) if mixed else emotion_label(score, self.lang),
            reason=reason if mixed else first,
            provenance=emotion.provenance,
        )

    def _remedy(self, pain: str, stage_roles: tuple[Role, ...], at: int = -1) -> Opportunity:
        """The library remedy of the pain most like this one (the trades, then generic).

        A remedy already drafted for a suggested pain may be taken for the person's own: the
        suggestion is then the library's version of the same problem and leaves the map with
        its remedy, unless that would empty its stage of pains (``at`` is where the person's
        pain goes)."""
        answering = self._suggestions_answered(at)
        used = {o.text for stage in self.stages for o in stage.opportunities} - set(answering)
        picks = [
            Pick(p.text.get(self.lang), trade, self._prior(trade, role, stage_roles), p)
            for trade in self.fit.sources
            for role in roles().roles
            for p in trade.roles[role].pain_points
            if p.remedy.text.get(self.lang) not in used and self.fit.belongs(trade, p)
        ]
        fit = self.meaning.similarity([pain], [p.text for p in picks])[0]
        remedies = [p.entry.remedy.text.get(self.lang) for p in picks]
        here = self.meaning.similarity([self.context], remedies)[0]  # fits this business
        total = fit + CONTEXT_WEIGHT * here + np.array([p.prior for p in picks])
        away = elsewhere(remedies, [p.trade.trade for p in picks], self.fit, self.meaning)
        total[np.array(away, dtype=bool)] = -np.inf  # a remedy of another kind of business
        best = picks[int(np.argmax(total))]
        chosen: LibraryPain = best.entry
        owners = self.fit.primary if best.trade is self.fit.generic else best.trade
        taken = answering.get(chosen.remedy.text.get(self.lang))
        if taken is not None:
            stage, item, answer = taken
            stage.pain_points.remove(item)
            stage.opportunities.remove(answer)
        return opportunity(chosen.remedy, owners, self.lang, addresses=pain)

    def _prior(self, trade: TradeLibrary, role: Role, stage_roles: tuple[Role, ...]) -> float:
        prior = 0.0
        if trade is self.fit.generic:
            prior = GENERIC_PRIOR if self.fit.confident else UNSURE_GENERIC_PRIOR
        return prior + (OWN_ROLE_BONUS if role in stage_roles else 0.0)

    # --- channels ----------------------------------------------------------------------
    def place_channels(self, channels: Sequence[str]) -> None:
        """Each channel at the stage where it is met most, and wherever a suggestion names
        the same channel (which it replaces)."""
        for name in channels:
            kind = channel_kind(name)
            targets = {self._channel_stage(name)}
            for index, stage in enumerate(self.stages):
                suggested = [t for t in stage.touchpoints if t.provenance.kind != "user"]
                if not suggested:
                    continue
                close = self.meaning.similarity([name], [t.channel for t in suggested])[0]
                same = {
                    t.channel for t, c in zip(suggested, close, strict=True) if c >= SAME_CHANNEL
                }
                if same:
                    stage.touchpoints = [t for t in stage.touchpoints if t.channel not in same]
                    targets.add(index)
            for index in sorted(targets):
                self.stages[index].touchpoints.insert(0, Touchpoint(channel=name, kind=kind))

    def _channel_stage(self, name: str) -> int:
        scores = self.stage_scores(name, "touchpoints")
        term = find_channel(name)
        if term:
            for i, plan in enumerate(self.plans):
                if set(term.stages) & set(plan.pattern_stages):
                    scores[i] += CUE_BONUS
        return int(np.argmax(scores))

    # --- goals and KPIs ----------------------------------------------------------------
    def place_goals(self, goals: Sequence[str]) -> None:
        """Each goal becomes the customer's goal at the stage it is about (one per stage)."""
        taken: set[int] = set()
        for goal in goals:
            scores = self.stage_scores(goal, "goals")
            ranked = [int(i) for i in np.argsort(-scores) if int(i) not in taken]
            if not ranked:
                return
            lead = scores[ranked[0]] - (scores[ranked[1]] if len(ranked) > 1 else 0.0)
            if lead < GOAL_LEAD:  # no stage it clearly belongs to: it stays the persona's
                continue
            taken.add(ranked[0])
            self.stages[ranked[0]].customer_goal = Item(text=goal)

    def attach_kpis(self, kpis: Sequence[str]) -> None:
        """A KPI the person tracks becomes the metric of the opportunity it measures: one
        whose metric names the same concept (no-shows, rating, repeat visits...), else one
        whose metric means clearly the same. A KPI nothing measures stays in the map's KPIs."""
        found = [o for s in self.stages for o in s.opportunities if o.metric]
        if not found or not kpis:
            return
        fit = self.meaning.similarity(list(kpis), [o.metric or "" for o in found])
        used: set[int] = set()
        for row, kpi in enumerate(kpis):
            concepts = kpi_concepts_in(kpi)
            same = [c for c, o in enumerate(found) if concepts & kpi_concepts_in(o.metric or "")]
            enough = max(KPI_FIT, float(np.median(fit[row])) + KPI_LEAD)
            close = [c for c in range(len(found)) if fit[row, c] >= enough]
            choices = [c for c in (same or close) if c not in used]
            if choices:
                best = max(choices, key=lambda c: fit[row, c])
                found[best].metric = kpi
                used.add(best)

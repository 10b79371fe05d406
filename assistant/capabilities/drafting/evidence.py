"""Build the draft on the person's research: pain themes become pain points marked
``evidence`` (a verbatim quote, its file and place, and the count: "7 of 30 reviews"), with a
remedy from the library; gains become highs on the emotion curve with their quote; needs and
the most said pains feed the persona.

What the person said stays beside what the research says. Where they differ, the item says
so: a pain the person named that no theme of the research backs, and a theme the person did
not name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.capabilities.drafting.placement import Placer, emotion_label
from assistant.catalog.roles import ROLES
from assistant.domain import (
    Emotion,
    InsightReport,
    Item,
    Lang,
    Persona,
    Provenance,
    Source,
    Theme,
)
from assistant.language.i18n import t

MAX_EVIDENCE_PAINS = 8  # the most said pain themes go on the map; the rest stay in the report
PER_STAGE = 2
AGREE = 0.86  # a person's pain this close in meaning to a theme is what the research says
PERSONA_MIN_STATEMENTS = 8  # enough research to quote in the persona
PERSONA_QUOTES = 3


def provenance(theme: Theme) -> Provenance:
    """``evidence``, citing the file, the place and the theme's most central quote."""
    quote = theme.quotes[0]
    return Provenance(
        kind="evidence",
        source=Source(
            doc_id=f"user/{quote.source}",
            title=quote.source,
            chunk_id=quote.location,
            snippet=quote.text,
        ),
    )


class EvidencePlacer:
    """Puts one report's themes on drafted stages (after the person's own items)."""

    def __init__(self, placer: Placer, report: InsightReport) -> None:
        self.placer, self.report, self.lang = placer, report, placer.lang
        self.sources = {s.name: s for s in report.sources if not s.problem}

    # --- counts in words -----------------------------------------------------------------
    def _noun(self, names: Sequence[str]) -> str:
        kinds = [self.sources[n].kind for n in names if n in self.sources]
        kind = max(set(kinds), key=kinds.count) if kinds else "notes"
        return t(f"evidence_noun_{kind or 'notes'}", self.lang)

    def counted(self, theme: Theme) -> str:
        """The theme's label with how many respondents say it, of how many."""
        names = sorted({q.source for q in theme.locations})
        total = sum(self.sources[n].respondents for n in names if n in self.sources)
        return t(
            "evidence_count",
            self.lang,
            text=theme.name or theme.label,
            count=theme.respondents,
            total=total or theme.respondents,
            noun=self._noun(names),
        )

    def _stage_of(self, theme: Theme) -> int:
        """The stage of the theme's journey role; the nearest role's when no stage has it."""
        plans = self.placer.plans
        distance = [
            min(abs(ROLES.index(theme.role) - ROLES.index(role)) for role in plan.roles)
            for plan in plans
        ]
        closest = min(distance)
        candidates = [i for i, d in enumerate(distance) if d == closest]
        if len(candidates) == 1:
            return candidates[0]
        scores = self.placer.stage_scores(theme.label, "pain_points")
        return max(candidates, key=lambda i: scores[i])

    # --- pains ---------------------------------------------------------------------------
    def place_pains(self, own: Sequence[str]) -> None:
        themes = [p for p in self.report.themes if p.kind == "pain"][:MAX_EVIDENCE_PAINS]
        if not themes:
            return
        agree = self._agreement(own, themes)
        counts = [0] * len(self.placer.stages)
        for index, theme in enumerate(themes):
            where = self._stage_of(theme)
            if counts[where] >= PER_STAGE:
                continue
            stage = self.placer.stages[where]
            mark = provenance(theme)
            if own and not any(row[index] for row in agree):
                mark.note = t("evidence_not_named", self.lang)
            text = self.counted(theme)
            last_own = sum(p.provenance.kind in ("user", "evidence") for p in stage.pain_points)
            stage.pain_points.insert(last_own, Item(text=text, provenance=mark))
            remedy = self.placer._remedy(theme.label, self.placer.plans[where].roles)
            remedy.addresses = text
            last_remedy = sum(
                o.provenance.kind in ("user", "evidence") for o in stage.opportunities
            )
            stage.opportunities.insert(max(last_remedy, last_own), remedy)
            counts[where] += 1
            self._dip(where, theme)
        for where, count in enumerate(counts):
            if count:
                self._evidence_first(where)
        self._note_unbacked(own, agree)

    def _evidence_first(self, where: int) -> None:
        """A stage the research speaks about keeps its research and the person's words; the
        library's suggested pains there give way, with the remedies that answered them."""
        stage = self.placer.stages[where]
        dropped = {p.text for p in stage.pain_points if p.provenance.kind in ("pattern", "llm")}
        stage.pain_points = [p for p in stage.pain_points if p.text not in dropped]
        stage.opportunities = [o for o in stage.opportunities if o.addresses not in dropped]

    def _agreement(self, own: Sequence[str], themes: list[Theme]) -> np.ndarray:
        if not own:
            return np.zeros((0, len(themes)), dtype=bool)
        close = self.placer.meaning.similarity(list(own), [theme.label for theme in themes])
        found: np.ndarray = close >= AGREE
        return found

    def _note_unbacked(self, own: Sequence[str], agree: np.ndarray) -> None:
        """The person's pains that no pain theme of the research backs, said on the item."""
        names = [s.name for s in self.sources.values()]
        total = sum(s.respondents for s in self.sources.values())
        note = t("evidence_not_in_research", self.lang, total=total, noun=self._noun(names))
        for row, pain in enumerate(own):
            if agree[row].any():
                continue
            for stage in self.placer.stages:
                for item in stage.pain_points:
                    if item.text == pain and item.provenance.kind == "user":
                        item.provenance.note = note

    def _dip(self, where: int, theme: Theme) -> None:
        stage = self.placer.stages[where]
        if stage.emotion.provenance.kind == "user" and stage.emotion.score < 0:
            return  # the person's own pain already set it
        score = max(-2, min(stage.emotion.score, 0) - 1)
        stage.emotion = Emotion(
            score=score,
            label=emotion_label(score, self.lang),
            reason=theme.label,
            provenance=provenance(theme),
        )

    # --- gains -------------------------------------------------------------------------
    def place_gains(self) -> None:
        """A stage whose research praises it more than it complains rises on the curve."""
        pains_at = [0] * len(self.placer.stages)
        for theme in self.report.themes:
            if theme.kind == "pain":
                pains_at[self._stage_of(theme)] += theme.respondents
        raised: set[int] = set()
        for theme in (g for g in self.report.themes if g.kind == "gain"):
            where = self._stage_of(theme)
            if where in raised or theme.respondents <= pains_at[where]:
                continue
            raised.add(where)
            score = 2 if theme.respondents >= 2 * max(1, pains_at[where]) + 3 else 1
            self.placer.stages[where].emotion = Emotion(
                score=score,
                label=emotion_label(score, self.lang),
                reason=self.counted(theme),
                provenance=provenance(theme),
            )

    # --- persona -----------------------------------------------------------------------
    def enrich(self, persona: Persona) -> Persona:
        """Needs and the most said pains, quoted, when the research is large enough."""
        if self.report.statements < PERSONA_MIN_STATEMENTS:
            return persona
        needs = [n.label for n in self.report.themes if n.kind == "need"][:PERSONA_QUOTES]
        pains = [p.label for p in self.report.themes if p.kind == "pain"][:PERSONA_QUOTES]
        gains = [g.label for g in self.report.themes if g.kind == "gain"][:PERSONA_QUOTES]
        evidence = research_sources(self.report, self.lang)
        update = {
            "needs": needs + [n for n in persona.needs if n not in needs]
            if needs
            else persona.needs,
            "frustrations": list(dict.fromkeys([*persona.frustrations, *pains])),
            "motivations": gains[:1] + persona.motivations if gains else persona.motivations,
            "evidence": [*persona.evidence, *evidence],
        }
        if persona.provenance.kind != "user":
            update["provenance"] = Provenance(
                kind="evidence", source=evidence[0] if evidence else None
            )
        return persona.model_copy(update=update)


def research_sources(report: InsightReport, lang: Lang) -> list[Source]:
    """The map's evidence: each research file read, with how many respondents it holds."""
    found = []
    for source in report.sources:
        if source.problem:
            continue
        noun = t(f"evidence_noun_{source.kind or 'notes'}", lang)
        found.append(
            Source(
                doc_id=f"user/{source.name}",
                title=t(
                    "evidence_source", lang, name=source.name, count=source.respondents, noun=noun
                ),
            )
        )
    return found

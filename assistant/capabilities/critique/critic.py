"""The rule-based critic: every guideline in the catalog checked, each finding cited, scored."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

from assistant.capabilities.critique.rules import CHECKS, MapContext
from assistant.catalog.guidelines import Guideline, guidelines
from assistant.domain import Citation, CritiqueReport, Finding, JourneyMap, Lang
from assistant.language.i18n import t
from assistant.language.text import overlap, stems
from assistant.retrieval.documents import builtin_documents, chunk_document
from assistant.retrieval.meaning import Meaning

PENALTY = {"critical": 20, "warn": 6, "info": 2}
MAX_COUNTED_PER_GUIDELINE = 2


@cache
def guideline_citation(guideline_id: str, lang: Lang) -> Citation:
    """The passage of the guideline's source document that best states its rationale."""
    guideline = guidelines().by_id(guideline_id)
    docs = {d.doc_id: d for d in builtin_documents()}
    doc = docs.get(f"{lang}/{guideline.source_doc}") or docs[f"en/{guideline.source_doc}"]
    chunks = chunk_document(doc)
    wanted = stems(f"{guideline.title.get(lang)} {guideline.rationale.get(lang)}")
    best = max(chunks, key=lambda chunk: overlap(wanted, chunk.text))
    return Citation(id=best.chunk_id, doc_id=doc.doc_id, title=doc.title, snippet=best.text[:300])


def _finding(guideline: Guideline, where: str, values: dict[str, str], lang: Lang) -> Finding:
    fill = {"stage": "", "item": "", "count": "", **values}
    words = guideline.variants.get(values.get("variant", ""), guideline)
    return Finding(
        guideline_id=guideline.id,
        severity=guideline.severity,
        where=where,
        message=words.message.get(lang).format(**fill),
        suggestion=words.suggestion.get(lang).format(**fill),
        citation=guideline_citation(guideline.id, lang),
    )


def critique_map(
    journey: JourneyMap, today: date | None = None, meaning: Meaning | None = None
) -> CritiqueReport:
    """Rule findings and the score; ``today`` pins the date staleness is judged against;
    ``meaning`` reads stage names (a process-wide default without a disk cache if None)."""
    context = MapContext.of(journey, today, meaning)
    lang = context.lang
    findings: list[Finding] = []
    for guideline in guidelines().guidelines:
        check = CHECKS.get(guideline.id)
        if check is None:
            continue
        findings.extend(
            _finding(guideline, where, values, lang) for where, values in check(journey, context)
        )
    order = {"critical": 0, "warn": 1, "info": 2}
    findings.sort(key=lambda f: order[f.severity])
    counted = Counter(f.guideline_id for f in findings)
    breakdown = {
        gid: PENALTY[guidelines().by_id(gid).severity] * min(n, MAX_COUNTED_PER_GUIDELINE)
        for gid, n in counted.items()
    }
    score = max(0, 100 - sum(breakdown.values()))
    severities = Counter(f.severity for f in findings)
    summary = t(
        "critique_summary",
        lang,
        score=score,
        critical=severities["critical"],
        warn=severities["warn"],
        info=severities["info"],
    )
    return CritiqueReport(findings=findings, score=score, summary=summary, breakdown=breakdown)


def points_lost(report: CritiqueReport, lang: Lang, top: int = 3) -> str:
    """Which guidelines cost the score the most, by their titles: "Persona (-10), ..."."""
    if not report.breakdown:
        return ""
    worst = sorted(report.breakdown.items(), key=lambda item: (-item[1], item[0]))[:top]
    catalog = guidelines()
    items = ", ".join(f"{catalog.by_id(gid).title.get(lang)} (−{points})" for gid, points in worst)
    return t("points_lost", lang, items=items)

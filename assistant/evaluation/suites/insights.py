"""Insights: research files in three languages (reviews, survey exports, interview notes)
with the themes a careful reader labelled, each with every place that says it.

A labelled theme is found when one mined theme holds at least half of its places (and at
least two) and at least half of that theme's places are the label's. Found themes are
scored on their count (within one of the label's), kind and journey role. Every quote is
checked against the file itself, read again here independently of Polku's readers; a quote of
an injection or a formula cell is an error. Drafts made with the research as evidence are
scored on the share of their pain points that rest on it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from assistant.app.services import Services
from assistant.capabilities.insights.mine import ResearchFile
from assistant.catalog.roles import ROLES
from assistant.domain import InsightReport, InterviewAnswers, Theme
from assistant.evaluation.datasets import InsightCorpus, LabelledTheme, Place
from assistant.evaluation.results import SuiteResult, Tick, rounded

Key = tuple[int, str]
_NUMBER = re.compile(r"(\d+)(?:\s*\((.*)\))?\s*$")


def _key(place: Place) -> Key:
    return (place.number, place.column or "")


def _mined_key(location: str) -> Key:
    """A mined quote's place ("row 12 (What did you like?)", "rivi 40", "lõik 7")."""
    match = _NUMBER.search(location)
    if not match:
        return (0, location)
    return (int(match.group(1)), match.group(2) or "")


def _comparable(keys: set[Key], corpus: InsightCorpus) -> set[Key]:
    """Places as labels name them: a survey keeps the column, other files only the number."""
    if corpus.kind_of_research == "survey":
        return keys
    return {(number, "") for number, _ in keys}


def _places(theme: Theme, corpus: InsightCorpus) -> set[Key]:
    return _comparable({_mined_key(q.location) for q in theme.locations}, corpus)


def _labelled(theme: LabelledTheme, corpus: InsightCorpus) -> set[Key]:
    return _comparable({_key(p) for p in theme.locations}, corpus)


def _match(label: set[Key], mined: list[tuple[Theme, set[Key]]]) -> Theme | None:
    best: tuple[int, Theme | None] = (0, None)
    for theme, places in mined:
        shared = len(label & places)
        if shared > best[0] and shared * 2 >= len(places):
            best = (shared, theme)
    shared, chosen = best
    return chosen if shared >= max(2, (len(label) + 1) // 2) else None


def file_texts(path: Path) -> dict[Key, str]:
    """Every cell or line of a research file, by place, read without Polku's readers."""
    suffix = path.suffix.lower()
    found: dict[Key, str] = {}
    if suffix in (".csv", ".xlsx"):
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True).worksheets[0]
            rows = [
                ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
            ]
        header = rows[0]
        for number, row in enumerate(rows[1:], start=2):
            for column, cell in enumerate(row):
                found[(number, header[column])] = cell
                found[(number, "")] = found.get((number, ""), "") + "\n" + cell
        return found
    if suffix == ".docx":
        import docx

        lines = [p.text for p in docx.Document(str(path)).paragraphs]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    return {(number, ""): text for number, text in enumerate(lines, start=1)}


def _verbatim(report: InsightReport, corpus: InsightCorpus, texts: dict[Key, str]) -> list[str]:
    """Quotes that are not exactly in the file at the place they name."""
    wrong = []
    for theme in [*report.themes, *report.one_offs]:
        for quote in theme.quotes:
            number, column = _mined_key(quote.location)
            where = texts.get((number, column)) or texts.get((number, ""), "")
            if quote.text not in where:
                wrong.append(f"{quote.location}: {quote.text}")
    return wrong


def _forbidden(report: InsightReport, corpus: InsightCorpus) -> list[str]:
    """Quotes of a place that holds an instruction to an AI or a spreadsheet formula."""
    banned = _comparable({_key(p) for p in [*corpus.injections, *corpus.formulas]}, corpus)
    return [
        q.location
        for theme in [*report.themes, *report.one_offs]
        for q in theme.locations
        if _comparable({_mined_key(q.location)}, corpus) & banned
    ]


def _evidence_share(services: Services, corpus: InsightCorpus, report: InsightReport) -> float:
    answers = InterviewAnswers(language=corpus.lang, business=corpus.business)
    journey = services.draft(answers, insights=report).value
    pains = [p for stage in journey.stages for p in stage.pain_points]
    return sum(p.provenance.kind == "evidence" for p in pains) / len(pains) if pains else 0.0


def run(services: Services, corpora: list[InsightCorpus], tick: Tick) -> SuiteResult:
    rows: list[dict[str, Any]] = []
    labelled = found = counted = kinds = roles = near = 0
    quotes = wrong_quotes = forbidden = 0
    shares: list[float] = []
    for corpus in corpora:
        assert corpus.path is not None
        report = services.insights(
            [ResearchFile(corpus.file, corpus.path.read_bytes())], lang=corpus.lang
        ).value
        mined = [(theme, _places(theme, corpus)) for theme in report.themes]
        misses, details = [], []
        for label in corpus.themes:
            places = _labelled(label, corpus)
            if len(places) < 2:
                continue
            labelled += 1
            theme = _match(places, mined)
            if theme is None:
                misses.append(label.id)
                continue
            found += 1
            counted += abs(theme.count - len(places)) <= 1
            kinds += theme.kind == label.kind
            roles += theme.role == label.role
            near += abs(ROLES.index(theme.role) - ROLES.index(label.role)) <= 1
            details.append(
                {
                    "id": label.id,
                    "count": [len(places), theme.count],
                    "kind": [label.kind, theme.kind],
                    "role": [label.role, theme.role],
                    "label": theme.label,
                }
            )
        wrong = _verbatim(report, corpus, file_texts(corpus.path))
        bad = _forbidden(report, corpus)
        quotes += sum(len(t.quotes) for t in [*report.themes, *report.one_offs])
        wrong_quotes += len(wrong)
        forbidden += len(bad)
        share = _evidence_share(services, corpus, report)
        shares.append(share)
        rows.append(
            {
                "file": f"{corpus.lang}/{corpus.file}",
                "themes_labelled": len(corpus.themes),
                "themes_mined": len(report.themes),
                "missed": misses,
                "found": details,
                "wrong_quotes": wrong,
                "forbidden_quotes": bad,
                "evidence_pain_share": round(share, 3),
            }
        )
        tick(corpus.file)
    metrics = {
        "theme_recall": found / labelled if labelled else 0.0,
        "count_accuracy": counted / found if found else 0.0,
        "kind_accuracy": kinds / found if found else 0.0,
        "stage_accuracy": roles / found if found else 0.0,
        "stage_within_one": near / found if found else 0.0,
        "quote_verbatim": 1 - wrong_quotes / quotes if quotes else 0.0,
        "forbidden_quotes": float(forbidden),
        "evidence_pain_share": sum(shares) / len(shares) if shares else 0.0,
    }
    return SuiteResult(metrics=rounded(metrics), cases=rows)

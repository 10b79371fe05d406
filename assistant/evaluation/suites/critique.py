"""Critique: maps with seeded flaws (labelled by guideline id) and good maps; the critic's
findings scored as micro precision / recall / F1 over guideline ids, plus false criticals on
the good maps."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.app.services import Services
from assistant.evaluation.datasets import CritiqueCase
from assistant.evaluation.metrics import precision_recall_f1
from assistant.evaluation.results import SuiteResult, Tick, rounded
from assistant.formats.parse import MapParseError, parse_map


def run(
    services: Services, cases: list[CritiqueCase], tick: Tick, today: date | None = None
) -> SuiteResult:
    """``today``: the date maps are judged on (critique.yaml's ``today``)."""
    rows: list[dict[str, Any]] = []
    tp = fp = fn = 0
    false_criticals = 0
    errors = 0
    for case in cases:
        seeded, allowed = set(case.flaws), set(case.flaws) | set(case.also_ok)
        try:
            journey = parse_map(case.text, case.format, default_lang=case.lang)
        except MapParseError as exc:
            errors += 1
            fn += len(seeded)
            rows.append({"id": case.id, "file": case.file, "error": str(exc)})
            tick(case.id)
            continue
        report = services.critique(journey, today).value
        found = {f.guideline_id for f in report.findings}
        hits, extra, missed = found & seeded, found - allowed, seeded - found
        tp, fp, fn = tp + len(hits), fp + len(extra), fn + len(missed)
        criticals = [f.guideline_id for f in report.findings if f.severity == "critical"]
        if case.good:
            false_criticals += len(criticals)
        rows.append(
            {
                "id": case.id,
                "file": case.file,
                "good": case.good,
                "seeded": sorted(seeded),
                "found": sorted(found),
                "missed": sorted(missed),
                "unexpected": sorted(extra),
                "criticals": criticals,
                "score": report.score,
            }
        )
        tick(case.id)
    precision, recall, f1 = precision_recall_f1(tp, fp, fn)
    good = [r for r in rows if r.get("good")]
    metrics = {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_criticals": float(false_criticals),
        "false_critical_rate": (
            sum(bool(r["criticals"]) for r in good) / len(good) if good else 0.0
        ),
        "errors": float(errors),
    }
    return SuiteResult(metrics=rounded(metrics), cases=rows)

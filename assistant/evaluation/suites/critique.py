"""Critique: maps with seeded flaws (labelled by guideline id) and good maps; the critic's
findings scored as micro precision / recall / F1 over guideline ids, per guideline as well
(``details["per_guideline"]``), plus false criticals on the good maps."""

from __future__ import annotations

from collections import Counter
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
    counts: dict[str, Counter[str]] = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
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
        for name, ids in (("tp", hits), ("fp", extra), ("fn", missed)):
            counts[name].update(ids)
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
    details = {"per_guideline": per_guideline(counts)}
    return SuiteResult(metrics=rounded(metrics), cases=rows, details=details)


def per_guideline(counts: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of each guideline the dataset seeds or the critic raised
    wrongly, with its true positives, false positives and misses (0.0 where undefined: a
    guideline only ever raised wrongly has recall 0, though there was nothing to find)."""
    ids = sorted(set(counts["tp"]) | set(counts["fp"]) | set(counts["fn"]))
    found = {}
    for gid in ids:
        tp, fp, fn = counts["tp"][gid], counts["fp"][gid], counts["fn"][gid]
        precision, recall, f1 = precision_recall_f1(tp, fp, fn)
        found[gid] = {
            **rounded({"precision": precision, "recall": recall, "f1": f1}),
            "tp": float(tp),
            "fp": float(fp),
            "fn": float(fn),
        }
    return found

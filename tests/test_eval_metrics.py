"""The evaluation's metric, gate and report code on known inputs with known results."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.domain import Answer, Citation
from assistant.evaluation import gate
from assistant.evaluation.datasets import DatasetError, load_qa
from assistant.evaluation.metrics import (
    contains_any,
    diversity,
    jaccard,
    mean,
    mrr_at_k,
    ndcg_at_k,
    precision_recall_f1,
    recall_at_k,
)
from assistant.evaluation.report import markdown, write
from assistant.evaluation.results import Report, SuiteResult
from assistant.evaluation.suites.drafts import has_channel, lanes_filled, stage_of
from assistant.evaluation.suites.qa import cited_numbers, declined
from tests.maps import good_map


def test_ranking_metrics_match_hand_computed_values() -> None:
    relevant = {"b": 2, "d": 1}
    assert recall_at_k(["a", "b", "c"], relevant, 2) == 0.5
    assert recall_at_k(["a", "b", "d"], relevant, 3) == 1.0
    assert recall_at_k(["a"], {}, 5) == 0.0
    assert mrr_at_k(["x", "b"], relevant, 10) == 0.5
    assert mrr_at_k(["x", "y", "b"], relevant, 2) == 0.0
    # DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3)
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "b"], {"a": 1, "b": 2}, 10) == pytest.approx(expected)
    assert ndcg_at_k(["b", "a"], {"a": 1, "b": 2}, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["z"], {"a": 1}, 10) == 0.0


def test_classification_and_set_metrics() -> None:
    precision, recall, f1 = precision_recall_f1(tp=3, fp=1, fn=2)
    assert (precision, recall) == (0.75, 0.6)
    assert f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert precision_recall_f1(0, 0, 0) == (0.0, 0.0, 0.0)
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert diversity([{"a", "b"}, {"a", "b"}]) == 0.0
    assert diversity([{"a"}, {"b"}]) == 1.0
    assert diversity([{"a", "b"}, {"b", "c"}]) == pytest.approx(2 / 3)
    assert diversity([{"a"}]) == 0.0
    assert mean([]) == 0.0 and mean([1, 2]) == 1.5
    assert contains_any("Review it once a\nQuarter.", ["a quarter"])
    assert not contains_any("monthly", ["quarter", " "])


def test_answer_helpers_read_markers_and_refusals() -> None:
    cite = Citation(id="en/x#1", doc_id="en/x", title="X")
    answer = Answer(question="q", language="en", answer="A [2]. B [9].", citations=[cite, cite])
    assert cited_numbers(answer) == [2]
    unmarked = answer.model_copy(update={"answer": "No markers"})
    assert cited_numbers(unmarked) == [1, 2] and declined(unmarked)
    assert not declined(answer)


def test_draft_helpers_on_a_hand_made_map() -> None:
    journey = good_map()
    assert all(lanes_filled(journey.stages[0]).values())
    assert stage_of(journey, "long queue at the counter") == 2
    assert stage_of(journey, "parking") is None
    assert has_channel(journey, "website") and not has_channel(journey, "TikTok")


def _report(mode: str = "offline", **metrics: float) -> Report:
    suite = SuiteResult(metrics=metrics, cases=[])
    return Report(suites={"qa": suite}, mode=mode, version="0", timestamp="t")


def _limits(**bounds: dict[str, float]) -> gate.Thresholds:
    return gate.Thresholds.model_validate(
        {
            "version": 1,
            "tolerance": 0.02,
            "tolerances": {"false_criticals": 1},
            "modes": {"offline": {"qa": bounds}},
        }
    )


def test_gate_thresholds_and_baseline() -> None:
    limits = _limits(fact_recall={"min": 0.7}, canary_leak_rate={"max": 0.0})
    assert gate.check(_report(fact_recall=0.8, canary_leak_rate=0.0), limits) == []
    [low] = gate.check(_report(fact_recall=0.6, canary_leak_rate=0.0), limits)
    assert "below its threshold 0.7" in low
    [leak] = gate.check(_report(fact_recall=0.8, canary_leak_rate=0.1), limits)
    assert "above its threshold" in leak
    [missing] = gate.check(_report(canary_leak_rate=0.0), limits)
    assert "missing" in missing
    baseline = _report(fact_recall=0.9, canary_leak_rate=0.0, false_criticals=1.0)
    assert (
        gate.check(
            _report(fact_recall=0.89, canary_leak_rate=0.0, false_criticals=2.0), limits, baseline
        )
        == []
    )
    failures = gate.check(
        _report(fact_recall=0.85, canary_leak_rate=0.05, false_criticals=3.0), limits, baseline
    )
    assert any("fact_recall fell from 0.9 to 0.85" in f for f in failures)
    assert any("canary_leak_rate rose" in f for f in failures)
    assert any("false_criticals rose from 1 to 3" in f for f in failures)
    other = gate.check(_report("llm:gpt", fact_recall=0.9, canary_leak_rate=0.0), limits, baseline)
    assert any("baseline is for offline mode" in f for f in other)


def test_report_writes_json_markdown_and_pngs(tmp_path: Path) -> None:
    report = _report(fact_recall=0.75, citation_precision=0.5)
    report.suites["drafts"] = SuiteResult(
        metrics={"lane_coverage": 0.9, "critic_score": 81.0},
        cases=[],
        details={"lane_coverage_by_stage": {"1. awareness": 1.0, "2. purchase": 0.8}},
    )
    report.gate = ["qa.fact_recall fell"]
    written = write(report, tmp_path / "out", baseline=_report(fact_recall=0.8))
    names = {p.name for p in written}
    assert {"report.json", "report.md", "metrics-qa.png", "lane-coverage-per-stage.png"} <= names
    for path in written:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Report.model_validate_json((tmp_path / "out" / "report.json").read_text()) == report
    text = markdown(report, _report(fact_recall=0.8))
    assert "| fact_recall | 0.75 | 0.8 | higher |" in text and "**Failed:**" in text


def test_the_markdown_report_lists_each_guideline_weakest_first() -> None:
    report = _report(fact_recall=0.9)
    report.suites["critique"] = SuiteResult(
        metrics={"precision": 0.9},
        cases=[],
        details={
            "per_guideline": {
                "one-persona": {
                    "precision": 1.0,
                    "recall": 1.0,
                    "f1": 1.0,
                    "tp": 4.0,
                    "fp": 0.0,
                    "fn": 0.0,
                },
                "purpose-stated": {
                    "precision": 1.0,
                    "recall": 0.5,
                    "f1": 0.667,
                    "tp": 1.0,
                    "fp": 0.0,
                    "fn": 1.0,
                },
            }
        },
    )
    text = markdown(report)
    assert "| purpose-stated | 1 | 0.5 | 0.667 | 1 | 0 | 1 |" in text
    assert text.index("| purpose-stated |") < text.index("| one-persona |")


def test_a_broken_dataset_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "qa.jsonl").write_text('{"id": "a", "question": "q", "lang": "en"}\n{oops\n')
    with pytest.raises(DatasetError, match=r"qa.jsonl:2: not valid JSON"):
        load_qa(tmp_path)
    (tmp_path / "qa.jsonl").write_text('{"id": "a", "question": "q", "lang": "xx"}\n')
    with pytest.raises(DatasetError, match="lang"):
        load_qa(tmp_path)


@pytest.mark.parametrize(
    ("text", "lang", "repeats", "unfinished"),
    [
        ("Review the map every quarter [1]. Update it after big changes [2].", "en", False, False),
        ("Review the map every quarter [1]. Review the map every quarter [2].", "en", True, False),
        (
            "Seda etappi nimetatakse ka lojaalsuseks [1]. Viis etappi on teadlikkus...",
            "et",
            False,
            True,
        ),
        ("fewer checkout steps, a clear delivery price [1].", "en", False, True),
        ("Kartan vaiheet ovat seuraavat [1]:", "fi", False, True),
        ("Myös pienyritys hyötyy kartasta [1].", "fi", False, True),
        ("Persoona on kuvitteellinen asiakas [1].", "fi", False, False),
    ],
)
def test_answers_that_repeat_or_lean_on_a_missing_sentence_are_counted(
    text: str, lang: str, repeats: bool, unfinished: bool
) -> None:
    from assistant.evaluation.suites.qa import reads_unfinished, repeats_a_sentence
    from assistant.language.i18n import t

    sources = f"\n\n{t('sources', lang)}:\n[1] A\n[2] B"  # type: ignore[arg-type]
    answer = Answer(question="q", language=lang, answer=text + sources)  # type: ignore[arg-type]
    assert repeats_a_sentence(answer) is repeats
    assert reads_unfinished(answer) is unfinished

"""The quality gate fails where it claims to measure: each test plants the regression the gate
used to miss and checks that the gate now reports it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.draft import draft_map
from assistant.capabilities.fallback import Outcome
from assistant.domain import Answer, Citation, InterviewAnswers, JourneyMap
from assistant.evaluation import gate
from assistant.evaluation.datasets import DraftScenario, Fact, QACase
from assistant.evaluation.results import LOWER_IS_BETTER, Report, SuiteResult
from assistant.evaluation.suites import drafts, qa
from assistant.resources import resource_dir
from assistant.retrieval.meaning import default_meaning

THRESHOLDS = resource_dir("eval") / "thresholds.yaml"
ANSWERS = InterviewAnswers(
    language="fi",
    business="Pyöräkorjaamo Tampereella",
    channels=["verkkosivut"],
    pain_points=["huoltoajan varaaminen on hankalaa"],
)


def _report(suite: str, **metrics: float) -> Report:
    return Report(
        suites={suite: SuiteResult(metrics=metrics, cases=[])},
        mode="offline",
        version="test",
        timestamp="2026-12-02T00:00:00+00:00",
    )


def test_every_metric_with_an_upper_bound_is_lower_is_better() -> None:
    limits = gate.load_thresholds(THRESHOLDS)
    capped = {
        metric
        for suites in limits.modes.values()
        for metrics in suites.values()
        for metric, bound in metrics.items()
        if bound.max is not None
    }
    assert capped <= LOWER_IS_BETTER, capped - LOWER_IS_BETTER


def test_a_rise_in_own_criticals_fails_against_the_baseline() -> None:
    """Lower is better: a rise is a regression (it used to count as an improvement)."""
    limits = gate.load_thresholds(THRESHOLDS)
    failures = gate.check(
        _report("drafts", own_criticals=0.5), limits, _report("drafts", own_criticals=0)
    )
    assert "drafts.own_criticals rose from 0 to 0.5 (baseline)" in failures
    assert not [f for f in gate.check(_report("drafts", own_criticals=0), limits) if "own_" in f]


class _Services:
    """Just what the QA and drafts suites call, answering as the test says."""

    def __init__(self, answer: str = "", journey: JourneyMap | None = None) -> None:
        self.answer = answer
        self.journey = journey
        self.index = self
        self.meaning = default_meaning()

    def chunks(self) -> list[Any]:
        return []

    def ask(self, question: str) -> Answer:
        cite = Citation(id="fi/x#0", doc_id="fi/x", title="X", snippet="Viisi vaihetta")
        return Answer(question=question, language="fi", answer=self.answer, citations=[cite])

    def draft(self, answers: InterviewAnswers) -> Outcome[JourneyMap]:
        assert self.journey is not None
        return Outcome(self.journey)

    def critique(self, journey: JourneyMap) -> Outcome[Any]:
        return Outcome(critique_map(journey, date(2026, 12, 1)))


def test_an_answer_in_no_recognisable_language_is_not_a_language_match() -> None:
    case = QACase(
        id="q", question="Montako vaihetta?", lang="fi", facts=[Fact(id="f", any_of=["5"])]
    )
    result = qa.run(_Services(answer="5 [1]"), [case], lambda _: None)  # type: ignore[arg-type]
    assert result.metrics["language_match"] == 0.0
    limits = gate.load_thresholds(THRESHOLDS)
    failures = gate.check(_report("qa", **result.metrics), limits)
    assert any(f.startswith("qa.language_match = 0 is below") for f in failures)


def test_a_draft_in_no_recognisable_language_is_not_a_language_match() -> None:
    journey = JourneyMap(title="1 2 3", language="fi")
    scenario = DraftScenario(id="d", industry="x", lang="fi", segment="b2c", answers=ANSWERS)
    result = drafts.run(_Services(journey=journey), [scenario], lambda _: None)  # type: ignore[arg-type]
    assert result.metrics["language_match"] == 0.0


def test_schema_valid_fails_when_the_export_does_not_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journey = draft_map(ANSWERS)
    scenario = DraftScenario(id="d", industry="x", lang="fi", segment="b2c", answers=ANSWERS)
    services = _Services(journey=journey)
    kept = drafts.run(services, [scenario], lambda _: None)  # type: ignore[arg-type]
    assert kept.metrics["schema_valid"] == 1.0

    def lossy(journey: JourneyMap, fmt: str) -> tuple[bytes, str, str]:
        return journey.model_copy(update={"persona": None}).model_dump_json().encode(), "", ""

    monkeypatch.setattr(drafts, "render", lossy)
    broken = drafts.run(services, [scenario], lambda _: None)  # type: ignore[arg-type]
    assert broken.metrics["schema_valid"] == 0.0
    failures = gate.check(_report("drafts", **broken.metrics), gate.load_thresholds(THRESHOLDS))
    assert any(f.startswith("drafts.schema_valid = 0 is below") for f in failures)

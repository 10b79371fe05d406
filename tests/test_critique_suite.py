"""The critique suite scores each guideline on its own: precision and recall per guideline id,
from the same seeded flaws and also-acceptable findings as the micro figures."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.fallback import Outcome
from assistant.domain import JourneyMap
from assistant.evaluation.datasets import CritiqueCase
from assistant.evaluation.suites import critique
from assistant.formats.render import render
from tests.test_critique import PURPOSE, well_made


class _Services:
    def critique(self, journey: JourneyMap, today: date | None = None) -> Outcome[Any]:
        return Outcome(critique_map(journey, today))


def _case(case_id: str, journey: JourneyMap, flaws: list[str], **extra: Any) -> CritiqueCase:
    text = render(journey, "json")[0].decode("utf-8")
    return CritiqueCase(
        id=case_id,
        file=f"{case_id}.json",
        format="json",
        lang="en",
        flaws=flaws,
        text=text,
        **extra,
    )


def test_counts_become_precision_and_recall_per_guideline() -> None:
    counts = {
        "tp": Counter({"purpose-stated": 3, "map-scope": 1}),
        "fp": Counter({"purpose-stated": 1}),
        "fn": Counter({"map-scope": 1, "outside-in": 2}),
    }
    found = critique.per_guideline(counts)
    assert found["purpose-stated"]["precision"] == 0.75
    assert found["purpose-stated"]["recall"] == 1.0
    assert found["map-scope"]["recall"] == 0.5
    assert found["outside-in"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0.0,
        "fp": 0.0,
        "fn": 2.0,
    }


def test_the_suite_reports_each_guideline() -> None:
    no_purpose = well_made()
    no_purpose.scenario = no_purpose.scenario.replace(PURPOSE, "")
    good = well_made()
    good.title = "A good map"
    cases = [
        _case("a", no_purpose, ["purpose-stated", "outside-in"]),
        _case("b", good, [], good=True),
    ]
    result = critique.run(_Services(), cases, lambda _: None, date(2026, 11, 2))  # type: ignore[arg-type]
    per = result.details["per_guideline"]
    assert per["purpose-stated"]["tp"] == 1.0 and per["purpose-stated"]["precision"] == 1.0
    assert per["outside-in"]["fn"] == 1.0 and per["outside-in"]["recall"] == 0.0
    assert result.metrics["false_criticals"] == 0.0

"""Run the chosen suites over one Services (offline or with the configured model) and
build the report; the gate decides pass or fail."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant import __version__
from assistant.app.services import Services
from assistant.domain import JourneyMap
from assistant.evaluation import datasets
from assistant.evaluation.results import Report, SuiteResult, Tick
from assistant.evaluation.suites import critique, drafts, injection, insights, qa, retrieval
from assistant.llm.factory import mode_label

SUITES = ("retrieval", "qa", "drafts", "critique", "injection", "insights")
Start = Callable[[str, int], Tick]  # (suite, number of cases) -> per-case tick


def _load(name: str, root: Path) -> list[Any]:
    loaders: dict[str, Callable[[Path], list[Any]]] = {
        "retrieval": datasets.load_retrieval,
        "qa": datasets.load_qa,
        "drafts": datasets.load_drafts,
        "critique": datasets.load_critique,
        "injection": datasets.load_injection,
        "insights": datasets.load_insights,
    }
    return loaders[name](root)


def run(
    services: Services,
    suites: Sequence[str],
    root: Path,
    start: Start,
    judge: bool = False,
) -> Report:
    """Every suite in ``suites`` (in the order given) and, with ``judge``, the rubric."""
    loaded = {name: _load(name, root) for name in suites}  # fail on bad data before running
    results: dict[str, SuiteResult] = {}
    seconds: dict[str, float] = {}
    journeys: list[tuple[str, JourneyMap]] = []
    runners: dict[str, Callable[[list[Any], Tick], SuiteResult]] = {
        "retrieval": lambda cases, tick: retrieval.run(services, cases, tick),
        "qa": lambda cases, tick: qa.run(services, cases, tick),
        "drafts": lambda cases, tick: drafts.run(services, cases, tick, keep=journeys),
        "critique": lambda cases, tick: critique.run(
            services, cases, tick, datasets.critique_date(root)
        ),
        "injection": lambda cases, tick: injection.run(services, cases, tick),
        "insights": lambda cases, tick: insights.run(services, cases, tick),
    }
    for name in suites:
        tick = start(name, len(loaded[name]))
        began = time.perf_counter()
        results[name] = runners[name](loaded[name], tick)
        seconds[name] = round(time.perf_counter() - began, 2)
    graded = None
    if judge and services.model is not None:
        from assistant.evaluation.judge import grade

        if not journeys:  # the drafts suite was not chosen: draft the scenarios for grading
            drafts.run(services, _load("drafts", root), lambda _: None, keep=journeys)
        graded = grade(services.model, journeys, start("judge", len(journeys)))
    mode = "offline" if services.model is None else f"llm:{mode_label(services.model)}"
    return Report(
        suites=results,
        mode=mode,
        version=__version__,
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        datasets=datasets.dataset_versions(root),
        judge=graded,
        seconds=seconds,
    )

"""Editing: an instruction to its proposal (parse, check, diff) on a ten-stage map, offline.

The instructions are the English, Finnish and Estonian instruction tables of the tests
(tests/data/edit_cases), each run against its language's map grown to ten stages (the
drafted map's stages twice, renamed), so stage names, inflections and item search all run
over twice the usual map.
"""

from __future__ import annotations

import time
from typing import Any

import yaml

from bench.common import ROOT

STAGES = 10


def ten_stage_map(lang: str) -> Any:
    from assistant.domain import JourneyMap

    path = ROOT / "tests" / "data" / "edit_maps" / f"{lang}.json"
    journey = JourneyMap.model_validate_json(path.read_text(encoding="utf-8"))
    extra = [
        stage.model_copy(update={"name": f"{stage.name} II", "key": None})
        for stage in journey.stages
    ]
    return journey.model_copy(update={"stages": [*journey.stages, *extra][:STAGES]})


def bench_editing(repeat: int = 5) -> dict[str, Any]:
    """p50 / p95 of instruction -> proposal over every instruction of the three tables."""
    from assistant.capabilities.editing.propose import propose
    from assistant.capabilities.editing.understand import understand

    timings: list[float] = []
    proposals = 0
    for lang in ("en", "fi", "et"):
        journey = ten_stage_map(lang)
        table = ROOT / "tests" / "data" / "edit_cases" / f"{lang}.yaml"
        cases = yaml.safe_load(table.read_text(encoding="utf-8"))["cases"]
        understand(cases[0]["say"], journey)  # the grammar and word lists are loaded once
        for _ in range(repeat):
            for case in cases:
                started = time.perf_counter()
                plan = understand(case["say"], journey)
                if plan is not None and plan.operations:
                    proposals += not isinstance(propose(journey, plan, case["say"]), str)
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "instructions": len(timings) // repeat,
        "stages": STAGES,
        "proposals": proposals // repeat,
        "p50_ms": round(timings[len(timings) // 2], 2),
        "p95_ms": round(timings[int(len(timings) * 0.95)], 2),
        "max_ms": round(timings[-1], 2),
    }

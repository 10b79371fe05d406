"""What a suite returns and what the report holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

Tick = Callable[[str], None]  # called once per case with the case id

# Metrics where a rise is a regression: the gate compares them with the baseline upwards.
# Every metric that has a `max` bound in eval/thresholds.yaml must be here (tested).
LOWER_IS_BETTER = {
    "canary_leak_rate",
    "role_change_rate",
    "false_criticals",
    "false_critical_rate",
    "errors",
    "own_criticals",
    "wrong_trade_items",
    "duplicate_stage_cells",
    "forbidden_quotes",
    "answers_repeating_a_sentence",
    "answers_reading_unfinished",
}


class SuiteResult(BaseModel):
    """One suite's metrics (averages over cases) and every case's own result."""

    metrics: dict[str, float] = Field(description="Metric name -> value.")
    cases: list[dict[str, Any]] = Field(description="Per-case results, for reading failures.")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Breakdowns for plots (e.g. lane coverage per stage)."
    )


class Report(BaseModel):
    """report.json."""

    suites: dict[str, SuiteResult] = Field(description="Suite name -> its result.")
    mode: str = Field(description="offline or llm (with the model's name).")
    version: str = Field(description="Polku's version.")
    timestamp: str = Field(description="When the run finished (UTC, ISO 8601).")
    datasets: dict[str, Any] = Field(default_factory=dict, description="Dataset versions.")
    judge: dict[str, Any] | None = Field(
        default=None, description="Model-graded rubric scores (--judge); never gating."
    )
    gate: list[str] = Field(default_factory=list, description="Why the run failed, if it did.")
    seconds: dict[str, float] = Field(default_factory=dict, description="Time per suite.")


def rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 4) for name, value in metrics.items()}

"""Pass or fail a run: every metric against its threshold (eval/thresholds.yaml) and, with
``--baseline``, against the baseline minus a tolerance."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.evaluation.datasets import DatasetError
from assistant.evaluation.results import LOWER_IS_BETTER, Report


class Bound(BaseModel):
    min: float | None = Field(default=None, description="Fail below this.")
    max: float | None = Field(default=None, description="Fail above this.")


class Thresholds(BaseModel):
    version: int = Field(description="File format version.")
    tolerance: float = Field(
        default=0.02, ge=0, description="How far a metric may fall below the baseline."
    )
    tolerances: dict[str, float] = Field(
        default_factory=dict, description="Per-metric tolerance (for counts and 0-100 scores)."
    )
    modes: dict[str, dict[str, dict[str, Bound]]] = Field(
        description="mode (offline or llm) -> suite -> metric -> bound."
    )


def load_thresholds(path: Path) -> Thresholds:
    try:
        return Thresholds.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise DatasetError(f"{path} is missing") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise DatasetError(f"{path} is not a valid thresholds file: {exc}") from exc


def load_baseline(path: Path) -> Report:
    try:
        return Report.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise DatasetError(f"baseline {path} is missing") from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise DatasetError(f"baseline {path} is not a report.json: {exc}") from exc


def mode_key(mode: str) -> str:
    return "offline" if mode == "offline" else "llm"


def check(report: Report, thresholds: Thresholds, baseline: Report | None = None) -> list[str]:
    """Every reason the run fails; empty when it passes."""
    failures: list[str] = []
    bounds = thresholds.modes.get(mode_key(report.mode), {})
    for suite, result in report.suites.items():
        for metric, bound in bounds.get(suite, {}).items():
            value = result.metrics.get(metric)
            if value is None:
                failures.append(f"{suite}.{metric}: missing from the run")
            elif bound.min is not None and value < bound.min:
                failures.append(
                    f"{suite}.{metric} = {value:g} is below its threshold {bound.min:g}"
                )
            elif bound.max is not None and value > bound.max:
                failures.append(
                    f"{suite}.{metric} = {value:g} is above its threshold {bound.max:g}"
                )
    if baseline is None:
        return failures
    if mode_key(baseline.mode) != mode_key(report.mode):
        return [*failures, f"the baseline is for {baseline.mode} mode, this run is {report.mode}"]
    for suite, result in report.suites.items():
        before = baseline.suites.get(suite)
        if before is None:
            continue
        for metric, old in before.metrics.items():
            new = result.metrics.get(metric)
            if new is None:
                continue
            tolerance = thresholds.tolerances.get(metric, thresholds.tolerance)
            if metric in LOWER_IS_BETTER and new > old + tolerance:
                failures.append(f"{suite}.{metric} rose from {old:g} to {new:g} (baseline)")
            elif metric not in LOWER_IS_BETTER and new < old - tolerance:
                failures.append(f"{suite}.{metric} fell from {old:g} to {new:g} (baseline)")
    return failures

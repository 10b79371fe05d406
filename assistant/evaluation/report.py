"""report.json, report.md (tables) and the plots (PNG) of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.evaluation.results import LOWER_IS_BETTER, Report

PLOT_SUITES_FILE = "metrics-{suite}.png"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value).replace("|", "\\|")


def markdown(report: Report, baseline: Report | None = None) -> str:
    lines = [
        f"# Polku evaluation ({report.mode})",
        "",
        f"Polku {report.version}, {report.timestamp}. Datasets: "
        + ", ".join(f"{k} {v}" for k, v in report.datasets.items())
        + ".",
        "",
    ]
    if report.gate:
        lines += ["**Failed:**", "", *[f"- {reason}" for reason in report.gate], ""]
    else:
        lines += ["**Passed** every threshold" + (" and the baseline." if baseline else "."), ""]
    for name, suite in report.suites.items():
        seconds = report.seconds.get(name)
        lines += [f"## {name}" + (f" ({seconds:.1f} s)" if seconds is not None else ""), ""]
        lines += ["| metric | value | baseline | better |", "|---|---|---|---|"]
        old = baseline.suites.get(name) if baseline else None
        for metric, value in suite.metrics.items():
            before = old.metrics.get(metric) if old else None
            direction = "lower" if metric in LOWER_IS_BETTER else "higher"
            shown = _cell(before) if before is not None else "—"
            lines.append(f"| {metric} | {_cell(value)} | {shown} | {direction} |")
        lines.append("")
        lines += _per_guideline(suite.details.get("per_guideline"))
        worst = _worst_cases(name, suite.cases)
        if worst:
            lines += ["Cases to look at:", "", *worst, ""]
    if report.judge:
        lines += [
            "## Model-graded rubric (never gating)",
            "",
            "| rubric | score (1-5) |",
            "|---|---|",
        ]
        lines += [f"| {k} | {_cell(v)} |" for k, v in report.judge.get("means", {}).items()]
        lines.append("")
    return "\n".join(lines)


def _per_guideline(found: Any) -> list[str]:
    """The critique suite's figures for each guideline, the weakest first."""
    if not isinstance(found, dict) or not found:
        return []
    lines = [
        "Per guideline (weakest first):",
        "",
        "| guideline | precision | recall | F1 | found | wrongly raised | missed |",
        "|---|---|---|---|---|---|---|",
    ]
    for gid, m in sorted(found.items(), key=lambda item: (item[1].get("f1", 0.0), item[0])):
        lines.append(
            f"| {_cell(gid)} | {_cell(m.get('precision', 0.0))} | {_cell(m.get('recall', 0.0))} "
            f"| {_cell(m.get('f1', 0.0))} | {int(m.get('tp', 0))} | {int(m.get('fp', 0))} "
            f"| {int(m.get('fn', 0))} |"
        )
    return [*lines, ""]


def _worst_cases(suite: str, cases: list[dict[str, Any]]) -> list[str]:
    """A few lines on the cases that went wrong, so a regression can be read at once."""
    out = []
    for case in cases:
        problem = ""
        if case.get("error"):
            problem = f"error: {case['error']}"
        elif suite == "retrieval" and case.get("recall@10", 1) < 1:
            problem = (
                f"'{case['query']}' -> {case['ranked'][:5]}; wanted {sorted(case['relevant'])}"
            )
        elif suite == "qa" and case.get("answerable") and (case.get("fact_recall") or 0) < 1:
            problem = f"'{case['question']}' found {case['facts_found']}"
        elif suite == "qa" and not case.get("answerable") and not case.get("declined"):
            problem = f"'{case['question']}' was answered, though out of scope"
        elif suite == "critique" and (case.get("missed") or case.get("unexpected")):
            problem = f"missed {case['missed']}, unexpected {case['unexpected']}"
        elif suite == "drafts" and (
            case.get("missing") or case.get("placement_accuracy") not in (None, 1.0)
        ):
            problem = f"missing {case['missing']}, placement {case['placement']}"
        elif suite == "injection" and (case.get("canary_leaked") or case.get("role_changed")):
            problem = "leaked the canary or changed role"
        if problem:
            out.append(f"- `{case['id']}`: {_cell(problem)}")
    return out[:12]


def plots(report: Report, folder: Path) -> list[Path]:
    """One bar chart of metrics per suite, and lane coverage per stage for drafts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for name, suite in report.suites.items():
        shares = {k: v for k, v in suite.metrics.items() if 0 <= v <= 1}
        if not shares:
            continue
        figure, axes = plt.subplots(figsize=(7, 0.35 * len(shares) + 1.2))
        axes.barh(list(shares), list(shares.values()), color="#1f4e5f")
        axes.set_xlim(0, 1)
        axes.invert_yaxis()
        axes.set_title(f"{name} ({report.mode})")
        for y, value in enumerate(shares.values()):
            axes.text(min(value + 0.01, 0.9), y, f"{value:.2f}", va="center", fontsize=8)
        figure.tight_layout()
        path = folder / PLOT_SUITES_FILE.format(suite=name)
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    coverage = report.suites.get("drafts")
    by_stage = coverage.details.get("lane_coverage_by_stage") if coverage else None
    if by_stage:
        figure, axes = plt.subplots(figsize=(7, 3))
        axes.bar(list(by_stage), list(by_stage.values()), color="#c8553d")
        axes.set_ylim(0, 1)
        axes.set_ylabel("share of lanes filled")
        axes.set_title("Lane coverage per stage (drafts)")
        axes.tick_params(axis="x", labelrotation=30, labelsize=8)
        figure.tight_layout()
        path = folder / "lane-coverage-per-stage.png"
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written


def write(report: Report, folder: Path, baseline: Report | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    (folder / "report.md").write_text(markdown(report, baseline), encoding="utf-8")
    return [folder / "report.json", folder / "report.md", *plots(report, folder)]

"""``polku eval``: run the evaluation suites, write the report, gate regressions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.adapters.cli.common import console, errors, fail
from assistant.evaluation.results import LOWER_IS_BETTER, Report, Tick

DEFAULT_REPORT = Path("eval-report")


def _summary(report: Report, baseline: Report | None) -> Table:
    table = Table("suite", "metric", "value", "baseline", title=f"Polku eval ({report.mode})")
    for name, suite in report.suites.items():
        old = baseline.suites.get(name) if baseline else None
        for metric, value in suite.metrics.items():
            before = old.metrics.get(metric) if old else None
            arrow = ""
            if before is not None and value != before:
                better = (value < before) == (metric in LOWER_IS_BETTER)
                arrow = " [green]▲[/]" if better else " [red]▼[/]"
            shown = "—" if before is None else f"{before:g}"
            table.add_row(name, metric, f"{value:g}{arrow}", shown)
    return table


def eval_command(
    suite: Annotated[
        str,
        typer.Option(
            help="Comma-separated suites: retrieval,qa,drafts,critique,injection,insights."
        ),
    ] = "retrieval,qa,drafts,critique,injection,insights",
    mode: Annotated[
        str, typer.Option(help="offline, or llm (the configured model; see polku config).")
    ] = "offline",
    report: Annotated[Path, typer.Option(help="Folder for report.json, report.md, plots.")] = (
        DEFAULT_REPORT
    ),
    baseline: Annotated[
        Path | None, typer.Option(help="A report.json to compare with (e.g. eval/baseline.json).")
    ] = None,
    thresholds: Annotated[
        Path | None, typer.Option(help="Thresholds file (default: eval/thresholds.yaml).")
    ] = None,
    datasets: Annotated[
        Path | None, typer.Option(help="Datasets folder (default: eval/datasets).")
    ] = None,
    judge: Annotated[
        bool, typer.Option("--judge", help="LLM mode: add a model-graded rubric (never gating).")
    ] = False,
    save_baseline: Annotated[
        Path | None,
        typer.Option(help="Also write this run's metrics (no cases) as a baseline file."),
    ] = None,
) -> None:
    """Measure retrieval, answers, drafts, critique, injection resistance and insights; exit 1
    when a metric is under its threshold or falls below the baseline."""
    from assistant.app.services import Services
    from assistant.evaluation import gate, runner
    from assistant.evaluation.datasets import DatasetError, datasets_dir
    from assistant.evaluation.report import write
    from assistant.settings import Settings

    chosen = [s.strip() for s in suite.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in runner.SUITES]
    if unknown or not chosen:
        fail(
            f"unknown suite(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(runner.SUITES)}."
        )
    if mode not in ("offline", "llm"):
        fail(f"--mode must be offline or llm, not {mode!r}.")
    wanted: Literal["offline", "llm"] = "offline" if mode == "offline" else "llm"
    settings = Settings()
    if wanted == "llm" and not settings.llm_configured:
        fail(
            "--mode llm needs a model: set POLKU_LLM_BASE_URL, POLKU_LLM_API_KEY (or "
            "OPENAI_API_KEY) or POLKU_LLM_GGUF."
        )
    if judge and wanted != "llm":
        fail("--judge needs --mode llm: the rubric is graded by the configured model.")
    root = datasets or datasets_dir()
    try:
        limits = gate.load_thresholds(thresholds or root.parent / "thresholds.yaml")
        before = gate.load_baseline(baseline) if baseline else None
        services = Services(settings, offline=wanted == "offline")
        with Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[case]}"),
            console=errors,
        ) as progress:
            services.index  # noqa: B018 - open (or build) the index before timing suites

            def start(name: str, total: int) -> Tick:
                task = progress.add_task(name, total=total, case="")
                return lambda case: progress.update(task, advance=1, case=case)

            result = runner.run(services, chosen, root, start, judge=judge)
    except DatasetError as exc:
        fail(str(exc))
        return
    result.gate = gate.check(result, limits, before)
    written = write(result, report, before)
    if save_baseline:
        metrics_only = result.model_copy(deep=True)
        for suite_result in metrics_only.suites.values():
            suite_result.cases = []
        metrics_only.gate, metrics_only.judge = [], None
        save_baseline.write_text(metrics_only.model_dump_json(indent=2) + "\n", encoding="utf-8")
    console.print(_summary(result, before))
    console.print(f"Report: {', '.join(str(p) for p in written[:2])} (+{len(written) - 2} plots)")
    if result.gate:
        errors.print("[bold red]Quality gate failed:[/]")
        for reason in result.gate:
            errors.print(f"  - {reason}", highlight=False)
        raise typer.Exit(1)
    console.print("[green]Quality gate passed.[/]")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)

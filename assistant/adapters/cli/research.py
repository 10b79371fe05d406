"""``polku insights``: the themes of the person's own research, offline; and the files that
``polku draft --evidence`` reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from assistant.adapters.cli.common import (
    LangOption,
    OfflineOption,
    console,
    errors,
    open_services,
    print_notices,
)
from assistant.language.i18n import t

if TYPE_CHECKING:
    from assistant.app.services import Services
    from assistant.capabilities.insights.mine import ResearchFile
    from assistant.domain import InsightReport, Lang


def research_files(paths: list[Path], lang: Lang) -> tuple[list[ResearchFile], list[str]]:
    """The files' bytes, and a line (in ``lang``) for each that cannot be opened at all."""
    from assistant.capabilities.insights.mine import ResearchFile

    found, problems = [], []
    for path in paths:
        if path.is_dir():
            problems.append(t("research_folder", lang, path=path))
            continue
        try:
            found.append(ResearchFile(path.name, path.read_bytes()))
        except FileNotFoundError:
            problems.append(t("research_missing", lang, path=path))
        except OSError as exc:
            problems.append(t("research_unopenable", lang, path=path, reason=exc.strerror))
    return found, problems


def mined(services: Services, paths: list[Path], lang: Lang | None) -> tuple[InsightReport, bool]:
    """The report of ``paths`` with a progress bar on stderr; refused files are printed
    there, and the flag says whether any was."""
    from assistant.adapters.cli.common import progress_bar

    bar = progress_bar(t("research_progress", lang or services.settings.language))
    files, missing = research_files(paths, lang or services.settings.language)
    mined = services.insights(
        files, lang=lang, progress=lambda done, total: bar(done, total, f"{done}/{total}")
    )
    print_notices(mined.notices)
    report = mined.value
    if lang is None and report.language != services.settings.language:
        _, missing = research_files([p for p in paths if not p.is_file()], report.language)
    problems = missing + [s.problem for s in report.sources if s.problem]
    for problem in problems:
        errors.print(f"[bold red]Error:[/] {problem}", highlight=False)
    for source in report.sources:
        for warning in source.warnings:
            errors.print(f"[yellow]{warning}[/]", highlight=False)
    return report, bool(problems)


def insights(
    files: Annotated[list[Path], typer.Argument(help="Reviews, surveys, interview notes.")],
    lang: LangOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print themes, statements and sources as JSON.")
    ] = False,
    offline: OfflineOption = False,
) -> None:
    """Themes in your own research (CSV, XLSX, TXT, MD, DOCX, PDF): kind, stage, count and
    verbatim quotes. Files that cannot be read are named on stderr (exit code 2); the rest
    are still read."""
    report, refused = mined(open_services(quiet=True, offline=offline), files, lang)
    if as_json:
        data = report.model_dump(mode="json", exclude={"themes": {"__all__": {"locations"}}})
        data.pop("one_offs")
        data["one_offs"] = len(report.one_offs)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif report.themes:
        _print(report)
    elif report.statements:
        names = ", ".join(s.name for s in report.sources if not s.problem)
        console.print(t("research_none", report.language, files=names), highlight=False)
    if refused:
        raise typer.Exit(2)


def _print(report: InsightReport) -> None:
    lang = report.language
    table = Table(
        t("insights_kind", lang),
        t("insights_stage", lang),
        t("insights_count", lang),
        t("insights_quote", lang),
    )
    for theme in report.themes:
        quote = theme.quotes[0]
        table.add_row(
            t(f"insight_{theme.kind}", lang),
            theme.stage,
            str(theme.count),
            (f"{theme.name}: " if theme.name else "")
            + f"“{quote.text}” ({quote.source}, {quote.location})",
        )
    console.print(table)
    console.print(
        t(
            "insights_summary",
            lang,
            themes=len(report.themes),
            statements=report.statements,
            respondents=report.respondents,
            one_offs=len(report.one_offs),
        ),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(insights)

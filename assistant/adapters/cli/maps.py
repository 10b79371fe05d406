"""CLI commands for maps: interview, draft, critique, edit (registered on the main app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from pydantic import ValidationError
from rich.table import Table

from assistant.adapters.cli.common import (
    OfflineOption,
    console,
    errors,
    fail,
    open_services,
    print_notices,
)
from assistant.capabilities.critique.critic import points_lost
from assistant.domain import InterviewAnswers, JourneyMap, Lang
from assistant.formats.render.json_export import render_json

if TYPE_CHECKING:
    from assistant.app.services import Services


def load_answers(path: Path) -> InterviewAnswers:
    """InterviewAnswers from a JSON or YAML file, or a clear error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return InterviewAnswers.model_validate(data or {})
    except FileNotFoundError:
        fail(f"{path} does not exist.")
    except yaml.YAMLError as exc:
        fail(f"{path} is not valid JSON or YAML: {exc}")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in exc.errors()
        )
        fail(
            f"{path} does not match the answers format ({problems}). "
            "See: polku schema InterviewAnswers"
        )
    raise AssertionError("unreachable")


def export_map(journey: JourneyMap, out: Path, formats: str) -> list[Path]:
    from assistant.formats.render import FORMATS, ExportUnavailable, write_files

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        fail(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}.")
    try:
        return write_files(journey, wanted, out)
    except ExportUnavailable as exc:
        fail(str(exc))


def _drafted(
    services: Services, answers: InterviewAnswers, evidence: list[Path] | None = None
) -> JourneyMap:
    report = None
    if evidence:
        from assistant.adapters.cli.research import mined

        report, refused = mined(services, evidence, answers.language)
        if refused and not report.themes:
            fail("none of the research files could be used (see above).")
    drafted = services.draft(answers, insights=report)
    print_notices(drafted.notices)
    usage = drafted.usage
    if usage.tokens_in:
        errors.print(f"[dim]tokens in/out: {usage.tokens_in}/{usage.tokens_out}[/]")
    return drafted.value


def _print_map(journey: JourneyMap) -> None:
    from assistant.formats.render import render

    data, _, _ = render(journey, "md")
    console.print(data.decode("utf-8"), highlight=False, markup=False)


def draft(
    answers: Annotated[Path, typer.Option("--answers", help="InterviewAnswers as JSON or YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JourneyMap as JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to export the map into.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Export formats: md,csv,xlsx,json,mermaid,html")
    ] = "md,html",
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence", help="Your research (reviews, surveys, interviews); repeat for more."
        ),
    ] = None,
    offline: OfflineOption = False,
) -> None:
    """Draft a journey map from interview answers, on your research's themes with
    --evidence (tailored by the model when configured)."""
    services = open_services(quiet=True, offline=offline)
    journey = _drafted(services, load_answers(answers), evidence)
    if as_json:  # the same text as the JSON export, so the eval's check covers both
        print(render_json(journey))
    else:
        _print_map(journey)
    if out:
        for path in export_map(journey, out, fmt):
            errors.print(f"Wrote {path}", highlight=False)


def read_map(path: Path, default_lang: Lang = "en") -> JourneyMap:
    """A map file read as what it is (md, csv, xlsx, json), or a clear error and exit 2."""
    from assistant.formats.parse import MapParseError, parse_map

    try:
        return parse_map(path.read_bytes(), None, filename=path.name, default_lang=default_lang)
    except FileNotFoundError:
        fail(f"{path} does not exist.")
    except MapParseError as exc:
        fail(str(exc))


def critique(
    path: Annotated[Path, typer.Argument(help="A map: .md, .csv, .xlsx or .json")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print findings, score, summary, mode.")
    ] = False,
    offline: OfflineOption = False,
) -> None:
    """Critique a journey map against the guideline catalog; every finding cites its source."""
    journey = read_map(path)
    critiqued = open_services(quiet=True, offline=offline).critique(journey)
    print_notices(critiqued.notices)
    report = critiqued.value
    if as_json:
        data = {**report.model_dump(mode="json"), "mode": critiqued.mode}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("severity", "where", "finding", "suggestion", "source")
    for finding in report.findings:
        table.add_row(
            finding.severity + (" (model)" if finding.origin == "llm" else ""),
            finding.where,
            finding.message,
            finding.suggestion,
            f"{finding.citation.title} ({finding.citation.id})",
        )
    console.print(table)
    console.print(report.summary, highlight=False)
    if lost := points_lost(report, journey.language):
        console.print(lost, highlight=False)


def interview(
    lang: Annotated[Lang | None, typer.Option("--lang", "-l", help="en, fi or et.")] = None,
    answers_out: Annotated[
        Path | None, typer.Option("--answers-out", help="Save the answers (JSON or YAML).")
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Save progress here after every answer; resume from it."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to export the map into.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Export formats.")] = "md,html",
    offline: OfflineOption = False,
) -> None:
    """Answer a few questions; Polku drafts your journey map from them."""
    from assistant.capabilities.interview.interviewer import Interviewer, InterviewState

    services = open_services(quiet=True, offline=offline)
    current = _load_state(state) or InterviewState(
        lang=lang or services.settings.language, lang_fixed=lang is not None
    )
    interviewer = Interviewer(current, understanding=services.understanding())
    turn = interviewer.start()
    while True:
        console.print(f"\n[bold cyan]Polku:[/] {turn.message}", highlight=False)
        if turn.done:
            break
        try:
            reply = console.input("[bold]> [/]")
        except EOFError:
            errors.print("Input ended; progress kept." if state else "Input ended.")
            raise typer.Exit(1) from None
        turn = interviewer.reply(reply)
        print_notices(turn.notices)
        if state:
            state.write_text(interviewer.state.model_dump_json(indent=2), encoding="utf-8")
    answers = interviewer.state.answers
    if answers_out:
        _write_answers(answers, answers_out)
    journey = _drafted(services, answers)
    _print_map(journey)
    if out:
        for path in export_map(journey, out, fmt):
            errors.print(f"Wrote {path}", highlight=False)


def _load_state(path: Path | None) -> Any:
    from assistant.capabilities.interview.interviewer import InterviewState

    if path is None or not path.exists():
        return None
    try:
        return InterviewState.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError:
        fail(f"{path} is not a saved interview. Delete it to start over.")
    return None


def _write_answers(answers: InterviewAnswers, path: Path) -> None:
    data = answers.model_dump(mode="json")
    if path.suffix.lower() in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    errors.print(f"Wrote {path}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(interview)
    app.command()(draft)
    app.command()(critique)
    app.command()(edit)


def edit(
    path: Annotated[Path, typer.Argument(help="A map: .md, .csv, .xlsx or .json")],
    instruction: Annotated[
        str, typer.Argument(help='What to change, e.g. "Add a stage for rebooking".')
    ],
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", "-l", help="The map's language when the file does not tell."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {operations, map, message} as JSON.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the edited map to this folder.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Formats for --out, comma-separated.")
    ] = "md,json",
    offline: OfflineOption = False,
) -> None:
    """Change a map by saying what to change (offline, or the model when configured); exit 2
    with a message when nothing could be understood."""
    journey = read_map(path, lang or "en")
    if lang is not None and lang != journey.language:
        journey = journey.model_copy(update={"language": lang})
    edited = open_services(quiet=True, offline=offline).edit(instruction, journey)
    print_notices(edited.notices)
    result = edited.value
    if as_json:
        data = {
            "operations": [op.model_dump(mode="json") for op in result.operations],
            "map": result.map.model_dump(mode="json"),
            "message": result.message,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif result.understood:
        console.print(result.message, highlight=False, markup=False)
    if not result.understood:
        if as_json:
            raise typer.Exit(2)
        fail(result.message)
    if out:
        for written in export_map(result.map, out, fmt):
            errors.print(f"Wrote {written}", highlight=False)

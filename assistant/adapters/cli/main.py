"""The ``polku`` command line: a thin adapter over ``Services``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.table import Table

from assistant import __version__
from assistant.adapters.cli import evaluate as cli_eval
from assistant.adapters.cli import maps as cli_maps
from assistant.domain import Lang

app = typer.Typer(
    help="Polku drafts and critiques customer journey maps, offline by default (en, fi, et).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="List, remove or rebuild indexed documents.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
console = Console()
errors = Console(stderr=True)
T = TypeVar("T")

LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", "-l", help="Answer language: en, fi or et (default: detected)."),
]


def _fail(message: str) -> None:
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Known failures become one clear line and exit code 2, never a traceback."""
    from assistant.app.services import QuestionError
    from assistant.resources import CatalogError
    from assistant.retrieval.index import IndexBusyError
    from assistant.retrieval.readers import ReadError

    try:
        yield
    except (CatalogError, IndexBusyError, ReadError, QuestionError) as exc:
        _fail(str(exc))


OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use the offline engine even if a model is configured.")
]


def _services(quiet: bool = False, offline: bool = False) -> Any:
    from assistant.app.services import Services
    from assistant.settings import Settings

    settings = Settings()
    progress = None if quiet else _progress_bar("Indexing the knowledge base")
    return Services(settings, progress=progress, offline=offline)


def _progress_bar(label: str) -> Callable[[int, int, str], None]:
    state: dict[str, Any] = {}

    def update(done: int, total: int, item: str) -> None:
        if "bar" not in state:
            state["bar"] = RichProgress(console=errors, transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done, description=f"{label}: {item}")
        if done >= total:
            state.pop("bar").stop()

    return update


@app.command()
def version() -> None:
    """Print Polku's version."""
    console.print(__version__)


@app.command()
def config() -> None:
    """Print the effective settings (environment variables POLKU_*), secrets masked."""
    from assistant.settings import Settings

    table = Table("setting", "value", "environment variable")
    for name, value in Settings().masked().items():
        env = (
            "POLKU_LLM_API_KEY / OPENAI_API_KEY"
            if name == "llm_api_key"
            else f"POLKU_{name.upper()}"
        )
        table.add_row(name, "" if value is None else str(value), env)
    console.print(table)


@app.command()
def schema(
    name: Annotated[str | None, typer.Argument(help="One model, e.g. JourneyMap.")] = None,
) -> None:
    """Print the JSON schemas of the domain model (the public JSON contract)."""
    from assistant import domain

    models = {
        m.__name__: m
        for m in (
            domain.JourneyMap,
            domain.Persona,
            domain.Stage,
            domain.Touchpoint,
            domain.Provenance,
            domain.Finding,
            domain.Answer,
            domain.InterviewAnswers,
        )
    }
    if name and name not in models:
        _fail(f"unknown model '{name}'; choose one of {', '.join(models)}.")
    chosen = {name: models[name]} if name else models
    print(json.dumps({n: m.model_json_schema() for n, m in chosen.items()}, indent=2))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A methodology question, in en, fi or et.")],
    lang: LangOption = None,
    k: Annotated[int | None, typer.Option("--k", min=1, max=20, help="Passages to use.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    offline: OfflineOption = False,
) -> None:
    """Answer a journey-mapping question from the knowledge base, with numbered sources.

    With a model configured (POLKU_LLM_BASE_URL, OPENAI_API_KEY or POLKU_LLM_GGUF) the answer
    is generated from the retrieved passages and streamed; otherwise it is quoted offline.
    """
    from assistant.domain.events import AnswerReady, Notice, TextDelta, Usage
    from assistant.language.i18n import t

    services = _services(quiet=as_json, offline=offline)
    answer = None
    with _user_errors():
        for event in services.ask_events(question, lang=lang, k=k):
            if isinstance(event, AnswerReady):
                answer = event.answer
            elif isinstance(event, Notice):  # on stderr, so --json output stays clean
                errors.print(f"\n[yellow]{event.message}[/]", highlight=False)
            elif as_json:
                continue
            elif isinstance(event, TextDelta):
                if event.replace:
                    console.print()
                console.out(event.text, end="", highlight=False)
            elif isinstance(event, Usage):
                errors.print(
                    f"\n[dim]tokens in/out: {event.turn.tokens_in}/{event.turn.tokens_out}[/]"
                )
    assert answer is not None
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    console.print(f"\n\n[bold]{t('sources', answer.language)}[/]")
    for number, citation in enumerate(answer.citations, start=1):
        console.print(
            f"[{number}] {citation.title} ({citation.id}, score {citation.score:.4f})",
            highlight=False,
        )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files: .md .txt .pdf .docx .html")],
) -> None:
    """Add your own research (interviews, surveys, reviews) to a separate collection."""
    from assistant.retrieval.readers import ReadError, read_path

    services = _services()
    limit = services.settings.max_upload_mb * 1_000_000
    docs, failed = [], 0
    for path in paths:
        try:
            docs.append(read_path(path, limit, services.settings.language))
        except ReadError as exc:
            errors.print(f"[yellow]Skipped:[/] {exc}", highlight=False)
            failed += 1
    if docs:
        with _user_errors():
            report = services.ingest(docs, _progress_bar("Ingesting"))
        console.print(
            f"Ingested {report.documents} document(s): {report.chunks_written} passage(s) "
            f"indexed, {report.chunks_unchanged} unchanged."
        )
    if failed:
        raise typer.Exit(2)


@kb_app.command("list")
def kb_list(
    builtin: Annotated[
        bool, typer.Option("--builtin", help="List the built-in knowledge base.")
    ] = False,
) -> None:
    """List indexed documents (your own by default)."""
    services = _services()
    with _user_errors():
        docs = services.index.documents("kb" if builtin else "user")
    table = Table("document", "title", "lang", "passages")
    for doc in docs:
        table.add_row(doc.doc_id, doc.title, doc.lang, str(doc.chunks))
    console.print(table if docs else "No documents yet. Add some with: polku ingest FILE...")


@kb_app.command("remove")
def kb_remove(
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. user/notes.md")],
) -> None:
    """Remove one of your documents from the index."""
    with _user_errors():
        removed = _services().index.remove_document(doc_id)
    if not removed:
        _fail(f"no document '{doc_id}'. See: polku kb list")
    console.print(f"Removed {doc_id} ({removed} passage(s)).")


@kb_app.command("rebuild")
def kb_rebuild() -> None:
    """Re-index the built-in knowledge base from scratch (cached embeddings are reused)."""
    services = _services(quiet=True)
    with _user_errors():
        index = services.index
        index.clear("kb")
        report = index.sync_builtin(_progress_bar("Rebuilding"))
    console.print(f"Rebuilt: {report.documents} documents, {report.chunks_written} passages.")


cli_maps.register(app)
cli_eval.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless proxied.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 7860,
) -> None:
    """Start the web UI (and the REST API under /api) on the offline default."""
    import uvicorn

    from assistant.adapters.web.server import create_app

    errors.print(f"Polku on http://{host}:{port}  (API docs: /docs)", highlight=False)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@app.command()
def slack() -> None:
    """Answer in Slack over Socket Mode (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN)."""
    from assistant.adapters.slack.socket_mode import SlackConfigError, socket_mode_handler

    services = _services()
    services.index  # noqa: B018 - open or build the index before the first question
    try:
        handler = socket_mode_handler(services)
    except SlackConfigError as exc:
        _fail(str(exc))
        return
    errors.print("Polku is connected to Slack over Socket Mode; Ctrl+C stops it.", highlight=False)
    handler.start()  # type: ignore[no-untyped-call]

"""The ``polku`` command line: a thin adapter over the app's services and sessions.

Every command is registered here, before ``main()`` runs, so ``polku``, ``python -m
assistant`` and ``python -m assistant.adapters.cli`` all know every command.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from assistant import __version__
from assistant.adapters.cli import evaluate, knowledge, maps, questions, research, servers, teams
from assistant.adapters.cli.common import console, fail
from assistant.settings import Settings

app = typer.Typer(
    help="Polku drafts and critiques customer journey maps, offline by default (en, fi, et).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print Polku's version."""
    console.print(__version__)


@app.command()
def config() -> None:
    """Print the effective settings (environment variables POLKU_*), secrets masked."""
    settings = Settings()
    table = Table("setting", "value", "environment variable")
    for name, value in settings.masked().items():
        env = (
            "POLKU_LLM_API_KEY / OPENAI_API_KEY"
            if name == "llm_api_key"
            else f"POLKU_{name.upper()}"
        )
        table.add_row(name, "" if value is None else str(value), env)
    console.print(table)
    console.print(in_use(settings), highlight=False)


def in_use(settings: Settings) -> str:
    """Which store, index and sign-in the settings select (no password shown)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if settings.database_url is not None:
        try:
            url = make_url(settings.database_url.get_secret_value())
            kind = "PostgreSQL" if url.get_backend_name() == "postgresql" else "SQLite"
            store = f"{kind} {url.render_as_string(hide_password=True)} (POLKU_DATABASE_URL)"
        except ArgumentError:
            store = "POLKU_DATABASE_URL is not a database URL (postgresql://user:pw@host/db)"
    else:
        store = f"SQLite {settings.data_dir / 'polku.db'} (embedded)"
    if settings.chroma_url:
        index = f"Chroma server {settings.chroma_url} (POLKU_CHROMA_URL)"
    else:
        index = f"embedded Chroma {settings.data_dir / 'chroma'}"
    if settings.trusted_user_header:
        people = f"users named by the proxy header {settings.trusted_user_header}"
    else:
        people = "built-in users once any exists (polku users add), else each browser its own"
    return f"store: {store}\nindex: {index}\nsign-in: {people}"


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
            domain.InsightReport,
        )
    }
    if name and name not in models:
        fail(f"unknown model '{name}'; choose one of {', '.join(models)}.")
    chosen = {name: models[name]} if name else models
    print(json.dumps({n: m.model_json_schema() for n, m in chosen.items()}, indent=2))


for module in (questions, knowledge, maps, research, evaluate, servers, teams):
    module.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

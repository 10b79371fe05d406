"""``polku ingest`` and ``polku kb``: the person's own documents and the built-in index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assistant.adapters.cli.common import (
    console,
    errors,
    fail,
    open_services,
    progress_bar,
    user_errors,
)

kb_app = typer.Typer(help="List, remove or rebuild indexed documents.", no_args_is_help=True)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files: .md .txt .pdf .docx .html")],
) -> None:
    """Add your own research (interviews, surveys, reviews) to a separate collection."""
    from assistant.retrieval.readers import ReadError, read_path

    services = open_services()
    limit = services.settings.max_upload_mb * 1_000_000
    docs, failed = [], 0
    for path in paths:
        try:
            docs.append(read_path(path, limit, services.settings.language))
        except ReadError as exc:
            errors.print(f"[yellow]Skipped:[/] {exc}", highlight=False)
            failed += 1
    if docs:
        with user_errors():
            report = services.ingest(docs, progress_bar("Ingesting"))
        console.print(
            f"Ingested {report.documents} document(s): {report.chunks_written} passage(s) "
            f"indexed, {report.chunks_unchanged} unchanged."
        )
    if failed:
        raise typer.Exit(2)


def kb_list(
    builtin: Annotated[
        bool, typer.Option("--builtin", help="List the built-in knowledge base.")
    ] = False,
) -> None:
    """List indexed documents (your own by default)."""
    services = open_services()
    with user_errors():
        docs = services.index.documents("kb" if builtin else "user")
    table = Table("document", "title", "lang", "passages")
    for doc in docs:
        table.add_row(doc.doc_id, doc.title, doc.lang, str(doc.chunks))
    console.print(table if docs else "No documents yet. Add some with: polku ingest FILE...")


def kb_remove(
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. user/notes.md")],
) -> None:
    """Remove one of your documents from the index."""
    with user_errors():
        removed = open_services().index.remove_document(doc_id)
    if not removed:
        fail(f"no document '{doc_id}'. See: polku kb list")
    console.print(f"Removed {doc_id} ({removed} passage(s)).")


def kb_rebuild() -> None:
    """Re-index the built-in knowledge base from scratch (cached embeddings are reused)."""
    services = open_services(quiet=True)
    with user_errors():
        index = services.index
        index.clear("kb")
        report = index.sync_builtin(progress_bar("Rebuilding"))
    console.print(f"Rebuilt: {report.documents} documents, {report.chunks_written} passages.")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    kb_app.command("list")(kb_list)
    kb_app.command("remove")(kb_remove)
    kb_app.command("rebuild")(kb_rebuild)
    app.add_typer(kb_app, name="kb")

"""What every ``polku`` command shares: the consoles, the options, the one way a known
failure becomes a clear line and exit code 2, progress bars, and the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress as RichProgress

from assistant.domain import Lang
from assistant.domain.events import Notice

if TYPE_CHECKING:
    from assistant.app.services import Services

console = Console()
errors = Console(stderr=True)

LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", "-l", help="Answer language: en, fi or et (default: detected)."),
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use the offline engine even if a model is configured.")
]


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit code 2: never a traceback."""
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Known failures become one clear line and exit code 2, never a traceback."""
    from assistant.app.services import QuestionError
    from assistant.resources import CatalogError
    from assistant.retrieval.index import IndexBusyError
    from assistant.retrieval.readers import ReadError

    try:
        yield
    except (CatalogError, IndexBusyError, ReadError, QuestionError) as exc:
        fail(str(exc))


def progress_bar(label: str) -> Callable[[int, int, str], None]:
    """A progress callback that draws a bar on stderr the first time it is called."""
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


def open_services(quiet: bool = False, offline: bool = False) -> Services:
    """The services of this command, with a progress bar while the index is first built."""
    from assistant.app.services import Services
    from assistant.settings import Settings

    progress = None if quiet else progress_bar("Indexing the knowledge base")
    return Services(Settings(), progress=progress, offline=offline)


def print_notices(notices: Sequence[Notice]) -> None:
    """Notices go to stderr, so that ``--json`` output stays clean."""
    for notice in notices:
        errors.print(f"[yellow]{notice.message}[/]", highlight=False)

"""Where the shipped knowledge base and prompts live, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The folder `name` (``knowledge`` or ``prompts``).

    A wheel carries it inside the package; a source checkout keeps it at the top level.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Polku's {name}/ folder is missing next to {_PACKAGE_DIR}: reinstall the package."
    )


def knowledge_dir() -> Path:
    return resource_dir("knowledge")


def prompts_dir() -> Path:
    return resource_dir("prompts")

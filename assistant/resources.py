"""Where the shipped knowledge base and prompts live (installed or in a source checkout), and
how any shipped YAML data file is loaded: validated against its model, or a clear error."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

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


class CatalogError(ValueError):
    """A shipped data file (knowledge, word lists, scripts) is missing or does not match its
    schema."""


M = TypeVar("M", bound=BaseModel)


def load_data(path: Path, model: type[M]) -> M:
    """A YAML data file validated as ``model``; ``CatalogError`` says what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except FileNotFoundError as exc:
        raise CatalogError(f"{path} is missing") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"{path} is not valid: {exc}") from exc

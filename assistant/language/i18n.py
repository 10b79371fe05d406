"""Localized messages for everything Polku says outside the knowledge base."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import RootModel

from assistant.domain import Lang, Localized

_MESSAGES = Path(__file__).resolve().parent / "messages.yaml"


class Messages(RootModel[dict[str, Localized]]):
    """Message key -> text in en, fi and et (a missing language is a load error)."""


@cache
def messages() -> dict[str, Localized]:
    return Messages.model_validate(yaml.safe_load(_MESSAGES.read_text(encoding="utf-8"))).root


def t(key: str, lang: Lang, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = messages()[key].get(lang)
    return text.format(**values) if values else text

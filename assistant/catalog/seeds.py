"""The seed articles by the names people read (``knowledge/seeds.yaml``), and answers that
name them so instead of by their ids ("(seed-001)")."""

from __future__ import annotations

import re
from functools import cache

from pydantic import field_validator

from assistant.domain import Lang, Localized, Strict
from assistant.resources import knowledge_dir, load_data

_SEED = re.compile(r"\bseed-(\d{3})\b")
# "(practice)" marks a claim from practitioners' experience rather than a seed article: a
# note for the knowledge base's editors, not for the person reading the answer.
_PRACTICE = re.compile(r"\s*\(practice\)|(?<=\()practice,\s*")


class Seeds(Strict):
    seeds: dict[str, Localized]

    @field_validator("seeds")
    @classmethod
    def _ids(cls, seeds: dict[str, Localized]) -> dict[str, Localized]:
        wrong = [key for key in seeds if not _SEED.fullmatch(key)]
        if wrong:
            raise ValueError(f"seed ids look like seed-000: {wrong}")
        return seeds


@cache
def seeds() -> Seeds:
    return load_data(knowledge_dir() / "seeds.yaml", Seeds)


def readable(text: str, lang: Lang) -> str:
    """``text`` with every seed id replaced by the article's name in ``lang``, and the
    editors' "(practice)" marks left out."""
    names = seeds().seeds

    def name(match: re.Match[str]) -> str:
        found = names.get(match.group(0))
        return found.get(lang) if found else match.group(0)

    return _SEED.sub(name, _PRACTICE.sub("", text))

"""The seed articles by the names people read (``knowledge/seeds.yaml``), and answers that
name them so instead of by their ids ("(seed-001)")."""

from __future__ import annotations

import re
from functools import cache

from pydantic import field_validator

from assistant.domain import Lang, Localized, Strict
from assistant.resources import knowledge_dir, load_data

_SEED = re.compile(r"\bseed-(\d{3})(?::(n|ssa|sta|stä)\b)?\b", re.IGNORECASE)
_ID = re.compile(r"seed-\d{3}")
_OWNS = re.compile(r"\s+autor")  # "Seed-004 autor": the article's author
CASES = ("n", "ssa", "sta")  # "stä" is read as "sta": the name decides the vowel harmony
# "(practice)" marks a claim from practitioners' experience rather than a seed article: a
# note for the knowledge base's editors, not for the person reading the answer.
_PRACTICE = re.compile(r"\s*\(practice\)|(?<=\()practice,\s*")


class Seeds(Strict):
    seeds: dict[str, Localized]
    finnish_cases: dict[str, dict[str, str]]
    estonian_genitive: dict[str, str]

    @field_validator("seeds")
    @classmethod
    def _ids(cls, seeds: dict[str, Localized]) -> dict[str, Localized]:
        wrong = [key for key in seeds if not _ID.fullmatch(key)]
        if wrong:
            raise ValueError(f"seed ids look like seed-000: {wrong}")
        return seeds

    @field_validator("finnish_cases")
    @classmethod
    def _every_case(cls, cases: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for seed, forms in cases.items():
            if not _ID.fullmatch(seed) or set(forms) != set(CASES):
                raise ValueError(f"{seed}: give the cases {', '.join(CASES)}, nothing else")
        return cases


@cache
def seeds() -> Seeds:
    return load_data(knowledge_dir() / "seeds.yaml", Seeds)


def readable(text: str, lang: Lang) -> str:
    """``text`` with every seed id replaced by the article's name in ``lang``, and the
    editors' "(practice)" marks left out."""
    names = seeds().seeds

    cases, genitive = seeds().finnish_cases, seeds().estonian_genitive

    def name(match: re.Match[str]) -> str:
        seed, case = f"seed-{match.group(1)}", (match.group(2) or "").lower()
        found = names.get(seed)
        if not found:
            return match.group(0)
        named = found.get(lang)
        if case and lang == "fi" and seed in cases:
            named = cases[seed]["sta" if case == "stä" else case]
        elif lang == "et" and _OWNS.match(text, match.end()) and seed in genitive:
            named = genitive[seed]
        elif case:
            named = f"{named}:{case}"  # not Finnish: left as written
        opens = match.start() == 0 or text[: match.start()].rstrip()[-1:] in ".!?:\n*-"
        return named[:1].upper() + named[1:] if opens and text[match.start()] == "S" else named

    text = _PRACTICE.sub("", text)
    return _SEED.sub(name, text)

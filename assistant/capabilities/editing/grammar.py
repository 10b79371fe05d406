"""The phrasings of edits (``grammar.yaml``), typed, and how a term matches a token run.

A term is one or more word patterns: ``lisä`` matches any word starting so, ``=pane`` the
word itself (``=a|b`` either), ``pane juurde`` two words in a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator

from assistant.domain import LocalizedList, Strict
from assistant.domain.edits import MapField, PersonaField
from assistant.domain.models import MapType, TouchpointKind
from assistant.resources import load_data

_FILE = Path(__file__).resolve().parent / "grammar.yaml"
VerbKind = str  # add, remove, rename, change, move, feel


class ParticleVerb(Strict):
    """A verb whose meaning needs a particle later in the sentence ("ota ... pois")."""

    kind: str
    verbs: list[str]
    particles: list[str]


class Grammar(Strict):
    verbs: dict[str, LocalizedList]
    particle_verbs: list[ParticleVerb]
    kinds: dict[TouchpointKind, LocalizedList]
    swap_words: LocalizedList
    undo: LocalizedList
    accept: LocalizedList
    reject: LocalizedList
    why: LocalizedList
    ideas: LocalizedList
    stage_words: LocalizedList
    new_words: LocalizedList
    all_words: LocalizedList
    lanes: dict[str, LocalizedList]
    persona_words: LocalizedList
    persona_fields: dict[PersonaField, LocalizedList]
    map_words: LocalizedList
    map_fields: dict[MapField, LocalizedList]
    owner_words: LocalizedList
    metric_words: LocalizedList
    value_words: LocalizedList = Field(description="An opportunity's value (1-5).")
    effort_words: LocalizedList = Field(description="An opportunity's effort (1-5).")
    map_types: dict[MapType, LocalizedList]
    ordinals: LocalizedList
    last_words: LocalizedList
    start_words: LocalizedList
    after_words: LocalizedList
    before_words: LocalizedList
    between_words: LocalizedList
    into_words: LocalizedList
    to_words: LocalizedList
    fillers: LocalizedList

    @field_validator("verbs")
    @classmethod
    def _known_verbs(cls, verbs: dict[str, LocalizedList]) -> dict[str, LocalizedList]:
        expected = {"add", "remove", "rename", "change", "move", "feel"}
        if set(verbs) != expected:
            raise ValueError(f"verbs needs exactly {sorted(expected)}")
        return verbs

    @field_validator("ordinals")
    @classmethod
    def _ten_ordinals(cls, ordinals: LocalizedList) -> LocalizedList:
        if any(len(ordinals.get(lang)) != 10 for lang in ("en", "fi", "et")):
            raise ValueError("ordinals needs ten words (first .. tenth) in each language")
        return ordinals


@cache
def grammar() -> Grammar:
    return load_data(_FILE, Grammar)


@dataclass(frozen=True)
class Token:
    """A word of the instruction, lower-case, with where it stands in the original text."""

    text: str
    start: int
    end: int


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[+-]?\d+|[?]", re.UNICODE)


def tokens(text: str, masked: Sequence[tuple[int, int]] = ()) -> list[Token]:
    """The words of ``text`` outside the ``masked`` spans (quotes); hyphens split words."""
    found = []
    for match in _WORD.finditer(text):
        if any(start <= match.start() < end for start, end in masked):
            continue
        found.append(Token(match.group().lower(), match.start(), match.end()))
    return found


@cache
def _compiled(term: str) -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """Each word pattern of a term: (whole word?, alternatives)."""
    parts = []
    for word in term.lower().split():
        whole = word.startswith("=")
        options = tuple(w for w in word.lstrip("=").split("|") if w)
        parts.append((whole, options))
    return tuple(parts)


def _word_matches(whole: bool, options: tuple[str, ...], token: str) -> bool:
    token = token.rstrip(":")
    if whole:
        return token in options
    return any(token.startswith(option) for option in options)


def match_at(term: str, words: Sequence[Token], at: int) -> int:
    """How many tokens from ``at`` the term covers (0: no match)."""
    parts = _compiled(term)
    if not parts or at + len(parts) > len(words):
        return 0
    for offset, (whole, options) in enumerate(parts):
        if not _word_matches(whole, options, words[at + offset].text):
            return 0
    return len(parts)


def longest_at(terms: Iterable[str], words: Sequence[Token], at: int) -> int:
    return max((match_at(term, words, at) for term in terms), default=0)


def find_all(terms: Iterable[str], words: Sequence[Token]) -> list[tuple[int, int]]:
    """(start, length) of every non-overlapping match, longest first at each place."""
    listed = list(terms)
    found: list[tuple[int, int]] = []
    at = 0
    while at < len(words):
        length = longest_at(listed, words, at)
        if length:
            found.append((at, length))
            at += length
        else:
            at += 1
    return found

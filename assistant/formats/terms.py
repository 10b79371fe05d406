"""Recognise the names in a map file: lanes, ``key: value`` keys, emotions, channel kinds.

Every lookup also says which languages the name belongs to, so the importer can tell the
map's language from its own headers before falling back to guessing from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

from assistant.domain import LANGS, LaneKey, Lang, Localized, LocalizedList, Strict, TouchpointKind
from assistant.language.vocabulary import find_channel, mentions, vocabulary
from assistant.resources import load_data

Langs = frozenset[Lang]
Words = dict[Lang, list[str]]
EMOTION_REACH = 1000
PERSONA_LISTS = ("goals", "motivations", "needs", "frustrations", "preferred_channels")
_WORDS = Path(__file__).resolve().parent / "words.yaml"


class SheetTitles(Strict):
    map: Localized
    persona: Localized


class FormatWords(Strict):
    """The words of the map file formats (``formats/words.yaml``)."""

    persona_keys: dict[str, LocalizedList]
    annotation_keys: dict[str, LocalizedList]
    kind_tags: dict[TouchpointKind, list[str]]
    map_sheets: list[str]
    persona_sheets: list[str]
    sheet_titles: SheetTitles
    default_title: Localized


@cache
def format_words() -> FormatWords:
    return load_data(_WORDS, FormatWords)


def _words(terms: LocalizedList) -> Words:
    return {lang: terms.get(lang) for lang in LANGS}


@dataclass(frozen=True)
class Term:
    """A recognised name: what it stands for and the languages it is a word of."""

    key: str
    langs: Langs


def normalise(name: str) -> str:
    """Lower-case words only: ``**Pain points** 😖:`` -> ``pain points``."""
    return " ".join(re.findall(r"[^\W_]+", name.lower()))


def _index(table: dict[str, Words]) -> dict[str, Term]:
    found: dict[str, tuple[str, set[Lang]]] = {}
    for key, words in table.items():
        for lang in LANGS:
            for word in words.get(lang, []):
                entry = found.setdefault(normalise(word), (key, set()))
                if entry[0] == key:
                    entry[1].add(lang)
    return {word: Term(key, frozenset(langs)) for word, (key, langs) in found.items() if word}


@cache
def _lanes() -> dict[str, Term]:
    lanes = vocabulary().lanes
    table: dict[str, Words] = {
        key: {lang: terms.get(lang) for lang in LANGS} for key, terms in lanes.items()
    }
    return _index(table)


@cache
def _meta() -> dict[str, Term]:
    meta = vocabulary().meta_keys
    table: dict[str, Words] = {
        key: {lang: terms.get(lang) for lang in LANGS} for key, terms in meta.items()
    }
    persona = {f"persona.{key}": _words(w) for key, w in format_words().persona_keys.items()}
    return {**_index(persona), **_index(table)}


def lane(name: str) -> tuple[LaneKey, Langs] | None:
    """The lane a header names: an exact synonym, else the longest synonym it starts with."""
    flat = normalise(name)
    lanes = _lanes()
    term = lanes.get(flat)
    if term is None:
        prefixes = [word for word in lanes if flat.startswith(word + " ")]
        term = lanes[max(prefixes, key=len)] if prefixes else None
    return (cast(LaneKey, term.key), term.langs) if term else None


def meta_key(name: str) -> Term | None:
    """A ``key: value`` key: a MetaKey such as ``owner``, or ``persona.<field>``."""
    return _meta().get(normalise(name))


def lane_display(key: LaneKey, lang: Lang) -> str:
    names = vocabulary().lanes[key].get(lang)
    return capitalise(names[0]) if names else capitalise(key.replace("_", " "))


def meta_display(key: str, lang: Lang) -> str:
    if key.startswith("persona."):
        words = format_words().persona_keys[key.removeprefix("persona.")].get(lang)
    else:
        words = vocabulary().meta_keys[key].get(lang)  # type: ignore[index]
    return capitalise(words[0]) if words else capitalise(key.replace("_", " "))


def capitalise(text: str) -> str:
    """``pain points`` -> ``Pain points``; ``b2b/b2c`` -> ``B2B/B2C``."""
    if re.fullmatch(r"[a-z]\d[a-z](?:/[a-z]\d[a-z])*", text):
        return text.upper()
    return text[:1].upper() + text[1:]


@cache
def annotation_keys() -> dict[str, str]:
    """Lower-case annotation labels in every language -> Opportunity/Touchpoint field."""
    keys = {
        word.lower(): key
        for key, words in format_words().annotation_keys.items()
        for word in words.all()
    }
    owner = vocabulary().meta_keys.get("owner")
    for word in owner.all() if owner else []:
        keys.setdefault(word.lower(), "owner")
    return keys


def annotation_label(key: str, lang: Lang) -> str:
    return format_words().annotation_keys[key].get(lang)[0]


@cache
def kind_tags() -> dict[str, str]:
    return {tag: kind for kind, tags in format_words().kind_tags.items() for tag in tags}


def guess_kind(channel: str) -> TouchpointKind:
    """The kind of a channel from the channel vocabulary; online when it is not known."""
    term = find_channel(channel)
    return term.kind if term else "online"


def emotion_from_words(text: str) -> int | None:
    """The score whose words (or emoji) the text names best; None when none matches.

    Only the start of a long text is read: a label is a few words, and each of the ~90
    emotion terms scans the whole text."""
    text = text[:EMOTION_REACH]
    best: tuple[int, int] | None = None
    for score, terms in vocabulary().emotions.items():
        for term in terms.all():
            hit = mentions(text, [term]) if re.search(r"\w", term) else term in text
            if hit and (best is None or len(term) > best[0]):
                best = (len(term), score)
    return best[1] if best else None

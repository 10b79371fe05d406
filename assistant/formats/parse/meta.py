"""``key: value`` lines (or key/value rows) into the map's and the persona's fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.domain import (
    MAP_TYPES,
    BusinessModel,
    Lang,
    MapType,
    Persona,
    Provenance,
    Source,
)
from assistant.formats import terms
from assistant.formats.parse.errors import MapParseError
from assistant.formats.syntax import mask, split_items, take_mark, unmask
from assistant.formats.terms import PERSONA_LISTS
from assistant.language.vocabulary import infer_map_type, infer_model

_TEXT_FIELDS = {"title", "scenario", "purpose", "scope", "owner", "review_cadence", "business"}


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` pair and where it was."""

    key: str
    value: str
    where: str


@dataclass
class Meta:
    """What the pairs said: JourneyMap fields, persona fields, and language votes."""

    fields: dict[str, Any] = field(default_factory=dict)
    persona: dict[str, Any] = field(default_factory=dict)
    langs: list[frozenset[Lang]] = field(default_factory=list)


def read_meta(entries: list[Entry]) -> Meta:
    """Recognised pairs into a Meta; unknown keys are ignored (they are often notes)."""
    meta = Meta()
    for entry in entries:
        term = terms.meta_key(entry.key)
        if term is None or not entry.value.strip():
            continue
        meta.langs.append(term.langs)
        if term.key.startswith("persona."):
            _persona_field(meta, term.key.removeprefix("persona."), entry.value)
        elif term.key != "stage":
            _map_field(meta, term.key, entry)
    return meta


def persona(meta: Meta, lang: Lang) -> Persona | None:
    if not meta.persona:
        return None
    values = dict(meta.persona)
    values.setdefault("name", terms.meta_display("persona", lang))
    return Persona(**values)


def _single(value: str) -> str:
    return unmask(mask(value)).strip()


def _list(value: str) -> list[str]:
    return [unmask(item) for item in split_items(mask(value))]


def _sources(value: str) -> list[Source]:
    return [Source(doc_id=f"user/{title}", title=title) for title in _list(value)]


def _persona_field(meta: Meta, name: str, value: str) -> None:
    if name == "name":
        text, kind = take_mark(mask(value).strip())
        meta.persona["name"] = unmask(text)
        meta.persona["provenance"] = Provenance(kind=kind)
    elif name in PERSONA_LISTS:
        meta.persona[name] = _list(value)
    elif name == "evidence":
        meta.persona["evidence"] = _sources(value)
    else:
        meta.persona[name] = _single(value)


def _map_field(meta: Meta, key: str, entry: Entry) -> None:
    if key == "persona":
        _persona_field(meta, "name", entry.value)
    elif key in _TEXT_FIELDS:
        meta.fields[key] = _single(entry.value)
    elif key == "evidence":
        meta.fields["evidence"] = _sources(entry.value)
    elif key == "kpis":
        meta.fields["kpis"] = _list(entry.value)
    elif key == "last_updated":
        meta.fields["last_updated"] = _date(entry)
    elif key == "map_type":
        meta.fields["map_type"] = _map_type(entry)
    elif key == "model":
        meta.fields["model"] = _model(entry)


def _date(entry: Entry) -> date:
    value = _single(entry.value)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value)
    dotted = re.fullmatch(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})", value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3] or 1))
        if dotted:
            return date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        pass
    raise MapParseError(
        f"{entry.where}: '{value}' is not a date. Write it as 2026-11-01 (or 1.11.2026)."
    )


def _map_type(entry: Entry) -> MapType:
    value = _single(entry.value)
    flat = "-".join(terms.normalise(value).split())
    for kind in MAP_TYPES:
        if flat == kind or flat == kind.replace("-", ""):
            return kind
    inferred = infer_map_type(value)
    if inferred:
        return inferred
    raise MapParseError(
        f"{entry.where}: map type '{value}' is not one Polku knows. Use one of: "
        f"{', '.join(MAP_TYPES)}."
    )


def _model(entry: Entry) -> BusinessModel:
    value = _single(entry.value)
    flat = terms.normalise(value)
    if flat == "b2b":
        return "b2b"
    if flat == "b2c":
        return "b2c"
    inferred = infer_model(value)
    if inferred:
        return inferred
    raise MapParseError(f"{entry.where}: '{value}' should be B2B or B2C.")

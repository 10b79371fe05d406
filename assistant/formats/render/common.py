"""What the renderers share: lane rows in display order, labels, metadata and legend.

Texts are written in the cell syntax of ``assistant.formats.syntax`` so that Markdown, CSV
and XLSX exports import back to the same map. ``Style`` says how to escape: ``markdown``
and ``sheet`` escape the syntax characters; ``plain`` (HTML, Mermaid) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.domain import (
    BLUEPRINT_LANES,
    CORE_LANES,
    Emotion,
    Item,
    JourneyMap,
    LaneKey,
    Lang,
    Opportunity,
    Persona,
    ProvenanceKind,
    Source,
    Stage,
    Touchpoint,
)
from assistant.formats.notes import NoteKey, footnote, key, number_sources
from assistant.formats.syntax import escape, mark
from assistant.formats.terms import annotation_label, lane_display, meta_display
from assistant.language.i18n import t

Style = Literal["markdown", "sheet", "plain"]
SUGGESTED: tuple[ProvenanceKind, ...] = ("pattern", "llm")
PERSONA_ORDER = (
    "goals",
    "motivations",
    "needs",
    "frustrations",
    "preferred_channels",
    "quote",
    "segment",
    "b2b_role",
    "demographics",
)


@dataclass(frozen=True)
class Entry:
    """One item of a cell, as text in the chosen style, and where it came from."""

    text: str
    kind: ProvenanceKind
    source: Source | None = None  # the research an evidence item quotes
    note: str | None = None  # where the person's words and their research differ

    @property
    def suggested(self) -> bool:
        return self.kind in SUGGESTED

    def marked(self, notes: dict[NoteKey, int] | None = None) -> str:
        """The text with its suggestion mark, or an evidence item's note number."""
        if self.kind == "evidence" and self.source and notes and key(self.source) in notes:
            return f"{self.text} {footnote(notes[key(self.source)])}"
        return self.text + mark(self.kind)


@dataclass(frozen=True)
class Row:
    """One lane across all stages."""

    name: str
    key: LaneKey | None
    cells: list[list[Entry]]


def esc(text: str, style: Style, value: bool = False) -> str:
    if style == "plain":
        return text
    return escape(text, markdown=style == "markdown", value=value)


def signed(score: int) -> str:
    return f"{score:+d}" if score else "0"


def lane_rows(journey: JourneyMap, style: Style) -> list[Row]:
    """Core lanes, blueprint lanes when the map uses them, then the person's own lanes."""
    lang, stages = journey.language, journey.stages
    keys = list(CORE_LANES)
    if journey.map_type == "service-blueprint" or any(
        getattr(stage, key) for stage in stages for key in BLUEPRINT_LANES
    ):
        keys += BLUEPRINT_LANES
    rows = [
        Row(esc(lane_display(key, lang), style), key, [cell(s, key, style, lang) for s in stages])
        for key in keys
    ]
    extra = dict.fromkeys(name for s in stages for name, found in s.extra_lanes.items() if found)
    rows += [
        Row(esc(name, style), None, [_items(s.extra_lanes.get(name, []), style) for s in stages])
        for name in extra
    ]
    return rows


def cell(stage: Stage, key: LaneKey, style: Style, lang: Lang) -> list[Entry]:
    if key == "customer_goal":
        return _items([stage.customer_goal] if stage.customer_goal else [], style)
    if key == "emotion":
        return emotion(stage.emotion, style)
    if key == "touchpoints":
        return [touchpoint(tp, style, lang) for tp in stage.touchpoints]
    if key == "opportunities":
        return [opportunity(o, style, lang) for o in stage.opportunities]
    found: list[Item] = getattr(stage, key)
    return _items(found, style)


def _items(found: list[Item], style: Style) -> list[Entry]:
    return [
        Entry(esc(i.text, style), i.provenance.kind, i.provenance.source, i.provenance.note)
        for i in found
    ]


def _annotation(pairs: list[tuple[str, str | None]], style: Style, lang: Lang) -> str:
    parts = [
        f"{annotation_label(key, lang)}: {esc(value, style, value=True)}"
        for key, value in pairs
        if value
    ]
    return f" ({'; '.join(parts)})" if parts else ""


def _score(rating: int | None) -> str | None:
    return f"{rating}/5" if rating else None


def touchpoint(tp: Touchpoint, style: Style, lang: Lang) -> Entry:
    text = f"{esc(tp.channel, style)} ({tp.kind})"
    if tp.description:
        text += f": {esc(tp.description, style)}"
    text += _annotation([("owner", tp.owner)], style, lang)
    return Entry(text, tp.provenance.kind)


def opportunity(o: Opportunity, style: Style, lang: Lang) -> Entry:
    pairs = [("owner", o.owner), ("metric", o.metric), ("addresses", o.addresses)]
    pairs += [("value", _score(o.value)), ("effort", _score(o.effort))]
    return Entry(esc(o.text, style) + _annotation(pairs, style, lang), o.provenance.kind)


def emotion(e: Emotion, style: Style) -> list[Entry]:
    """``label (+1): reason``, ``label (+1)`` or just ``+1``; nothing for an unstated one."""
    if e.score == 0 and not e.label and not e.reason and e.provenance.kind == "user":
        return []
    text = f"{esc(e.label, style)} ({signed(e.score)})" if e.label else signed(e.score)
    if e.reason:
        text = f"{esc(e.label, style)} ({signed(e.score)}): {esc(e.reason, style)}".lstrip()
    return [Entry(text, e.provenance.kind, e.provenance.source, e.provenance.note)]


def has_evidence(journey: JourneyMap) -> bool:
    rows = lane_rows(journey, "plain")
    return any(e.kind == "evidence" for row in rows for entries in row.cells for e in entries)


def note_sources(journey: JourneyMap) -> list[tuple[int, Source]]:
    """(number, source) of every research source the map's evidence items cite, numbered
    in the order met."""
    cited = [
        e.source
        for row in lane_rows(journey, "plain")
        for entries in row.cells
        for e in entries
        if e.kind == "evidence" and e.source
    ]
    first = {key(source): source for source in reversed(cited)}
    return [(n, first[k]) for k, n in number_sources(cited).items()]


def evidence_notes(journey: JourneyMap) -> dict[NoteKey, int]:
    """The note number of each cited research source."""
    return {key(source): n for n, source in note_sources(journey)}


def has_suggestions(journey: JourneyMap) -> bool:
    rows = lane_rows(journey, "plain")
    persona_kind = journey.persona.provenance.kind if journey.persona else "user"
    return persona_kind in SUGGESTED or any(
        e.suggested for row in rows for entries in row.cells for e in entries
    )


def _sources(sources: list[Source], style: Style, sep: str) -> str:
    return sep.join(esc(s.title, style) for s in sources)


def meta_pairs(journey: JourneyMap, style: Style, sep: str = "; ") -> list[tuple[str, str]]:
    """(label, value) of the map's key/value lines that have a value, in the map's language."""
    lang = journey.language
    values: list[tuple[str, str]] = [
        ("title", esc(journey.title, style)),
        ("business", esc(journey.business, style)),
        ("model", (journey.model or "").upper()),
        ("scenario", esc(journey.scenario, style)),
        ("purpose", esc(journey.purpose, style)),
        ("scope", esc(journey.scope, style)),
        ("map_type", t(f"map_type_{journey.map_type}", lang) if journey.map_type else ""),
        ("owner", esc(journey.owner or "", style)),
        ("last_updated", journey.last_updated.isoformat() if journey.last_updated else ""),
        ("review_cadence", esc(journey.review_cadence or "", style)),
        ("evidence", _sources(journey.evidence, style, sep)),
        ("kpis", sep.join(esc(kpi, style) for kpi in journey.kpis)),
    ]
    return [(meta_display(key, lang), value) for key, value in values if value]


def persona_pairs(
    persona: Persona, lang: Lang, style: Style, sep: str = "; "
) -> list[tuple[str, str]]:
    """(label, value) of the persona card: name, then goals and motivations first."""
    suffix = mark(persona.provenance.kind) if style != "plain" else ""
    pairs = [(meta_display("persona", lang), esc(persona.name, style) + suffix)]
    for field in PERSONA_ORDER:
        value = getattr(persona, field)
        if isinstance(value, list):
            text = sep.join(esc(v, style) for v in value)
        else:
            text = esc(value or "", style)
        if text:
            pairs.append((meta_display(f"persona.{field}", lang), text))
    if persona.evidence:
        pairs.append(
            (meta_display("persona.evidence", lang), _sources(persona.evidence, style, sep))
        )
    return pairs

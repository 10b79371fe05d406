"""Markdown: persona card, key/value lines, then the stage x lane table (stages as columns).

The output imports back with ``parse_map``: suggestions keep their `` *`` / `` **`` mark.
"""

from __future__ import annotations

from assistant.domain import JourneyMap
from assistant.formats.notes import footnote, note_text
from assistant.formats.render.common import (
    esc,
    evidence_notes,
    has_suggestions,
    lane_rows,
    meta_pairs,
    note_sources,
    persona_pairs,
)
from assistant.language.i18n import t


def render_markdown(journey: JourneyMap) -> str:
    lang = journey.language
    lines = [f"# {esc(journey.title, 'markdown')}", ""]
    if journey.persona:
        (label, name), *details = persona_pairs(journey.persona, lang, "markdown")
        lines += [f"**{label}:** {name}", *(f"- **{k}:** {v}" for k, v in details), ""]
    lines += [f"- **{k}:** {v}" for k, v in meta_pairs(journey, "markdown")]
    lines += ["", *table(journey)]
    notes = note_sources(journey)
    if notes:
        lines += ["", f"**{t('evidence_notes', lang)}**", ""]
        lines += [f"{footnote(n)}: {esc(note_text(s), 'markdown')}" for n, s in notes]
    if has_suggestions(journey):
        lines += ["", f"> {esc(t('legend_marks', lang), 'markdown')}"]
    return "\n".join(lines) + "\n"


def table(journey: JourneyMap) -> list[str]:
    """The pipe table: a header of stage names, one row per lane, items split by <br>."""
    header = ["", *(esc(s.name, "markdown") for s in journey.stages)]
    lines = [_row(header), _row(["---"] * len(header))]
    notes = evidence_notes(journey)
    for row in lane_rows(journey, "markdown"):
        cells = ["<br>".join(e.marked(notes) for e in entries) for entries in row.cells]
        lines.append(_row([row.name, *cells]))
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"

"""CSV: stages as columns, lanes as rows; cells a spreadsheet would run as formulas are
quote-prefixed. Items in a cell are on lines of their own."""

from __future__ import annotations

import csv
import io

from assistant.domain import JourneyMap
from assistant.formats.notes import footnote, note_text
from assistant.formats.render.common import esc, evidence_notes, lane_rows, note_sources
from assistant.formats.syntax import neutralise
from assistant.language.i18n import t


def sheet_rows(journey: JourneyMap) -> list[list[str]]:
    """The map as rows of cell texts (shared with the XLSX export), not yet neutralised."""
    rows = [["", *(esc(s.name, "sheet") for s in journey.stages)]]
    notes = evidence_notes(journey)
    for row in lane_rows(journey, "sheet"):
        rows.append([row.name, *("\n".join(e.marked(notes) for e in cell) for cell in row.cells)])
    found = note_sources(journey)
    if found:  # under the table: what each numbered evidence item quotes, and where
        rows += [[], [t("evidence_notes", journey.language)]]
        rows += [[footnote(n), note_text(source)] for n, source in found]
    return rows


def render_csv(journey: JourneyMap) -> str:
    """The CSV text (the dispatcher adds a UTF-8 BOM so that Excel reads ä and õ right)."""
    out = io.StringIO()
    rows = [[neutralise(text) for text in row] for row in sheet_rows(journey)]
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()

"""CSV: stages as columns, lanes as rows; cells a spreadsheet would run as formulas are
quote-prefixed. Items in a cell are on lines of their own."""

from __future__ import annotations

import csv
import io

from assistant.domain import JourneyMap
from assistant.formats.render.common import esc, lane_rows
from assistant.formats.syntax import neutralise


def sheet_rows(journey: JourneyMap) -> list[list[str]]:
    """The map as rows of cell texts (shared with the XLSX export), not yet neutralised."""
    rows = [["", *(esc(s.name, "sheet") for s in journey.stages)]]
    for row in lane_rows(journey, "sheet"):
        rows.append([row.name, *("\n".join(e.marked() for e in cell) for cell in row.cells)])
    return rows


def render_csv(journey: JourneyMap) -> str:
    """The CSV text (the dispatcher adds a UTF-8 BOM so that Excel reads ä and õ right)."""
    out = io.StringIO()
    rows = [[neutralise(text) for text in row] for row in sheet_rows(journey)]
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()

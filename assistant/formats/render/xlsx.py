"""XLSX: a formatted map sheet (stages as columns) with the emotion curve's picture under
it, and a persona sheet of key/value rows.

Every cell is written as a string, never a formula; text a spreadsheet would run as a
formula is quote-prefixed as in the CSV export. Suggestion cells get a fill of their own.
"""

from __future__ import annotations

import io
import re
from typing import Any

from assistant.domain import JourneyMap
from assistant.formats.render.common import (
    has_suggestions,
    lane_rows,
    meta_pairs,
    persona_pairs,
)
from assistant.formats.render.csv_export import sheet_rows
from assistant.formats.render.curve import render_curve_png
from assistant.formats.render.priorities import has_ratings, ranked, render_matrix_png
from assistant.formats.syntax import neutralise
from assistant.formats.terms import format_words
from assistant.language.i18n import t

LANE_WIDTH, STAGE_WIDTH = 24, 34
# What XML 1.0 cannot hold: C0 controls but tab, newline and CR, surrogates, U+FFFE, U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADER_FILL, SUGGESTION_FILL = "D9E2F3", "FFF2CC"


def render_xlsx(journey: JourneyMap) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    titles, lang = format_words().sheet_titles, journey.language
    map_title, persona_title = titles.map.get(lang), titles.persona.get(lang)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = map_title
    _map_sheet(sheet, journey)
    _persona_sheet(workbook.create_sheet(persona_title), journey)
    if has_ratings(journey):
        _priorities_sheet(workbook.create_sheet(t("sheet_priorities", lang)), journey)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(sheet: Any, row: int, col: int, text: str) -> Any:
    from openpyxl.styles import Alignment

    cell = sheet.cell(row=row, column=col)
    cell.value = neutralise(NOT_XML.sub("", text))
    cell.data_type = "s"
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _map_sheet(sheet: Any, journey: JourneyMap) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = sheet_rows(journey)
    suggested = [
        [any(e.suggested for e in entries) for entries in row.cells]
        for row in lane_rows(journey, "sheet")
    ]
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    suggestion_fill = PatternFill("solid", fgColor=SUGGESTION_FILL)
    lanes = len(suggested) + 1  # the header and the lanes; evidence notes follow
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = _write(sheet, r, c, text)
            if r > lanes:
                continue
            if r == 1 or c == 1:
                cell.font = Font(bold=True)
                cell.fill = header_fill
            elif suggested[r - 2][c - 2]:
                cell.fill = suggestion_fill
    below = len(rows) + 2
    if has_suggestions(journey):
        _write(sheet, below, 1, t("legend_marks", journey.language)).fill = suggestion_fill
        below += 2
    if journey.stages:
        _picture(sheet, journey, f"A{below}")
    sheet.column_dimensions["A"].width = LANE_WIDTH
    for c in range(2, len(rows[0]) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = STAGE_WIDTH
    sheet.freeze_panes = "B2"


def _picture(sheet: Any, journey: JourneyMap, anchor: str) -> None:
    """The emotion curve as a picture anchored at ``anchor`` (scaled to about the width of
    the stage columns)."""
    from openpyxl.drawing.image import Image

    picture = Image(io.BytesIO(render_curve_png(journey)))
    scale = 0.5  # drawn at 150 dpi; a sheet shows 72-96
    picture.width, picture.height = picture.width * scale, picture.height * scale
    sheet.add_image(picture, anchor)


def _persona_sheet(sheet: Any, journey: JourneyMap) -> None:
    from openpyxl.styles import Font

    persona = journey.persona
    rows = persona_pairs(persona, journey.language, "sheet", "\n") if persona else []
    rows += [("", "")] if rows else []
    rows += meta_pairs(journey, "sheet", "\n")
    for r, (label, value) in enumerate(rows, start=1):
        if label:
            _write(sheet, r, 1, label).font = Font(bold=True)
            _write(sheet, r, 2, value)
    sheet.column_dimensions["A"].width = LANE_WIDTH
    sheet.column_dimensions["B"].width = 2 * STAGE_WIDTH


def _priorities_sheet(sheet: Any, journey: JourneyMap) -> None:
    """The opportunities ranked (most value for the least effort first) and the value/effort
    matrix that numbers them alike."""
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    lang = journey.language
    _write(sheet, 1, 1, t("priorities_heading", lang)).font = Font(bold=True)
    for c, name in enumerate(["#", *t("priorities_columns", lang).split("|")], start=1):
        _write(sheet, 2, c, name).font = Font(bold=True)
    for r, item in enumerate(ranked(journey), start=3):
        o = item.opportunity
        values = [str(item.number), o.text, item.stage, str(o.value or ""), str(o.effort or "")]
        values.append(o.owner or "")
        for c, text in enumerate(values, start=1):
            _write(sheet, r, c, text)
    for column, width in zip("ABCDEF", (5, 60, 22, 8, 8, 30), strict=True):
        sheet.column_dimensions[column].width = width
    picture = Image(io.BytesIO(render_matrix_png(journey)))
    picture.width, picture.height = picture.width * 0.5, picture.height * 0.5
    sheet.add_image(picture, "H3")

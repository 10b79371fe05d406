"""CSV and XLSX files into a table (and ``key | value`` rows into map metadata)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from itertools import islice
from typing import Any

from assistant.formats import terms
from assistant.formats.parse.errors import MapParseError
from assistant.formats.parse.grid import MAX_COLUMNS, MAX_ROWS, Table, Where, check_size
from assistant.formats.parse.meta import Entry
from assistant.formats.syntax import unneutralise
from assistant.formats.terms import format_words

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "read_csv", "read_xlsx", "sniff_delimiter"]
_DELIMITERS = (",", ";", "\t")


def read_csv(text: str) -> tuple[Table, list[Entry]]:
    """A CSV table (delimiter sniffed), with any ``key,value`` rows above it as metadata."""
    text = text.lstrip("\ufeff")
    rows: list[list[str]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        for row in reader:
            rows.append([unneutralise(cell) for cell in row])
            check_size(len(rows), len(row))
    except csv.Error as exc:
        raise MapParseError(
            f"row {len(rows) + 1}: the CSV is broken ({exc}). Save it again from your "
            "spreadsheet as 'CSV UTF-8'."
        ) from exc

    def where(row: int, col: int | None) -> str:
        return f"row {row + 1}" if col is None else f"row {row + 1}, column {col + 1}"

    return _split_meta(Table(rows=rows, where=where))


def sniff_delimiter(text: str) -> str:
    """``,`` ``;`` or tab: the one the first line uses most that gives rows of one width."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    candidates = sorted(_DELIMITERS, key=lambda d: -first.count(d))
    for delimiter in candidates:
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            widths = {len(row) for row in islice(reader, 50) if any(c.strip() for c in row)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    return candidates[0]


def read_xlsx(data: bytes) -> tuple[Table, list[Entry]]:
    """The map sheet as a table; the persona sheet's ``key | value`` rows as metadata."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken zip or XML
        raise MapParseError(
            "This is not a readable .xlsx workbook. Open it in your spreadsheet and save it "
            "again as .xlsx, or export the map sheet as CSV."
        ) from exc
    try:
        sheets = {sheet.title: _sheet_rows(sheet) for sheet in workbook.worksheets}
    finally:
        workbook.close()
    titles = list(sheets)
    persona = next((t for t in titles if t.strip().lower() in format_words().persona_sheets), None)
    main = next((t for t in titles if t.strip().lower() in format_words().map_sheets), None)
    main = main or next((t for t in titles if t != persona), None)
    if main is None:
        raise MapParseError("The workbook has no map sheet: put the map on the first sheet.")
    table, entries = _split_meta(Table(rows=sheets[main], where=_cell_namer(main)))
    if persona:
        entries += _key_values(Table(rows=sheets[persona], where=_cell_namer(persona)))
    return table, entries


def _sheet_rows(sheet: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        check_size(len(rows) + 1, len(values))
        rows.append([_cell_text(v) for v in values])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value))


def _cell_namer(title: str) -> Where:
    from openpyxl.utils import get_column_letter

    def where(row: int, col: int | None) -> str:
        if col is None:
            return f"sheet '{title}', row {row + 1}"
        return f"sheet '{title}', cell {get_column_letter(col + 1)}{row + 1}"

    return where


def _is_meta_row(row: Iterable[str]) -> bool:
    cells = [c for c in row if c.strip()]
    if not cells or len(cells) > 2:
        return False
    term = terms.meta_key(cells[0])
    return term is not None and term.key != "stage"


def _split_meta(table: Table) -> tuple[Table, list[Entry]]:
    """Leading ``key | value`` rows (title, owner...) apart from the table under them."""
    start = 0
    for r, row in enumerate(table.rows):
        if not any(c.strip() for c in row):
            continue
        if not _is_meta_row(row):
            break
        start = r + 1
    entries = _key_values(table, range(start))
    rows: list[list[str]] = [[] for _ in range(start)] + table.rows[start:]
    return Table(rows=rows, where=table.where), entries


def _key_values(table: Table, numbers: Iterable[int] | None = None) -> list[Entry]:
    entries = []
    for r in range(len(table.rows)) if numbers is None else numbers:
        cells = [c for c in table.rows[r] if c.strip()]
        if len(cells) >= 2:
            entries.append(Entry(cells[0], cells[1], table.where(r, None)))
    return entries

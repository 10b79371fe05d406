"""Markdown the way people paste it: ``key: value`` lines, headings, then a pipe table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.formats import terms
from assistant.formats.parse.grid import MAX_ROWS, Table, check_size
from assistant.formats.parse.meta import Entry
from assistant.formats.syntax import mask

# No two quantifiers here may match the same characters one after the other (``\s*\s*``,
# ``.*?\s*$``): on a long run of spaces that backtracks in quadratic or cubic time, and a
# 5 MB upload would hang the server. Trimming is done in code instead.
_DELIMITER = re.compile(r"^\s*(?:\|\s*)?:?-+:?\s*(?:\|\s*:?-+:?\s*)*(?:\|\s*)?$")
_KEY_LINE = re.compile(
    r"^\s*(?:[-*+•]\s+)?(?:(?:\*\*|__)\s*)?(?P<key>[^\s:*|#][^:*|]{0,39}?)\s*(?:(?:\*\*|__)\s*)?:"
    r"(?:\s*(?:\*\*|__))?(?P<value>.*)$"
)
_KEY_REACH = 120
_BOLD = re.compile(r"^\*\*(.+)\*\*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<text>.+)$")


@dataclass
class MarkdownDoc:
    tables: list[Table] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    heading: str | None = None


def read_markdown(text: str) -> MarkdownDoc:
    """The pipe tables, ``key: value`` lines and first heading of a Markdown text."""
    doc = MarkdownDoc()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        end = _table_end(lines, i)
        if end > i:
            doc.tables.append(_table(lines, i, end))
            i = end
            continue
        _key_or_heading(doc, lines[i], i + 1)
        i += 1
    return doc


def _is_row(line: str) -> bool:
    return "|" in mask(line)


def _table_end(lines: list[str], start: int) -> int:
    """Index after the table starting at ``start``; ``start`` when no table starts there.

    A table is a header line with a delimiter row under it, or (as people often paste
    them) two or more lines that start with a pipe.
    """
    line = lines[start]
    has_delimiter = start + 1 < len(lines) and _DELIMITER.match(lines[start + 1]) is not None
    piped = line.lstrip().startswith("|")
    if not _is_row(line) or _DELIMITER.match(line):
        return start
    if not has_delimiter and not (
        piped and start + 1 < len(lines) and lines[start + 1].lstrip().startswith("|")
    ):
        return start
    end = start + 1
    while end < len(lines) and lines[end].strip() and _is_row(lines[end]):
        end += 1
        if end - start > MAX_ROWS + 1:  # + 1: the delimiter row
            check_size(end - start, 0)
    return end


def _table(lines: list[str], start: int, end: int) -> Table:
    numbers = [n for n in range(start, end) if n == start or not _DELIMITER.match(lines[n])]
    rows = [split_row(lines[n]) for n in numbers]
    check_size(len(rows), max(map(len, rows)))

    def where(row: int, col: int | None) -> str:
        line = f"line {numbers[row] + 1}" if row < len(numbers) else f"line {end}"
        return line if col is None else f"{line}, column {col + 1}"

    return Table(rows=rows, where=where)


def split_row(line: str) -> list[str]:
    """Cells of a pipe-table row (masked: escaped pipes stay inside their cell)."""
    masked = mask(line).strip()
    if masked.startswith("|"):
        masked = masked[1:]
    if masked.endswith("|"):
        masked = masked[:-1]
    cells = [cell.strip() for cell in masked.split("|")]
    return [_BOLD.sub(r"\1", cell) for cell in cells]


def _key_or_heading(doc: MarkdownDoc, line: str, number: int) -> None:
    heading = _HEADING.match(line)
    text = _heading_text(heading.group("text")) if heading else line
    pair = _key_line(text)
    known = pair is not None and terms.meta_key(pair.group("key")) is not None
    value = pair.group("value").strip() if pair else ""
    if pair and known and value:
        doc.entries.append(Entry(pair.group("key"), value, f"line {number}"))
    elif heading and doc.heading is None:
        doc.heading = text


def _key_line(text: str) -> re.Match[str] | None:
    """``key: value`` with its colon near the start (a key is at most 40 characters); looking
    no further keeps a long line without a key cheap."""
    text = text.lstrip()
    return _KEY_LINE.match(text) if ":" in text[:_KEY_REACH] else None


def _heading_text(text: str) -> str:
    """A heading without its closing hashes: ``Title ##`` -> ``Title`` (never empty)."""
    return text.rstrip().rstrip("#").rstrip() or text[:1]

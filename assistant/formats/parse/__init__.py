"""Import a journey map from Markdown, CSV, XLSX or Polku's JSON.

``parse_map`` is the one entry point; any problem is a ``MapParseError`` whose message
names the line or cell and says what to do (in English; the UI translates).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import PurePath
from typing import Literal

from pydantic import ValidationError

from assistant.domain import JourneyMap, Lang
from assistant.formats.notes import apply_notes, notes_in_lines, split_note_rows
from assistant.formats.parse.errors import MapParseError, NoLanesError
from assistant.formats.parse.grid import Parsed, Table, read_stages
from assistant.formats.parse.jsonmap import describe, read_json
from assistant.formats.parse.markdown import read_markdown
from assistant.formats.parse.meta import Entry, Meta, persona, read_meta
from assistant.formats.parse.spreadsheet import read_csv, read_xlsx
from assistant.formats.syntax import encodable, mask, unmask
from assistant.formats.terms import format_words
from assistant.language.detect import detect_language

__all__ = ["FORMATS", "MAX_BYTES", "Format", "MapParseError", "guess_format", "parse_map"]

Format = Literal["md", "csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json", "xlsx")
MAX_BYTES = 5 * 1024 * 1024
_EXTENSIONS: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_BINARY = (
    "This does not look like a map: it contains binary data. Upload a Markdown, CSV, "
    "Excel (.xlsx) or JSON file, or paste the map as a table."
)


def parse_map(
    text_or_bytes: str | bytes,
    format: Format | None = None,
    filename: str | None = None,
    default_lang: Lang = "en",
) -> JourneyMap:
    """The JourneyMap in a file; the format is guessed from the filename or content if None.

    Everything read from a table is the person's own (provenance ``user``) unless a
    suggestion mark (`` *``, `` **``) says otherwise; JSON keeps its provenance. Unpaired
    surrogates become U+FFFD, so that the map can always be saved and exported.
    """
    return encodable(_parse(text_or_bytes, format, filename, default_lang))


def _parse(
    text_or_bytes: str | bytes, format: Format | None, filename: str | None, default_lang: Lang
) -> JourneyMap:
    raw = text_or_bytes
    size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise MapParseError(
            f"The file is {size / 1_000_000:.1f} MB; maps up to 5 MB can be imported. "
            "Remove images or extra sheets, or export just the map table."
        )
    if not text_or_bytes.strip():
        raise MapParseError(
            "The file is empty. Paste or upload a journey map table (Markdown, CSV, Excel or JSON)."
        )
    fmt = format or guess_format(text_or_bytes, filename)
    if fmt == "xlsx":
        if isinstance(text_or_bytes, str) or not text_or_bytes.startswith(_ZIP):
            raise MapParseError("This is not an .xlsx workbook. Save the file as .xlsx or CSV.")
        table, entries = read_xlsx(text_or_bytes)
        rows, notes = split_note_rows(table.rows)
        found = _from_tables([Table(rows, table.where)], entries, None, filename, default_lang)
        return apply_notes(found, notes)
    text = decode(text_or_bytes)
    if fmt == "json":
        return read_json(text)
    if fmt == "csv":
        table, entries = read_csv(text)
        rows, notes = split_note_rows(table.rows)
        found = _from_tables([Table(rows, table.where)], entries, None, filename, default_lang)
        return apply_notes(found, notes)
    doc = read_markdown(text)
    if not doc.tables:
        raise MapParseError(
            "No table found. Put the map in a Markdown table (| | Stage 1 | Stage 2 |, one "
            "row per lane), or upload a CSV, Excel or JSON file."
        )
    found = _from_tables(doc.tables, doc.entries, doc.heading, filename, default_lang)
    return apply_notes(found, notes_in_lines(unmask(mask(line)) for line in text.splitlines()))


def guess_format(content: str | bytes, filename: str | None = None) -> Format:
    """The format from the file extension, else from the content."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if suffix == ".xls":
        raise MapParseError("Old Excel .xls files cannot be read: save the file as .xlsx or CSV.")
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if isinstance(content, bytes):
        if content.startswith(_ZIP):
            return "xlsx"
        if content.startswith(_OLE):
            raise MapParseError(
                "This is an old Office file (.xls or .doc): save it as .xlsx or CSV."
            )
    text = decode(content).lstrip()
    if text[:1] in ("{", "["):
        return "json"
    if read_markdown(text).tables:
        return "md"
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "csv" if any(d in first for d in (",", ";", "\t")) else "md"


def decode(content: str | bytes) -> str:
    """Text from bytes (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252)."""
    if isinstance(content, str):
        text = content
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16", errors="replace")
    elif b"\x00" in content[:65536]:
        raise MapParseError(_BINARY)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise MapParseError(_BINARY) from exc
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    if controls > max(2, len(sample) // 100):
        raise MapParseError(_BINARY)
    return text.lstrip("\ufeff")


def _from_tables(
    tables: list[Table],
    entries: list[Entry],
    heading: str | None,
    filename: str | None,
    default_lang: Lang,
) -> JourneyMap:
    meta = read_meta(entries)
    parsed = _first_map(tables)
    lang = _language(parsed, meta, entries, default_lang)
    fields = dict(meta.fields)
    title = fields.pop("title", None) or (unmask(mask(heading)).strip() if heading else "")
    named = PurePath(filename).stem if filename else ""
    title = title or named or format_words().default_title.get(lang)
    try:
        return JourneyMap(
            title=title,
            language=lang,
            stages=parsed.stages,
            persona=persona(meta, lang),
            **fields,
        )
    except ValidationError as exc:  # a value the readers let through; name the field
        raise MapParseError(f"The map is not valid: {describe(exc)}.") from exc


def _first_map(tables: list[Table]) -> Parsed:
    """Stages of the first table that names lanes (a persona table may come before it)."""
    first_error: NoLanesError | None = None
    for table in tables:
        try:
            return read_stages(table)
        except NoLanesError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


def _language(parsed: Parsed, meta: Meta, entries: list[Entry], default: Lang) -> Lang:
    """The language the lane names and keys are in; else guessed from all the text."""
    votes = Counter(parsed.lang_votes)
    votes.update(next(iter(langs)) for langs in meta.langs if len(langs) == 1)
    ranked = votes.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    text = " ".join([*parsed.text, *(e.value for e in entries)])
    return detect_language(text, default)

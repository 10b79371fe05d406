"""Read research the way people have it: review and survey exports (CSV, XLSX), interview
notes and transcripts (txt, md, docx, pdf), support tickets.

Each passage keeps its file, its place in it (a row and column, a line, a paragraph) and who
said it (a row is one respondent; in a transcript, a speaker of one interview). A file that
cannot be read raises ``ResearchError`` with a message naming it and saying what to do; what
was skipped inside a readable file (a formula cell) is a warning on its source.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.domain import Lang, ResearchKind, ResearchSource
from assistant.language.i18n import t
from assistant.language.text import words
from assistant.retrieval.readers import ReadError, decode_text, pdf_pages

TABLES = (".csv", ".tsv", ".xlsx")
TEXTS = (".txt", ".md", ".markdown", ".docx", ".pdf")
SUPPORTED = TABLES + TEXTS
MIN_TEXT_WORDS = 3.5  # a free-text column's cells have this many words on average
RATING_HEADERS = re.compile(
    r"rating|stars?\b|score|grade|nps|recommend|satisf|arvosana|tähti|tähdet|pisteet|"
    r"suosittel|tyytyv|hinne|hinnang|tärn|punkt|soovita|rahul",
    re.IGNORECASE,
)
TICKET_HEADERS = re.compile(r"ticket|subject|tiketti|aihe|pöördum|teema", re.IGNORECASE)
INTERVIEWERS = re.compile(
    r"^(q|k|h|i|kysymys|question|interviewer|moderator|haastattelija|intervjueerija|"
    r"küsija|küsimus|me|minä|mina)$",
    re.IGNORECASE,
)
METADATA = re.compile(
    r"^(date|time|place|location|duration|length|participants?|päivämäärä|pvm|aika|paikka|"
    r"kesto|osallistujat?|kuupäev|aeg|koht|kestus|osalejad?)$",
    re.IGNORECASE,
)
_TURN = re.compile(r"^\s*(?:[-*]\s*)?\**([^\W\d_][\w .'-]{0,30}?)\**\s*:\s*\**\s*(\S.*)$")
_FORMULA = re.compile(r"^[=@]|^[+-][A-Za-z_]+\(")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_SECTION = re.compile(r"interview|haastattelu|intervjuu|respondent|vastaaja|vastaja", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


class ResearchError(ValueError):
    """A research file that cannot be read: a message key of ``messages.yaml`` and its
    values, shown in the person's language (``message``); ``str()`` is the English."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))

    def message(self, lang: Lang) -> str:
        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class Place:
    """Where a passage is in its file: a row (and the column of a survey), a line, a
    paragraph or a line of a PDF page."""

    kind: Literal["row", "cell", "line", "paragraph", "page"]
    line: int
    column: str = ""
    page: int = 0

    def shown(self, lang: Lang) -> str:
        return t(
            f"place_{self.kind}",
            lang,
            row=self.line,
            line=self.line,
            column=self.column,
            page=self.page,
        )


@dataclass(frozen=True)
class Passage:
    """A piece of text one respondent wrote or said, and where it is."""

    text: str
    source: str
    place: Place
    respondent: str
    rating: float | None = None  # -1 (worst) .. +1 (best), when the file has a rating
    question: str | None = None  # the survey question it answers


@dataclass
class Research:
    """What one file holds."""

    source: ResearchSource
    passages: list[Passage] = field(default_factory=list)
    formulas: list[Place] = field(default_factory=list)  # cells skipped: never run, never read
    lang: Lang | None = None


def read_research(data: bytes, name: str, max_bytes: int) -> Research:
    """The passages of one research file; ``ResearchError`` when it cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ResearchError("research_type", name=name, suffix=suffix or "?")
    if len(data) > max_bytes:
        raise ResearchError(
            "research_too_large",
            name=name,
            size=f"{len(data) / 1e6:.1f}",
            limit=max_bytes // 1_000_000,
        )
    if not data.strip():
        raise ResearchError("research_empty", name=name)
    if suffix in TABLES:
        research = _table(_rows(data, name, suffix), name)
    else:
        research = _transcript(_lines(data, name, suffix), name)
    if not research.passages:
        raise ResearchError("research_no_statements", name=name)
    research.source.respondents = len({p.respondent for p in research.passages})
    return research


# --- tables ------------------------------------------------------------------------------
def _text(data: bytes, name: str) -> str:
    try:
        text = decode_text(data, name)
    except ReadError as exc:
        raise ResearchError("research_binary", name=name) from exc
    if len(_CONTROL.findall(text)) > 0.02 * len(text):
        raise ResearchError("research_binary", name=name)
    return text


def _rows(data: bytes, name: str, suffix: str) -> list[list[str]]:
    if suffix == ".xlsx":
        return _xlsx_rows(data, name)
    text = _text(data, name)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel_tab if suffix == ".tsv" else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ResearchError("research_unreadable", name=name, format="XLSX") from exc
    sheet = next((s for s in book.worksheets if s.max_row and s.max_row > 1), None)
    if sheet is None:
        raise ResearchError("research_no_rows", name=name)
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _table(rows: list[list[str]], name: str) -> Research:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise ResearchError("research_no_rows", name=name)
    header = [h.strip() or f"column {i + 1}" for i, h in enumerate(rows[0])]
    body = rows[1:]
    columns = {
        i: [row[i].strip() if i < len(row) else "" for row in body] for i in range(len(header))
    }
    texts = [i for i, cells in columns.items() if _is_free_text(header[i], cells)]
    if not texts:
        raise ResearchError("research_no_text_column", name=name, columns=", ".join(header))
    rating = next(
        (i for i in columns if i not in texts and RATING_HEADERS.search(header[i])),
        None,
    )
    scale = _scale(columns[rating]) if rating is not None else None
    if len(texts) > 1:
        kind: ResearchKind = "survey"
    elif any(TICKET_HEADERS.search(h) for h in header):
        kind = "tickets"
    else:
        kind = "reviews"
    source = ResearchSource(name=name, kind=kind)
    research = Research(source)
    for number, row in enumerate(body, start=2):
        score = _rating(row[rating] if rating is not None and rating < len(row) else "", scale)
        for column in texts:
            cell = row[column].strip() if column < len(row) else ""
            if not cell:
                continue
            if len(texts) > 1:
                where = Place("cell", number, header[column])
            else:
                where = Place("row", number)
            if _FORMULA.match(cell):
                research.formulas.append(where)
                continue
            research.passages.append(
                Passage(
                    text=cell,
                    source=name,
                    place=where,
                    respondent=f"{name}#{number}",
                    rating=score,
                    question=header[column] if len(texts) > 1 else None,
                )
            )
    return research


def _is_free_text(header: str, cells: list[str]) -> bool:
    found = [c for c in cells if c and not _FORMULA.match(c)]
    if not found or all(_number(c) is not None for c in found):
        return False
    if sum(bool(_LETTERS.search(c)) for c in found) < 0.5 * len(found):
        return False  # dates, times, ids: not what anyone wrote
    counts = [len(words(c)) for c in found]
    if header.rstrip().endswith("?"):  # a survey question: its answers are the text
        return max(counts) >= 3
    return statistics.mean(counts) >= MIN_TEXT_WORDS


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", ".").split("/")[0])
    except ValueError:
        return None


def _scale(cells: list[str]) -> tuple[float, float] | None:
    values = [v for v in (_number(c) for c in cells if c) if v is not None]
    if not values:
        return None
    top = 5.0 if max(values) <= 5 else 10.0
    return (1.0 if top == 5 and min(values) >= 1 else 0.0, top)


def _rating(cell: str, scale: tuple[float, float] | None) -> float | None:
    value = _number(cell.strip()) if cell.strip() else None
    if value is None or scale is None:
        return None
    low, high = scale
    middle = (low + high) / 2
    return max(-1.0, min(1.0, (value - middle) / ((high - low) / 2)))


# --- transcripts and notes -------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    text: str
    place: Place


def _lines(data: bytes, name: str, suffix: str) -> list[Line]:
    if suffix == ".docx":
        return _docx_lines(data, name)
    if suffix == ".pdf":
        try:
            pages = pdf_pages(data, name)
        except ReadError as exc:
            raise ResearchError("research_unreadable", name=name, format="PDF") from exc
        return [
            Line(text, Place("page", number, page=page))
            for page, content in enumerate(pages, start=1)
            for number, text in enumerate(content.splitlines(), start=1)
        ]
    text = _text(data, name)
    return [
        Line(line, Place("line", number)) for number, line in enumerate(text.splitlines(), start=1)
    ]


def _docx_lines(data: bytes, name: str) -> list[Line]:
    import zipfile

    from docx import Document as DocxDocument

    try:
        document = DocxDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ResearchError("research_unreadable", name=name, format="DOCX") from exc
    return [
        Line(paragraph.text, Place("paragraph", number))
        for number, paragraph in enumerate(document.paragraphs, start=1)
    ]


def _heading(text: str) -> str | None:
    """A heading line: markdown ``#``, or a short line that is not a sentence."""
    stripped = text.strip()
    if stripped.startswith("#"):
        return stripped.lstrip("#").strip()
    if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
        return stripped.strip("*").strip()
    short = len(stripped.split()) <= 10 and not stripped.endswith((".", "!", "?"))
    if short and _SECTION.search(stripped) and not _TURN.match(stripped):
        return stripped.rstrip(":")
    return None


def _speakers(lines: list[Line]) -> tuple[set[str], set[str]]:
    """Speakers who take at least two turns, and which of them ask the questions."""
    turns: dict[str, list[str]] = {}
    for line in lines:
        match = _TURN.match(line.text)
        if match and len(match.group(1).split()) <= 3:
            turns.setdefault(match.group(1).strip(), []).append(match.group(2))
    speakers = {name for name, said in turns.items() if len(said) >= 2 and not METADATA.match(name)}
    asking = {
        name
        for name in speakers
        if INTERVIEWERS.match(name)
        or sum(s.rstrip().endswith("?") for s in turns[name]) >= 0.6 * len(turns[name])
    }
    return speakers, asking


def _transcript(lines: list[Line], name: str) -> Research:
    speakers, asking = _speakers(lines)
    answering = speakers - asking
    kind: ResearchKind = "interviews" if answering else "notes"
    research = Research(ResearchSource(name=name, kind=kind))
    headings = [h for h in (_heading(line.text) for line in lines) if h]
    section, speaker = name, None
    for line in lines:
        text = line.text.strip()
        heading = _heading(text)
        if heading:
            section, speaker = heading, None
            continue
        if not text:
            continue
        match = _TURN.match(text)
        if match and METADATA.match(match.group(1).strip()):
            continue  # "Date: 4 February", not something a customer said
        if match and match.group(1).strip() in speakers:
            speaker, text = match.group(1).strip(), match.group(2).strip()
        if kind == "interviews" and (speaker is None or speaker in asking):
            continue  # the interviewer's words and untagged notes are not the customer's
        if kind == "notes" and not headings:
            respondent = f"{name}#{line.place.line}"  # one comment per line, as in a list
        else:
            respondent = f"{name}#{section}#{speaker or ''}"
        research.passages.append(
            Passage(
                text=text.lstrip("-*•").strip(),
                source=name,
                place=line.place,
                respondent=respondent,
            )
        )
    return research

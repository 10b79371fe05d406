"""Evidence notes in table exports: an item that rests on the person's research carries a
footnote (``Queue at the till [^1]``, Markdown's footnote syntax) and a note under the table
says where it was heard (``[^1]: “We queued for 20 minutes” — reviews.csv · row 12``). The
importers read both back, so a Markdown, CSV or XLSX round trip keeps what the evidence says
and where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.domain import LANGS, Emotion, Item, JourneyMap, Provenance, Source
from assistant.language.i18n import t

NoteKey = tuple[str, str | None, str | None]  # title, location, quote
MAX_NOTE = 999
_MARK = re.compile(r" ?\[\^(\d{1,3})\]$")
_NUMBER = re.compile(r"^\[\^(\d{1,3})\]:?$")
_LINE = re.compile(r"^\[\^(\d{1,3})\]:\s+(.*)$")
_QUOTED = re.compile(r"^“(.*)”(?:\s+—\s+(.*))?$")
_PLACE = " · "


def key(source: Source) -> NoteKey:
    return (source.title, source.chunk_id, source.snippet)


def number_sources(sources: Iterable[Source]) -> dict[NoteKey, int]:
    """A note number for each distinct source, in the order met."""
    numbers: dict[NoteKey, int] = {}
    for source in sources:
        numbers.setdefault(key(source), len(numbers) + 1)
    return numbers


def note_text(source: Source) -> str:
    """``“quote” — file · place`` (the quote and place only when there are ones)."""
    where = _PLACE.join(part for part in (source.title, source.chunk_id) if part)
    if source.snippet:
        return f"“{source.snippet}” — {where}"
    return where


def footnote(number: int) -> str:
    return f"[^{number}]"


def note_line(number: int, source: Source) -> str:
    return f"{footnote(number)}: {note_text(source)}"


def read_note(body: str) -> Source:
    """The source a note's text names (``note_text`` backwards)."""
    quoted = _QUOTED.match(body.strip())
    quote, where = (quoted.group(1), quoted.group(2) or "") if quoted else (None, body.strip())
    title, _, place = where.partition(_PLACE)
    title = title.strip() or "research"
    return Source(
        doc_id=f"user/{title}",
        title=title,
        chunk_id=place.strip() or None,
        snippet=quote,
    )


def notes_in_lines(lines: Iterable[str]) -> dict[int, Source]:
    """The footnote definitions of a Markdown text (``[^1]: …``)."""
    found: dict[int, Source] = {}
    for line in lines:
        match = _LINE.match(line.strip())
        if match and int(match.group(1)) <= MAX_NOTE:
            found.setdefault(int(match.group(1)), read_note(match.group(2)))
    return found


def split_note_rows(rows: list[list[str]]) -> tuple[list[list[str]], dict[int, Source]]:
    """Spreadsheet rows without the note rows (``[^1]`` in the first cell, the note in the
    next) and the row that heads them; the notes by number."""
    found: dict[int, Source] = {}
    kept: list[list[str]] = []
    for row in rows:
        cells = [c.strip() for c in row]
        match = _NUMBER.match(cells[0]) if cells else None
        if match and len(cells) > 1 and cells[1] and not any(cells[2:]):
            found.setdefault(int(match.group(1)), read_note(cells[1]))
            continue
        kept.append(row)
    if found:  # the heading of the notes: a lone cell right above the first note
        while kept and sum(bool(c.strip()) for c in kept[-1]) <= 1 and _is_notes_heading(kept):
            kept.pop()
    return kept, found


def _is_notes_heading(rows: list[list[str]]) -> bool:
    heading = {t("evidence_notes", lang).casefold() for lang in LANGS}
    last = next((c.strip() for c in rows[-1] if c.strip()), "")
    return not last or last.casefold() in heading


def mark_number(text: str) -> tuple[str, int | None]:
    """A trailing `` [^n]`` footnote off ``text``."""
    match = _MARK.search(text)
    if not match:
        return text, None
    return text[: match.start()], int(match.group(1))


def apply_notes(journey: JourneyMap, notes: dict[int, Source]) -> JourneyMap:
    """Items and emotions whose text ends with a note's number become evidence citing it;
    a number with no note stays part of the text."""
    if not notes:
        return journey
    for item in _items(journey):
        text, number = mark_number(item.text)
        if number in notes and text.strip():
            item.text = text
            item.provenance = Provenance(kind="evidence", source=notes[number])
    for stage in journey.stages:
        emotion: Emotion = stage.emotion
        reason, number = mark_number(emotion.reason or "")
        if number in notes:
            emotion.reason = reason
            emotion.provenance = Provenance(kind="evidence", source=notes[number])
    return journey


def _items(journey: JourneyMap) -> Iterator[Item]:
    for stage in journey.stages:
        if stage.customer_goal:
            yield stage.customer_goal
        for lane in (
            stage.actions,
            stage.thoughts,
            stage.pain_points,
            stage.frontstage,
            stage.backstage,
            stage.support_processes,
            stage.physical_evidence,
            *stage.extra_lanes.values(),
        ):
            yield from lane

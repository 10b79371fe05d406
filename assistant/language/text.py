"""Light text handling for three languages: words, prefix stems, sentences, overlap.

Finnish and Estonian inflect heavily; truncating words to a fixed prefix is a well-known,
robust stand-in for a stemmer in retrieval (asiakaspolun, asiakaspolku -> asiaka...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from assistant.language.words import word_lists

STEM_LENGTH = 6
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-ZÄÖÕÜŠŽÅ0-9])")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


@cache
def stopwords() -> frozenset[str]:
    """The stopwords of all three languages (a word is dropped whichever language it is)."""
    return frozenset(word_lists().stopwords.all())


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stems(text: str, keep_stopwords: bool = False) -> list[str]:
    """Prefix stems of the content words of ``text`` (all three languages' stopwords dropped)."""
    dropped = frozenset() if keep_stopwords else stopwords()
    return [word[:STEM_LENGTH] for word in words(text) if word not in dropped]


def sentences(text: str) -> list[str]:
    """Sentences of a passage; bullet lines count as sentences of their own."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if not line or line.startswith("|") or line.startswith("#"):
            continue
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


def units(text: str) -> list[str]:
    """The passage in pieces that stand on their own: sentences, and a list with the line
    that leads into it ("Write three things in the header:" and its bullets) as one piece,
    its bullets kept as Markdown."""
    found: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    i = 0
    while i < len(lines):
        line = lines[i]
        bullets: list[str] = []
        j = i + 1
        while line.endswith(":") and j < len(lines) and not lines[j]:
            j += 1  # a blank line between the lead and its list
        if line.endswith(":") and j < len(lines) and lines[j].startswith("|"):
            bullets, j = _table_rows(lines, j)
        while line.endswith(":") and j < len(lines) and _BULLET.match(lines[j]):
            bullets.append("- " + _BULLET.sub("", lines[j]).strip())
            j += 1
        if bullets:
            *before, lead = sentences(line) or [line]
            found.extend(before)
            found.append("\n".join([lead, *bullets]))
            i = j
            continue
        found.extend(sentences(line))
        i += 1
    return found


def _table_rows(lines: list[str], start: int) -> tuple[list[str], int]:
    """A Markdown table as list items, one per row: "- **Row** – Column: cell; Column: cell"
    (every cell's words as written); and the line after the table."""
    rows: list[list[str]] = []
    j = start
    while j < len(lines) and lines[j].startswith("|"):
        cells = [cell.strip() for cell in lines[j].strip().strip("|").split("|")]
        if not all(set(cell) <= set("-: ") for cell in cells):  # not the |---| line
            rows.append(cells)
        j += 1
    if len(rows) < 2:
        return [], j
    header, body = rows[0], rows[1:]
    items = []
    for row in body:
        pairs = "; ".join(
            f"{name}: {cell}" for name, cell in zip(header[1:], row[1:], strict=False) if cell
        )
        items.append(f"- **{row[0]}** – {pairs}" if pairs else f"- {row[0]}")
    return items, j


def is_list(unit: str) -> bool:
    return "\n- " in unit


def overlap(query_stems: Iterable[str], text: str) -> float:
    """Share of the query's distinct stems found in ``text``."""
    wanted = set(query_stems)
    if not wanted:
        return 0.0
    return len(wanted & set(stems(text))) / len(wanted)

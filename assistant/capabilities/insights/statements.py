"""Split what a respondent wrote into statements: sentences, and the halves of a sentence that
turns at "but" ("the coffee was great but the queue was long" is a gain and a pain).

A statement is always a verbatim piece of the passage (only surrounding spaces, list marks
and a leading "but" are left out), so a quote of it is exactly what the customer wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.capabilities.insights.research import Passage
from assistant.language.text import words

_END = re.compile(r"(?<=[.!?…])[)\"'”»]*\s+|\n+|(?<=\S)\s+[–—]\s+(?=\S)")
_TURN = re.compile(
    r"(?:[,;]\s*|\s+)(?=(?:but|however|although|though|yet|mutta|kuitenkin|vaikka|silti|"
    r"sen sijaan|aga|kuid|samas|ometi|ent)\b)",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:but|however|although|though|yet|mutta|kuitenkin|vaikka|silti|sen sijaan|aga|kuid|"
    r"samas|ometi|ent)\b[,\s]*",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|esim|mm|jne|ns|klo|nt|jms|vms|vs|dr|mr|mrs|ms|nr|lk|pr|hr|jt|"
    r"st|ca|kl|ym|yms|tms|vrd|u\.a)|\b\d{1,2})\.$",
    re.IGNORECASE,
)
MIN_HALF_WORDS = 3  # a "but" splits a sentence only when both halves say something


@dataclass(frozen=True)
class Statement:
    """One thing a respondent said, verbatim, with the passage it is from."""

    text: str
    passage: Passage


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for end in _END.finditer(text):
        if _ABBREVIATION.search(text[start : end.start()].rstrip()):
            continue  # "klo 9." or "esim." does not end a sentence
        pieces.append(text[start : end.start()])
        start = end.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _halves(sentence: str) -> list[str]:
    parts = [p for p in _TURN.split(sentence) if p.strip()]
    if len(parts) < 2 or any(len(words(p)) < MIN_HALF_WORDS for p in parts):
        return [sentence]
    return parts


def _clean(piece: str) -> str:
    piece = piece.strip().lstrip("-*•>").strip()
    piece = _LEAD.sub("", piece).strip()
    return piece.rstrip(",;:").strip()


def split_statements(passage: Passage) -> list[Statement]:
    """The statements of a passage, in order; none from text without words."""
    found: list[Statement] = []
    for sentence in _sentences(passage.text):
        for half in _halves(sentence):
            text = _clean(half)
            if text and words(text) and text in passage.text:
                found.append(Statement(text, passage))
    return found

"""What a message is: a pasted map, a request for help, a change to the map (and the
commands around it: accept, reject, undo, "why is X here?", "more ideas"), a methodology
question, or an answer to the interview. One classifier for every adapter (the page, Slack,
the CLI)."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from assistant.capabilities.editing.commands import (
    asks_for_ideas,
    asks_why,
    is_accept,
    is_reject,
    is_undo,
    looks_like_edit,
)
from assistant.language.text import words
from assistant.language.words import word_lists

Intent = Literal[
    "map", "help", "question", "answer", "edit", "accept", "reject", "undo", "why", "ideas"
]
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
MIN_TABLE_ROWS = 2


def looks_like_map(text: str) -> bool:
    """A pasted Markdown table (two or more ``| ... |`` lines) or a JSON object."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return True
    rows = sum(bool(_TABLE_ROW.match(line)) for line in stripped.splitlines())
    return rows >= MIN_TABLE_ROWS


@cache
def _question_words() -> frozenset[str]:
    return frozenset(word_lists().question_words.all())


@cache
def _help_words() -> frozenset[str]:
    return frozenset(word_lists().help_words.all())


def is_help(text: str) -> bool:
    """Only a help word ("help", "apua", "abi", "?"), or nothing at all."""
    flat = text.strip().lower().strip(" .!")
    return flat in _help_words() or not flat


def looks_like_question(text: str) -> bool:
    """Ends with a question mark and opens with a question word, in any of the languages."""
    stripped = text.strip()
    first = next(iter(words(stripped)), "")
    return stripped.endswith("?") and first in _question_words()


def classify(
    text: str, *, interviewing: bool = False, has_map: bool = False, proposing: bool = False
) -> Intent:
    """The intent of ``text``; while an interview is asking, anything that is not a map, a
    call for help or a question is an answer to it. Edits and their commands exist only
    when there is a map (the session takes an unclear "edit" as an answer while the
    interview asks); accept and reject only when a change is proposed."""
    if looks_like_map(text):
        return "map"
    if is_help(text):
        return "help"
    if has_map:
        if proposing and is_accept(text):
            return "accept"
        if proposing and is_reject(text):
            return "reject"
        if is_undo(text):
            return "undo"
        if asks_for_ideas(text):
            return "ideas"
        if asks_why(text):
            return "why"
        if looks_like_edit(text):
            return "edit"
    if not interviewing or looks_like_question(text):
        return "question"
    return "answer"

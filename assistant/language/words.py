"""The word lists of the three languages (``words.yaml``), typed and validated at load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from assistant.domain import LocalizedList, Strict
from assistant.resources import load_data

_WORDS = Path(__file__).resolve().parent / "words.yaml"


class WordLists(Strict):
    """Stopwords, language markers, question and help words, per language."""

    stopwords: LocalizedList
    language_markers: LocalizedList
    question_words: LocalizedList
    help_words: LocalizedList


@cache
def word_lists() -> WordLists:
    return load_data(_WORDS, WordLists)


@cache
def first_names() -> LocalizedList:
    """Common first names per language (``names.yaml``), for a persona nobody named."""
    return load_data(Path(__file__).resolve().parent / "names.yaml", LocalizedList)

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
    dependent_openers: LocalizedList
    list_question_words: LocalizedList
    self_references: LocalizedList


@cache
def word_lists() -> WordLists:
    return load_data(_WORDS, WordLists)


class FirstNames(Strict):
    """Common first names of women and of men per language, and the whole words that say a
    business or its customer is about women or about men (``names.yaml``)."""

    women: LocalizedList
    men: LocalizedList
    women_cues: LocalizedList
    men_cues: LocalizedList


@cache
def first_names() -> FirstNames:
    """The names a persona nobody named may get."""
    return load_data(Path(__file__).resolve().parent / "names.yaml", FirstNames)

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


def overlap(query_stems: Iterable[str], text: str) -> float:
    """Share of the query's distinct stems found in ``text``."""
    wanted = set(query_stems)
    if not wanted:
        return 0.0
    return len(wanted & set(stems(text))) / len(wanted)

"""Which of en, fi and et a text is written in: character trigrams plus marker words."""

from __future__ import annotations

import math
from collections import Counter
from functools import cache

from assistant.domain import LANGS, Lang
from assistant.language.text import words
from assistant.language.words import word_lists

MIN_EVIDENCE = 4.0  # log-likelihood lead the best language needs over the runner-up


def _trigrams(text: str) -> list[str]:
    padded = " " + " ".join(words(text)) + " "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@cache
def _profiles() -> dict[Lang, tuple[dict[str, float], float]]:
    """Character-trigram log-probabilities per language, learnt from the knowledge base's
    own parallel documents (the same topics in all three languages)."""
    from assistant.resources import knowledge_dir

    profiles: dict[Lang, tuple[dict[str, float], float]] = {}
    for lang in LANGS:
        counts = Counter(
            gram
            for path in sorted((knowledge_dir() / lang).glob("*.md"))
            for gram in _trigrams(path.read_text(encoding="utf-8"))
        )
        total = sum(counts.values()) + len(counts) + 1
        profiles[lang] = (
            {gram: math.log((n + 1) / total) for gram, n in counts.items()},
            math.log(1 / total),
        )
    return profiles


@cache
def _markers() -> dict[Lang, frozenset[str]]:
    found = word_lists().language_markers
    return {lang: frozenset(found.get(lang)) for lang in LANGS}


def guess_language(text: str) -> Lang | None:
    """en, fi or et when the text says so clearly; ``None`` for short or language-neutral
    text ("1", "Anna, 30", "NPS") or no clear lead."""
    grams = _trigrams(text)
    if sum(ch.isalpha() for ch in text) < 4 or not grams:
        return None
    scores: dict[Lang, float] = {}
    for lang, (logp, unseen) in _profiles().items():
        scores[lang] = sum(logp.get(gram, unseen) for gram in grams)
    for token in words(text):
        for lang, markers in _markers().items():
            if token in markers:
                scores[lang] += 1.0
    ranked = sorted(scores, key=lambda lang: -scores[lang])
    best, runner_up = ranked[0], ranked[1]
    return best if scores[best] - scores[runner_up] >= MIN_EVIDENCE else None


def detect_language(text: str, default: Lang = "en") -> Lang:
    """Guess en/fi/et; ``default`` without a clear lead."""
    return guess_language(text) or default

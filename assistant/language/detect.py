"""Which of en, fi and et a text is written in: character trigrams plus marker words."""

from __future__ import annotations

import math
from collections import Counter
from functools import cache

from assistant.domain import LANGS, Lang
from assistant.language.text import stopwords, words
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


FOREIGN_FIT = -7.9  # mean trigram log-probability below which a text may be foreign
STOPWORD_SHARE = 0.12  # ...unless this share of its words are en/fi/et stopwords


def known_language(text: str) -> Lang | None:
    """en, fi or et when ``text`` (a paragraph or more) is written in one of them; ``None``
    for a fourth language (German, Swedish...). Two signs, measured on sample reviews: how
    well the three trigram profiles expect the text (en/fi/et prose -7.2 to -7.9, German,
    French and Swedish -8.3 to -8.9), and, for informal text the profiles expect less, the
    share of its words that are stopwords of the three (en/fi/et 0.2-0.3, others under
    0.07)."""
    grams = _trigrams(text)
    if not grams:
        return None
    fits = {
        lang: sum(logp.get(gram, unseen) for gram in grams) / len(grams)
        for lang, (logp, unseen) in _profiles().items()
    }
    best = max(fits, key=lambda lang: fits[lang])
    if fits[best] < FOREIGN_FIT:
        found = words(text)
        common = stopwords()
        if not found or sum(w in common for w in found) / len(found) < STOPWORD_SHARE:
            return None
    return guess_language(text) or best

"""Light text handling for three languages: words, prefix stems, sentences, language guess.

Finnish and Estonian inflect heavily; truncating words to a fixed prefix is a well-known,
robust stand-in for a stemmer in retrieval (asiakaspolun, asiakaspolku -> asiaka...).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from assistant.domain import LANGS, Lang

STEM_LENGTH = 6
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-ZÄÖÕÜŠŽÅ0-9])")

STOPWORDS: dict[Lang, frozenset[str]] = {
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "by",
            "do",
            "does",
            "for",
            "from",
            "how",
            "i",
            "in",
            "is",
            "it",
            "its",
            "me",
            "my",
            "of",
            "on",
            "or",
            "our",
            "should",
            "so",
            "that",
            "the",
            "their",
            "them",
            "there",
            "these",
            "they",
            "this",
            "to",
            "was",
            "we",
            "what",
            "when",
            "where",
            "which",
            "who",
            "why",
            "will",
            "with",
            "you",
            "your",
            "can",
            "into",
            "than",
            "then",
            "also",
            "about",
        ]
    ),
    "fi": frozenset(
        [
            "ja",
            "on",
            "ei",
            "se",
            "että",
            "tai",
            "kun",
            "mitä",
            "miten",
            "mikä",
            "mitkä",
            "kuinka",
            "miksi",
            "missä",
            "ovat",
            "olla",
            "oli",
            "sen",
            "ne",
            "niin",
            "myös",
            "kuin",
            "jos",
            "vai",
            "voi",
            "voin",
            "pitää",
            "minun",
            "meidän",
            "meillä",
            "mutta",
            "sekä",
            "tämä",
            "tässä",
            "siitä",
            "siksi",
            "jotka",
            "joka",
            "mihin",
            "kanssa",
        ]
    ),
    "et": frozenset(
        [
            "ja",
            "on",
            "ei",
            "see",
            "et",
            "või",
            "kui",
            "mis",
            "mida",
            "kuidas",
            "miks",
            "kus",
            "kas",
            "need",
            "nad",
            "oma",
            "ka",
            "aga",
            "nii",
            "siis",
            "mina",
            "meie",
            "meil",
            "seda",
            "selle",
            "kes",
            "mille",
            "millal",
            "ning",
            "mu",
            "minu",
            "sa",
            "sina",
        ]
    ),
}
_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())

# Words that are frequent in one language and rare in the others.
_LANG_MARKERS: dict[Lang, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "what",
            "how",
            "is",
            "are",
            "of",
            "to",
            "for",
            "with",
            "customer",
            "journey",
            "map",
            "why",
            "which",
            "does",
            "should",
            "our",
            "we",
            "my",
            "i",
            "you",
            "do",
            "in",
            "a",
        ]
    ),
    "fi": frozenset(
        [
            "ja",
            "on",
            "mitä",
            "miten",
            "mikä",
            "kuinka",
            "miksi",
            "ovat",
            "että",
            "asiakaspolku",
            "asiakaspolun",
            "asiakas",
            "asiakkaan",
            "asiakkaat",
            "kartta",
            "kartan",
            "yritys",
            "meillä",
            "minun",
            "voin",
            "pitää",
            "tai",
            "kun",
            "myös",
            "vaihe",
            "vaiheet",
            "kosketuspisteet",
            "kipupisteet",
            "en",
            "tiedä",
        ]
    ),
    "et": frozenset(
        [
            "ja",
            "on",
            "mis",
            "kuidas",
            "miks",
            "kas",
            "mida",
            "ning",
            "klient",
            "kliendi",
            "klienditeekond",
            "teekond",
            "teekonna",
            "kaart",
            "kaardi",
            "ettevõte",
            "meie",
            "minu",
            "või",
            "ka",
            "etapid",
            "puutepunktid",
            "valupunktid",
            "ei",
            "tea",
        ]
    ),
}


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stems(text: str, keep_stopwords: bool = False) -> list[str]:
    """Prefix stems of the content words of ``text`` (all three languages' stopwords dropped)."""
    return [
        word[:STEM_LENGTH] for word in words(text) if keep_stopwords or word not in _ALL_STOPWORDS
    ]


def sentences(text: str) -> list[str]:
    """Sentences of a passage; bullet lines count as sentences of their own."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if not line or line.startswith("|") or line.startswith("#"):
            continue
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


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


MIN_EVIDENCE = 4.0  # log-likelihood lead the best language needs over the runner-up


def detect_language(text: str, default: Lang = "en") -> Lang:
    """Guess en/fi/et from character trigrams and marker words; ``default`` without a clear lead.

    Short or language-neutral text ("1", "Anna, 30", "NPS") keeps ``default``.
    """
    grams = _trigrams(text)
    if sum(ch.isalpha() for ch in text) < 4 or not grams:
        return default
    scores: dict[Lang, float] = {}
    for lang, (logp, unseen) in _profiles().items():
        scores[lang] = sum(logp.get(gram, unseen) for gram in grams)
    for token in words(text):
        for lang, markers in _LANG_MARKERS.items():
            if token in markers:
                scores[lang] += 1.0
    ranked = sorted(scores, key=lambda lang: -scores[lang])
    best, runner_up = ranked[0], ranked[1]
    return best if scores[best] - scores[runner_up] >= MIN_EVIDENCE else default


def overlap(query_stems: Iterable[str], text: str) -> float:
    """Share of the query's distinct stems found in ``text``."""
    wanted = set(query_stems)
    if not wanted:
        return 0.0
    return len(wanted & set(stems(text))) / len(wanted)

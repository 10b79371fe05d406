"""Recognise vocabulary in free text: channels, industries, cues, stages.

Terms match at word starts, so a stem such as ``verkkosivu`` matches ``verkkosivuillamme``;
multi-word terms match as phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from assistant.catalog import (
    STAGE_KEYS,
    ChannelTerm,
    IndustryPattern,
    LocalizedList,
    StageKey,
    patterns,
    vocabulary,
)
from assistant.domain import BusinessModel, MapType


def normalise(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", text.lower())) + " "


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = re.findall(r"[^\W_]+", term.lower())
    return re.compile(r"(?<![^\W_])" + r"\s+".join(map(re.escape, words)))


def mentions(text: str, terms: Iterable[str]) -> int:
    """How many of ``terms`` occur in ``text`` (at word starts)."""
    flat = normalise(text)
    return sum(1 for term in terms if term.strip() and _term_pattern(term).search(flat))


def mentions_any(text: str, terms: LocalizedList) -> bool:
    return mentions(text, terms.all()) > 0


def find_channel(text: str) -> ChannelTerm | None:
    """The channel a phrase names: the one with the longest matching synonym."""
    best: tuple[int, ChannelTerm] | None = None
    flat = normalise(text)
    for channel in vocabulary().channels:
        for term in channel.synonyms.all():
            if term.strip() and _term_pattern(term).search(flat):
                length = len(term)
                if best is None or length > best[0]:
                    best = (length, channel)
    return best[1] if best else None


def channels_in(text: str) -> list[ChannelTerm]:
    flat = normalise(text)
    return [
        channel
        for channel in vocabulary().channels
        if any(t.strip() and _term_pattern(t).search(flat) for t in channel.synonyms.all())
    ]


def match_industry(text: str) -> IndustryPattern:
    """The drafting pattern whose aliases the text names most; ``generic`` when none."""
    scored = [
        (mentions(text, pattern.aliases.all()), pattern)
        for pattern in patterns().values()
        if pattern.industry != "generic"
    ]
    scored.sort(key=lambda item: -item[0])
    if scored and scored[0][0] > 0:
        return scored[0][1]
    return patterns()["generic"]


def infer_model(text: str) -> BusinessModel | None:
    vocab = vocabulary()
    b2b, b2c = mentions(text, vocab.b2b_cues.all()), mentions(text, vocab.b2c_cues.all())
    if b2b > b2c:
        return "b2b"
    if b2c > b2b:
        return "b2c"
    return None


def infer_map_type(text: str) -> MapType | None:
    scored = [
        (mentions(text, cues.all()), kind) for kind, cues in vocabulary().map_type_cues.items()
    ]
    scored.sort(key=lambda item: -item[0])
    return scored[0][1] if scored and scored[0][0] > 0 else None


def stage_for(text: str) -> StageKey | None:
    """The five-stage key a pain point or item belongs to, from stage cue words."""
    scores = {key: mentions(text, vocabulary().stage_cues[key].all()) for key in STAGE_KEYS}
    best = max(STAGE_KEYS, key=lambda key: scores[key])
    if scores[best]:
        return best
    channel = find_channel(text)
    return channel.stages[0] if channel else None


def is_skip(text: str) -> bool:
    flat = normalise(text).strip()
    return any(normalise(word).strip() == flat for word in vocabulary().skip_words.all())


def has_physical_presence(text: str) -> bool:
    return mentions_any(text, vocabulary().physical_presence_cues)

"""The vocabulary (``knowledge/vocabulary.yaml``) and how free text is matched against it:
channels, business-model and map-type cues, stage cues, skip words.

Terms match at word starts, so a stem such as ``verkkosivu`` matches ``verkkosivuillamme``;
multi-word terms match as phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Literal

from pydantic import Field, field_validator

from assistant.domain import (
    STAGE_KEYS,
    BusinessModel,
    LaneKey,
    Localized,
    LocalizedList,
    MapType,
    StageKey,
    Strict,
    TouchpointKind,
)
from assistant.resources import knowledge_dir, load_data

MetaKey = Literal[
    "title",
    "persona",
    "scenario",
    "purpose",
    "scope",
    "map_type",
    "owner",
    "last_updated",
    "review_cadence",
    "evidence",
    "business",
    "model",
    "kpis",
    "stage",
]


class ChannelTerm(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: TouchpointKind
    label: Localized
    synonyms: LocalizedList = Field(description="Lower-case words or stems that name it.")
    stages: list[StageKey] = Field(min_length=1, description="Where it belongs in a journey.")


class Vocabulary(Strict):
    channels: list[ChannelTerm]
    lanes: dict[LaneKey, LocalizedList]
    meta_keys: dict[MetaKey, LocalizedList]
    emotions: dict[int, LocalizedList] = Field(description="Words per score -2..2.")
    b2b_cues: LocalizedList
    b2c_cues: LocalizedList
    map_type_cues: dict[MapType, LocalizedList]
    skip_words: LocalizedList
    physical_presence_cues: LocalizedList
    online_cues: LocalizedList = Field(description="Words that make a channel an online one.")
    stage_cues: dict[StageKey, LocalizedList] = Field(
        description="Words that place a pain point at a stage (checkout -> purchase)."
    )
    evidence_kinds: dict[str, LocalizedList] = Field(
        description="Research kinds (interviews, surveys, ...) and the words that name them."
    )
    jargon: LocalizedList = Field(description="Marketing jargon a customer would never say.")
    kpi_concepts: dict[str, LocalizedList] = Field(
        description="What a KPI measures (no-shows, rating...) and the words that name it."
    )

    @field_validator("emotions")
    @classmethod
    def _scores_in_range(cls, emotions: dict[int, LocalizedList]) -> dict[int, LocalizedList]:
        if set(emotions) != {-2, -1, 0, 1, 2}:
            raise ValueError("emotions needs exactly the scores -2, -1, 0, 1, 2")
        return emotions


@cache
def vocabulary() -> Vocabulary:
    return load_data(knowledge_dir() / "vocabulary.yaml", Vocabulary)


def normalise(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", text.lower())) + " "


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = re.findall(r"[^\W_]+", term.lower())
    return re.compile(r"(?<![^\W_])" + r"\s+".join(map(re.escape, words)))


@cache
def _term_words(term: str) -> str:
    """The term's words as they stand in a normalised text: a match needs this substring."""
    return " ".join(re.findall(r"[^\W_]+", term.lower()))


def _occurs(term: str, flat: str) -> bool:
    key = _term_words(term)
    return bool(key) and key in flat and bool(_term_pattern(term).search(flat))


def mentions(text: str, terms: Iterable[str]) -> int:
    """How many of ``terms`` occur in ``text`` (at word starts)."""
    flat = normalise(text)
    return sum(1 for term in terms if term.strip() and _occurs(term, flat))


def mention_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where each of ``terms`` that occurs in ``text`` first stands (start, end in the
    normalised text), so a longer name can outrank a shorter one inside it."""
    flat = normalise(text)
    spans = []
    for term in terms:
        if term.strip() and _occurs(term, flat):
            found = _term_pattern(term).search(flat)
            assert found is not None
            spans.append(found.span())
    return spans


def mentions_within(text: str, terms: Iterable[str], inside: int = 5) -> int:
    """Like ``mentions``, but a one-word term of ``inside`` letters or more also counts inside
    a compound word ("varau" in "nettiajanvarauksessa", "arve" does not: too short)."""
    flat = normalise(text)
    return sum(
        key in flat and (anywhere or bool(_term_pattern(key).search(flat)))
        for key, anywhere in _prepared(tuple(terms), inside)
    )


@cache
def _prepared(terms: tuple[str, ...], inside: int) -> tuple[tuple[str, bool], ...]:
    """Each term's words as a normalised text shows them, and whether it may match inside a
    word (a long one-word term) or only at a word start."""
    found = []
    for term in terms:
        term = term.strip().lower()
        if not term:
            continue
        if " " not in term and len(term) >= inside and term.isalpha():
            found.append((term, True))
        elif _term_words(term):
            found.append((_term_words(term), False))
    return tuple(found)


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


def channel_kind(text: str) -> TouchpointKind:
    """Whether a channel the person named is online or offline, from what it is: a known
    channel's kind, else offline for a place, a counter, a phone or a letter, else online."""
    term = find_channel(text)
    if term is not None:
        return term.kind
    if mentions_within(text, vocabulary().online_cues.all()):
        return "online"
    if has_physical_presence(text) or _compound_ends_with(
        text, vocabulary().physical_presence_cues
    ):
        return "offline"
    return "online"


def _compound_ends_with(text: str, cues: LocalizedList) -> bool:
    """A Finnish or Estonian compound names a place by its last part: "juuksurisalong",
    "kampaamoliike", "lähikirjasto"."""
    single = {cue for cue in cues.all() if cue.isalpha() and len(cue) >= 4}
    return any(
        word.endswith(cue) for word in re.findall(r"[^\W_]+", text.lower()) for cue in single
    )


def kpi_concepts_in(text: str) -> set[str]:
    """The KPI concepts a metric or KPI names ("no-show'de arv kuus" -> no_shows)."""
    return {
        concept
        for concept, words in vocabulary().kpi_concepts.items()
        if mentions_within(text, words.all())
    }

"""Reading an instruction against a map: its quotes, words, and what they name in the map
(stages by name, inflection, typo or position; lanes; items by their words).

Everything here finds; ``understand`` decides what the finds mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from assistant.capabilities.editing.apply import ENTRY_LANES, entries, entry_text
from assistant.capabilities.editing.grammar import Token, find_all, grammar, longest_at, tokens
from assistant.domain import JourneyMap
from assistant.language.text import stems

_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»|'([^']+)'(?![\w])|‘([^’]+)’")
_STAGE_SPLIT = ("vaihe", "vaihee", "vaihei", "etapp", "etapi")
MIN_PREFIX = 4


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class StageRef:
    """A stage the instruction names: which one, the tokens that name it, how firmly."""

    stage: int
    first: int
    last: int  # inclusive token index
    marked: bool  # next to a stage word ("Osto-vaiheeseen", "the Purchase stage")
    by_position: bool = False


@dataclass
class Reading:
    """An instruction taken apart."""

    text: str
    quotes: list[Quote]
    words: list[Token]
    used: set[int] = field(default_factory=set)
    content_from: int | None = None  # the token an entry's text starts at, after a colon

    def has(self, terms: list[str]) -> list[tuple[int, int]]:
        return find_all(terms, self.words)

    def use(self, start: int, length: int = 1) -> None:
        self.used.update(range(start, start + length))

    def free(self) -> list[int]:
        return [i for i in range(len(self.words)) if i not in self.used]


def all_terms(terms: object) -> list[str]:
    from assistant.domain import LocalizedList

    assert isinstance(terms, LocalizedList)
    return terms.all()


def read(text: str) -> Reading:
    quotes = []
    for match in _QUOTE.finditer(text):
        inner = next(group for group in match.groups() if group is not None)
        if inner.strip():
            quotes.append(Quote(inner.strip(), match.start(), match.end()))
    words = _split_compounds(tokens(text, [(q.start, q.end) for q in quotes]))
    return Reading(text=text, quotes=quotes, words=words)


def _split_compounds(words: list[Token]) -> list[Token]:
    """``ostovaiheeseen`` -> ``osto`` + ``vaiheeseen``: a stage name joined to a stage word."""
    found = []
    for word in words:
        cut = next((word.text.find(part) for part in _STAGE_SPLIT if word.text.find(part) >= 3), -1)
        if cut > 0:
            found.append(Token(word.text[:cut], word.start, word.start + cut))
            found.append(Token(word.text[cut:], word.start + cut, word.end))
        else:
            found.append(word)
    return found


def _name_words(name: str) -> list[str]:
    return [t.text for t in tokens(name)]


def word_fits(token: str, name_word: str) -> bool:
    """A word of the instruction names a word of a stage name: the same word inflected
    (teadlikkuse ~ teadlikkus, harkinnan ~ harkinta), or with a typo (consideraton)."""
    token, name_word = token.rstrip(":"), name_word.lower()
    if token == name_word:
        return True
    if len(name_word) < 3:
        return False
    common = len(_common_prefix(token, name_word))
    if common >= min(len(name_word), MIN_PREFIX) and common >= len(name_word) - 2:
        return len(token) - common <= (8 if common >= 6 else 6)
    if len(token) >= 5 and len(name_word) >= 5:
        return SequenceMatcher(None, token, name_word).ratio() >= 0.8
    return False


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]


def stage_refs(reading: Reading, journey: JourneyMap) -> list[StageRef]:
    """Every stage the instruction names by name (all its words in a row) or by position
    ("the third stage", "viimeinen vaihe", "stage 2")."""
    g = grammar()
    stage_words = all_terms(g.stage_words)
    words = reading.words
    found: list[StageRef] = []
    for index, stage in enumerate(journey.stages):
        wanted = _name_words(stage.name)
        if not wanted:
            continue
        for at in range(len(words) - len(wanted) + 1):
            if all(word_fits(words[at + k].text, w) for k, w in enumerate(wanted)):
                last = at + len(wanted) - 1
                marked = bool(longest_at(stage_words, words, last + 1))
                found.append(StageRef(index, at, last, marked))
    found.extend(_partial_refs(reading, journey, found))
    found.extend(_positional_refs(reading, journey))
    return _best_per_place(found, journey)


def _partial_refs(reading: Reading, journey: JourneyMap, full: list[StageRef]) -> list[StageRef]:
    """A long stage name named by its own distinctive word ("taotluse etapis" for "Taotlus
    või broneering", "Seuraavan ajan" for "Seuraava aika"): the word fits no other stage."""
    stage_words = all_terms(grammar().stage_words)
    words = reading.words
    named = {ref.stage for ref in full}
    found = []
    for index, stage in enumerate(journey.stages):
        wanted = _name_words(stage.name)
        if index in named or len(wanted) < 2:
            continue
        for k, name_word in enumerate(wanted):
            if len(name_word) < 5:
                continue
            for at, token in enumerate(words):
                if not word_fits(token.text, name_word) or longest_at(stage_words, words, at):
                    continue
                others = [
                    other
                    for j, other in enumerate(journey.stages)
                    if j != index and any(word_fits(token.text, w) for w in _name_words(other.name))
                ]
                if others:
                    continue
                last = at
                following = wanted[k + 1 :]
                for offset, next_word in enumerate(following, 1):
                    ahead = at + offset
                    if ahead >= len(words) or longest_at(stage_words, words, ahead):
                        break
                    if words[ahead].text[:1] != next_word[:1]:
                        break
                    last = ahead
                marked = bool(longest_at(stage_words, words, last + 1))
                found.append(StageRef(index, at, last, marked))
    return found


def _best_per_place(found: list[StageRef], journey: JourneyMap) -> list[StageRef]:
    """Where two stages claim the same words, the longer name wins; a word of a long stage
    name that is also a stage alone ("Purchase" in "After purchase") goes to the long one."""
    found.sort(key=lambda r: (r.first, -(r.last - r.first)))
    kept: list[StageRef] = []
    for ref in found:
        if any(k.first <= ref.first <= k.last for k in kept):
            continue
        kept.append(ref)
    return kept


def _positional_refs(reading: Reading, journey: JourneyMap) -> list[StageRef]:
    g = grammar()
    words = reading.words
    stage_words = all_terms(g.stage_words)
    found = []
    count = len(journey.stages)
    for at in range(len(words)):
        position = ordinal_at(reading, at)
        if position is None:
            continue
        after = longest_at(stage_words, words, at + 1)
        before = at > 0 and longest_at(stage_words, words, at - 1)
        if after:
            stage = count - 1 if position == -1 else position
            found.append(StageRef(stage, at, at + after, True, by_position=True))
        elif before and words[at].text.lstrip("+-").isdigit():
            found.append(StageRef(position, at - 1, at, True, by_position=True))
    return [ref for ref in found if 0 <= ref.stage < count]


def ordinal_at(reading: Reading, at: int) -> int | None:
    """The 0-based position an ordinal word or number at ``at`` names (-1: the last)."""
    g = grammar()
    word = reading.words[at].text
    if word.isdigit() and 0 < int(word) <= 50:
        return int(word) - 1
    for lang in ("en", "fi", "et"):
        for n, term in enumerate(g.ordinals.get(lang)):
            if longest_at([term], reading.words, at):
                return n
    if longest_at(all_terms(g.last_words), reading.words, at):
        return -1
    return None


@dataclass(frozen=True)
class ItemRef:
    stage: int
    lane: str
    index: int
    score: float


def find_items(
    journey: JourneyMap, words: str, stages: list[int] | None, lanes: list[str] | None
) -> list[ItemRef]:
    """Entries whose text holds the most of ``words`` (by stems, so inflected forms meet),
    best first; ties are kept so that the caller can ask which one was meant."""
    wanted = set(stems(words))
    if not wanted:
        return []
    found = []
    for s, stage in enumerate(journey.stages):
        if stages is not None and s not in stages:
            continue
        names = list(ENTRY_LANES) + list(stage.extra_lanes)
        for lane in names:
            if lanes is not None and lane not in lanes:
                continue
            for i, entry in enumerate(entries(stage, lane)):
                text = entry_text(entry)
                have = set(stems(text))
                hits = sum(_hit(w, have) for w in wanted)
                if not hits:
                    continue
                exact = text.strip().lower() == words.strip().lower()
                score = hits / len(wanted) + (1.0 if exact else 0.0)
                found.append(ItemRef(s, lane, i, score))
    found.sort(key=lambda r: -r.score)
    return found


def _hit(stem: str, have: set[str]) -> float:
    """1 for the same stem or the same word inflected (one stem starts the other, at least
    four letters: "kassa" ~ "kassas"), 0.5 for a likely typo, else 0."""
    if stem in have or any(
        min(len(stem), len(h)) >= 4 and (h.startswith(stem) or stem.startswith(h)) for h in have
    ):
        return 1.0
    return 0.5 if _close(stem, have) else 0.0


def _close(stem: str, have: set[str]) -> bool:
    return len(stem) >= 5 and any(
        len(h) >= 5 and SequenceMatcher(None, stem, h).ratio() >= 0.8 for h in have
    )

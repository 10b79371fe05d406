"""Read one cell of a lane into domain objects: items, touchpoints, opportunities, emotion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain import Emotion, Item, Opportunity, Provenance, ProvenanceKind, Touchpoint
from assistant.formats import terms
from assistant.formats.parse.errors import MapParseError
from assistant.formats.syntax import (
    mask,
    split_annotation,
    split_items,
    split_kind_tag,
    strip_bullet,
    take_mark,
    unmask,
)


def _entries(cell: str) -> list[tuple[str, ProvenanceKind]]:
    """(masked text, provenance kind) of every item in a cell."""
    found = []
    for raw in split_items(mask(cell)):
        text, kind = take_mark(raw)
        text = strip_bullet(text).strip()
        if text:
            found.append((text, kind))
    return found


def items(cell: str) -> list[Item]:
    return [
        Item(text=unmask(text), provenance=Provenance(kind=kind)) for text, kind in _entries(cell)
    ]


def single_item(cell: str) -> Item | None:
    """One item (the customer goal): several items in the cell are joined with '; '."""
    found = items(cell)
    if not found:
        return None
    return Item(text="; ".join(i.text for i in found), provenance=found[0].provenance)


def touchpoints(cell: str) -> list[Touchpoint]:
    owner_keys = {k: v for k, v in terms.annotation_keys().items() if v == "owner"}
    found = []
    for text, kind in _entries(cell):
        text, notes = split_annotation(text, owner_keys)
        channel, tag, description = split_kind_tag(text, terms.kind_tags())
        name = unmask(channel).strip()
        found.append(
            Touchpoint(
                channel=name,
                kind="offline" if (tag or terms.guess_kind(name)) == "offline" else "online",
                description=unmask(description),
                owner=unmask(notes["owner"]) if "owner" in notes else None,
                provenance=Provenance(kind=kind),
            )
        )
    return found


def opportunities(cell: str) -> list[Opportunity]:
    found = []
    for text, kind in _entries(cell):
        text, notes = split_annotation(text, terms.annotation_keys())
        values = {key: unmask(value) for key, value in notes.items()}
        found.append(
            Opportunity(
                text=unmask(text),
                owner=values.get("owner"),
                metric=values.get("metric"),
                addresses=values.get("addresses"),
                value=_rating(values.get("value")),
                effort=_rating(values.get("effort")),
                provenance=Provenance(kind=kind),
            )
        )
    return found


def _rating(text: str | None) -> int | None:
    """A 1-5 rating written in an annotation ("value: 4", "effort: 2/5"); None otherwise."""
    found = re.match(r"\s*([1-5])(?:\s*/\s*5)?\s*$", text or "")
    return int(found.group(1)) if found else None


_NUMBER = r"([+\-−]?\d+)(?:\s*/\s*(\d+))?"
_IN_PARENS = re.compile(rf"\(\s*{_NUMBER}\s*\)$")
_LEADING = re.compile(rf"^{_NUMBER}(?![\w.,/])")
_TRAILING = re.compile(rf"(?<![\w.,/]){_NUMBER}$")
_WITH_REASON = re.compile(rf"^(.*?\(\s*{_NUMBER}\s*\))\s*:\s*(.+)$", re.DOTALL)


@dataclass(frozen=True)
class RawEmotion:
    """An emotion cell before the table's scale (-2..2 or 1..5) is known."""

    number: int | None
    out_of: int | None
    signed: bool
    label: str
    word_score: int | None
    kind: ProvenanceKind
    where: str
    reason: str = ""

    def emotion(self, five_point: bool) -> Emotion:
        return Emotion(
            score=self._score(five_point),
            label=self.label,
            reason=self.reason,
            provenance=Provenance(kind=self.kind),
        )

    def _score(self, five_point: bool) -> int:
        if self.number is None:
            return self.word_score or 0
        if self.out_of:
            if not 1 <= self.number <= self.out_of:
                raise self._out_of_range()
            return round((self.number - 1) / (self.out_of - 1) * 4) - 2
        score = self.number - 3 if five_point else self.number
        if not -2 <= score <= 2:
            raise self._out_of_range()
        return score

    def _out_of_range(self) -> MapParseError:
        shown = f"{self.number}/{self.out_of}" if self.out_of else str(self.number)
        return MapParseError(
            f"{self.where}: the emotion {shown} is out of range. Use -2 (very negative) to "
            "+2 (very positive), a 1-5 scale, or a word such as 'frustrated'."
        )


def raw_emotion(cell: str, where: str) -> RawEmotion | None:
    """The emotion a cell states: a number, a word or an emoji, and after ``(n):`` the reason;
    None for an empty cell."""
    masked, kind = take_mark(mask(cell).strip())
    reason = ""
    if split := _WITH_REASON.match(masked):
        masked, reason = split.group(1), unmask(split.group(4)).strip()
    text = unmask(masked).strip()
    if not text:
        return None
    number, out_of, label, signed = None, None, text, False
    for pattern in (_IN_PARENS, _LEADING, _TRAILING):
        found = pattern.search(text)
        denominator = int(found.group(2)) if found and found.group(2) else None
        if found and (denominator is None or 3 <= denominator <= 10):
            number, out_of = int(found.group(1).replace("−", "-")), denominator
            signed = found.group(1)[0] in "+-−"
            if pattern is _IN_PARENS:
                label = text[: found.start()].strip()
            else:
                label = (text[: found.start()] + text[found.end() :]).strip(" -–—:,")
            break
    word_score = terms.emotion_from_words(label) if label else None
    return RawEmotion(number, out_of, signed, label, word_score, kind, where, reason)


def five_point_scale(found: list[RawEmotion]) -> bool:
    """Whether plain numbers read as a 1-5 scale: all are 1 or more, one is 3 or more."""
    plain = [e.number for e in found if e.number is not None and not e.out_of]
    signed = any(e.signed for e in found if e.number is not None and not e.out_of)
    return bool(plain) and not signed and min(plain) >= 1 and max(plain) >= 3

"""Apply typed operations to a copy of a map; nothing else in the map changes.

Each operation is checked against the map it is applied to (the stage and item exist, a map
keeps at least one stage); a failed check raises ``EditError`` with a message key, and the
map the caller holds is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.domain import (
    BLUEPRINT_LANES,
    Emotion,
    Item,
    JourneyMap,
    Lang,
    Opportunity,
    Persona,
    Provenance,
    Stage,
    Touchpoint,
)
from assistant.domain.edits import (
    PERSONA_LISTS,
    AddItem,
    AddStage,
    ChangeItem,
    MoveItem,
    MoveStage,
    Operation,
    RemoveItem,
    RemoveStage,
    RenameStage,
    SetEmotion,
    SetField,
    SetPersona,
)
from assistant.language.i18n import t
from assistant.language.vocabulary import channel_kind, vocabulary

#: Lanes that hold a list of entries (plus each stage's extra lanes).
ITEM_LANES = (
    "actions",
    "touchpoints",
    "thoughts",
    "pain_points",
    "opportunities",
    *BLUEPRINT_LANES,
)
ENTRY_LANES = ("customer_goal", *ITEM_LANES)
_PERSON = Provenance(kind="user")


class EditError(ValueError):
    """An operation that does not fit the map; ``message`` is in the map's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def entries(stage: Stage, lane: str) -> list[Any]:
    """The entries of a lane, as a list (the stage's goal is a list of none or one)."""
    if lane == "customer_goal":
        return [stage.customer_goal] if stage.customer_goal else []
    if lane in ITEM_LANES:
        found: list[Any] = getattr(stage, lane)
        return found
    return stage.extra_lanes.get(lane, [])


def entry_text(entry: Any) -> str:
    return entry.channel if isinstance(entry, Touchpoint) else str(entry.text)


def apply_operations(journey: JourneyMap, operations: Sequence[Operation]) -> JourneyMap:
    """A new map with ``operations`` applied in order, validated; the version is unchanged
    (the store raises it when the map is saved)."""
    edited = journey.model_copy(deep=True)
    for operation in operations:
        _apply(edited, operation)
    return JourneyMap.model_validate(edited.model_dump())


def _stage(journey: JourneyMap, index: int) -> Stage:
    if index >= len(journey.stages):
        raise EditError(t("edit_no_stage_number", journey.language, n=index + 1))
    return journey.stages[index]


def _lane(journey: JourneyMap, stage: Stage, lane: str) -> list[Any]:
    if lane not in ENTRY_LANES and lane not in stage.extra_lanes:
        if any(lane in other.extra_lanes for other in journey.stages):
            stage.extra_lanes[lane] = []
        else:
            raise EditError(t("edit_no_lane", journey.language, lane=lane))
    return entries(stage, lane)


def _entry(journey: JourneyMap, stage: Stage, lane: str, index: int) -> Any:
    found = _lane(journey, stage, lane)
    if index >= len(found):
        raise EditError(t("edit_no_item", journey.language, stage=stage.name))
    return found[index]


def _new_entry(lane: str, text: str, op: AddItem | None = None) -> Any:
    came = op.provenance if op and op.provenance else _PERSON
    if lane == "touchpoints":
        kind = op.kind if op and op.kind else channel_kind(text)
        return Touchpoint(channel=text, kind=kind, provenance=came)
    if lane == "opportunities":
        owner, metric = (op.owner, op.metric) if op else (None, None)
        return Opportunity(text=text, owner=owner, metric=metric, provenance=came)
    return Item(text=text, provenance=came)


def _converted(entry: Any, lane: str) -> Any:
    """An entry moved into ``lane``: itself when the lane holds its shape, else its words
    in that lane's shape (its provenance kept)."""
    moved = _new_entry(lane, entry_text(entry))
    if type(moved) is type(entry):
        return entry
    moved.provenance = entry.provenance
    return moved


def _put(journey: JourneyMap, stage: Stage, lane: str, entry: Any) -> None:
    if lane == "customer_goal":
        stage.customer_goal = entry
    elif lane in ITEM_LANES:
        getattr(stage, lane).append(entry)
    else:
        _lane(journey, stage, lane)
        stage.extra_lanes.setdefault(lane, []).append(entry)


def _take(stage: Stage, lane: str, index: int) -> Any:
    if lane == "customer_goal":
        entry, stage.customer_goal = stage.customer_goal, None
        return entry
    return entries(stage, lane).pop(index)


def _apply(journey: JourneyMap, op: Operation) -> None:
    lang = journey.language
    if isinstance(op, AddItem):
        stage = _stage(journey, op.stage)
        _lane(journey, stage, op.lane)
        _put(journey, stage, op.lane, _new_entry(op.lane, op.text.strip(), op))
    elif isinstance(op, RemoveItem):
        stage = _stage(journey, op.stage)
        _entry(journey, stage, op.lane, op.index)
        _take(stage, op.lane, op.index)
    elif isinstance(op, ChangeItem):
        _change(journey, op)
    elif isinstance(op, MoveItem):
        stage, target = _stage(journey, op.stage), _stage(journey, op.to_stage)
        lane = op.to_lane or op.lane
        _entry(journey, stage, op.lane, op.index)
        _lane(journey, target, lane)
        entry = _take(stage, op.lane, op.index)
        _put(journey, target, lane, _converted(entry, lane))
    elif isinstance(op, AddStage):
        position = len(journey.stages) if op.position is None else op.position
        journey.stages.insert(min(position, len(journey.stages)), Stage(name=op.name.strip()))
    elif isinstance(op, RemoveStage):
        _stage(journey, op.stage)
        if len(journey.stages) == 1:
            raise EditError(t("edit_last_stage", lang))
        journey.stages.pop(op.stage)
    elif isinstance(op, RenameStage):
        _stage(journey, op.stage).name = op.name.strip()
    elif isinstance(op, MoveStage):
        _stage(journey, op.stage)
        moved = journey.stages.pop(op.stage)
        journey.stages.insert(min(op.position, len(journey.stages)), moved)
    elif isinstance(op, SetEmotion):
        _set_emotion(journey, op)
    elif isinstance(op, SetPersona):
        _set_persona(journey, op)
    elif isinstance(op, SetField):
        _set_field(journey, op)


def _change(journey: JourneyMap, op: ChangeItem) -> None:
    stage = _stage(journey, op.stage)
    entry = _entry(journey, stage, op.lane, op.index)
    extras = (op.owner, op.metric, op.value, op.effort)
    if op.text is None and all(extra is None for extra in extras):
        raise EditError(t("edit_nothing_to_change", journey.language))
    if any(extra is not None for extra in extras) and not isinstance(entry, Opportunity):
        raise EditError(t("edit_owner_only_opportunity", journey.language))
    if op.text is not None:
        if isinstance(entry, Touchpoint):
            entry.channel = op.text.strip()
        else:
            entry.text = op.text.strip()
    if isinstance(entry, Opportunity):
        entry.owner = op.owner.strip() if op.owner is not None else entry.owner
        entry.metric = op.metric.strip() if op.metric is not None else entry.metric
        entry.value = op.value if op.value is not None else entry.value
        entry.effort = op.effort if op.effort is not None else entry.effort
    entry.provenance = _PERSON


def emotion_word(score: int, lang: Lang) -> str:
    """The first word the vocabulary has for ``score``, capitalised."""
    words = vocabulary().emotions[score].get(lang)
    return words[0].capitalize() if words else ""


def _set_emotion(journey: JourneyMap, op: SetEmotion) -> None:
    stage = _stage(journey, op.stage)
    if op.score is None and op.label is None:
        raise EditError(t("edit_nothing_to_change", journey.language))
    score = stage.emotion.score if op.score is None else op.score
    if op.label is not None:
        label = op.label.strip()
    elif op.score is not None and op.score != stage.emotion.score:
        label = emotion_word(score, journey.language)
    else:
        label = stage.emotion.label
    reason = stage.emotion.reason if score == stage.emotion.score else ""
    stage.emotion = Emotion(score=score, label=label, reason=reason, provenance=_PERSON)


def _set_persona(journey: JourneyMap, op: SetPersona) -> None:
    persona = journey.persona or Persona(name=t("edit_persona_default", journey.language))
    value = op.value.strip()
    if op.field in PERSONA_LISTS:
        current: list[str] = list(getattr(persona, op.field))
        if op.action == "add":
            current.append(value)
        elif op.action == "remove":
            if value not in current:
                raise EditError(t("edit_no_persona_entry", journey.language, entry=value))
            current.remove(value)
        else:
            current = [value] if value else []
        setattr(persona, op.field, current)
    elif op.action != "set":
        raise EditError(t("edit_persona_not_list", journey.language))
    elif op.field == "name" and not value:
        raise EditError(t("edit_persona_needs_name", journey.language))
    else:
        setattr(persona, op.field, value or (None if op.field == "b2b_role" else ""))
    persona.provenance = _PERSON
    journey.persona = persona


def _set_field(journey: JourneyMap, op: SetField) -> None:
    value = op.value.strip()
    if op.field == "title" and not value:
        raise EditError(t("edit_title_empty", journey.language))
    if op.field == "map_type":
        if value not in ("current-state", "future-state", "day-in-the-life", "service-blueprint"):
            raise EditError(t("edit_bad_map_type", journey.language))
    elif op.field in ("owner", "review_cadence"):
        setattr(journey, op.field, value or None)
        return
    setattr(journey, op.field, value)

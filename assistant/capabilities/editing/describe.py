"""What operations will change, for a person to read before accepting: where, old -> new."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.capabilities.editing.apply import (
    ENTRY_LANES,
    apply_operations,
    entries,
    entry_text,
)
from assistant.domain import JourneyMap, Lang
from assistant.domain.edits import (
    AddItem,
    AddStage,
    Change,
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
from assistant.formats.terms import format_words, lane_display, meta_display
from assistant.language.i18n import t


def lane_name(lane: str, lang: Lang) -> str:
    return lane_display(lane, lang) if lane in ENTRY_LANES else lane


def _where(journey: JourneyMap, stage: int, lane: str) -> str:
    return f"{journey.stages[stage].name} · {lane_name(lane, journey.language)}"


def _opportunity_extras(
    owner: str | None,
    metric: str | None,
    lang: Lang,
    value: int | None = None,
    effort: int | None = None,
) -> str:
    keys = format_words().annotation_keys
    pairs = (("owner", owner), ("metric", metric), ("value", value), ("effort", effort))
    parts = [f"{keys[key].get(lang)[0]}: {found}" for key, found in pairs if found]
    return f" ({'; '.join(parts)})" if parts else ""


def describe(journey: JourneyMap, operations: Sequence[Operation]) -> list[Change]:
    """One line per operation, each read against the map as the operations before it left
    it (so "the third stage" after a removal names the stage the person meant)."""
    changes: list[Change] = []
    current = journey
    for operation in operations:
        changes.append(_describe(current, operation))
        current = apply_operations(current, [operation])
    return changes


def _describe(journey: JourneyMap, op: Operation) -> Change:
    lang = journey.language
    if isinstance(op, AddItem):
        extra = _opportunity_extras(op.owner, op.metric, lang)
        return Change(where=_where(journey, op.stage, op.lane), after=op.text + extra)
    if isinstance(op, RemoveItem):
        entry = entries(journey.stages[op.stage], op.lane)[op.index]
        return Change(where=_where(journey, op.stage, op.lane), before=entry_text(entry))
    if isinstance(op, ChangeItem):
        entry = entries(journey.stages[op.stage], op.lane)[op.index]
        scored = op.value is not None or op.effort is not None
        before = entry_text(entry) + _opportunity_extras(
            getattr(entry, "owner", None),
            getattr(entry, "metric", None),
            lang,
            getattr(entry, "value", None) if scored else None,
            getattr(entry, "effort", None) if scored else None,
        )
        after = (op.text or entry_text(entry)) + _opportunity_extras(
            op.owner if op.owner is not None else getattr(entry, "owner", None),
            op.metric if op.metric is not None else getattr(entry, "metric", None),
            lang,
            (op.value if op.value is not None else getattr(entry, "value", None))
            if scored
            else None,
            (op.effort if op.effort is not None else getattr(entry, "effort", None))
            if scored
            else None,
        )
        return Change(where=_where(journey, op.stage, op.lane), before=before, after=after)
    if isinstance(op, MoveItem):
        entry = entries(journey.stages[op.stage], op.lane)[op.index]
        target = _where(journey, op.to_stage, op.to_lane or op.lane)
        return Change(
            where=f"{_where(journey, op.stage, op.lane)} → {target}",
            before=entry_text(entry),
            after=entry_text(entry),
        )
    if isinstance(op, AddStage):
        count = len(journey.stages)
        position = count if op.position is None else min(op.position, count)
        return Change(where=t("edit_where_stage_at", lang, n=position + 1), after=op.name)
    if isinstance(op, RemoveStage):
        stage = journey.stages[op.stage]
        return Change(where=t("edit_where_stage", lang), before=stage.name)
    if isinstance(op, RenameStage):
        stage = journey.stages[op.stage]
        return Change(where=t("edit_where_stage", lang), before=stage.name, after=op.name)
    if isinstance(op, MoveStage):
        stage = journey.stages[op.stage]
        return Change(
            where=t("edit_where_stage_order", lang, name=stage.name),
            before=str(op.stage + 1),
            after=str(op.position + 1),
        )
    if isinstance(op, SetEmotion):
        emotion = journey.stages[op.stage].emotion
        after_emotion = apply_operations(journey, [op]).stages[op.stage].emotion
        return Change(
            where=f"{journey.stages[op.stage].name} · {lane_name('emotion', lang)}",
            before=f"{emotion.label} ({emotion.score:+d})" if emotion.label else "",
            after=f"{after_emotion.label} ({after_emotion.score:+d})",
        )
    if isinstance(op, SetPersona):
        return _describe_persona(journey, op)
    return _describe_field(journey, op)


def _describe_persona(journey: JourneyMap, op: SetPersona) -> Change:
    lang = journey.language
    where = f"{meta_display('persona', lang)} · {meta_display(f'persona.{op.field}', lang)}"
    current = getattr(journey.persona, op.field, None) if journey.persona else None
    if op.action == "add":
        return Change(where=where, after=op.value)
    if op.action == "remove":
        return Change(where=where, before=op.value)
    before = "; ".join(current) if isinstance(current, list) else (current or "")
    return Change(where=where, before=before, after=op.value)


def _describe_field(journey: JourneyMap, op: SetField) -> Change:
    lang = journey.language
    before = getattr(journey, op.field) or ""
    after = op.value
    if op.field == "map_type":
        before = t(f"map_type_{before}", lang) if before else ""
        after = t(f"map_type_{after}", lang)
    key = "title" if op.field == "business" else op.field
    where = meta_display("business" if op.field == "business" else key, lang)
    return Change(where=where, before=str(before), after=after)

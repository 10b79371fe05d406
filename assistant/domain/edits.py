"""Changes to a map, as typed operations: what an instruction means, before it is applied.

Stages and items are named by position (0-based) in the map the operation was made for, so
an operation is exact; ``text`` fields carry the person's own words. The offline parser and
a model both produce these, never a rewritten map.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from assistant.domain.models import JourneyMap, MapType, Model, Provenance, TouchpointKind

PersonaField = Literal[
    "name",
    "segment",
    "b2b_role",
    "demographics",
    "quote",
    "goals",
    "needs",
    "motivations",
    "frustrations",
    "preferred_channels",
]
PERSONA_FIELDS: tuple[PersonaField, ...] = get_args(PersonaField)
#: Persona fields that hold a list (``add`` and ``remove`` work on one entry).
PERSONA_LISTS: tuple[PersonaField, ...] = (
    "goals",
    "needs",
    "motivations",
    "frustrations",
    "preferred_channels",
)
MapField = Literal["title", "scenario", "owner", "review_cadence", "map_type", "business"]
MAP_FIELDS: tuple[MapField, ...] = get_args(MapField)

_STAGE = Field(ge=0, description="The stage, by position (0 = the first stage).")
_LANE = Field(
    description="A lane key (touchpoints, actions, thoughts, pain_points, opportunities, "
    "customer_goal, frontstage, backstage, support_processes, physical_evidence) or the name "
    "of one of the map's extra lanes."
)
_INDEX = Field(ge=0, description="The item, by position in its lane (0 = the first).")


class AddItem(Model):
    """Add an entry to a lane of a stage (at the end)."""

    op: Literal["add_item"] = "add_item"
    stage: int = _STAGE
    lane: str = _LANE
    text: str = Field(min_length=1, max_length=500, description="The entry, as the person said.")
    kind: TouchpointKind | None = Field(
        default=None, description="Touchpoints: online or offline; null: from the channel."
    )
    owner: str | None = Field(default=None, description="Opportunities: who owns it.")
    metric: str | None = Field(default=None, description="Opportunities: how it is measured.")
    provenance: Provenance | None = Field(
        default=None, description="Where a suggested entry comes from; null: the person said it."
    )


class RemoveItem(Model):
    """Remove one entry from a lane."""

    op: Literal["remove_item"] = "remove_item"
    stage: int = _STAGE
    lane: str = _LANE
    index: int = _INDEX


class ChangeItem(Model):
    """Reword an entry, or change an opportunity's owner or metric."""

    op: Literal["change_item"] = "change_item"
    stage: int = _STAGE
    lane: str = _LANE
    index: int = _INDEX
    text: str | None = Field(default=None, max_length=500, description="The new wording.")
    owner: str | None = Field(default=None, description="The new owner (opportunities).")
    metric: str | None = Field(default=None, description="The new metric (opportunities).")
    value: int | None = Field(
        default=None, ge=1, le=5, description="The new value, 1-5 (opportunities)."
    )
    effort: int | None = Field(
        default=None, ge=1, le=5, description="The new effort, 1-5 (opportunities)."
    )


class MoveItem(Model):
    """Move an entry to another stage (and lane)."""

    op: Literal["move_item"] = "move_item"
    stage: int = _STAGE
    lane: str = _LANE
    index: int = _INDEX
    to_stage: int = Field(ge=0, description="The stage it moves to.")
    to_lane: str | None = Field(default=None, description="The lane it moves to; null: the same.")


class AddStage(Model):
    """Add an empty stage."""

    op: Literal["add_stage"] = "add_stage"
    name: str = Field(min_length=1, max_length=120, description="The new stage's name.")
    position: int | None = Field(
        default=None, ge=0, description="Where it goes (0 = first); null: at the end."
    )


class RemoveStage(Model):
    """Remove a stage and everything in it."""

    op: Literal["remove_stage"] = "remove_stage"
    stage: int = _STAGE


class RenameStage(Model):
    """Give a stage a new name."""

    op: Literal["rename_stage"] = "rename_stage"
    stage: int = _STAGE
    name: str = Field(min_length=1, max_length=120, description="The new name.")


class MoveStage(Model):
    """Move a stage to another position."""

    op: Literal["move_stage"] = "move_stage"
    stage: int = _STAGE
    position: int = Field(ge=0, description="The position it ends at (0 = first).")


class SetEmotion(Model):
    """Set how the customer feels at a stage."""

    op: Literal["set_emotion"] = "set_emotion"
    stage: int = _STAGE
    score: int | None = Field(default=None, ge=-2, le=2, description="-2 .. +2; null: keep.")
    label: str | None = Field(
        default=None, max_length=80, description="The feeling in a word; null: the score's word."
    )


class SetPersona(Model):
    """Change a persona field: set a value, or add or remove one entry of a list field."""

    op: Literal["set_persona"] = "set_persona"
    field: PersonaField = Field(description="The persona field.")
    value: str = Field(max_length=500, description="The value, or the entry added or removed.")
    action: Literal["set", "add", "remove"] = Field(
        default="set", description="set: replace; add / remove: one entry of a list field."
    )


class SetField(Model):
    """Change one of the map's own fields."""

    op: Literal["set_field"] = "set_field"
    field: MapField = Field(description="The map field.")
    value: str = Field(max_length=2000, description="The new value (map_type: one of its ids).")


Operation = Annotated[
    AddItem
    | RemoveItem
    | ChangeItem
    | MoveItem
    | AddStage
    | RemoveStage
    | RenameStage
    | MoveStage
    | SetEmotion
    | SetPersona
    | SetField,
    Field(discriminator="op"),
]
ItemOperation = AddItem | RemoveItem | ChangeItem | MoveItem
MAP_TYPE_IDS: tuple[MapType, ...] = get_args(MapType)


class EditPlan(Model):
    """What an instruction means: operations, or a question back when it is unclear."""

    operations: list[Operation] = Field(
        default_factory=list, description="The changes, in order; empty when unclear."
    )
    question: str = Field(
        default="", description="A clarifying question or the reason nothing can change."
    )


class Change(Model):
    """One line of a proposal's diff, for people: where, what it was, what it becomes."""

    where: str = Field(description="Stage and lane, or the field, in the map's language.")
    before: str = Field(default="", description="What is there now ('' when added).")
    after: str = Field(default="", description="What it becomes ('' when removed).")


class EditProposal(Model):
    """Operations shown for approval, with their readable diff and the map they lead to."""

    instruction: str = Field(description="What the person said.")
    operations: list[Operation] = Field(description="The changes, in order.")
    changes: list[Change] = Field(description="The diff a person reads before accepting.")
    note: str = Field(description="The version note the change is saved with.")
    base_version: int = Field(ge=1, description="The map version the operations were made for.")


class EditResult(Model):
    """An instruction's outcome for the CLI and REST: the operations, the map they give,
    and what Polku says (the diff, or the question back when nothing was understood)."""

    operations: list[Operation] = Field(description="The changes understood, in order.")
    changes: list[Change] = Field(default_factory=list, description="The readable diff.")
    map: JourneyMap = Field(description="The map with the changes (unchanged when none).")
    message: str = Field(description="The proposal, or a clarifying question.")
    understood: bool = Field(description="Whether the instruction gave any change.")

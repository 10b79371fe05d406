"""The edit engine: each typed operation changes exactly what it names, on a copy, and a
bad operation changes nothing and says why in the map's language."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.capabilities.editing.apply import EditError, apply_operations
from assistant.capabilities.editing.describe import describe
from assistant.capabilities.editing.propose import change_line, propose
from assistant.domain import JourneyMap
from assistant.domain.edits import (
    AddItem,
    AddStage,
    ChangeItem,
    EditPlan,
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
from tests.maps import edit_map as fixture_map


def changed_paths(before: Any, after: Any, path: str = "") -> set[str]:
    """Every leaf path where two dumps differ (lists compared item by item)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: set[str] = set()
        for key in set(before) | set(after):
            found |= changed_paths(before.get(key), after.get(key), f"{path}.{key}")
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = set()
        for n, (b, a) in enumerate(zip(before, after, strict=True)):
            found |= changed_paths(b, a, f"{path}[{n}]")
        return found
    return set() if before == after else {path}


def diff(ops: list[Operation], journey: JourneyMap | None = None) -> set[str]:
    journey = journey or fixture_map("en")
    before = journey.model_dump(mode="json")
    after = apply_operations(journey, ops).model_dump(mode="json")
    assert journey.model_dump(mode="json") == before  # the caller's map is untouched
    return changed_paths(before, after)


def test_add_item_appends_to_one_lane_with_the_persons_provenance() -> None:
    journey = fixture_map("en")
    count = len(journey.stages[0].touchpoints)
    op = AddItem(stage=0, lane="touchpoints", text="Instagram ads")
    assert diff([op]) == {".stages[0].touchpoints"}
    added = apply_operations(journey, [op]).stages[0].touchpoints[count]
    assert (added.channel, added.kind, added.provenance.kind) == ("Instagram ads", "online", "user")


def test_add_opportunity_carries_owner_and_metric() -> None:
    op = AddItem(
        stage=2, lane="opportunities", text="SMS reminder", owner="Front desk", metric="No-shows"
    )
    edited = apply_operations(fixture_map("en"), [op])
    last = edited.stages[2].opportunities[-1]
    assert (last.text, last.owner, last.metric) == ("SMS reminder", "Front desk", "No-shows")


def test_customer_goal_is_replaced_not_added() -> None:
    op = AddItem(stage=1, lane="customer_goal", text="Find a bike that fits")
    assert diff([op]) == {
        ".stages[1].customer_goal.text",
        ".stages[1].customer_goal.provenance.kind",
        ".stages[1].customer_goal.provenance.source",
    }


def test_extra_lane_of_another_stage_can_be_filled() -> None:
    op = AddItem(stage=0, lane="Staff", text="Owner answers Instagram messages")
    edited = apply_operations(fixture_map("en"), [op])
    assert [i.text for i in edited.stages[0].extra_lanes["Staff"]] == [
        "Owner answers Instagram messages"
    ]


def test_remove_change_and_move_item() -> None:
    journey = fixture_map("en")
    first = journey.stages[1].pain_points[0].text
    removed = apply_operations(journey, [RemoveItem(stage=1, lane="pain_points", index=0)])
    assert first not in [p.text for p in removed.stages[1].pain_points]
    assert diff([RemoveItem(stage=1, lane="pain_points", index=0)]) == {".stages[1].pain_points"}
    changed = apply_operations(
        journey, [ChangeItem(stage=1, lane="opportunities", index=0, owner="Workshop")]
    )
    assert changed.stages[1].opportunities[0].owner == "Workshop"
    assert changed.stages[1].opportunities[0].text == journey.stages[1].opportunities[0].text
    moved = apply_operations(journey, [MoveItem(stage=1, lane="pain_points", index=0, to_stage=3)])
    assert moved.stages[3].pain_points[-1].text == first
    assert diff([MoveItem(stage=1, lane="pain_points", index=0, to_stage=3)]) == {
        ".stages[1].pain_points",
        ".stages[3].pain_points",
    }


def test_moving_a_thought_to_pain_points_keeps_its_words_and_provenance() -> None:
    journey = fixture_map("en")
    thought = journey.stages[0].thoughts[0]
    moved = apply_operations(
        journey, [MoveItem(stage=0, lane="thoughts", index=0, to_stage=0, to_lane="pain_points")]
    )
    assert moved.stages[0].pain_points[-1].text == thought.text
    assert moved.stages[0].pain_points[-1].provenance == thought.provenance


def test_stage_operations() -> None:
    journey = fixture_map("en")
    names = [s.name for s in journey.stages]
    added = apply_operations(journey, [AddStage(name="Rebooking", position=3)])
    assert [s.name for s in added.stages] == [*names[:3], "Rebooking", *names[3:]]
    assert [s.name for s in apply_operations(journey, [AddStage(name="Rebooking")]).stages][
        -1
    ] == "Rebooking"
    assert [s.name for s in apply_operations(journey, [RemoveStage(stage=0)]).stages] == names[1:]
    renamed = apply_operations(journey, [RenameStage(stage=2, name="Buying")])
    assert [s.name for s in renamed.stages] == [*names[:2], "Buying", *names[3:]]
    assert diff([RenameStage(stage=2, name="Buying")]) == {".stages[2].name"}
    moved = apply_operations(journey, [MoveStage(stage=4, position=0)])
    assert [s.name for s in moved.stages] == [names[4], *names[:4]]
    assert moved.stages[0] == journey.stages[4]


def test_emotion_score_gets_a_word_when_none_is_given() -> None:
    journey = fixture_map("fi")
    stage = journey.stages[2]
    score = -2 if stage.emotion.score != -2 else 2
    edited = apply_operations(journey, [SetEmotion(stage=2, score=score)]).stages[2].emotion
    assert edited.score == score and edited.label and edited.label != stage.emotion.label
    labelled = apply_operations(journey, [SetEmotion(stage=2, score=1, label="Helpottunut")])
    assert (labelled.stages[2].emotion.score, labelled.stages[2].emotion.label) == (
        1,
        "Helpottunut",
    )


def test_persona_and_map_fields() -> None:
    journey = fixture_map("et")
    assert journey.persona is not None
    named = apply_operations(journey, [SetPersona(field="name", value="Mari")])
    assert named.persona is not None and named.persona.name == "Mari"
    assert named.persona.goals == journey.persona.goals
    goal = journey.persona.goals[0]
    fewer = apply_operations(journey, [SetPersona(field="goals", value=goal, action="remove")])
    assert fewer.persona is not None and goal not in fewer.persona.goals
    more = apply_operations(
        journey, [SetPersona(field="frustrations", value="Liiga palju e-kirju", action="add")]
    )
    assert more.persona is not None and more.persona.frustrations[-1] == "Liiga palju e-kirju"
    typed = apply_operations(journey, [SetField(field="map_type", value="future-state")])
    assert typed.map_type == "future-state"
    assert diff([SetField(field="review_cadence", value="kord kvartalis")], journey) == {
        ".review_cadence"
    }


@pytest.mark.parametrize(
    ("op", "words"),
    [
        (AddItem(stage=9, lane="actions", text="x"), "vaihetta 10"),
        (RemoveItem(stage=0, lane="actions", index=40), "Tietoisuus"),
        (AddItem(stage=0, lane="Nonexistent", text="x"), "Nonexistent"),
        (ChangeItem(stage=0, lane="actions", index=0, owner="Myynti"), "mahdollisuuksilla"),
        (SetField(field="map_type", value="sideways"), "karttatyyppiä"),
        (SetField(field="title", value="  "), "otsikko"),
        (SetPersona(field="goals", value="ei ole", action="remove"), "ei ole"),
    ],
)
def test_a_bad_operation_says_why_in_the_maps_language(op: Operation, words: str) -> None:
    journey = fixture_map("fi")
    with pytest.raises(EditError) as raised:
        apply_operations(journey, [op])
    assert words in raised.value.message


def test_the_last_stage_is_never_removed() -> None:
    journey = fixture_map("en")
    ops: list[Operation] = [RemoveStage(stage=0) for _ in journey.stages]
    with pytest.raises(EditError, match="at least one stage"):
        apply_operations(journey, ops)
    assert isinstance(propose(journey, EditPlan(operations=ops), "delete all"), str)


def test_the_diff_reads_each_change_where_it_happens() -> None:
    journey = fixture_map("fi")
    ops: list[Operation] = [
        AddItem(stage=0, lane="touchpoints", text="Instagram-mainos"),
        RenameStage(stage=2, name="Ostaminen"),
        RemoveItem(stage=2, lane="pain_points", index=0),
    ]
    lines = [change_line(c) for c in describe(journey, ops)]
    assert lines[0] == "Tietoisuus · Kosketuspisteet: + “Instagram-mainos”"
    assert lines[1] == "Vaihe: “Osto” → “Ostaminen”"
    assert lines[2].startswith("Ostaminen · Kipupisteet: − “")
    assert journey.stages[2].pain_points[0].text in lines[2]
    proposal = propose(journey, EditPlan(operations=ops), "  monta   muutosta ")
    assert not isinstance(proposal, str)
    assert proposal.base_version == journey.version and proposal.note == "muokattu: monta muutosta"


@pytest.mark.parametrize(
    ("lang", "business", "instruction", "value", "effort"),
    [
        ("en", "A hair salon in Leeds", 'Set the value of "{text}" to 5 and the effort to 2', 5, 2),
        ("en", "A hair salon in Leeds", "{words}: effort 1", None, 1),
        (
            "fi",
            "Kampaamo Helsingissä",
            'Muuta ehdotuksen "{text}" arvoksi 5 ja työmääräksi 2',
            5,
            2,
        ),
        ("fi", "Kampaamo Helsingissä", "{words}: arvo 4, vaiva 1", 4, 1),
        ("et", "Juuksurisalong Tartus", 'Muuda ettepaneku "{text}" väärtuseks 5', 5, None),
        ("et", "Juuksurisalong Tartus", "{words}: väärtus 4, pingutus 1", 4, 1),
    ],
)
def test_an_opportunitys_value_and_effort_change_when_the_person_says_so(
    lang: str, business: str, instruction: str, value: int | None, effort: int | None
) -> None:
    from assistant.capabilities.drafting.draft import draft_map
    from assistant.capabilities.editing.understand import understand
    from assistant.domain import InterviewAnswers

    journey = draft_map(InterviewAnswers(language=lang, business=business))  # type: ignore[arg-type]
    stage, index = 0, len(journey.stages[0].opportunities) - 1
    target = journey.stages[stage].opportunities[index]
    said = instruction.format(text=target.text, words=" ".join(target.text.split()[:4]))
    plan = understand(said, journey)
    assert plan is not None and plan.operations, plan
    changed = apply_operations(journey, plan.operations).stages[stage].opportunities[index]
    assert changed.text == target.text
    assert (changed.value, changed.effort) == (
        value if value is not None else target.value,
        effort if effort is not None else target.effort,
    )
    (line,) = describe(journey, plan.operations)
    assert line.before != line.after  # the proposal shows the old and the new figures


def test_a_value_out_of_range_is_not_taken() -> None:
    from assistant.capabilities.editing.understand import understand

    journey = fixture_map("en")
    target = next(o for s in journey.stages for o in s.opportunities)
    plan = understand(f'"{target.text}": value 9', journey)
    operations = plan.operations if plan else []
    assert not [op for op in operations if getattr(op, "value", None) is not None]

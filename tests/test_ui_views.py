"""The page's editable tables read back into the map: the stage table and the persona card."""

from __future__ import annotations

import pytest

from assistant.adapters.web.ui import views
from assistant.domain import Persona, Provenance
from tests.maps import good_map


def _edited(rows: list[list[str]], label_start: str, value: str) -> list[list[str]]:
    changed = [list(row) for row in rows]
    row = next(r for r in changed if r[0].startswith(label_start))
    row[1] = value
    return changed


def test_the_persona_table_lists_every_field_empty_ones_too() -> None:
    headers, rows = views.persona_table(good_map())
    assert headers == ["Field", "Value"]
    labels = [label for label, _ in rows]
    assert len(labels) == len(views.PERSONA_FIELDS) and len(set(labels)) == len(labels)
    assert rows[0][1] == "Anna, young professional"
    assert ["Goals", "Work in peace"] in rows
    assert any(value == "" for _, value in rows)  # a field the map lacks, ready to fill in


def test_a_persona_edit_changes_that_field_and_makes_a_new_version() -> None:
    journey = good_map()
    _, before = views.persona_table(journey)
    after = _edited(before, "Frustrations", "long queues;  no free table ; ")
    updated, changed = views.apply_persona_edits(journey, before, after)
    assert changed == ["Frustrations"]
    assert updated.persona is not None
    assert updated.persona.frustrations == ["long queues", "no free table"]
    assert updated.persona.goals == ["Work in peace"]  # nothing else moves
    assert updated.version == journey.version + 1
    unchanged, nothing = views.apply_persona_edits(journey, before, [list(r) for r in before])
    assert nothing == [] and unchanged is journey


def test_a_map_without_a_persona_gets_the_persons_own() -> None:
    journey = good_map().model_copy(update={"persona": None, "language": "fi"})
    headers, before = views.persona_table(journey)
    assert headers == ["Kenttä", "Sisältö"]
    after = _edited(before, "Persoona", "Mikko, eläkeläinen")
    updated, _ = views.apply_persona_edits(journey, before, after)
    assert updated.persona == Persona(name="Mikko, eläkeläinen", provenance=Provenance(kind="user"))


def test_a_persona_without_a_name_is_refused_in_the_maps_language() -> None:
    journey = good_map().model_copy(update={"persona": None, "language": "et"})
    _, before = views.persona_table(journey)
    after = _edited(before, "Eesmärgid", "leida kiiresti sobiv aeg")
    with pytest.raises(ValueError, match="Persoonal peab olema nimi"):
        views.apply_persona_edits(journey, before, after)


def test_findings_name_their_source_by_title_not_by_id() -> None:
    from assistant.capabilities.critique.critic import critique_map

    report = critique_map(good_map().model_copy(update={"persona": None}))
    shown = views.findings_html(report, "en")
    assert report.findings and all(f.citation.id not in shown for f in report.findings)
    assert report.findings[0].citation.title in shown

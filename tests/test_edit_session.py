"""Editing in the conversation (propose, accept, reject, undo, why, more ideas), the same
engine over the CLI, and a model's typed operations with the offline parser behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.app.services import Services
from assistant.app.session import Session
from assistant.app.store import MapStore
from assistant.domain import JourneyMap
from assistant.domain.events import (
    CritiqueReady,
    EditProposed,
    MapUpdated,
    ProposalClosed,
    shown_text,
)
from assistant.llm.base import LLMError
from assistant.settings import Settings
from tests.fakes import ScriptedModel
from tests.maps import edit_map


def _session(services: Any, tmp_path: Path, lang: str = "et") -> Session:
    session = Session(services, MapStore(tmp_path / "polku.db"), "editor")
    session.state.interview.phase = "done"
    session.keep(edit_map(lang), "imported")  # type: ignore[arg-type]
    session.save()
    return session


def test_propose_accept_updates_map_critique_and_versions(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path)
    events = list(session.turn("Lisa Instagrami reklaam teadlikkuse etappi"))
    proposed = [e for e in events if isinstance(e, EditProposed)]
    assert len(proposed) == 1 and not any(isinstance(e, MapUpdated) for e in events)
    assert "Teadlikkus · Puutepunktid: + “Instagrami reklaam”" in shown_text(events)
    assert session.journey is not None and session.journey.version == 1  # nothing yet
    accepted = list(Session(services, session.store, "editor").turn("jah"))
    maps = [e.map for e in accepted if isinstance(e, MapUpdated)]
    assert maps and maps[0].version == 2
    assert [t.channel for t in maps[0].stages[0].touchpoints][-1] == "Instagrami reklaam"
    assert any(isinstance(e, CritiqueReady) for e in accepted)
    assert any(isinstance(e, ProposalClosed) and e.accepted for e in accepted)
    assert "versioon 2" in shown_text(accepted)
    versions = session.store.versions("editor", session.state.map_id or "")
    assert [v.note for v in versions] == [
        "imported",
        "muudetud: Lisa Instagrami reklaam teadlikkuse etappi",
    ]
    kept = session.store.load_report("editor", session.state.map_id or "")
    assert kept is not None  # the critique of version 2 is kept with it


def test_reject_leaves_no_trace_but_the_message(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "fi")
    before = session.journey
    list(session.turn("Poista kolmas vaihe"))
    assert session.state.pending is not None
    rejected = list(session.turn("hylkää"))
    assert "mitään ei muutettu" in shown_text(rejected)
    assert session.journey == before and session.state.pending is None
    assert len(session.store.versions("editor", session.state.map_id or "")) == 1


def test_a_new_message_sets_a_waiting_proposal_aside(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "en")
    list(session.turn("Remove the third stage"))
    events = list(session.turn("Rename the persona to Mari"))
    assert any(isinstance(e, ProposalClosed) and not e.accepted for e in events)
    list(session.turn("yes"))
    journey = session.journey
    assert journey is not None and journey.persona is not None
    assert journey.persona.name == "Mari" and len(journey.stages) == 5


def test_undo_restores_the_previous_version(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "fi")
    original = session.journey
    list(session.turn("Nimeä Osto-vaihe uudelleen: Ostaminen"))
    list(session.turn("kyllä"))
    assert session.journey is not None and session.journey.stages[2].name == "Ostaminen"
    undone = list(session.turn("kumoa"))
    assert "Kumottu" in shown_text(undone)
    journey = session.journey
    assert journey is not None and original is not None
    assert journey.model_copy(update={"version": 1}) == original and journey.version == 3
    assert "Kumottavaa ei ole" in shown_text(list(session.turn("kumoa")))


def test_accepting_against_a_newer_version_changes_nothing(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "en")
    list(session.turn("Rename Purchase to Buying"))
    journey = session.journey
    assert journey is not None
    session.keep(journey.model_copy(update={"owner": "Someone else"}), "edited elsewhere")
    events = list(session.turn("yes"))
    assert "changed after this proposal" in shown_text(events)
    assert session.journey is not None and session.journey.stages[2].name == "Purchase"


def test_unclear_instruction_asks_once_and_changes_nothing(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "en")
    events = list(session.turn("Add a touchpoint to the Repair stage"))
    assert "no such stage" in shown_text(events) and "Awareness" in shown_text(events)
    assert not any(isinstance(e, EditProposed | MapUpdated) for e in events)
    assert session.state.pending is None


def test_why_names_the_provenance_and_ideas_are_proposed(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "en")
    journey = session.journey
    assert journey is not None
    suggested = next(tp for tp in journey.stages[0].touchpoints if tp.provenance.kind == "pattern")
    why = shown_text(list(session.turn(f"Why is '{suggested.channel}' here?")))
    assert suggested.channel in why and "library" in why
    assert journey.stages[0].touchpoints[0].provenance.kind == "user"
    said = journey.stages[0].touchpoints[0].channel
    assert "you said it" in shown_text(list(session.turn(f"Why is {said} on the map?")))
    ideas = list(session.turn("More ideas for Retention"))
    proposal = next(e for e in ideas if isinstance(e, EditProposed))
    assert proposal.proposal.operations and all(
        op.op == "add_item" and op.stage == 3 for op in proposal.proposal.operations
    )
    texts = {op.text for op in proposal.proposal.operations}  # type: ignore[union-attr]
    on_map = {tp.channel for s in journey.stages for tp in s.touchpoints}
    assert not texts & on_map  # nothing the map already holds
    list(session.turn("accept"))
    added = session.journey.stages[3].actions[-1]  # type: ignore[union-attr]
    assert added.provenance.kind == "pattern"  # a suggestion stays marked as one


def test_questions_and_interview_answers_are_not_edits(services: Any, tmp_path: Path) -> None:
    session = _session(services, tmp_path, "en")
    answered = list(session.turn("What is a touchpoint?"))
    assert not any(isinstance(e, EditProposed) for e in answered)
    fresh = Session(services, MapStore(tmp_path / "other.db"), "new")
    list(fresh.start())
    events = list(fresh.turn("We add value for busy parents with a bike repair shop in Leeds"))
    assert not any(isinstance(e, EditProposed) for e in events)
    assert fresh.state.interview.answers.business


def _plan(operations: list[dict[str, Any]], question: str = "") -> str:
    return json.dumps({"operations": operations, "question": question})


def test_a_model_gives_typed_operations_checked_against_the_map(built_data_dir: Path) -> None:
    journey = edit_map("en")
    wrong = _plan([{"op": "rename_stage", "stage": 9, "name": "Nine"}])
    right = _plan([{"op": "rename_stage", "stage": 2, "name": "Buying"}])
    model = ScriptedModel(wrong, right)
    services = Services(Settings(data_dir=built_data_dir, llm_structured_attempts=2), model=model)
    outcome = services.edit("call the purchase step Buying", journey)
    assert outcome.mode == "llm" and not outcome.notices
    assert outcome.value.map.stages[2].name == "Buying"
    assert len(model.history) == 2  # the stage that does not exist was sent back once
    assert "no stage 10" in model.history[1][-1].content


def test_a_failing_model_falls_back_to_the_offline_parser(built_data_dir: Path) -> None:
    journey = edit_map("en")
    model = ScriptedModel(LLMError("timed out"))
    services = Services(Settings(data_dir=built_data_dir), model=model)
    outcome = services.edit("Rename Purchase to Buying", journey)
    assert outcome.mode == "offline" and outcome.notices
    assert outcome.value.map.stages[2].name == "Buying"


@pytest.fixture
def runner(built_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("POLKU_DATA_DIR", str(built_data_dir))
    return CliRunner()


def test_cli_edit_prints_operations_and_the_map(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(edit_map("fi").model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["edit", str(path), "Siirrä Suosittelu-vaihe alkuun", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["operations"] == [{"op": "move_stage", "stage": 4, "position": 0}]
    moved = JourneyMap.model_validate(data["map"])
    assert moved.stages[0].name == "Suosittelu" and "Muutokset" in data["message"]
    out = tmp_path / "out"
    written = runner.invoke(app, ["edit", str(path), "Poista Osto-vaihe", "--out", str(out)])
    assert written.exit_code == 0, written.output
    saved = JourneyMap.model_validate_json(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert "Osto" not in [s.name for s in saved.stages]


def test_cli_edit_that_is_not_understood_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(edit_map("en").model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["edit", str(path), "add"])
    assert result.exit_code == 2 and "could not tell what to change" in result.output
    missing = runner.invoke(app, ["edit", str(tmp_path / "nope.json"), "add x"])
    assert missing.exit_code == 2 and "does not exist" in missing.output

"""The app layer: one intent classifier, one fallback contract, usage per session, and a
critique made once per map version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.app.intent import classify
from assistant.app.services import Services
from assistant.app.session import Session
from assistant.app.store import MapStore
from assistant.capabilities.fallback import assisted, assisted_stream, fallback_notice
from assistant.domain.events import Notice, TextDelta, Usage
from assistant.llm.base import LLMError
from tests.fakes import ScriptedModel

TABLE = "| | Awareness | Purchase |\n|---|---|---|\n| Actions | Searches | Pays |\n"


@pytest.mark.parametrize(
    "text, interviewing, intent",
    [
        (TABLE, True, "map"),
        ("| | Löytäminen |\n| Toiminnot | Etsii |", True, "map"),  # two rows are enough
        ('{"title": "Kartta", "stages": []}', False, "map"),
        ("help", True, "help"),
        ("apua", False, "help"),
        ("Abi!", True, "help"),
        ("?", True, "help"),
        ("What is a touchpoint?", True, "question"),
        ("Mikä on kosketuspiste?", True, "question"),
        ("Kuidas valida etappe?", True, "question"),
        ("We run a bike repair shop in Tampere", True, "answer"),
        ("Kampaamo Tartossa, asiakkaat ovat naisia", True, "answer"),
        ("website, phone?", True, "answer"),  # a question mark alone is not a question
        ("We run a bike repair shop in Tampere", False, "question"),  # no interview: a question
        ("a | b", True, "answer"),
    ],
)
def test_one_classifier_tells_what_a_message_is(text: str, interviewing: bool, intent: str) -> None:
    assert classify(text, interviewing=interviewing) == intent


@pytest.mark.parametrize(
    "text, proposing, intent",
    [
        ("Lisa Instagrami reklaam teadlikkuse etappi", False, "edit"),
        ("Add a stage for rebooking", False, "edit"),
        ("Please could you remove the third stage", False, "edit"),
        ("Poista kolmas vaihe", False, "edit"),
        ("Customers feel frustrated at Purchase", False, "edit"),
        ("yes", True, "accept"),
        ("Kyllä", True, "accept"),
        ("jah", True, "accept"),
        ("yes", False, "question"),  # nothing proposed: not an acceptance
        ("no thanks", True, "reject"),
        ("hylkää", True, "reject"),
        ("loobu", True, "reject"),
        ("undo", False, "undo"),
        ("kumoa", False, "undo"),
        ("võta tagasi", False, "undo"),
        ("Why is Google Maps here?", False, "why"),
        ("Miksi Instagram on kartalla?", False, "why"),
        ("More ideas for Retention", False, "ideas"),
        ("Lisää ideoita Osto-vaiheeseen", False, "ideas"),
        ("Veel ideid otsuse etappi", False, "ideas"),
        ("What should the Purchase stage show?", False, "question"),
        (TABLE, True, "map"),
    ],
)
def test_with_a_map_edits_and_their_commands_are_told_apart(
    text: str, proposing: bool, intent: str
) -> None:
    assert classify(text, has_map=True, proposing=proposing) == intent
    if intent in ("edit", "accept", "reject", "undo", "why", "ideas"):  # never without a map
        assert classify(text, interviewing=True) == "answer" or text.endswith("?")


def test_the_fallback_contract_gives_the_offline_result_and_one_notice() -> None:
    def fails() -> str:
        raise LLMError("server down")

    kept = assisted("offline", fails, "fi")
    assert (kept.value, kept.mode) == ("offline", "offline")
    assert kept.notices == [fallback_notice("server down", "fi")]
    assert "server down" in kept.notices[0].message and "Malli" in kept.notices[0].message
    assert assisted("offline", lambda: "model", "en").mode == "llm"
    assert assisted("offline", None, "en").notices == []


def test_a_failed_stream_is_replaced_by_the_offline_answer() -> None:
    def stream() -> Any:
        yield TextDelta(text="half an ans")
        raise LLMError("timed out")

    events = list(
        assisted_stream(
            stream(), lambda replace: iter([TextDelta(text="offline", replace=replace)]), "en"
        )
    )
    assert isinstance(events[1], Notice) and "timed out" in events[1].message
    assert events[2] == TextDelta(text="offline", replace=True)


def _answering(built_data_dir: Path) -> Services:
    from assistant.settings import Settings

    reply = "Journey maps have stages [1]. " * 3
    return Services(Settings(data_dir=built_data_dir), model=ScriptedModel(default=lambda _: reply))


def test_token_usage_is_counted_per_session(built_data_dir: Path, tmp_path: Path) -> None:
    services = _answering(built_data_dir)
    store = MapStore(tmp_path / "polku.db")
    anna, ben = Session(services, store, "anna"), Session(services, store, "ben")
    list(anna.start())  # the model phrases the first question: tokens of this session too
    list(ben.start())
    anna_start, ben_start = anna.meter.total, ben.meter.total
    [first] = [e for e in anna.turn("What is a journey map?") if isinstance(e, Usage)]
    assert first.turn.tokens_in > 0 and first.session == anna_start + first.turn
    [benny] = [e for e in ben.turn("What is a touchpoint?") if isinstance(e, Usage)]
    assert benny.session == ben_start + benny.turn  # Ben's total holds nothing of Anna's
    [second] = [e for e in anna.turn("How many stages?") if isinstance(e, Usage)]
    assert second.session == first.session + second.turn
    again = Session(services, store, "anna")  # saved with the session, across a reload
    assert again.meter.total == second.session


def test_the_critique_is_made_once_per_version_and_kept(
    services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(services, MapStore(tmp_path / "polku.db"), "owner")
    list(session.turn(TABLE))
    calls: list[int] = []
    critique = services.critique

    def counted(journey: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(journey.version)
        return critique(journey, *args, **kwargs)

    monkeypatch.setattr(services, "critique", counted)
    shown = session.shown_report()
    reloaded = Session(services, session.store, "owner").shown_report()
    assert calls == [] and shown is not None and shown == reloaded  # kept, not re-run
    journey = session.journey
    assert journey is not None
    renamed = journey.model_copy(update={"title": "Renamed"})
    list(session.replace_map(renamed, "renamed"))
    assert calls == [2] and session.shown_report() is not None
    assert calls == [2]


def test_python_m_cli_knows_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant.adapters.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "--port" in out.stdout

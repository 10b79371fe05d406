"""Research in a conversation and with a model: the page's session reads added files and
builds the map on them; a model may name and join themes, never change a quote or a count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.app.services import Services
from assistant.app.session import Session
from assistant.app.store import MapStore
from assistant.capabilities.insights.assisted import ThemeNamer
from assistant.capabilities.insights.mine import ResearchFile
from assistant.domain import InsightReport, Quote, Theme
from assistant.domain.events import MapUpdated, Notice, TextDelta
from assistant.llm.base import LLMError
from assistant.llm.budget import UsageMeter
from assistant.settings import Settings
from tests.fakes import ScriptedModel
from tests.test_insights import PASTRY, QUEUE, WISH, reviews

SETTINGS = Settings(llm_structured_attempts=2)
ESTONIAN = [
    "Hommikusöök oli väga maitsev ja värske.",
    "Ootasin vastuvõtus pool tundi, enne kui keegi mind märkas.",
    "Järjekord registreerimisel oli meeletult pikk.",
    "Spaa basseinid olid puhtad ja soojad.",
    "Sooviksin, et saaks veebis massaaži broneerida.",
    "Oleks tore, kui massaažiaja saaks internetis kinni panna.",
]


def _theme(kind: str, texts: list[str], first_row: int) -> Theme:
    quotes = [
        Quote(text=text, source="arviot.csv", location=f"rivi {first_row + n}")
        for n, text in enumerate(texts)
    ]
    return Theme(
        label=texts[0],
        kind=kind,  # type: ignore[arg-type]
        role="use",
        stage="Käyttö",
        count=len(texts),
        respondents=len(texts),
        quotes=quotes,
        locations=quotes,
    )


def test_a_model_names_and_joins_themes_but_quotes_and_counts_stay() -> None:
    first = _theme("pain", QUEUE[:2], 2)
    second = _theme("pain", QUEUE[2:], 4)
    gain = _theme("gain", PASTRY, 6)
    report = InsightReport(language="fi", themes=[first, gain, second], statements=7, sources=[])
    same = [[1, 3]]
    reply = {
        "names": [
            {"id": n, "name": f"Nimi {n}", "quotes": ["KEKSITTY LAINAUS"], "count": 99}
            for n in range(1, len(report.themes) + 1)
        ],
        "same": [*same, [1, 1], [999]],
    }
    model = ScriptedModel(json.dumps(reply))
    named = ThemeNamer(model, SETTINGS, UsageMeter()).name(report)
    originals = {(q.source, q.location, q.text) for t in report.themes for q in t.locations}
    for theme in named.themes:
        assert theme.name and theme.name.startswith("Nimi")
        assert theme.count == len(theme.locations) != 99  # computed, not the model's
        for quote in [*theme.quotes, *theme.locations]:
            assert (quote.source, quote.location, quote.text) in originals
            assert quote.text != "KEKSITTY LAINAUS"
    assert sum(t.count for t in named.themes) == sum(t.count for t in report.themes)
    assert len(named.themes) == len(report.themes) - 1
    joined = next(t for t in named.themes if t.label == first.label)
    assert joined.count == first.count + second.count


def test_a_model_cannot_join_a_pain_with_a_gain() -> None:
    report = InsightReport(
        language="fi",
        themes=[_theme("pain", QUEUE, 2), _theme("gain", PASTRY, 6)],
        statements=7,
        sources=[],
    )
    model = ScriptedModel(json.dumps({"names": [], "same": [[1, 2]]}))
    named = ThemeNamer(model, SETTINGS, UsageMeter()).name(report)
    assert len(named.themes) == len(report.themes)


def test_a_failing_model_gives_the_offline_themes_and_a_notice(built_data_dir: Path) -> None:
    model = ScriptedModel(LLMError("boom"), LLMError("boom"))
    services = Services(Settings(data_dir=built_data_dir, llm_structured_attempts=2), model=model)
    outcome = services.insights([ResearchFile("arviot.csv", reviews([*QUEUE, *PASTRY, *WISH]))])
    assert outcome.mode == "offline" and outcome.notices
    assert outcome.value.themes and all(t.name is None for t in outcome.value.themes)


def test_research_added_in_the_conversation_builds_the_map(services: Any, tmp_path: Path) -> None:
    session = Session(services, MapStore(tmp_path / "polku.db"), "researcher")
    list(session.start())
    list(session.turn("Meil on spaahotell Pärnus ja teenindame peamiselt peresid"))
    data = reviews(ESTONIAN)
    events = list(
        session.add_research([ResearchFile("arvustused.csv", data), ResearchFile("x.pptx", b"x")])
    )
    said = " ".join(e.text for e in events if isinstance(e, TextDelta))
    warnings = [e.message for e in events if isinstance(e, Notice)]
    assert "arvustused.csv" in said and "Lugesin" in said  # in the session's language
    assert any("x.pptx" in w for w in warnings)
    kept = sorted(p.name for p in session.research_folder().iterdir())
    assert kept == ["arvustused.csv"]  # the refused file is not kept
    assert session.state.research is not None
    for _ in range(30):  # finish the interview: skip every question, then confirm
        if session.state.interview.phase == "done":
            break
        confirming = session.state.interview.phase == "confirming"
        list(session.turn("jah" if confirming else "jäta vahele"))
    assert session.state.interview.phase == "done"
    journey = session.journey
    assert journey is not None
    assert any(s.doc_id == "user/arvustused.csv" for s in journey.evidence)
    again = Session(services, session.store, "researcher")
    assert again.state.research == session.state.research  # saved with the session
    redrafted = list(again.add_research([ResearchFile("arvustused.csv", data)]))
    assert any(isinstance(e, MapUpdated) for e in redrafted)  # built into a new version


def test_the_interview_asks_for_research_files_when_they_exist() -> None:
    from assistant.capabilities.interview.interviewer import Interviewer, InterviewState

    state = InterviewState(lang="fi", lang_fixed=True)
    interviewer = Interviewer(state)
    interviewer.start()
    state.current = "evidence"
    turn = interviewer.reply("Google-arvostelut ja asiakaskysely")
    assert "Lisää aineistosi" in turn.message
    state.current = "evidence"
    state.settled.remove("evidence")
    assert "Lisää aineistosi" not in interviewer.reply("myyntiluvut").message

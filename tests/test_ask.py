"""`polku ask` offline: cited answers in the question's language, honest when not covered."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.app.services import QuestionError


@pytest.mark.parametrize(
    ("question", "lang", "expected_topic", "words"),
    [
        (
            "What are the five stages of the customer journey?",
            "en",
            "five-stage-model",
            ["awareness", "advocacy"],
        ),
        ("Mitä eroa on B2B- ja B2C-asiakaspoluilla?", "fi", "b2b-vs-b2c", ["b2b"]),
        (
            "Kuinka usein asiakaspolkukartta kannattaa päivittää?",
            "fi",
            "keeping-maps-current",
            ["neljännes"],
        ),
        ("Mis on ostja persona?", "et", "personas", ["persoon"]),
    ],
)
def test_answers_with_citations_in_the_question_language(
    services: Any, question: str, lang: str, expected_topic: str, words: list[str]
) -> None:
    answer = services.ask(question)
    assert answer.language == lang
    assert answer.mode == "offline"
    assert answer.citations
    assert any(c.doc_id == f"{lang}/{expected_topic}" for c in answer.citations), answer.citations
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == set(range(1, len(answer.citations) + 1))
    lowered = answer.answer.lower()
    assert all(word in lowered for word in words), answer.answer
    for citation in answer.citations:  # every quoted sentence comes from a cited passage
        assert citation.snippet
    # The knowledge base's notes for its editors never reach the reader.
    assert not re.search(r"seed-\d|\(practice", answer.answer), answer.answer


def test_uncovered_question_says_so(services: Any) -> None:
    answer = services.ask("What is the boiling point of liquid nitrogen in kelvin?")
    assert "does not cover" in answer.answer


def test_empty_question_is_refused(services: Any) -> None:
    with pytest.raises(QuestionError, match="empty"):
        services.ask("   ", lang="en")


def test_cli_ask_json(built_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(built_data_dir))
    result = CliRunner().invoke(app, ["ask", "Mis on klienditeekonna kaart?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"question", "language", "answer", "citations", "mode"}
    assert data["language"] == "et" and data["mode"] == "offline"
    assert {"id", "doc_id", "title", "snippet", "score"} <= set(data["citations"][0])


def test_cli_ask_text_and_lang_override(
    built_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(built_data_dir))
    result = CliRunner().invoke(app, ["ask", "What is a persona?", "--lang", "fi", "--k", "3"])
    assert result.exit_code == 0, result.output
    assert "Lähteet" in result.output
    assert "[1]" in result.output


def test_cli_ask_empty_question_exits_cleanly(
    built_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(built_data_dir))
    result = CliRunner().invoke(app, ["ask", " "])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "empty" in result.output

"""Every capability through the CLI against a real OpenAI-compatible server on 127.0.0.1,
and the offline fallback when that server fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from tests.fakes import competent
from tests.maps import good_map
from tests.openai_server import OpenAIServer, Reply, openai_server_fixture  # noqa: F401

pytestmark = pytest.mark.security

ANSWERS = {
    "language": "en",
    "business": "A bakery in Tartu",
    "channels": ["website"],
    "pain_points": ["long queue at the counter"],
    "persona": {"who": "Mari, 35"},
    "evidence": ["customer interviews"],
    "owner": "Owner",
    "review_cadence": "quarterly",
}


@pytest.fixture
def wired(
    openai_server: OpenAIServer, built_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> OpenAIServer:
    env = {
        "POLKU_DATA_DIR": str(built_data_dir),
        "POLKU_LLM_BASE_URL": openai_server.base_url,
        "POLKU_LLM_MODEL": "wire-model",
        "POLKU_LLM_READ_TIMEOUT_S": "1",
        "POLKU_LLM_TOTAL_TIMEOUT_S": "5",
        "POLKU_LLM_RETRY_BACKOFF_S": "0.01",
        "POLKU_LLM_MAX_RETRIES": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    openai_server.responder = lambda body: competent(_messages(body))
    return openai_server


def _messages(body: dict[str, Any]) -> list[Any]:
    from assistant.llm.base import Message

    return [Message(role=m["role"], content=m["content"]) for m in body["messages"]]


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_ask_uses_the_model_and_streams_cited_text(wired: OpenAIServer) -> None:
    answer = json.loads(_run("ask", "What is a customer journey map?", "--json").stdout)
    assert answer["mode"] == "llm"
    assert "[1]" in answer["answer"] and answer["citations"]
    sent = wired.requests[-1]
    assert sent["model"] == "wire-model" and sent["stream"] is True
    assert "<passage" in sent["messages"][-1]["content"]


def test_ask_falls_back_offline_when_the_server_fails(wired: OpenAIServer) -> None:
    wired.enqueue(Reply(status=500), Reply(status=500))
    result = _run("ask", "What is a customer journey map?", "--json")
    answer = json.loads(result.stdout)
    assert answer["mode"] == "offline" and answer["citations"]
    assert "500" in result.stderr and "offline" in result.stderr


def test_offline_flag_never_calls_the_model(wired: OpenAIServer) -> None:
    answer = json.loads(_run("ask", "What is a persona?", "--json", "--offline").stdout)
    assert answer["mode"] == "offline"
    assert wired.requests == []


def test_draft_is_tailored_by_the_model(wired: OpenAIServer, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    journey = json.loads(_run("draft", "--answers", str(answers), "--json").stdout)
    assert journey["mode"] == "llm"
    own = "long queue at the counter"
    stage = next(s for s in journey["stages"] if own in [p["text"] for p in s["pain_points"]])
    kinds = {i["text"]: i["provenance"]["kind"] for i in stage["pain_points"]}
    assert kinds[own] == "user"  # the person's own fact kept
    assert kinds[f"Tailored pain at {stage['key']}"] == "llm"
    assert any(r["response_format"] == {"type": "json_object"} for r in wired.requests)


def test_draft_falls_back_offline_on_garbage(wired: OpenAIServer, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    wired.responder = lambda body: "this is not JSON at all"
    result = _run("draft", "--answers", str(answers), "--json")
    journey = json.loads(result.stdout)
    assert journey["mode"] == "offline" and len(journey["stages"]) == 5
    assert "expected format" in result.stderr
    assert len(wired.requests) == 2  # asked, re-asked with the error, then gave up


def test_critique_adds_model_findings(wired: OpenAIServer, tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(good_map().model_dump_json(), encoding="utf-8")
    report = json.loads(_run("critique", str(path), "--json").stdout)
    assert report["mode"] == "llm"
    model_findings = [f for f in report["findings"] if f["origin"] == "llm"]
    assert [f["guideline_id"] for f in model_findings] == ["customer-language"]
    assert model_findings[0]["citation"]["doc_id"].endswith("dos-and-donts")


def test_interview_reads_free_text_with_the_model(wired: OpenAIServer) -> None:
    result = CliRunner().invoke(
        app, ["interview", "--lang", "en"], input="We bake bread for offices in Tartu\n"
    )
    assert result.exit_code == 1  # input ended mid-interview
    assert "Which channels do your office customers use" in result.stdout
    assert "b2b" in result.stdout  # noted from the free text

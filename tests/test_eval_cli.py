"""`polku eval` end to end on small slices of the real datasets: exit codes, the report
files, the gate, and LLM mode (with the rubric) against a loopback OpenAI-compatible server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.evaluation.datasets import datasets_dir
from tests.fakes import competent
from tests.openai_server import OpenAIServer, openai_server_fixture  # noqa: F401


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The first few cases of the QA and draft datasets, and all of retrieval's qrels."""
    source, root = datasets_dir(), tmp_path / "datasets"
    root.mkdir()
    lines = (source / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [line for line in lines if '"lang": "fi"' in line][:3] + lines[:2]
    (root / "qa.jsonl").write_text("\n".join(picked) + "\n", encoding="utf-8")
    drafts = yaml.safe_load((source / "drafts.yaml").read_text(encoding="utf-8"))
    drafts["scenarios"] = drafts["scenarios"][:2]
    (root / "drafts.yaml").write_text(yaml.safe_dump(drafts, allow_unicode=True), encoding="utf-8")
    thresholds = {
        "version": 1,
        "modes": {"offline": {"qa": {"language_match": {"min": 0.5}}}, "llm": {}},
    }
    (tmp_path / "thresholds.yaml").write_text(yaml.safe_dump(thresholds), encoding="utf-8")
    return root


@pytest.fixture
def data_env(built_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    monkeypatch.setenv("POLKU_DATA_DIR", str(data))
    for name in ("POLKU_LLM_BASE_URL", "POLKU_LLM_API_KEY", "OPENAI_API_KEY", "POLKU_LLM_GGUF"):
        monkeypatch.delenv(name, raising=False)
    return data


def _eval(*args: str) -> Any:
    return CliRunner().invoke(app, ["eval", *args])


def test_offline_eval_writes_the_report_and_passes(
    small: Path, data_env: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = _eval("--suite", "qa,drafts", "--datasets", str(small), "--report", str(out))
    assert result.exit_code == 0, result.output
    assert "Quality gate passed" in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report) >= {"suites", "mode", "version", "timestamp"}
    assert report["mode"] == "offline"
    assert len(report["suites"]["qa"]["cases"]) == 5
    assert 0 <= report["suites"]["drafts"]["metrics"]["lane_coverage"] <= 1
    assert (out / "metrics-qa.png").exists() and (out / "lane-coverage-per-stage.png").exists()
    assert "| fact_recall |" in (out / "report.md").read_text(encoding="utf-8")


def test_a_regression_against_the_baseline_fails_the_run(
    small: Path, data_env: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    assert _eval("--suite", "qa", "--datasets", str(small), "--report", str(first)).exit_code == 0
    baseline = json.loads((first / "report.json").read_text(encoding="utf-8"))
    baseline["suites"]["qa"]["metrics"]["fact_recall"] = 1.5  # a baseline no run can reach
    (tmp_path / "baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = _eval(
        "--suite", "qa", "--datasets", str(small), "--report", str(tmp_path / "second"),
        "--baseline", str(tmp_path / "baseline.json"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "fact_recall fell from 1.5" in result.output


def test_a_metric_under_its_threshold_fails_the_run(
    small: Path, data_env: Path, tmp_path: Path
) -> None:
    strict = {"version": 1, "modes": {"offline": {"qa": {"fact_recall": {"min": 1.01}}}}}
    (tmp_path / "strict.yaml").write_text(yaml.safe_dump(strict), encoding="utf-8")
    result = _eval(
        "--suite", "qa", "--datasets", str(small), "--report", str(tmp_path / "r"),
        "--thresholds", str(tmp_path / "strict.yaml"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "below its threshold 1.01" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--suite", "speed"], "unknown suite(s) speed"),
        (["--mode", "fast"], "--mode must be offline or llm"),
        (["--mode", "llm"], "--mode llm needs a model"),
        (["--judge"], "--judge needs --mode llm"),
        (
            ["--baseline", "/nonexistent/report.json"],
            "baseline /nonexistent/report.json is missing",
        ),
    ],
)
def test_mistakes_get_one_clear_line_and_exit_code_2(
    data_env: Path, small: Path, args: list[str], message: str
) -> None:
    result = _eval("--datasets", str(small), *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def _grader(body: dict[str, Any]) -> str:
    from assistant.llm.base import Message

    messages = [Message(role=m["role"], content=m["content"]) for m in body["messages"]]
    system = messages[0].content
    if "reviewer of customer personas" in system:
        return json.dumps({"credibility": 4, "consistency": 5, "completeness": 3, "clarity": 4})
    if "reviewer of customer journey maps" in system:
        return json.dumps({"coherence": 4, "specificity": 2, "actionability": 4, "grounding": 5})
    return competent(messages)


def test_llm_mode_with_the_rubric_over_the_wire(
    small: Path, data_env: Path, tmp_path: Path, openai_server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    openai_server.responder = _grader
    monkeypatch.setenv("POLKU_LLM_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("POLKU_LLM_MODEL", "judge-model")
    out = tmp_path / "llm"
    result = _eval(
        "--suite", "qa,drafts", "--mode", "llm", "--judge", "--datasets", str(small),
        "--report", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "llm:judge-model"
    assert {c["mode"] for c in report["suites"]["qa"]["cases"]} == {"llm"}
    assert report["judge"]["means"]["persona.consistency"] == 5
    assert report["judge"]["means"]["map.specificity"] == 2
    assert len(report["judge"]["cases"]) == 2
    assert "Model-graded rubric" in (out / "report.md").read_text(encoding="utf-8")
    sent = [
        r
        for r in openai_server.requests
        if "reviewer of customer personas" in r["messages"][0]["content"]
    ]
    assert len(sent) == 2 and all(r["model"] == "judge-model" for r in sent)

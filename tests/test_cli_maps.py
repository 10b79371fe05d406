"""The map commands end to end through the CLI: interview, answers, draft, export, critique."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.adapters.cli.main import app

ESTONIAN_REPLIES = [
    "Väike hambakliinik Tartus, teenindame peamiselt eraisikuid",
    "1",
    "tahame aru saada, miks patsiendid kontrolli ei tule",
    "Mari, 40, töötav ema",
    "kiire aeg, valutu ravi",
    "kliendiküsitlus, Google'i arvustused",
    "vaikimisi",
    "veebileht, telefon, vastuvõtt",
    "aja broneerimine telefonitsi on aeglane, arve on segane",
    "NPS",
    "Kliiniku juhataja",
    "kord kvartalis",
    "jah",
]


@pytest.fixture
def runner(built_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("POLKU_DATA_DIR", str(built_data_dir))
    return CliRunner()


def test_interview_to_exported_map_in_estonian(runner: CliRunner, tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.yaml"
    out = tmp_path / "map"
    result = runner.invoke(
        app,
        [
            "interview",
            "--lang",
            "et",
            "--answers-out",
            str(answers_file),
            "--out",
            str(out),
            "--format",
            "md,json,html,csv",
        ],
        input="\n".join(ESTONIAN_REPLIES) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Miks ma küsin" in result.output
    answers = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    assert answers["language"] == "et"
    assert answers["channels"] == ["veebileht", "telefon", "vastuvõtt"]
    exported = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert exported["language"] == "et"
    texts = json.dumps(exported, ensure_ascii=False)
    assert "pikad ootejärjekorrad" in texts or "aja broneerimine telefonitsi on aeglane" in texts
    assert {p.suffix for p in out.iterdir()} >= {".md", ".json", ".html", ".csv"}


def test_interview_state_resumes(runner: CliRunner, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = runner.invoke(
        app,
        ["interview", "--lang", "en", "--state", str(state)],
        input="A bike repair shop in Turku\n",
    )
    assert first.exit_code == 1  # input ended mid-way; progress kept
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["answers"]["business"] == "A bike repair shop in Turku"
    second = runner.invoke(app, ["interview", "--state", str(state)], input="")
    assert "A bike repair shop" not in second.output.split("Polku:")[1]  # not asked again


def test_draft_from_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "language": "fi",
                "business": "Verkkokauppa urheiluvälineille",
                "channels": ["verkkosivut", "Instagram"],
                "pain_points": ["toimitus on hidas"],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["draft", "--answers", str(answers), "--json"])
    assert result.exit_code == 0, result.output
    journey = json.loads(result.output)
    assert journey["language"] == "fi"
    assert any(
        p["text"] == "toimitus on hidas" for s in journey["stages"] for p in s["pain_points"]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("language: sv\n", "language"),
        ("channels: [1, 2\n", "not valid JSON or YAML"),
        ("surprise: true\n", "surprise"),
    ],
)
def test_draft_with_bad_answers_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, content: str, message: str
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["draft", "--answers", str(answers)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_critique_a_pasted_markdown_map(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "map.md"
    path.write_text(
        "Persona: Anna, 30\n\n"
        "| | Awareness | Purchase |\n|---|---|---|\n"
        "| Touchpoints | Instagram | Checkout |\n"
        "| Pain points | | Long queue |\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"findings", "score", "summary"} <= set(report)
    ids = {f["guideline_id"] for f in report["findings"]}
    assert {"pain-point-opportunity", "full-lifecycle", "scenario-stated"} <= ids
    assert all(f["citation"]["doc_id"] for f in report["findings"])


def test_critique_of_a_broken_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "map.md"
    path.write_text("no table here at all", encoding="utf-8")
    result = runner.invoke(app, ["critique", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output

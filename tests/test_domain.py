import json
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from assistant import domain
from assistant.adapters.cli.main import app

MODELS = [
    domain.JourneyMap,
    domain.Persona,
    domain.Stage,
    domain.Touchpoint,
    domain.Provenance,
    domain.Finding,
    domain.Answer,
    domain.InterviewAnswers,
    domain.InsightReport,
]


def _properties_without_description(schema: dict[str, Any]) -> list[str]:
    missing = []
    for name, definition in {"root": schema, **schema.get("$defs", {})}.items():
        for field, spec in definition.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{name}.{field}")
    return missing


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_described(model: Any) -> None:
    assert _properties_without_description(model.model_json_schema()) == []


def test_interview_answers_contract() -> None:
    fields = set(domain.InterviewAnswers.model_fields)
    assert fields == {
        "language",
        "business",
        "industry",
        "model",
        "map_type",
        "purpose",
        "persona",
        "evidence",
        "stages",
        "channels",
        "pain_points",
        "kpis",
        "owner",
        "review_cadence",
    }
    assert set(domain.PersonaAnswers.model_fields) == {"who", "goals", "frustrations"}


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (domain.Emotion, {"score": 3}),
        (domain.JourneyMap, {"title": "x", "language": "sv"}),
        (domain.JourneyMap, {"title": "x", "map_type": "mind-map"}),
        (domain.Touchpoint, {"channel": "web", "kind": "virtual"}),
        (
            domain.Finding,
            {
                "guideline_id": "x",
                "severity": "fatal",
                "message": "m",
                "citation": {"id": "a", "doc_id": "b", "title": "c"},
            },
        ),
        (domain.InterviewAnswers, {"unknown_key": 1}),
    ],
)
def test_closed_sets_and_unknown_keys_are_rejected(model: Any, data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(data)


def test_polku_schema_prints_all_models() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schemas = json.loads(result.output)
    assert set(schemas) == {m.__name__ for m in MODELS}
    assert "stages" in schemas["JourneyMap"]["properties"]


def test_polku_schema_unknown_model() -> None:
    result = CliRunner().invoke(app, ["schema", "Nope"])
    assert result.exit_code == 2
    assert "unknown model" in result.output

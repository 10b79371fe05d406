"""Instructions as people type them, per language, against a map in that language: the
offline parser must give exactly the expected operations, and the map they make must be the
map the expected operations make (tests/data/edit_cases/README.md has the rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from assistant.capabilities.editing.apply import apply_operations
from assistant.capabilities.editing.understand import understand
from assistant.domain import Lang
from assistant.domain.edits import Operation
from tests.maps import edit_map as fixture_map

DATA = Path(__file__).parent / "data"
OPERATIONS = TypeAdapter(list[Operation])
MIN_CASES = 40


def cases(lang: Lang) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = yaml.safe_load(
        (DATA / "edit_cases" / f"{lang}.yaml").read_text(encoding="utf-8")
    )["cases"]
    return found


ALL = [(lang, case) for lang in ("en", "fi", "et") for case in cases(lang)]


@pytest.mark.parametrize("lang", ["en", "fi", "et"])
def test_each_language_has_enough_cases(lang: Lang) -> None:
    found = cases(lang)
    changes = [case for case in found if not case.get("clarify")]
    assert len(changes) >= MIN_CASES
    assert sum(1 for case in found if case.get("clarify")) >= 8
    kinds = {op["op"] for case in changes for op in case["expect"]}
    assert kinds == {
        "add_item", "remove_item", "change_item", "move_item", "add_stage", "remove_stage",
        "rename_stage", "move_stage", "set_emotion", "set_persona", "set_field",
    }  # fmt: skip


@pytest.mark.parametrize(("lang", "case"), ALL, ids=[f"{lang}:{case['say']}" for lang, case in ALL])
def test_instruction(lang: Lang, case: dict[str, Any]) -> None:
    journey = fixture_map(lang)
    plan = understand(case["say"], journey)
    if case.get("clarify"):
        assert plan is None or (not plan.operations and plan.question), plan
        return
    assert plan is not None, "read as no edit at all"
    assert not plan.question, plan.question
    expected = OPERATIONS.validate_python(case["expect"])
    assert [op.model_dump() for op in plan.operations] == [op.model_dump() for op in expected]
    assert apply_operations(journey, plan.operations) == apply_operations(journey, expected)

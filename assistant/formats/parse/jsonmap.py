"""Our own JSON: the JourneyMap schema, with validation errors named by field path."""

from __future__ import annotations

import json

from pydantic import ValidationError

from assistant.domain import JourneyMap
from assistant.formats.parse.errors import MapParseError
from assistant.formats.parse.grid import MAX_COLUMNS

_SHOWN_ERRORS = 5


def read_json(text: str) -> JourneyMap:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MapParseError(
            f"line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg}). "
            "Export the map from Polku again, or fix the JSON syntax."
        ) from exc
    except RecursionError as exc:
        raise MapParseError("This JSON is nested too deeply to be a journey map.") from exc
    if not isinstance(data, dict) or not {"title", "stages"} & set(data):
        raise MapParseError(
            "This JSON is not a Polku journey map: expected an object with 'title' and "
            "'stages' (see `polku schema JourneyMap`)."
        )
    stages = data.get("stages")
    if isinstance(stages, list) and len(stages) > MAX_COLUMNS:
        raise MapParseError(
            f"This map has {len(stages)} stages; Polku reads at most {MAX_COLUMNS}, as in a "
            "table. Split the journey into several maps."
        )
    try:
        return JourneyMap.model_validate(data)
    except ValidationError as exc:
        raise MapParseError(
            f"This JSON does not match the journey map format: {describe(exc)}. Fix these "
            "fields (see `polku schema JourneyMap`)."
        ) from exc


def describe(exc: ValidationError) -> str:
    """'stages[0].emotion.score: Input should be less than or equal to 2; ...'"""
    errors = exc.errors()
    shown = [f"{field_path(e['loc'])}: {e['msg']}" for e in errors[:_SHOWN_ERRORS]]
    more = len(errors) - _SHOWN_ERRORS
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "top level"

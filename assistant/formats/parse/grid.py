"""A stage x lane table, whichever way round it is, into stages.

Stages as columns: the first column names lanes. Stages as rows: the header row names lanes
(its first cell says "stage"). The orientation is the one whose headers name more lanes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.domain import LaneKey, Lang, Stage
from assistant.formats import terms
from assistant.formats.parse import cells
from assistant.formats.parse.errors import MapParseError, NoLanesError
from assistant.formats.syntax import mask, unmask
from assistant.language.vocabulary import vocabulary

Where = Callable[[int, int | None], str]
MAX_ROWS = 2000
MAX_COLUMNS = 200
_LEGEND = re.compile(r"^\*{1,2}\s")


@dataclass(frozen=True)
class Table:
    """Cells as read, row by row; ``where(row, col)`` names a cell for error messages."""

    rows: list[list[str]]
    where: Where


@dataclass
class Parsed:
    stages: list[Stage]
    lang_votes: Counter[Lang] = field(default_factory=Counter)
    text: list[str] = field(default_factory=list)


def check_size(rows: int, columns: int) -> None:
    """Refuse a table over MAX_ROWS rows or MAX_COLUMNS columns, in every format."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise MapParseError(
            f"The table is too large (over {MAX_ROWS} rows or {MAX_COLUMNS} columns); a "
            "journey map has a few lanes and stages. Remove the extra rows and try again."
        )


def header_text(cell: str) -> str:
    """A stage or lane name, unescaped."""
    return unmask(mask(cell)).strip()


def read_stages(table: Table) -> Parsed:
    rows, cols = _kept(table)
    if len(rows) < 2 or len(cols) < 2:
        raise MapParseError(
            f"{table.where(rows[0] if rows else 0, None)}: the table needs a header row and at "
            "least one lane row, and a column of lane names plus at least one stage column."
        )
    _check_widths(table, rows)
    grid = [[_cell(table, r, c) for c in cols] for r in rows]
    down = [terms.lane(header_text(row[0])) for row in grid[1:]]
    across = [terms.lane(header_text(cell)) for cell in grid[0][1:]]
    if not any(down) and not any(across):
        raise NoLanesError(
            f"{table.where(rows[0], None)}: no lane Polku recognises. The first column (or the "
            f"header row) should name lanes such as {_lane_examples()}; rename them and try again."
        )
    if sum(map(bool, across)) > sum(map(bool, down)):
        return _build(table, grid, rows, cols, by_rows=True)
    return _build(table, grid, rows, cols, by_rows=False)


def _kept(table: Table) -> tuple[list[int], list[int]]:
    """Rows and columns that hold something (legend lines under the table dropped)."""
    rows = [r for r, row in enumerate(table.rows) if any(c.strip() for c in row)]
    rows = [r for r in rows if not _is_legend(table.rows[r])]
    width = max((len(table.rows[r]) for r in rows), default=0)
    cols = [c for c in range(width) if any(_cell(table, r, c).strip() for r in rows)]
    return rows, cols


def _cell(table: Table, r: int, c: int) -> str:
    row = table.rows[r]
    return row[c] if c < len(row) else ""


def _is_legend(row: list[str]) -> bool:
    return bool(_LEGEND.match(row[0].strip())) and not any(c.strip() for c in row[1:])


def _filled(row: list[str]) -> int:
    """The row's length without trailing empty cells."""
    filled = len(row)
    while filled and not row[filled - 1].strip():
        filled -= 1
    return filled


def _check_widths(table: Table, rows: list[int]) -> None:
    header = table.rows[rows[0]]
    width = max(_filled(header), 2)
    for r in rows[1:]:
        row = table.rows[r]
        filled = max(_filled(row), min(len(row), width))
        if filled != width:
            raise MapParseError(
                f"{table.where(r, None)}: this row has {filled} cells but the header has "
                f"{width}. Give every row one cell per column (escape a | inside a cell as \\|)."
            )


def _build(
    table: Table, grid: list[list[str]], rows: list[int], cols: list[int], by_rows: bool
) -> Parsed:
    lane_names = grid[0][1:] if by_rows else [row[0] for row in grid[1:]]
    stage_names = [row[0] for row in grid[1:]] if by_rows else grid[0][1:]
    parsed = Parsed(stages=[])
    builders = []
    for s, stage_name in enumerate(stage_names):
        name = header_text(stage_name)
        if not name:
            r, c = (rows[s + 1], cols[0]) if by_rows else (rows[0], cols[s + 1])
            raise MapParseError(
                f"{table.where(r, c)}: a stage has no name. Name every stage (e.g. 'Awareness')."
            )
        builders.append(_StageBuilder(name))
        parsed.text.append(name)
    previous: str | None = None
    for n, lane_cell in enumerate(lane_names):
        lane_name = header_text(lane_cell) or previous
        if lane_name is None:
            r, c = (rows[0], cols[n + 1]) if by_rows else (rows[n + 1], cols[0])
            raise MapParseError(f"{table.where(r, c)}: this lane has no name; name it.")
        previous = lane_name
        found = terms.lane(lane_name)
        if found and len(found[1]) == 1:
            parsed.lang_votes[next(iter(found[1]))] += 1
        parsed.text.append(lane_name)
        for s, builder in enumerate(builders):
            r, c = (rows[s + 1], cols[n + 1]) if by_rows else (rows[n + 1], cols[s + 1])
            cell = grid[s + 1][n + 1] if by_rows else grid[n + 1][s + 1]
            parsed.text.append(cell)
            builder.add(found[0] if found else None, lane_name, cell, table.where(r, c))
    raw = [b.raw_emotion for b in builders if b.raw_emotion]
    five_point = cells.five_point_scale(raw)
    parsed.stages = [b.build(five_point) for b in builders]
    return parsed


class _StageBuilder:
    def __init__(self, name: str) -> None:
        self.stage = Stage(name=name)
        self.raw_emotion: cells.RawEmotion | None = None

    def add(self, lane: LaneKey | None, name: str, cell: str, where: str) -> None:
        stage = self.stage
        if lane is None:
            found = cells.items(cell)
            if found:
                stage.extra_lanes.setdefault(name, []).extend(found)
        elif lane == "customer_goal":
            stage.customer_goal = cells.single_item(cell) or stage.customer_goal
        elif lane == "emotion":
            self.raw_emotion = cells.raw_emotion(cell, where) or self.raw_emotion
        elif lane == "touchpoints":
            stage.touchpoints.extend(cells.touchpoints(cell))
        elif lane == "opportunities":
            stage.opportunities.extend(cells.opportunities(cell))
        else:
            getattr(stage, lane).extend(cells.items(cell))

    def build(self, five_point: bool) -> Stage:
        if self.raw_emotion:
            self.stage.emotion = self.raw_emotion.emotion(five_point)
        return self.stage


def _lane_examples() -> str:
    """'Actions, Pain points' in each language, for the no-lanes message."""
    lanes = vocabulary().lanes
    return " / ".join(
        ", ".join(terms.capitalise(lanes[k].get(lang)[0]) for k in ("actions", "pain_points"))
        for lang in ("en", "fi", "et")
        if all(lanes[k].get(lang) for k in ("actions", "pain_points"))
    )

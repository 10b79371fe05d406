"""The page's handlers without a browser: what each update does to the person's input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.adapters.web.ui.page import Page
from assistant.app.store import MapStore


def _is_skip(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type__") == "update" and len(value) == 1


def test_sending_empties_the_message_box_once_and_then_leaves_it_alone(
    services: Any, tmp_path: Path
) -> None:
    page = Page(services, MapStore(tmp_path / "maps.db"))
    page.load("owner-a")
    updates = list(page.send("owner-a", "A small bakery in Tartu selling to locals"))
    boxes = [update[1] for update in updates]
    assert boxes[0] == ""
    assert len(boxes) >= 2
    # Text typed while the reply was being written must survive the later updates.
    assert all(_is_skip(box) for box in boxes[1:])


def test_new_map_never_touches_the_message_box(services: Any, tmp_path: Path) -> None:
    page = Page(services, MapStore(tmp_path / "maps.db"))
    page.load("owner-b")
    updates = list(page.new_map("owner-b"))
    assert updates
    assert all(_is_skip(update[1]) for update in updates)

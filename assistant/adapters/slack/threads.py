"""The map a Slack thread is about, and the change waiting there for approval.

A map pasted in a thread (or in a DM) becomes that thread's map; an instruction later in
the thread is proposed against it, and "yes" applies it. Kept in SQLite under the data dir,
beside the seen event ids, so a restart loses nothing; threads untouched for a month are
forgotten.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from assistant.domain import JourneyMap
from assistant.domain.edits import EditProposal

KEEP_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class ThreadState:
    journey: JourneyMap | None = None
    pending: EditProposal | None = None
    previous: JourneyMap | None = None  # the map before the last applied change (undo)


class ThreadMaps:
    """One map, one waiting proposal and one undo step per (channel, thread)."""

    def __init__(self, path: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.path = path
        self.keep_seconds = keep_seconds
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS thread_maps (channel TEXT, thread TEXT, "
                "map TEXT, pending TEXT, previous TEXT, at REAL, PRIMARY KEY (channel, thread))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get(self, channel: str, thread: str) -> ThreadState:
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT map, pending, previous FROM thread_maps WHERE channel = ? AND thread = ?",
                (channel, thread),
            ).fetchone()
        if row is None:
            return ThreadState()
        journey, pending, previous = row
        return ThreadState(
            journey=JourneyMap.model_validate_json(journey) if journey else None,
            pending=EditProposal.model_validate_json(pending) if pending else None,
            previous=JourneyMap.model_validate_json(previous) if previous else None,
        )

    def put(self, channel: str, thread: str, state: ThreadState) -> None:
        now = time.time()
        values = (
            channel,
            thread,
            state.journey.model_dump_json() if state.journey else None,
            state.pending.model_dump_json() if state.pending else None,
            state.previous.model_dump_json() if state.previous else None,
            now,
        )
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM thread_maps WHERE at < ?", (now - self.keep_seconds,))
            db.execute("INSERT OR REPLACE INTO thread_maps VALUES (?, ?, ?, ?, ?, ?)", values)

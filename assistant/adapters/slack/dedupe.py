"""Remember which Slack events were already taken, so a retry never produces a second answer.

Slack resends an event (with ``X-Slack-Retry-Num``) when it did not see a 200 within three
seconds, and may resend after a restart of ours too; the ids live in SQLite under the data
dir so both cases are caught. Ids older than a day are forgotten (Slack stops retrying after
minutes).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

KEEP_SECONDS = 24 * 3600


class SeenEvents:
    """A set of event ids with a time to live; safe to use from many threads and processes."""

    def __init__(self, path: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.path = path
        self.keep_seconds = keep_seconds
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, at REAL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def first_time(self, event_id: str) -> bool:
        """True exactly once per id: the caller that gets True handles the event."""
        now = time.time()
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM seen WHERE at < ?", (now - self.keep_seconds,))
            cursor = db.execute(
                "INSERT OR IGNORE INTO seen (event_id, at) VALUES (?, ?)", (event_id, now)
            )
            return cursor.rowcount == 1

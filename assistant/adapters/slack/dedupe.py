"""Remember which Slack events were already taken, so a retry never produces a second answer.

Slack resends an event (with ``X-Slack-Retry-Num``) when it did not see a 200 within three
seconds, and may resend after a restart of ours too; the ids live in the store's database, so
both cases are caught, and with PostgreSQL so are retries that reach another Polku server.
Ids older than a day are forgotten (Slack stops retrying after minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import delete

from assistant.app.store import Database
from assistant.app.store.tables import slack_events

KEEP_SECONDS = 24 * 3600


class SeenEvents:
    """A set of event ids with a time to live; safe to use from many threads and processes."""

    def __init__(self, where: Database | Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.db = where if isinstance(where, Database) else Database.at(where)
        self.keep_seconds = keep_seconds

    def first_time(self, event_id: str) -> bool:
        """True exactly once per id: the caller that gets True handles the event."""
        now = time.time()
        with self.db.write() as db:
            db.execute(delete(slack_events).where(slack_events.c.at < now - self.keep_seconds))
            return self.db.insert_new(db, slack_events, {"event_id": event_id, "at": now})

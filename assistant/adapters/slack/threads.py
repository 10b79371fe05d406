"""The map a Slack thread is about, and the change waiting there for approval.

A map pasted in a thread (or in a DM) becomes that thread's map; an instruction later in
the thread is proposed against it, and "yes" applies it. Kept in the store's database,
beside the seen event ids, so a restart loses nothing; threads untouched for a month are
forgotten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from assistant.app.store import Database
from assistant.app.store.tables import slack_threads
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

    def __init__(self, where: Database | Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.db = where if isinstance(where, Database) else Database.at(where)
        self.keep_seconds = keep_seconds

    def get(self, channel: str, thread: str) -> ThreadState:
        t = slack_threads.c
        query = select(t.map, t.pending, t.previous).where(t.channel == channel, t.thread == thread)
        with self.db.read() as db:
            row = db.execute(query).first()
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
        values = {
            "channel": channel,
            "thread": thread,
            "map": state.journey.model_dump_json() if state.journey else None,
            "pending": state.pending.model_dump_json() if state.pending else None,
            "previous": state.previous.model_dump_json() if state.previous else None,
            "at": now,
        }
        with self.db.write() as db:
            db.execute(delete(slack_threads).where(slack_threads.c.at < now - self.keep_seconds))
            self.db.upsert(db, slack_threads, values, ["channel", "thread"])

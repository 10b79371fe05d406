"""Where Polku keeps what people make: maps and their versions, chat sessions, users,
workspaces, share links and Slack's state, in SQLite or PostgreSQL (``database``)."""

from assistant.app.store.database import Database, DatabaseError
from assistant.app.store.maps import (
    MAX_MAP_BYTES,
    MAX_SESSION_BYTES,
    MapStore,
    MapSummary,
    SavedMap,
    StoreError,
    VersionConflict,
    VersionInfo,
)

__all__ = [
    "MAX_MAP_BYTES",
    "MAX_SESSION_BYTES",
    "Database",
    "DatabaseError",
    "MapStore",
    "MapSummary",
    "SavedMap",
    "StoreError",
    "VersionConflict",
    "VersionInfo",
]

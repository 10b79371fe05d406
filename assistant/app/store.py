"""Saved maps and chat sessions in SQLite, scoped by an owner (an anonymous per-browser id).

Every map keeps all its versions (1, 2, 3...): restoring, renaming or editing adds a new one,
so nothing is lost. One connection per call and ``BEGIN IMMEDIATE`` for writes make the store
safe for several threads and processes at once (WAL mode lets readers run beside a writer).
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.domain import CritiqueReport, JourneyMap, Lang
from assistant.formats.syntax import encodable

if TYPE_CHECKING:
    from assistant.settings import Settings

SCHEMA_VERSION = 2
MAX_MAP_BYTES = 2 * 1024 * 1024
MAX_SESSION_BYTES = 8 * 1024 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS maps (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, language TEXT NOT NULL,
    latest INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS maps_owner ON maps (owner, updated_at);
CREATE TABLE IF NOT EXISTS map_versions (
    map_id TEXT NOT NULL, version INTEGER NOT NULL, saved_at TEXT NOT NULL,
    note TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (map_id, version));
CREATE TABLE IF NOT EXISTS map_reports (
    map_id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (map_id, version));
CREATE TABLE IF NOT EXISTS sessions (
    owner TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL);
"""


class StoreError(ValueError):
    """A map or version that does not exist for this owner, or data the store refuses."""


class SavedMap(BaseModel):
    """The result of a save: which map, which version, and the map as stored."""

    id: str
    version: int
    title: str
    saved_at: str
    journey: JourneyMap


class MapSummary(BaseModel):
    """One line of an owner's map list."""

    id: str
    title: str
    updated_at: str
    versions: int
    language: Lang


class VersionInfo(BaseModel):
    """One version in a map's history."""

    version: int
    saved_at: str
    note: str
    title: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _has_surrogates(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _check_owner(owner: str) -> None:
    if not owner or not owner.strip():
        raise StoreError("an owner id is required")


def _body(journey: JourneyMap, version: int) -> str:
    """The map as stored: its JSON with ``version`` set; refused when over the size limit."""
    body = journey.model_copy(update={"version": version}).model_dump_json()
    if (size := len(body.encode())) > MAX_MAP_BYTES:
        raise StoreError(f"map is too large to save ({size:,} bytes, limit {MAX_MAP_BYTES:,})")
    return body


class MapStore:
    """Maps with their versions, and one chat session per owner, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")  # persistent: set once per file
        with self._tx(write=True) as db:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
            if row[0] is not None and row[0] > SCHEMA_VERSION:
                raise StoreError(f"{path} was written by a newer Polku (schema {row[0]})")
            if row[0] != SCHEMA_VERSION:  # new, or version 1: map_reports was just created
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))

    @classmethod
    def for_settings(cls, settings: Settings) -> MapStore:
        """The store in ``settings.data_dir / "polku.db"``."""
        return cls(settings.data_dir / "polku.db")

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: committed on success; on error, closing the
        connection with the transaction still open rolls it back."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield db
            db.execute("COMMIT")
        finally:
            db.close()

    def save(
        self, owner: str, journey: JourneyMap, map_id: str | None = None, note: str = ""
    ) -> SavedMap:
        """Create a map, or add a version to ``map_id``; an unchanged map adds nothing."""
        with self._tx(write=True) as db:
            return self._save(db, owner, journey, map_id, note)

    def load(self, owner: str, map_id: str, version: int | None = None) -> JourneyMap:
        """A map as saved: its latest version, or the one asked for."""
        with self._tx() as db:
            return self._load(db, owner, map_id, version).journey

    def list(self, owner: str) -> list[MapSummary]:
        """The owner's maps, most recently saved first."""
        _check_owner(owner)
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, title, updated_at, latest AS versions, language FROM maps "
                "WHERE owner = ? ORDER BY updated_at DESC, rowid DESC",
                (owner,),
            ).fetchall()
        return [MapSummary(**dict(row)) for row in rows]

    def versions(self, owner: str, map_id: str) -> builtins.list[VersionInfo]:
        """A map's history, oldest version first."""
        with self._tx() as db:
            self._map_row(db, owner, map_id)
            sql = "SELECT version, saved_at, note, title FROM map_versions WHERE map_id = ?"
            rows = db.execute(f"{sql} ORDER BY version", (map_id,)).fetchall()
        return [VersionInfo(**dict(row)) for row in rows]

    def restore(self, owner: str, map_id: str, version: int) -> SavedMap:
        """Make an old version the newest again, as a new version."""
        with self._tx(write=True) as db:
            old = self._load(db, owner, map_id, version).journey
            return self._save(db, owner, old, map_id, f"restored version {version}")

    def rename(self, owner: str, map_id: str, title: str) -> SavedMap:
        """Change a map's title, as a new version."""
        title = title.strip()
        if not title:
            raise StoreError("a map title cannot be empty")
        with self._tx(write=True) as db:
            latest = self._load(db, owner, map_id, None).journey
            renamed = latest.model_copy(update={"title": title})
            return self._save(db, owner, renamed, map_id, "renamed")

    def duplicate(self, owner: str, map_id: str) -> SavedMap:
        """A new map (version 1) copied from the latest version of ``map_id``."""
        with self._tx(write=True) as db:
            latest = self._load(db, owner, map_id, None).journey
            copy = latest.model_copy(update={"title": f"{latest.title} (copy)"})
            return self._save(db, owner, copy, None, f"copy of {latest.title}")

    def delete(self, owner: str, map_id: str) -> None:
        """Delete a map and all its versions."""
        with self._tx(write=True) as db:
            self._map_row(db, owner, map_id)
            db.execute("DELETE FROM map_versions WHERE map_id = ?", (map_id,))
            db.execute("DELETE FROM map_reports WHERE map_id = ?", (map_id,))
            db.execute("DELETE FROM maps WHERE id = ?", (map_id,))

    def _map_row(self, db: sqlite3.Connection, owner: str, map_id: str) -> sqlite3.Row:
        _check_owner(owner)
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM maps WHERE id = ? AND owner = ?", (map_id, owner)
        ).fetchone()
        if row is None:
            raise StoreError(f"no saved map with id {map_id!r}")
        return row

    def _load(
        self, db: sqlite3.Connection, owner: str, map_id: str, version: int | None
    ) -> SavedMap:
        latest = self._map_row(db, owner, map_id)["latest"]
        sql = "SELECT version, title, saved_at, body FROM map_versions WHERE map_id = ?"
        wanted = latest if version is None else version
        row = db.execute(f"{sql} AND version = ?", (map_id, wanted)).fetchone()
        if row is None:
            raise StoreError(f"map {map_id!r} has no version {version} (it has 1-{latest})")
        journey = JourneyMap.model_validate_json(row["body"])
        return SavedMap(id=map_id, version=row[0], title=row[1], saved_at=row[2], journey=journey)

    def _save(
        self,
        db: sqlite3.Connection,
        owner: str,
        journey: JourneyMap,
        map_id: str | None,
        note: str,
    ) -> SavedMap:
        _check_owner(owner)
        journey = encodable(journey)  # unpaired surrogates as U+FFFD: UTF-8 cannot hold them
        if map_id is None:
            map_id, version = uuid.uuid4().hex, 1
        else:
            current = self._load(db, owner, map_id, None)
            if _body(journey, current.version) == current.journey.model_dump_json():
                return current
            version = current.version + 1
        body, now = _body(journey, version), _now()
        db.execute(
            "INSERT INTO maps VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, language = excluded.language, latest = excluded.latest, "
            "updated_at = excluded.updated_at",
            (map_id, owner, journey.title, journey.language, version, now, now),
        )
        db.execute(
            "INSERT INTO map_versions VALUES (?, ?, ?, ?, ?, ?)",
            (map_id, version, now, note, journey.title, body),
        )
        return self._load(db, owner, map_id, version)

    def save_report(self, owner: str, map_id: str, version: int, report: CritiqueReport) -> None:
        """Keep the critique made of one version, so showing the map again does not re-run it."""
        body = report.model_dump_json()
        with self._tx(write=True) as db:
            self._map_row(db, owner, map_id)
            db.execute(
                "INSERT INTO map_reports VALUES (?, ?, ?) ON CONFLICT (map_id, version) "
                "DO UPDATE SET body = excluded.body",
                (map_id, version, body),
            )

    def load_report(self, owner: str, map_id: str) -> CritiqueReport | None:
        """The critique kept with the map's latest version; None when it has none yet."""
        with self._tx() as db:
            latest = self._map_row(db, owner, map_id)["latest"]
            row = db.execute(
                "SELECT body FROM map_reports WHERE map_id = ? AND version = ?", (map_id, latest)
            ).fetchone()
        return CritiqueReport.model_validate_json(row["body"]) if row else None

    def save_session(self, owner: str, data: dict[str, Any]) -> None:
        """Keep the owner's chat session (conversation, interview state, current map id)."""
        _check_owner(owner)
        try:
            text = json.dumps(data, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise StoreError(f"session data is not JSON: {error}") from error
        if _has_surrogates(text):  # a broken paste, kept as \ud800 escapes (UTF-8 cannot hold it)
            text = json.dumps(data)
        if len(text.encode()) > MAX_SESSION_BYTES:
            raise StoreError(f"session is too large to save (limit {MAX_SESSION_BYTES:,} bytes)")
        with self._tx(write=True) as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?) ON CONFLICT (owner) "
                "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                (owner, text, _now()),
            )

    def load_session(self, owner: str) -> dict[str, Any] | None:
        """The owner's saved chat session, or None when there is none."""
        _check_owner(owner)
        with self._tx() as db:
            row = db.execute("SELECT data FROM sessions WHERE owner = ?", (owner,)).fetchone()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row["data"])
        return data

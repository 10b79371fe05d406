"""Saved maps and chat sessions, scoped by an owner: an anonymous per-browser id, or a
workspace ("ws:" + its id).

Every map keeps all its versions (1, 2, 3...): restoring, renaming or editing adds a new one,
so nothing is lost, and each version records who saved it. A save may name the version it
was made from (``base_version``): when someone saved another version since, it is refused
with ``VersionConflict``, so two people editing one map never lose an update.
"""

from __future__ import annotations

import builtins
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Connection, Row, delete, select, update

from assistant.app.store.database import Database
from assistant.app.store.tables import map_reports, map_versions, maps, sessions
from assistant.domain import CritiqueReport, JourneyMap, Lang
from assistant.formats.syntax import encodable

if TYPE_CHECKING:
    from assistant.settings import Settings

MAX_MAP_BYTES = 2 * 1024 * 1024
MAX_SESSION_BYTES = 8 * 1024 * 1024


class StoreError(ValueError):
    """A map or version that does not exist for this owner, or data the store refuses."""


class SavedMap(BaseModel):
    """The result of a save: which map, which version, and the map as stored."""

    id: str
    version: int
    title: str
    saved_at: str
    journey: JourneyMap


class VersionConflict(StoreError):
    """Someone saved the map since the version this change was made from."""

    def __init__(self, map_id: str, base_version: int, newer: SavedMap) -> None:
        super().__init__(
            f"map {map_id!r} was saved as version {newer.version} since version "
            f"{base_version}, which this change was made from"
        )
        self.base_version = base_version
        self.newer = newer


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
    author: str | None = None


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
    """Maps with their versions, and one chat session per owner, in one database."""

    def __init__(self, where: Path | str | Database) -> None:
        if isinstance(where, Database):
            self.db = where
        elif isinstance(where, Path):
            self.db = Database.at(where)
        else:
            self.db = Database(where)
        self.path = self.db.path

    @classmethod
    def for_settings(cls, settings: Settings) -> MapStore:
        """The store in ``POLKU_DATABASE_URL``, or in ``settings.data_dir / "polku.db"``."""
        return cls(Database.for_settings(settings))

    def save(
        self,
        owner: str,
        journey: JourneyMap,
        map_id: str | None = None,
        note: str = "",
        author: str | None = None,
        base_version: int | None = None,
    ) -> SavedMap:
        """Create a map, or add a version to ``map_id``; an unchanged map adds nothing.

        With ``base_version``, the save is refused (``VersionConflict``) when the map's
        newest version is no longer that one."""
        with self.db.write() as db:
            return self._save(db, owner, journey, map_id, note, author, base_version)

    def load(self, owner: str, map_id: str, version: int | None = None) -> JourneyMap:
        """A map as saved: its latest version, or the one asked for."""
        return self.load_saved(owner, map_id, version).journey

    def load_saved(self, owner: str, map_id: str, version: int | None = None) -> SavedMap:
        """A map as saved, with its id, version and time."""
        with self.db.read() as db:
            return self._load(db, owner, map_id, version)

    def list(self, owner: str) -> list[MapSummary]:
        """The owner's maps, most recently saved first."""
        _check_owner(owner)
        query = (
            select(maps.c.id, maps.c.title, maps.c.updated_at, maps.c.latest, maps.c.language)
            .where(maps.c.owner == owner)
            .order_by(maps.c.updated_at.desc(), maps.c.id)
        )
        with self.db.read() as db:
            rows = db.execute(query).all()
        return [
            MapSummary(
                id=r.id,
                title=r.title,
                updated_at=r.updated_at,
                versions=r.latest,
                language=r.language,
            )
            for r in rows
        ]

    def owner_of(self, map_id: str) -> str | None:
        """Whose map this is (an owner id), or None when there is no such map."""
        with self.db.read() as db:
            found: str | None = db.execute(select(maps.c.owner).where(maps.c.id == map_id)).scalar()
        return found

    def owners(self) -> dict[str, int]:
        """Every owner id with how many maps it has."""
        from sqlalchemy import func

        query = select(maps.c.owner, func.count()).group_by(maps.c.owner)
        with self.db.read() as db:
            return {owner: count for owner, count in db.execute(query).all()}

    def move(self, owner: str, new_owner: str) -> int:
        """Give all of ``owner``'s maps to ``new_owner`` (claiming anonymous maps into a
        workspace); how many moved."""
        _check_owner(owner)
        _check_owner(new_owner)
        with self.db.write() as db:
            moved = db.execute(update(maps).where(maps.c.owner == owner).values(owner=new_owner))
        return int(moved.rowcount)

    def versions(self, owner: str, map_id: str) -> builtins.list[VersionInfo]:
        """A map's history, oldest version first."""
        v = map_versions.c
        query = (
            select(v.version, v.saved_at, v.note, v.title, v.author)
            .where(v.map_id == map_id)
            .order_by(v.version)
        )
        with self.db.read() as db:
            self._map_row(db, owner, map_id)
            rows = db.execute(query).all()
        return [VersionInfo(**row._asdict()) for row in rows]

    def restore(self, owner: str, map_id: str, version: int, author: str | None = None) -> SavedMap:
        """Make an old version the newest again, as a new version."""
        with self.db.write() as db:
            old = self._load(db, owner, map_id, version, lock=True).journey
            return self._save(db, owner, old, map_id, f"restored version {version}", author)

    def rename(self, owner: str, map_id: str, title: str, author: str | None = None) -> SavedMap:
        """Change a map's title, as a new version."""
        title = title.strip()
        if not title:
            raise StoreError("a map title cannot be empty")
        with self.db.write() as db:
            latest = self._load(db, owner, map_id, None, lock=True).journey
            renamed = latest.model_copy(update={"title": title})
            return self._save(db, owner, renamed, map_id, "renamed", author)

    def duplicate(self, owner: str, map_id: str, author: str | None = None) -> SavedMap:
        """A new map (version 1) copied from the latest version of ``map_id``."""
        with self.db.write() as db:
            latest = self._load(db, owner, map_id, None).journey
            copy = latest.model_copy(update={"title": f"{latest.title} (copy)"})
            return self._save(db, owner, copy, None, f"copy of {latest.title}", author)

    def delete(self, owner: str, map_id: str) -> None:
        """Delete a map and all its versions."""
        with self.db.write() as db:
            self._map_row(db, owner, map_id, lock=True)
            db.execute(delete(map_versions).where(map_versions.c.map_id == map_id))
            db.execute(delete(map_reports).where(map_reports.c.map_id == map_id))
            db.execute(delete(maps).where(maps.c.id == map_id))

    def _map_row(self, db: Connection, owner: str, map_id: str, lock: bool = False) -> Row[Any]:
        _check_owner(owner)
        query = select(maps).where(maps.c.id == map_id, maps.c.owner == owner)
        row = db.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise StoreError(f"no saved map with id {map_id!r}")
        return row

    def _load(
        self,
        db: Connection,
        owner: str,
        map_id: str,
        version: int | None,
        lock: bool = False,
    ) -> SavedMap:
        latest = self._map_row(db, owner, map_id, lock).latest
        wanted = latest if version is None else version
        v = map_versions.c
        row = db.execute(
            select(v.version, v.title, v.saved_at, v.body).where(
                v.map_id == map_id, v.version == wanted
            )
        ).first()
        if row is None:
            raise StoreError(f"map {map_id!r} has no version {version} (it has 1-{latest})")
        journey = JourneyMap.model_validate_json(row.body)
        return SavedMap(
            id=map_id,
            version=row.version,
            title=row.title,
            saved_at=row.saved_at,
            journey=journey,
        )

    def _save(
        self,
        db: Connection,
        owner: str,
        journey: JourneyMap,
        map_id: str | None,
        note: str,
        author: str | None = None,
        base_version: int | None = None,
    ) -> SavedMap:
        _check_owner(owner)
        journey = encodable(journey)  # unpaired surrogates as U+FFFD: UTF-8 cannot hold them
        now = _now()
        if map_id is None:
            map_id, version = uuid.uuid4().hex, 1
            body = _body(journey, version)
            db.execute(
                maps.insert().values(
                    id=map_id,
                    owner=owner,
                    title=journey.title,
                    language=journey.language,
                    latest=version,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            current = self._load(db, owner, map_id, None, lock=True)
            if base_version is not None and base_version != current.version:
                raise VersionConflict(map_id, base_version, current)
            if _body(journey, current.version) == current.journey.model_dump_json():
                return current
            version = current.version + 1
            body = _body(journey, version)
            db.execute(
                update(maps)
                .where(maps.c.id == map_id)
                .values(
                    title=journey.title, language=journey.language, latest=version, updated_at=now
                )
            )
        db.execute(
            map_versions.insert().values(
                map_id=map_id,
                version=version,
                saved_at=now,
                note=note,
                title=journey.title,
                body=body,
                author=author,
            )
        )
        return self._load(db, owner, map_id, version)

    def save_report(self, owner: str, map_id: str, version: int, report: CritiqueReport) -> None:
        """Keep the critique made of one version, so showing the map again does not re-run it."""
        body = report.model_dump_json()
        with self.db.write() as db:
            self._map_row(db, owner, map_id)
            values = {"map_id": map_id, "version": version, "body": body}
            self.db.upsert(db, map_reports, values, ["map_id", "version"])

    def load_report(self, owner: str, map_id: str) -> CritiqueReport | None:
        """The critique kept with the map's latest version; None when it has none yet."""
        r = map_reports.c
        with self.db.read() as db:
            latest = self._map_row(db, owner, map_id).latest
            body = db.execute(
                select(r.body).where(r.map_id == map_id, r.version == latest)
            ).scalar()
        return CritiqueReport.model_validate_json(body) if body else None

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
        with self.db.write() as db:
            values = {"owner": owner, "data": text, "updated_at": _now()}
            self.db.upsert(db, sessions, values, ["owner"])

    def load_session(self, owner: str) -> dict[str, Any] | None:
        """The owner's saved chat session, or None when there is none."""
        _check_owner(owner)
        with self.db.read() as db:
            text = db.execute(select(sessions.c.data).where(sessions.c.owner == owner)).scalar()
        if text is None:
            return None
        data: dict[str, Any] = json.loads(text)
        return data

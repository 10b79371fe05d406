"""The database behind the store: SQLite in the data dir (the embedded default) or PostgreSQL
(``POLKU_DATABASE_URL``), one schema for both, migrated to the newest revision with Alembic
when opened.

Writes take the database's write lock at once (SQLite ``BEGIN IMMEDIATE``; PostgreSQL row
locks taken by the queries themselves), so two processes never interleave a read-then-write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from assistant.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "polku_write"


class DatabaseError(ValueError):
    """The database cannot be opened: a bad URL, a server that does not answer, a schema
    written by a newer Polku."""


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and ``polku config``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


class Database:
    """One engine per process; ``read()`` and ``write()`` hand out one transaction each."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as error:
            raise DatabaseError(
                f"POLKU_DATABASE_URL is not a database URL ({error}); use "
                "postgresql://user:password@host/dbname, or leave it unset for SQLite"
            ) from error
        self.url = url
        self.kind = parsed.get_backend_name()
        if self.kind not in ("sqlite", "postgresql"):
            raise DatabaseError(
                f"Polku keeps its data in SQLite or PostgreSQL, not {self.kind!r}: use "
                "postgresql://user:password@host/dbname"
            )
        self.path: Path | None = None
        if self.kind == "sqlite":
            self.path = Path(parsed.database or "")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
        else:
            import psycopg  # noqa: F401 - the driver SQLAlchemy loads for postgresql+psycopg

            if parsed.drivername == "postgresql":  # psycopg 3, not the psycopg2 default
                parsed = parsed.set(drivername="postgresql+psycopg")
            self.engine = create_engine(
                parsed, pool_pre_ping=True, pool_size=8, max_overflow=16, pool_recycle=1800
            )
        try:
            self._migrate()
        except OperationalError as error:
            raise DatabaseError(
                f"cannot reach the database at {_safe_url(url)}: {error.orig}"
            ) from error

    @classmethod
    def for_settings(cls, settings: Settings) -> Database:
        """PostgreSQL when ``POLKU_DATABASE_URL`` is set, else ``data_dir/polku.db``."""
        if settings.database_url is not None:
            return cls(settings.database_url.get_secret_value())
        return cls.at(settings.data_dir / "polku.db")

    @classmethod
    def at(cls, path: Path) -> Database:
        """An SQLite file."""
        return cls(_sqlite_url(path))

    @property
    def shown_url(self) -> str:
        return _safe_url(self.url)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def upsert(
        self, conn: Connection, table: Table, values: dict[str, Any], keys: list[str]
    ) -> None:
        """Insert a row, or update it where its ``keys`` are taken."""
        dialect = postgresql if self.kind == "postgresql" else sqlite
        statement = dialect.insert(table).values(**values)
        updates = {k: statement.excluded[k] for k in values if k not in keys}
        conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates))

    def insert_new(self, conn: Connection, table: Table, values: dict[str, Any]) -> bool:
        """Insert a row unless its key is taken; True when this call inserted it."""
        dialect = postgresql if self.kind == "postgresql" else sqlite
        key = next(iter(table.primary_key.columns))
        statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
        return conn.execute(statement.returning(key)).first() is not None

    def secret(self, name: str, first: str | None = None) -> str:
        """A secret every server using this database shares (made once: ``first`` when
        given, e.g. one an older Polku kept in a file, else random)."""
        import secrets as random

        from assistant.app.store.tables import server_secrets

        query = select(server_secrets.c.value).where(server_secrets.c.name == name)
        with self.read() as conn:
            found = conn.execute(query).scalar()
        if found is None:
            value = first or random.token_hex(32)
            with self.write() as conn:
                self.insert_new(conn, server_secrets, {"name": name, "value": value})
                found = conn.execute(query).scalar()
        return str(found)

    def _migrate(self) -> None:
        """Bring the schema to the newest revision, one process at a time."""
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                if self.kind == "postgresql":
                    key = int(hashlib.sha256(b"polku-migrate").hexdigest()[:15], 16)
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
                current = _revision(conn)
                if current is not None and current != head and not _known(config, current):
                    raise DatabaseError(
                        f"the database at {self.shown_url} was written by a newer Polku "
                        f"(schema {current}); upgrade Polku to open it"
                    )
                if current != head:
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _known(config: Any, revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except CommandError:
        return False


def _sqlite_engine(url: str) -> Engine:
    """SQLite in WAL mode (readers beside a writer), waiting up to 30 s for a lock; the
    driver's own transaction handling off, so ``write()`` can say ``BEGIN IMMEDIATE``."""
    engine = create_engine(url, connect_args={"timeout": 30}, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine

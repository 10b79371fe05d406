"""The map store: versions, owners kept apart, restarts, sessions, size guard, threads,
conflicting saves; every test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.app.store import Database, DatabaseError, MapStore, StoreError, VersionConflict
from assistant.domain import Item
from assistant.settings import Settings
from tests.maps import good_map

ANNA = "browser-anna"
BEN = "browser-ben"


@pytest.fixture
def store(database_url: str) -> MapStore:
    return MapStore(database_url)


def test_for_settings_uses_data_dir(tmp_path: Path) -> None:
    store = MapStore.for_settings(Settings(data_dir=tmp_path / "data"))
    assert store.path == tmp_path / "data" / "polku.db"
    assert store.path.exists()


def test_save_load_round_trip(store: MapStore) -> None:
    journey = good_map()
    saved = store.save(ANNA, journey, note="first draft")
    assert saved.version == 1
    assert saved.title == journey.title
    assert store.load(ANNA, saved.id) == journey
    assert store.load(ANNA, saved.id, version=1) == journey


def test_versions_grow_and_identical_saves_do_not(store: MapStore) -> None:
    journey = good_map()
    first = store.save(ANNA, journey)
    again = store.save(ANNA, journey.model_copy(update={"version": 7}), first.id)
    assert again.version == 1
    assert again.saved_at == first.saved_at

    edited = journey.model_copy(update={"scenario": "Anna meets a client."})
    second = store.save(ANNA, edited, first.id, note="scenario")
    assert second.version == 2
    assert second.journey.version == 2
    assert store.load(ANNA, first.id).scenario == "Anna meets a client."
    assert store.load(ANNA, first.id, version=1).scenario == journey.scenario
    assert [v.version for v in store.versions(ANNA, first.id)] == [1, 2]
    assert store.versions(ANNA, first.id)[1].note == "scenario"
    assert store.list(ANNA)[0].versions == 2


def test_restore_adds_the_old_version_as_newest(store: MapStore) -> None:
    journey = good_map()
    saved = store.save(ANNA, journey)
    store.save(ANNA, journey.model_copy(update={"business": "A bakery"}), saved.id)
    restored = store.restore(ANNA, saved.id, 1)
    assert restored.version == 3
    assert store.load(ANNA, saved.id).business == journey.business
    assert store.load(ANNA, saved.id, version=2).business == "A bakery"
    assert store.versions(ANNA, saved.id)[-1].note == "restored version 1"


def test_rename(store: MapStore) -> None:
    saved = store.save(ANNA, good_map())
    renamed = store.rename(ANNA, saved.id, "  Café journey  ")
    assert renamed.version == 2
    assert store.load(ANNA, saved.id).title == "Café journey"
    assert store.list(ANNA)[0].title == "Café journey"
    assert [v.title for v in store.versions(ANNA, saved.id)] == [good_map().title, "Café journey"]
    with pytest.raises(StoreError, match="empty"):
        store.rename(ANNA, saved.id, "   ")


def test_duplicate(store: MapStore) -> None:
    saved = store.save(ANNA, good_map())
    store.rename(ANNA, saved.id, "Original")
    copy = store.duplicate(ANNA, saved.id)
    assert copy.id != saved.id
    assert copy.version == 1
    assert copy.title == "Original (copy)"
    assert store.load(ANNA, copy.id).stages == good_map().stages
    assert {m.id for m in store.list(ANNA)} == {saved.id, copy.id}


def test_delete(store: MapStore) -> None:
    keep = store.save(ANNA, good_map())
    gone = store.save(ANNA, good_map())
    store.delete(ANNA, gone.id)
    assert [m.id for m in store.list(ANNA)] == [keep.id]
    with pytest.raises(StoreError, match="no saved map"):
        store.load(ANNA, gone.id)
    with pytest.raises(StoreError, match="no saved map"):
        store.delete(ANNA, gone.id)


def test_list_is_newest_first_with_summary(store: MapStore) -> None:
    older = store.save(ANNA, good_map())
    newer = store.save(ANNA, good_map().model_copy(update={"title": "Kahvila", "language": "fi"}))
    summaries = store.list(ANNA)
    assert [m.id for m in summaries] == [newer.id, older.id]
    assert (summaries[0].title, summaries[0].language, summaries[0].versions) == (
        "Kahvila",
        "fi",
        1,
    )
    store.rename(ANNA, older.id, "Touched")
    assert [m.id for m in store.list(ANNA)] == [older.id, newer.id]


def test_owners_are_isolated(store: MapStore) -> None:
    saved = store.save(ANNA, good_map())
    assert store.list(BEN) == []
    for attempt in (
        lambda: store.load(BEN, saved.id),
        lambda: store.versions(BEN, saved.id),
        lambda: store.save(BEN, good_map(), saved.id),
        lambda: store.restore(BEN, saved.id, 1),
        lambda: store.rename(BEN, saved.id, "Mine now"),
        lambda: store.duplicate(BEN, saved.id),
        lambda: store.delete(BEN, saved.id),
    ):
        with pytest.raises(StoreError, match="no saved map"):
            attempt()
    assert store.load(ANNA, saved.id) == good_map()
    assert store.list(BEN) == []
    with pytest.raises(StoreError, match="owner"):
        store.list("")


def test_unknown_ids_and_versions_have_clear_messages(store: MapStore) -> None:
    with pytest.raises(StoreError, match="no saved map with id 'nope'"):
        store.load(ANNA, "nope")
    with pytest.raises(StoreError, match="no saved map with id 'nope'"):
        store.save(ANNA, good_map(), "nope")
    saved = store.save(ANNA, good_map())
    with pytest.raises(StoreError, match=r"has no version 5 \(it has 1-1\)"):
        store.load(ANNA, saved.id, version=5)
    with pytest.raises(StoreError, match="has no version 0"):
        store.restore(ANNA, saved.id, 0)


def test_a_restart_sees_everything(database_url: str) -> None:
    settings = Settings(data_dir=Path("/nonexistent"), database_url=database_url)
    before = MapStore.for_settings(settings)
    saved = before.save(ANNA, good_map())
    before.rename(ANNA, saved.id, "Renamed")
    before.save_session(ANNA, {"map_id": saved.id})
    after = MapStore.for_settings(settings)
    assert after.list(ANNA) == before.list(ANNA)
    assert after.load(ANNA, saved.id, version=1) == good_map()
    assert len(after.versions(ANNA, saved.id)) == 2
    assert after.load_session(ANNA) == {"map_id": saved.id}


def test_sessions(store: MapStore) -> None:
    assert store.load_session(ANNA) is None
    data = {"messages": [{"role": "user", "content": "Hei, kahvila"}], "map_id": None}
    store.save_session(ANNA, data)
    assert store.load_session(ANNA) == data
    store.save_session(ANNA, {"map_id": "abc"})
    assert store.load_session(ANNA) == {"map_id": "abc"}
    assert store.load_session(BEN) is None
    with pytest.raises(StoreError, match="not JSON"):
        store.save_session(ANNA, {"when": object()})


def test_maps_over_two_megabytes_are_refused(store: MapStore) -> None:
    journey = good_map()
    journey.stages[0].actions = [Item(text="x" * 1000) for _ in range(2200)]
    with pytest.raises(StoreError, match="too large"):
        store.save(ANNA, journey)
    assert store.list(ANNA) == []


def test_concurrent_saves_lose_no_versions(store: MapStore) -> None:
    saved = store.save(ANNA, good_map())
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            for turn in range(5):
                edited = good_map().model_copy(update={"scenario": f"thread {thread}/{turn}"})
                store.save(ANNA, edited, saved.id)
                store.save(BEN, edited)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [v.version for v in store.versions(ANNA, saved.id)] == list(range(1, 42))
    scenarios = {store.load(ANNA, saved.id, v).scenario for v in range(2, 42)}
    assert len(scenarios) == 40
    assert len(store.list(BEN)) == 40


def test_a_save_made_from_an_old_version_is_refused_with_the_newer_one(store: MapStore) -> None:
    saved = store.save(ANNA, good_map(), author="anna")
    anna = good_map().model_copy(update={"scenario": "Anna's change"})
    ben = good_map().model_copy(update={"scenario": "Ben's change"})
    assert store.save(ANNA, anna, saved.id, author="anna", base_version=1).version == 2
    with pytest.raises(VersionConflict) as refused:
        store.save(ANNA, ben, saved.id, author="ben", base_version=1)
    assert refused.value.newer.version == 2
    assert refused.value.newer.journey.scenario == "Anna's change"
    assert "saved as version 2 since version 1" in str(refused.value)
    assert store.load(ANNA, saved.id).scenario == "Anna's change"  # nothing overwritten
    assert store.save(ANNA, ben, saved.id, author="ben", base_version=2).version == 3


def test_concurrent_saves_from_one_version_let_exactly_one_through(store: MapStore) -> None:
    saved = store.save(ANNA, good_map())
    won: list[int] = []
    refused: list[int] = []

    def work(n: int) -> None:
        edited = good_map().model_copy(update={"scenario": f"writer {n}"})
        try:
            won.append(store.save(ANNA, edited, saved.id, base_version=1).version)
        except VersionConflict:
            refused.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won == [2]
    assert len(refused) == 7
    assert [v.version for v in store.versions(ANNA, saved.id)] == [1, 2]


def test_each_version_says_who_saved_it(store: MapStore) -> None:
    saved = store.save(ANNA, good_map(), author="anna")
    store.rename(ANNA, saved.id, "Renamed", author="ben")
    store.restore(ANNA, saved.id, 1, author="carla")
    store.save(ANNA, good_map().model_copy(update={"scenario": "x"}), saved.id)
    history = store.versions(ANNA, saved.id)
    assert [(v.version, v.author) for v in history] == [
        (1, "anna"),
        (2, "ben"),
        (3, "carla"),
        (4, None),
    ]


def test_moving_maps_to_another_owner(store: MapStore) -> None:
    first = store.save(ANNA, good_map())
    store.save(ANNA, good_map())
    store.save(BEN, good_map())
    assert store.owners() == {ANNA: 2, BEN: 1}
    assert store.move(ANNA, "ws:team") == 2
    assert store.list(ANNA) == []
    assert len(store.list("ws:team")) == 2
    assert store.owner_of(first.id) == "ws:team"
    assert store.owner_of("nope") is None
    with pytest.raises(StoreError):
        store.load(ANNA, first.id)


def test_an_sqlite_file_from_before_migrations_opens_with_its_maps(tmp_path: Path) -> None:
    """A polku.db written by the store before it moved to Alembic (schema_version 2)."""
    path = tmp_path / "polku.db"
    body = good_map().model_copy(update={"version": 1}).model_dump_json()
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (2);"
            "CREATE TABLE maps (id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL,"
            " language TEXT NOT NULL, latest INTEGER NOT NULL, created_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL);"
            "CREATE TABLE map_versions (map_id TEXT NOT NULL, version INTEGER NOT NULL,"
            " saved_at TEXT NOT NULL, note TEXT NOT NULL, title TEXT NOT NULL,"
            " body TEXT NOT NULL, PRIMARY KEY (map_id, version));"
            "CREATE TABLE map_reports (map_id TEXT NOT NULL, version INTEGER NOT NULL,"
            " body TEXT NOT NULL, PRIMARY KEY (map_id, version));"
            "CREATE TABLE sessions (owner TEXT PRIMARY KEY, data TEXT NOT NULL,"
            " updated_at TEXT NOT NULL);"
        )
        db.execute("INSERT INTO maps VALUES ('m1', ?, 'Old map', 'fi', 1, 't0', 't0')", (ANNA,))
        db.execute("INSERT INTO map_versions VALUES ('m1', 1, 't0', '', 'Old map', ?)", (body,))
    store = MapStore(path)
    assert store.load(ANNA, "m1") == good_map()
    assert store.versions(ANNA, "m1")[0].author is None
    assert store.save(ANNA, good_map().model_copy(update={"scenario": "y"}), "m1").version == 2


def test_a_database_from_a_newer_polku_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "polku.db"
    MapStore(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="written by a newer Polku"):
        MapStore(path)


def test_bad_database_urls_say_what_to_do() -> None:
    with pytest.raises(DatabaseError, match="postgresql://user:password@host/dbname"):
        Database("mysql://x@localhost/db")
    with pytest.raises(DatabaseError, match="not a database URL"):
        Database("not a url")
    with pytest.raises(DatabaseError, match="cannot reach the database") as refused:
        Database("postgresql://polku:secret@127.0.0.1:1/none")
    assert "secret" not in str(refused.value)

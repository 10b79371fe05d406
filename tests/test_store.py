"""The map store: versions, owners kept apart, restarts, sessions, size guard, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.app.store import MapStore, StoreError
from assistant.domain import Item
from assistant.settings import Settings
from tests.maps import good_map

ANNA = "browser-anna"
BEN = "browser-ben"


@pytest.fixture
def store(tmp_path: Path) -> MapStore:
    return MapStore.for_settings(Settings(data_dir=tmp_path / "data"))


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


def test_a_restart_sees_everything(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
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

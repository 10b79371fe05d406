"""Storage survives crashes and competing writers: kill -9 mid-write, a busy index lock,
idempotent re-ingest, and SQLite files (maps, embedding cache) that reopen intact.

Writers run as subprocesses (tests/_crash_worker.py) that print a line per committed write,
so a test knows exactly what had been reported as saved when it SIGKILLs them.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.app.store import MapStore
from assistant.domain import JourneyMap, Stage
from assistant.retrieval.documents import Chunk, chunk_document
from assistant.retrieval.embeddings import DIM, Embedder, EmbeddingCache
from assistant.retrieval.index import KnowledgeIndex
from assistant.retrieval.readers import read_path
from assistant.settings import Settings

pytestmark = pytest.mark.security

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "_crash_worker.py"
DOCUMENTS = 160
BUSY = "Another Polku process is updating the knowledge index"


# --- helpers ------------------------------------------------------------------------


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLKU_")}
    env.update(
        POLKU_DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT),
        ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
        COLUMNS="300",  # rich would wrap the error message at 80 columns
        **extra,
    )
    return env


class Worker:
    """A tests/_crash_worker.py subprocess. A thread reads its stdout, so no wait here can
    hang: every wait has a limit, and the lines keep their arrival times."""

    def __init__(self, data_dir: Path, *args: str, stdin: bool = False, **env: str) -> None:
        self._stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            cwd=ROOT,
            env=_env(data_dir, **env),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self.lines: list[str] = []
        self.arrived: list[float] = []
        self._queue: queue.Queue[tuple[float, str] | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put((time.monotonic(), line.rstrip("\n")))
        self._queue.put(None)

    def _take(self, limit_s: float) -> bool:
        """Move one line from the thread to ``lines``; False at the end of the output."""
        item = self._queue.get(timeout=limit_s)
        if item is None:
            self._queue.put(None)  # keep the end marker for later calls
            return False
        self.arrived.append(item[0])
        self.lines.append(item[1])
        return True

    def until(self, prefix: str, count: int = 1, limit_s: float = 60) -> list[str]:
        """The lines so far, once ``count`` of them start with ``prefix``."""
        deadline = time.monotonic() + limit_s
        while sum(line.startswith(prefix) for line in self.lines) < count:
            try:
                more = self._take(max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                message = f"no {count} x {prefix!r} in {limit_s} s: {self.tail()}"
                raise AssertionError(message) from None
            assert more, f"the worker ended early: {self.tail()}"
        return self.lines

    def finish(self, limit_s: float = 60) -> int:
        """Wait for the worker to exit (and read all its output); its exit code."""
        code = self.proc.wait(timeout=limit_s)
        while self._take(10):
            pass
        return code

    def kill(self, after_s: float = 0.0) -> list[str]:
        """SIGKILL the worker (after a moment of more writing); every line it printed."""
        time.sleep(after_s)
        self.proc.send_signal(signal.SIGKILL)
        assert self.finish(30) == -signal.SIGKILL
        return self.lines

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def tail(self) -> str:
        return f"{self.lines[-5:]} {self.stderr()[-2000:]}"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._stderr.close()


@pytest.fixture
def workers() -> Iterator[Callable[..., Worker]]:
    """Start workers; whatever is still running at the end of the test is killed."""
    started: list[Worker] = []

    def start(data_dir: Path, *args: str, stdin: bool = False, **env: str) -> Worker:
        started.append(Worker(data_dir, *args, stdin=stdin, **env))
        return started[-1]

    yield start
    for worker in started:
        worker.close()


def _integrity(path: Path) -> tuple[str, str]:
    with sqlite3.connect(path) as db:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    return check, mode


@pytest.fixture
def data_dir(fresh_settings: Settings, built_data_dir: Path) -> Path:
    """A private data dir whose built-in knowledge base is already indexed (a copy)."""
    shutil.copytree(built_data_dir / "chroma", fresh_settings.data_dir / "chroma")
    return fresh_settings.data_dir


@pytest.fixture
def research(tmp_path: Path, data_dir: Path) -> tuple[list[Path], dict[str, Chunk]]:
    """Many interview notes (three passages each) whose vectors are already in the cache.

    The cached (random, unit) vectors keep the model out of it: the ingest spends its time
    writing to the index, which is where a kill should land.
    """
    folder = tmp_path / "research"
    folder.mkdir()
    paths, chunks = [], {}
    for n in range(DOCUMENTS):
        path = folder / f"interview-{n:03d}.md"
        path.write_text(
            f"# Interview {n}\n\nCustomer {n} came to the café at {n % 12 + 7} o'clock.\n\n"
            f"## Pains\n\nThe queue was {n} people long and the app lost the stamps.\n\n"
            f"## Ideas\n\nA self-checkout, idea number {n}.\n",
            encoding="utf-8",
        )
        paths.append(path)
        chunks.update({c.chunk_id: c for c in chunk_document(read_path(path, 1_000_000))})
    rng = np.random.default_rng(7)
    vectors = {}
    for chunk in chunks.values():
        vector = rng.normal(size=DIM).astype(np.float32)
        vectors[EmbeddingCache.key(chunk.embedding_text)] = vector / np.linalg.norm(vector)
    cache = EmbeddingCache(data_dir / "embeddings.db")
    cache.put_many(vectors)
    cache.close()
    return paths, chunks


@pytest.fixture
def lock_holder(data_dir: Path, workers: Callable[..., Worker]) -> Worker:
    """Another process holding the index writer lock until its stdin is closed."""
    holder = workers(data_dir, "lock", stdin=True)
    holder.until("locked", limit_s=30)
    return holder


def _release(holder: Worker) -> None:
    assert holder.proc.stdin is not None
    holder.proc.stdin.close()  # the holder lets go
    assert holder.finish(30) == 0
    assert holder.lines[-1] == "released"


def _assert_consistent(index: KnowledgeIndex, expected: dict[str, Chunk]) -> set[str]:
    """Every stored user chunk is whole and one we wrote; whole documents only. Doc ids."""
    stored = index.collection("user").get(include=["documents", "metadatas", "embeddings"])
    ids = stored["ids"]
    assert len(ids) == len(set(ids)) == index.counts()[1]
    for cid, text, meta, vector in zip(
        ids, stored["documents"], stored["metadatas"], stored["embeddings"]
    ):
        chunk = expected[cid]
        assert text == chunk.text, cid
        assert meta == chunk.metadata(), cid
        assert len(vector) == DIM, cid
    docs = index.documents("user")
    by_doc = {d.doc_id: d.chunks for d in docs}
    wanted = {}
    for chunk in expected.values():
        wanted[chunk.doc_id] = wanted.get(chunk.doc_id, 0) + 1
    assert by_doc == {doc_id: wanted[doc_id] for doc_id in by_doc}  # no half-written document
    assert sum(by_doc.values()) == len(index.chunks(["user"])) == len(ids)
    return set(by_doc)


def _assert_searchable(index: KnowledgeIndex, cache: EmbeddingCache, chunk: Chunk) -> None:
    """A stored chunk's own vector finds that chunk first: the vector index agrees."""
    vector = cache.get_many([EmbeddingCache.key(chunk.embedding_text)])
    [found] = vector.values()
    hits = index.vector_search(found, 3, "user")
    assert hits and hits[0][0] == chunk.chunk_id and hits[0][1] > 0.99


# --- kill -9 during ingest ----------------------------------------------------------


@pytest.mark.slow
def test_ingest_killed_mid_write_reopens_consistent_and_resumes(
    data_dir: Path,
    research: tuple[list[Path], dict[str, Chunk]],
    workers: Callable[..., Worker],
) -> None:
    paths, expected = research
    worker = workers(data_dir, "ingest", *map(str, paths))
    worker.until("done ", 40)
    printed = worker.kill(after_s=0.05)  # it keeps writing documents until the kill
    reported = {line.split()[2] for line in printed if line.startswith("done ")}
    assert "finished" not in printed and 40 <= len(reported) < DOCUMENTS

    settings = Settings(data_dir=data_dir, lock_timeout_s=5)
    index = KnowledgeIndex(settings)  # opens without error after the kill
    present = _assert_consistent(index, expected)
    assert reported <= present  # everything reported as written is there
    assert index.counts()[0] > 400  # the built-in collection is untouched
    cache = index.embedder.cache
    assert cache is not None
    _assert_searchable(index, cache, expected[f"{sorted(reported)[-1]}#1"])

    users = [read_path(p, 1_000_000) for p in paths]
    resumed = index.sync_documents(users, "user")
    assert resumed.chunks_written == len(expected) - sum(
        1 for c in expected.values() if c.doc_id in present
    )
    assert resumed.chunks_removed == 0
    assert _assert_consistent(index, expected) == {d.doc_id for d in users}
    assert index.counts()[1] == len(expected)
    again = index.sync_documents(users, "user")
    assert (again.chunks_written, again.embedded, again.chunks_removed) == (0, 0, 0)
    assert index.counts()[1] == len(expected)
    _assert_searchable(index, cache, expected[f"{users[-1].doc_id}#2"])


def test_reingest_in_a_new_index_neither_embeds_nor_writes(
    data_dir: Path, research: tuple[list[Path], dict[str, Chunk]]
) -> None:
    """Idempotence rests on the hashes stored in the index, not on the embedding cache."""
    paths, _ = research
    docs = [read_path(p, 1_000_000) for p in paths[:30]]
    settings = Settings(data_dir=data_dir, lock_timeout_s=5)
    first = KnowledgeIndex(settings).sync_documents(docs, "user")
    assert first.chunks_written == 90 and first.embedded == 0  # vectors came from the cache
    uncached = KnowledgeIndex(settings, embedder=Embedder(cache=None))
    second = uncached.sync_documents(docs, "user")
    assert (second.chunks_written, second.embedded, second.chunks_removed) == (0, 0, 0)
    assert second.chunks_unchanged == 90
    assert uncached.embedder.encoded == 0
    assert uncached.counts()[1] == 90


# --- a second writer ----------------------------------------------------------------


@pytest.fixture
def note(tmp_path: Path) -> Path:
    """A one-passage document for a second writer to ingest."""
    path = tmp_path / "note.md"
    path.write_text("# Note\n\nThe loyalty app forgets stamps.\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_second_writer_waits_then_fails_clearly(
    data_dir: Path, note: Path, lock_holder: Worker, workers: Callable[..., Worker]
) -> None:
    timeout = 2.0
    writer = workers(data_dir, "cli", "ingest", str(note), POLKU_LOCK_TIMEOUT_S=str(timeout))
    writer.until("filelock: Lock", limit_s=60)  # "Lock ... not acquired ..., waiting"
    began = writer.arrived[-1]
    assert "not acquired" in writer.lines[-1]
    assert writer.finish(timeout + 30) == 2
    waited = time.monotonic() - began
    assert timeout - 0.2 <= waited < timeout + 10  # it waited, as long as it was told to
    stderr = writer.stderr()
    message = " ".join(stderr.split())
    assert f"Error: {BUSY}" in message and "Wait for it to finish, then try again." in message
    assert "Traceback" not in stderr
    assert lock_holder.proc.poll() is None  # the holder was never disturbed


@pytest.mark.slow
def test_a_second_writer_proceeds_when_the_lock_is_released_in_time(
    data_dir: Path, note: Path, lock_holder: Worker, workers: Callable[..., Worker]
) -> None:
    writer = workers(data_dir, "cli", "ingest", str(note), POLKU_LOCK_TIMEOUT_S="30")
    writer.until("filelock: Lock", limit_s=60)
    assert "not acquired" in writer.lines[-1]  # the writer is waiting for the lock
    time.sleep(0.3)
    _release(lock_holder)
    assert writer.finish(60) == 0, writer.tail()
    output = " ".join(writer.lines)
    assert "Ingested 1 document(s): 1 passage(s) indexed" in " ".join(output.split())
    assert "Traceback" not in writer.stderr()
    documents = KnowledgeIndex(Settings(data_dir=data_dir)).documents("user")
    assert [d.doc_id for d in documents] == ["user/note.md"]


# --- SQLite files after a kill ------------------------------------------------------


@pytest.mark.slow
def test_map_store_killed_mid_save_keeps_every_committed_version(
    data_dir: Path, workers: Callable[..., Worker]
) -> None:
    worker = workers(data_dir, "maps")
    worker.until("saved ", 60)
    printed = worker.kill(after_s=0.05)
    saved = [line.split()[1:] for line in printed if line.startswith("saved ")]
    [map_id] = {map_id for map_id, _ in saved}
    reported = [int(version) for _, version in saved]
    assert reported == list(range(1, len(reported) + 1))

    path = data_dir / "polku.db"
    assert _integrity(path) == ("ok", "wal")
    store = MapStore(path)  # reopens (and recovers the WAL) without error
    versions = [v.version for v in store.versions("owner-a", map_id)]
    assert versions == list(range(1, len(versions) + 1))  # contiguous
    assert len(versions) >= len(reported)  # nothing reported as saved was lost
    [summary] = store.list("owner-a")
    assert summary.versions == versions[-1]
    for version in versions:
        journey = store.load("owner-a", map_id, version)
        assert JourneyMap.model_validate(journey.model_dump()) == journey
        assert journey.version == version
        assert len(journey.stages[0].actions) == 1 + (version - 1)
    assert _integrity(path) == ("ok", "wal")


@pytest.mark.slow
def test_embedding_cache_killed_mid_write_opens_intact(
    data_dir: Path, workers: Callable[..., Worker]
) -> None:
    path = data_dir / "embeddings.db"
    worker = workers(data_dir, "cache")
    worker.until("put ", 30)
    printed = worker.kill(after_s=0.05)
    batches = [int(line.split()[1]) for line in printed if line.startswith("put ")]
    assert batches == list(range(len(batches)))

    assert _integrity(path) == ("ok", "wal")
    cache = EmbeddingCache(path)
    keys = [EmbeddingCache.key(f"text {turn} {i}") for turn in batches for i in range(50)]
    found = cache.get_many(keys)
    assert set(found) == set(keys)  # every batch reported as written is there
    assert all(v.shape == (DIM,) for v in found.values())
    cache.close()


def test_map_store_and_embedding_cache_use_wal(data_dir: Path) -> None:
    MapStore(data_dir / "polku.db")
    EmbeddingCache(data_dir / "fresh-embeddings.db").close()
    assert _integrity(data_dir / "polku.db")[1] == "wal"
    assert _integrity(data_dir / "fresh-embeddings.db")[1] == "wal"


def test_unpaired_surrogates_are_saved_not_refused(data_dir: Path) -> None:
    """A broken paste (a lone UTF-16 surrogate, as a JSON escape can carry) must not make a
    save fail: UTF-8 cannot hold it, so maps keep U+FFFD and sessions an escape."""
    store = MapStore(data_dir / "polku.db")
    journey = JourneyMap(title="Kahvila \ud800", stages=[Stage(name="A\udfff")])
    saved = store.save("owner-a", journey)
    assert saved.title == "Kahvila \ufffd" == store.list("owner-a")[0].title
    assert store.load("owner-a", saved.id).stages[0].name == "A\ufffd"
    session = {"messages": [{"role": "user", "content": "caf\ud800 é"}]}
    store.save_session("owner-a", session)
    assert store.load_session("owner-a") == session
    assert _integrity(data_dir / "polku.db") == ("ok", "wal")

"""Subprocess entry points for tests/test_security_storage.py: writers that get SIGKILLed.

Each mode prints one line per committed write (and flushes), so the test knows what a
writer had reported as done before it was killed. The data dir comes from POLKU_DATA_DIR.

    python tests/_crash_worker.py ingest FILE...   index files, "done N DOC_ID" per document
    python tests/_crash_worker.py maps             save map versions forever, "saved ID N"
    python tests/_crash_worker.py cache            write embedding-cache rows, "put N"
    python tests/_crash_worker.py lock             hold the index writer lock until stdin closes
    python tests/_crash_worker.py cli ARGS...      ``polku ARGS``, logging lock waits on stdout
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from assistant.settings import Settings


def say(line: str) -> None:
    print(line, flush=True)


def ingest(settings: Settings, paths: list[str]) -> None:
    from assistant.app.services import Services
    from assistant.retrieval.readers import read_path

    services = Services(settings)
    docs = [read_path(Path(p), 1_000_000, settings.language) for p in paths]
    services.index  # noqa: B018 - open the index (the kb is already built) before writing
    say("ready")
    services.ingest(docs, lambda done, total, doc_id: say(f"done {done} {doc_id}"))
    say("finished")


def maps(settings: Settings) -> None:
    from assistant.app.store import MapStore
    from assistant.domain import Item
    from tests.maps import good_map

    store = MapStore.for_settings(settings)
    journey = good_map()
    saved = store.save("owner-a", journey)
    say(f"saved {saved.id} {saved.version}")
    turn = 0
    while True:
        turn += 1
        journey.stages[0].actions.append(Item(text=f"Step {turn} " + "x" * 200))
        saved = store.save("owner-a", journey, saved.id, note=f"turn {turn}")
        say(f"saved {saved.id} {saved.version}")


def cache(settings: Settings) -> None:
    from assistant.retrieval.embeddings import DIM, EmbeddingCache

    store = EmbeddingCache(settings.data_dir / "embeddings.db")
    rng = np.random.default_rng(0)
    turn = 0
    while True:
        batch = {EmbeddingCache.key(f"text {turn} {i}"): rng.random(DIM) for i in range(50)}
        store.put_many(batch)
        say(f"put {turn}")
        turn += 1


def lock(settings: Settings) -> None:
    from filelock import FileLock

    held = FileLock(str(settings.data_dir / "index.lock"))
    with held.acquire(timeout=10):
        say("locked")
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    say("released")


def cli(args: list[str]) -> None:
    """The real command line, with filelock's "not acquired, waiting" lines on stdout."""
    import logging

    from assistant.adapters.cli.main import main as polku

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("filelock: %(message)s"))
    logger = logging.getLogger("filelock")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    sys.argv = ["polku", *args]
    polku()


def main() -> None:
    settings = Settings()
    mode, *args = sys.argv[1:]
    if mode == "ingest":
        ingest(settings, args)
    elif mode == "maps":
        maps(settings)
    elif mode == "cache":
        cache(settings)
    elif mode == "lock":
        lock(settings)
    elif mode == "cli":
        cli(args)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()

"""Several `polku serve` processes sharing one PostgreSQL database and one Chroma server,
beside one embedded `polku serve` (SQLite + embedded Chroma), under the same load.

    python -m bench.multi_server [--quick]

Everything runs on 127.0.0.1: a throwaway PostgreSQL cluster (``tests/postgres.py``), a
``chroma run`` server, three users added with ``polku users add``, and two servers with a data
dir each, the same ``POLKU_DATABASE_URL`` and ``POLKU_CHROMA_URL``. Then 16 sessions (each a
process with its own httpx client, half on each server) run a fixed number of rounds of:
``POST /api/ask`` (en/fi/et questions), a map save (``POST /api/maps``: the first round
creates the map, later ones add a version with ``base_version``), and ``GET /api/maps/{id}``
through the *other* server, which must show the version just saved (a mismatch counts as an
error, like any non-2xx answer).

Three loads, each with HTTP Basic and with bearer tokens: one session alone (no queueing);
16 sessions paced, each starting a round every second (staggered; 48 requests/s, far more
than 16 people make, about half of what two servers serve on 2 cores); and 16 sessions with
no pause at all (a closed loop that keeps both cores busy, so its latencies are mostly the
queue). The same against one embedded server; without --quick, the two servers again with
POLKU_API_MAX_ACTIVE=8. Measured: ask, save and read latencies, errors, requests/s. Prints a
Markdown table and writes bench/multi-server-results.json.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import json
import multiprocessing
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from bench.common import ROOT, free_port, percentiles

RESULTS = ROOT / "bench" / "multi-server-results.json"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-password-2026"
USERS = (("anna", "owner"), ("ben", "editor"), ("carla", "editor"))
SESSIONS = 16
ASKS = [
    ("What are the stages of a customer journey?", "en"),
    ("How do I find the moments of truth in a journey map?", "en"),
    ("Who should own the opportunities in a map?", "en"),
    ("Mikä on asiakaspolkukartta?", "fi"),
    ("Miten persoona tehdään asiakashaastatteluista?", "fi"),
    ("Mis on teenusplaan?", "et"),
    ("Kuidas mõõta kliendi emotsioone teekonnal?", "et"),
]
TARGETS = {"ask_p95_ms": 500.0, "save_p95_ms": 50.0, "errors": 0}
PACE_S = 1.0  # a paced session's round (ask, save, read) starts every second
# Settings this benchmark chooses itself: nothing from the caller's environment may add a
# model, a login or another store.
CLEARED_PREFIXES = ("POLKU_", "OPENAI_", "SLACK_")
Auth = Literal["basic", "token"]
AUTHS: tuple[Auth, ...] = ("basic", "token")
NAMES = {
    "two_servers": "2 servers, PostgreSQL + Chroma server",
    "one_embedded": "1 server, SQLite + embedded Chroma",
    "two_servers_max_active_8": "2 servers, PostgreSQL + Chroma server, POLKU_API_MAX_ACTIVE=8",
}


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_PREFIXES)}
    return {**kept, **extra}


# --- processes -------------------------------------------------------------------------


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A process in a group of its own (so stopping it stops its children), output to log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait_s in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-1500:] if log.exists() else ""


def _wait_http(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 300
) -> float:
    """Seconds until ``url`` answers 200; RuntimeError (with the log's end) if it never does."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - start
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 in {timeout_s:.0f} s:\n{_tail(log)}")


@contextlib.contextmanager
def chroma_server(root: Path) -> Iterator[str]:
    """``chroma run`` on a free port under ``root``; its URL, stopped on exit."""
    port = free_port()
    command = [str(VENV_BIN / "chroma"), "run", "--path", str(root / "chroma-server")]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = root / "chroma.log"
    process = _start(command, _clean_env({"ANONYMIZED_TELEMETRY": "False"}), log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{url}/api/v2/heartbeat", process, log, timeout_s=60)
        yield url
    finally:
        _stop(process)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (the tests' one) and a fresh database's URL."""
    from tests.postgres import PostgresCluster

    cluster = PostgresCluster(Path(tempfile.mkdtemp(prefix="polku-bench-postgres-")))
    try:
        yield cluster.database()
    finally:
        cluster.stop()


@contextlib.contextmanager
def polku_server(env: dict[str, str], log: Path) -> Iterator[tuple[str, float]]:
    """`polku serve` on a free port with ``env``: (url, seconds until /api/health is 200)."""
    port = free_port()
    command = [str(VENV_BIN / "polku"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = _start(command, _clean_env(env), log)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, _wait_http(f"{url}/api/health", process, log)
    finally:
        _stop(process)


def _polku(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(VENV_BIN / "polku"), *args],
        input=stdin,
        env=_clean_env(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise RuntimeError(f"polku {' '.join(args)} failed: {done.stderr or done.stdout}")
    return done.stdout


def add_users(env: dict[str, str]) -> dict[str, str]:
    """The three users (one workspace) through the CLI; each one's API token."""
    found = {}
    for name, role in USERS:
        _polku(env, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD)
        found[name] = _polku(env, "users", "token", name).strip().split()[-1]
    return found


# --- load ------------------------------------------------------------------------------


@dataclass
class Tally:
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {"ask": [], "save": [], "read": []}
    )
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.samples[kind].append(seconds)
            else:
                self.errors[f"{kind}: {error}"] += 1


@functools.cache
def _good_map() -> dict[str, Any]:
    from tests.maps import good_map

    found: dict[str, Any] = good_map().model_dump(mode="json")
    return found


def _map_json(session: int, round_: int) -> dict[str, Any]:
    """The tests' well-made map, its title naming the session and round (so each save is a
    new version)."""
    return _good_map() | {"title": f"Kahvila Polku: session {session}, round {round_}"}


def _call(
    tally: Tally, kind: str, client: httpx.Client, method: str, path: str, **kw: Any
) -> tuple[dict[str, Any] | None, float]:
    """One timed request: (its JSON body, seconds); the body is None, and the error counted,
    when it did not answer 2xx."""
    start = time.perf_counter()
    try:
        answer = client.request(method, path, **kw)
    except httpx.HTTPError as error:
        tally.record(kind, time.perf_counter() - start, type(error).__name__)
        return None, 0.0
    seconds = time.perf_counter() - start
    if not answer.is_success:
        tally.record(kind, seconds, str(answer.status_code))
        return None, seconds
    found: dict[str, Any] = answer.json()
    return found, seconds


def session(
    number: int,
    own: str,
    other: str,
    headers: dict[str, str],
    rounds: int,
    tally: Tally,
    period_s: float = 0.0,
) -> None:
    """Ask, save (a new map, then versions of it), and read the save back through ``other``;
    with ``period_s``, one round every ``period_s`` seconds (a person's pace), else at once."""
    map_id: str | None = None
    version = 0
    with (
        httpx.Client(base_url=own, headers=headers, timeout=60) as here,
        httpx.Client(base_url=other, headers=headers, timeout=60) as there,
    ):
        began = time.perf_counter() + period_s * (number % SESSIONS) / SESSIONS  # staggered
        for round_ in range(rounds):
            if period_s and (wait := began + round_ * period_s - time.perf_counter()) > 0:
                time.sleep(wait)
            question, lang = ASKS[(number + round_) % len(ASKS)]
            ask = {"question": question, "lang": lang}
            answer, seconds = _call(tally, "ask", here, "POST", "/api/ask", json=ask)
            if answer is not None:
                tally.record("ask", seconds)
            journey = _map_json(number, round_)
            body: dict[str, Any] = {"map": journey}
            if map_id is not None:
                body |= {"id": map_id, "base_version": version}
            saved, seconds = _call(tally, "save", here, "POST", "/api/maps", json=body)
            if saved is None:
                continue
            tally.record("save", seconds)
            map_id, version = saved["id"], saved["version"]
            seen, seconds = _call(tally, "read", there, "GET", f"/api/maps/{map_id}")
            if seen is None:
                continue
            same = seen["version"] == version and seen["map"]["title"] == journey["title"]
            tally.record("read", seconds, None if same else f"saw {seen['version']}, not {version}")


def _headers(auth: Auth, user: str, tokens: dict[str, str]) -> dict[str, str]:
    if auth == "token":
        return {"Authorization": f"Bearer {tokens[user]}"}
    pair = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _noop(_: int) -> None:
    return None


def _session_process(
    args: tuple[int, str, str, dict[str, str], int, float],
) -> tuple[dict[str, list[float]], Counter[str]]:
    number, own, other, headers, rounds, period_s = args
    tally = Tally()
    session(number, own, other, headers, rounds, tally, period_s)
    return tally.samples, tally.errors


def load(
    urls: list[str],
    tokens: dict[str, str],
    rounds: int,
    auth: Auth,
    sessions: int = SESSIONS,
    period_s: float = 0.0,
) -> dict[str, Any]:
    """``sessions`` sessions spread evenly over ``urls``, each reading through the next one.

    Each session is a process of its own, as each person has their own browser or client:
    with threads in one process, a session's figures would include the wait for its own
    client's interpreter lock, not only the servers' answer."""
    tally = Tally()
    jobs = []
    for number in range(sessions):
        own, other = urls[number % len(urls)], urls[(number + 1) % len(urls)]
        user = USERS[number % len(USERS)][0]
        jobs.append((number, own, other, _headers(auth, user, tokens), rounds, period_s))
    context = multiprocessing.get_context("fork")
    with context.Pool(sessions) as pool:
        pool.map(_noop, range(sessions))  # the processes are up before the clock starts
        start = time.perf_counter()
        for samples, failed in pool.imap_unordered(_session_process, jobs):
            for kind, values in samples.items():
                tally.samples[kind] += values
            tally.errors.update(failed)
        elapsed = time.perf_counter() - start
    done = sum(len(v) for v in tally.samples.values())
    errors = sum(tally.errors.values())
    return {
        "servers": len(urls),
        "sessions": sessions,
        "rounds": rounds,
        "auth": auth,
        "period_s": period_s,
        "requests": done + errors,
        "errors": errors,
        "error_kinds": dict(tally.errors),
        "seconds": round(elapsed, 1),
        "throughput_rps": round((done + errors) / elapsed, 1),
        **{kind: percentiles(values) for kind, values in tally.samples.items() if values},
    }


def _warm(urls: list[str], headers: dict[str, str]) -> None:
    """One round per server first, uncounted (first requests load what is loaded lazily)."""
    tally = Tally()
    for number, url in enumerate(urls):
        session(100 + number, url, urls[(number + 1) % len(urls)], headers, 1, tally)
    if tally.errors:
        raise RuntimeError(f"warm-up failed: {dict(tally.errors)}")


def _measure(urls: list[str], tokens: dict[str, str], rounds: int) -> dict[str, Any]:
    """With each kind of auth: one session alone (no waiting on others); all of them at a
    person's pace, though far brisker than people (a round each ``PACE_S``, the sessions
    staggered); and all of them at once with no pause (a closed loop that keeps every core
    busy: its latencies are mostly the queue)."""
    return {
        "alone": {auth: load(urls, tokens, 2 * rounds, auth, 1) for auth in AUTHS},
        "paced": {auth: load(urls, tokens, rounds, auth, period_s=PACE_S) for auth in AUTHS},
        "saturated": {auth: load(urls, tokens, rounds, auth) for auth in AUTHS},
    }


# --- scenarios -------------------------------------------------------------------------


def shared(root: Path, rounds: int, max_active: int | None) -> dict[str, Any]:
    """Two servers over one PostgreSQL database and one Chroma server."""
    root.mkdir(parents=True)
    found: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        database = stack.enter_context(postgres_database())
        chroma = stack.enter_context(chroma_server(root))
        common = {"POLKU_DATABASE_URL": database, "POLKU_CHROMA_URL": chroma}
        if max_active is not None:
            common["POLKU_API_MAX_ACTIVE"] = str(max_active)
        tokens = add_users({**common, "POLKU_DATA_DIR": str(root / "data-cli")})
        urls = []
        for number in (1, 2):  # one after the other: the first builds the index into Chroma
            data_dir = root / f"data-{number}"
            env = {**common, "POLKU_DATA_DIR": str(data_dir)}
            log = root / f"serve-{number}.log"
            url, ready = stack.enter_context(polku_server(env, log))
            found[f"server_{number}_ready_s"] = round(ready, 2)
            urls.append(url)
        _warm(urls, _headers("basic", USERS[0][0], tokens))
        found |= _measure(urls, tokens, rounds)
    return found


def embedded(root: Path, rounds: int) -> dict[str, Any]:
    """One server on its own: SQLite and embedded Chroma in its data dir."""
    env = {"POLKU_DATA_DIR": str(root / "data-embedded")}
    found: dict[str, Any] = {}
    tokens = add_users(env)
    with polku_server(env, root / "serve-embedded.log") as (url, ready):
        found["server_ready_s"] = round(ready, 2)
        _warm([url], _headers("basic", USERS[0][0], tokens))
        found |= _measure([url], tokens, rounds)
    return found


def _verdict(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "ask_p95": result["ask"]["p95_ms"] <= TARGETS["ask_p95_ms"],
        "save_p95": result["save"]["p95_ms"] <= TARGETS["save_p95_ms"],
        "no_errors": result["errors"] <= TARGETS["errors"],
    }


def bench_multi_server(quick: bool) -> dict[str, Any]:
    rounds = 5 if quick else 15
    root = Path(tempfile.mkdtemp(prefix="polku-bench-multi-"))
    try:
        results: dict[str, Any] = {
            "rounds": rounds,
            "targets": TARGETS,
            "two_servers": shared(root / "shared", rounds, None),
            "one_embedded": embedded(root, rounds),
        }
        if not quick:
            results["two_servers_max_active_8"] = shared(root / "shared-8", rounds, 8)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for name in NAMES:
        if name in results:
            results[name]["met"] = {
                f"{load}_{auth}": _verdict(results[name][load][auth])
                for load in ("paced", "saturated")
                for auth in AUTHS
            }
    return results


# --- report ----------------------------------------------------------------------------


def _ms(result: dict[str, Any], kind: str) -> str:
    found = result.get(kind)
    return f"{found['p50_ms']} / {found['p95_ms']} ms" if found else "—"


def _row(name: str, load: str, found: dict[str, Any]) -> str:
    return (
        f"| {name} | {found['sessions']} {load} | {found['auth']} | {_ms(found, 'ask')} | "
        f"{_ms(found, 'save')} | {_ms(found, 'read')} | {found['throughput_rps']} | "
        f"{found['errors']} |"
    )


def table(results: dict[str, Any]) -> str:
    """Every run: setup, sessions, auth, the latencies, requests/s and errors."""
    rows = [
        "| setup | sessions | auth | ask p50 / p95 | save p50 / p95 | read (other server) "
        "p50 / p95 | requests/s | errors |",
        "|---|---:|---|---|---|---|---:|---:|",
    ]
    for key, name in NAMES.items():
        if key not in results:
            continue
        found = results[key]
        for load in ("paced", "saturated", "alone"):
            rows += [_row(name, load, found[load][auth]) for auth in AUTHS]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no max-active run")
    args = parser.parse_args()
    started = time.perf_counter()
    results = bench_multi_server(args.quick)
    results["run"] = {
        "date": time.strftime("%Y-%m-%d"),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seconds": round(time.perf_counter() - started),
    }
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {RESULTS} in {results['run']['seconds']} s")


if __name__ == "__main__":
    main()

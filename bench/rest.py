"""`polku serve` over HTTP: readiness, REST latencies one at a time, 16 concurrent sessions,
and the server's memory idle and under that load."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import percentiles, rss_mb, served

ASKS = [
    ("What are the stages of a customer journey?", "en"),
    ("Mikä on asiakaspolkukartta?", "fi"),
    ("Mis on teenusplaan?", "et"),
    ("How should B2B maps differ from B2C maps?", "en"),
]
ANSWERS = {
    "language": "en",
    "business": "A bicycle repair shop with a web shop",
    "channels": ["Instagram", "website", "workshop"],
    "pain_points": ["long waits for spare parts", "unclear repair prices"],
    "persona": {"who": "Mikko, 35, commutes by bike", "goals": ["a working bike by Monday"]},
    "evidence": ["customer interviews"],
    "owner": "Service manager",
    "review_cadence": "quarterly",
}
MAP = """| | Awareness | Consideration | Purchase | Use | Loyalty |
|---|---|---|---|---|---|
| Actions | Sees an ad | Compares shops | Books a repair | Rides | Recommends |
| Touchpoints | Instagram (online) | Website (online) | Workshop (offline) | App | Email |
| Emotion | 0 | -1 | +1 | +2 | +1 |
| Pain points | | Unclear prices | Long wait | | |
| Opportunities | | Price list (owner: Sales; metric: bookings) | | | |
"""


def _post(url: str, path: str, body: dict[str, Any]) -> tuple[int, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, headers={"Content-Type": "application/json"}
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start


def _request(url: str, kind: str, n: int) -> tuple[int, float]:
    if kind == "ask":
        question, lang = ASKS[n % len(ASKS)]
        return _post(url, "/api/ask", {"question": question, "lang": lang})
    if kind == "draft":
        return _post(url, "/api/draft", ANSWERS)
    return _post(url, "/api/critique", {"map": MAP, "format": "md"})


def sequential(url: str, repeat: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for kind in ("ask", "draft", "critique"):
        _request(url, kind, 0)
        samples = []
        for n in range(repeat):
            status, seconds = _request(url, kind, n)
            if status != 200:
                raise RuntimeError(f"{kind} answered {status}")
            samples.append(seconds)
        found[kind] = percentiles(samples)
    return found


def concurrent(url: str, sessions: int, turns: int) -> dict[str, Any]:
    """``sessions`` clients at once, each asking, drafting and critiquing in turn."""
    samples: dict[str, list[float]] = {"ask": [], "draft": [], "critique": []}
    errors: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for turn in range(turns):
            kind = ("ask", "ask", "draft", "critique")[(number + turn) % 4]
            status, seconds = _request(url, kind, number + turn)
            with lock:
                (samples[kind] if status == 200 else errors).append(
                    seconds if status == 200 else status  # type: ignore[arg-type]
                )

    threads = [threading.Thread(target=client, args=(n,)) for n in range(sessions)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    done = sum(len(v) for v in samples.values())
    return {
        "sessions": sessions,
        "requests": done,
        "errors": len(errors),
        "throughput_rps": round(done / elapsed, 1),
        **{kind: percentiles(values) for kind, values in samples.items() if values},
    }


def bench_rest(data_dir: Path, repeat: int, sessions: int = 16) -> dict[str, Any]:
    with served({"POLKU_DATA_DIR": str(data_dir)}) as (url, server, started):
        time.sleep(2)
        idle = rss_mb(server.pid)
        one_at_a_time = sequential(url, repeat)
        loaded = concurrent(url, sessions, turns=max(8, repeat))
        peak = rss_mb(server.pid, "VmHWM")
    return {
        "serve_ready_s": round(started, 2),
        "idle_rss_mb": idle,
        "peak_rss_mb_under_load": peak,
        "sequential": one_at_a_time,
        "concurrent": loaded,
    }

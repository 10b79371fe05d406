"""Soak test: `polku serve` under steady mixed traffic, watching errors and memory.

    python -m bench.soak [--minutes 10] [--data-dir DIR] [--workers 4]

Starts `polku serve` offline on a free loopback port (over DIR's index, or a fresh one it
builds first), warms it up, then for the given minutes a fixed number of worker threads send
mixed requests with a short think time: REST ask (en/fi/et), draft, critique (JSON and
multipart), export in every format, health, the web page, and bad requests that must get a
4xx (counted apart, as expected). The server's RSS is sampled every 5 s. Prints a Markdown
table, writes bench/soak-results.json, and exits 1 on any unexpected answer (a 5xx, a
connection error, a wrong status) or when RSS grew by 10 % or more. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, percentiles, rss_mb, served

RESULTS = ROOT / "bench" / "soak-results.json"
FORMATS = ("md", "csv", "xlsx", "json", "mermaid", "html")
MAX_GROWTH = 0.10
RSS_EVERY_S = 5.0
TABLE = (
    "| | Awareness | Consideration | Purchase |\n|---|---|---|---|\n"
    "| Actions | Sees an ad | Compares prices | Pays at the till |\n"
    "| Pain points | | Unclear prices | Long queue |\n"
)
CSV = "Lane,Awareness,Consideration,Purchase\nActions,Sees an ad,Compares,Pays\n"
QUESTIONS = [  # {n} makes every question new (not served from a cache)
    ("What are the stages of a customer journey for shop {n}?", "en"),
    ("How should B2B maps differ from B2C maps in case {n}?", "en"),
    ("Mikä on asiakaspolkukartta yritykselle {n}?", "fi"),
    ("Miten kipupisteet löydetään kaupassa {n}?", "fi"),
    ("Mis on teenusplaan ettevõttele {n}?", "et"),
    ("Kui tihti kaarti üle vaadata poes {n}?", "et"),
]
BUSINESSES = {"en": "A bike shop in Turku", "fi": "Kirjakauppa Oulussa", "et": "Kohvik Tartus"}
OFFLINE_ENV = {  # the soak measures the offline server: no model, no telemetry, no downloads
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}
CLEARED_ENV = (  # a model, a login or a remote Chroma would change what is measured
    "OPENAI_API_KEY",
    "POLKU_LLM_API_KEY",
    "POLKU_LLM_BASE_URL",
    "POLKU_LLM_GGUF",
    "POLKU_AUTH",
    "POLKU_CHROMA_URL",
)


@dataclass(frozen=True)
class Call:
    """One kind of request, and the statuses that count as a correct answer."""

    name: str
    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    weight: int = 1

    def options_for(self, n: int) -> dict[str, Any]:
        """The request options, with every "{n}" in its JSON body made unique: new inputs
        each time, so caches that never stop growing show up as memory growth."""
        body = self.options.get("json")
        if body is None:
            return self.options
        return {**self.options, "json": json.loads(json.dumps(body).replace("{n}", str(n)))}

    @property
    def bad(self) -> bool:
        """A request that must be refused (4xx): its refusals are expected, not errors."""
        return all(400 <= status < 500 for status in self.expect)


def _answers(lang: str, n: int | str = "{n}") -> dict[str, Any]:
    return {
        "language": lang,
        "business": f"{BUSINESSES[lang]} {n}",
        "pain_points": ["long queues", "slow delivery in week {n}"],
        "channels": ["Instagram", "store", "web shop"],
        "persona": {"who": "Anna, 30", "goals": ["save time"]},
    }


def good_calls(journey: dict[str, Any], xlsx: bytes) -> list[Call]:
    calls = [
        Call(f"ask {lang}", "POST", "/api/ask", {"json": {"question": q, "lang": lang}}, weight=2)
        for q, lang in QUESTIONS
    ]
    calls += [
        Call(f"draft {lang}", "POST", "/api/draft", {"json": _answers(lang)}) for lang in BUSINESSES
    ]
    calls += [
        Call("critique json", "POST", "/api/critique", {"json": {"map": TABLE}}, weight=2),
        Call("critique csv upload", "POST", "/api/critique", {"files": _file("m.csv", CSV)}),
        Call("critique xlsx upload", "POST", "/api/critique", {"files": _file("m.xlsx", xlsx)}),
        Call("health", "GET", "/api/health", weight=2),
        Call("web page", "GET", "/"),
    ]
    calls += [
        Call(f"export {fmt}", "POST", "/api/export", {"json": {"map": journey, "format": fmt}})
        for fmt in FORMATS
    ]
    return calls


def _file(name: str, content: str | bytes) -> dict[str, tuple[str, bytes]]:
    return {"file": (name, content.encode() if isinstance(content, str) else content)}


def bad_calls() -> list[Call]:
    """Requests a client gets wrong; each must get its 4xx with a clear message."""
    broken_json = {"content": b'{"question": ', "headers": {"content-type": "application/json"}}
    return [
        Call("bad: empty question", "POST", "/api/ask", {"json": {"question": " "}}, (400,)),
        Call("bad: unknown language", "POST", "/api/ask", {"json": {"lang": "sv"}}, (422,)),
        Call("bad: broken JSON", "POST", "/api/ask", broken_json, (422,)),
        Call("bad: wrong content type", "POST", "/api/ask", {"data": {"q": "x"}}, (415,)),
        Call("bad: no table", "POST", "/api/critique", {"json": {"map": "no table"}}, (422,)),
        Call("bad: unknown format", "POST", "/api/export", {"json": {"format": "pdf"}}, (422,)),
        Call("bad: unknown route", "GET", "/api/nothing-here", expect=(404,)),
    ]


class Stats:
    """Every answer, by call name; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.unexpected: list[dict[str, Any]] = []

    def record(self, call: Call, seconds: float, status: int | None, detail: str) -> None:
        with self.lock:
            self.seconds[call.name].append(seconds)
            if status not in call.expect:
                self.errors[call.name] += 1
                if len(self.unexpected) < 50:  # keep the first ones; the count is in errors
                    self.unexpected.append(
                        {"call": call.name, "status": status, "detail": detail[:300]}
                    )


def send(http: httpx.Client, call: Call, stats: Stats | None, n: int = 0) -> httpx.Response | None:
    start = time.perf_counter()
    status, detail, response = None, "", None
    try:
        response = http.request(call.method, call.path, **call.options_for(n))
        status, detail = response.status_code, response.text[:300]
    except httpx.HTTPError as exc:
        detail = f"{type(exc).__name__}: {exc}"
    if stats is not None:
        stats.record(call, time.perf_counter() - start, status, detail)
    return response


def worker(
    url: str, calls: list[Call], until: float, stats: Stats | None, seed: int, think_s: float
) -> None:
    """Send weighted random calls until the deadline, pausing a little between them."""
    rng = random.Random(seed)
    weights = [c.weight for c in calls]
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as http:
        while time.monotonic() < until:
            send(http, rng.choices(calls, weights)[0], stats, rng.randrange(10**9))
            time.sleep(rng.uniform(0, 2 * think_s))


def run_workers(
    url: str, calls: list[Call], seconds: float, stats: Stats | None, workers: int, think_s: float
) -> None:
    until = time.monotonic() + seconds
    seeds = [(1 if stats else 0) * 1000 + n for n in range(workers)]  # warm-up differs
    threads = [
        threading.Thread(target=worker, args=(url, calls, until, stats, seed, think_s), daemon=True)
        for seed in seeds
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@contextmanager
def sampling_rss(pid: int, samples: list[tuple[float, float]]) -> Iterator[None]:
    """Sample the process's RSS (MB) every few seconds while the block runs."""
    stop = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not stop.is_set():
            samples.append((round(time.monotonic() - started, 1), rss_mb(pid)))
            stop.wait(RSS_EVERY_S)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        samples.append((round(time.monotonic() - started, 1), rss_mb(pid)))


def fixtures(url: str) -> tuple[dict[str, Any], bytes]:
    """A drafted map (to export) and an exported .xlsx (to upload), from the server itself."""
    with httpx.Client(base_url=url, timeout=120, trust_env=False) as http:
        drafted = http.post("/api/draft", json=_answers("en", 0))
        journey = drafted.raise_for_status().json()
        exported = http.post("/api/export", json={"map": journey, "format": "xlsx"})
        xlsx = exported.raise_for_status().content
        mode = http.get("/api/health").raise_for_status().json()["mode"]
    if mode != "offline":
        raise SystemExit(f"the server runs with a model ({mode}); the soak measures offline")
    return journey, xlsx


def summary(stats: Stats, rss: list[tuple[float, float]], calls: list[Call]) -> dict[str, Any]:
    by_name = {c.name: c for c in calls}
    endpoints = {}
    for name, seconds in sorted(stats.seconds.items()):
        figures = percentiles(seconds)
        endpoints[name] = {
            "count": figures["n"],
            "errors": stats.errors.get(name, 0),
            "p50_ms": figures["p50_ms"],
            "p95_ms": figures["p95_ms"],
            "expected_4xx": by_name[name].bad,
        }
    start, end = rss[0][1], rss[-1][1]
    peak = max(mb for _, mb in rss)
    return {
        "requests": sum(e["count"] for e in endpoints.values()),
        "expected_refusals": sum(e["count"] for e in endpoints.values() if e["expected_4xx"]),
        "unexpected_errors": sum(stats.errors.values()),
        "unexpected_samples": stats.unexpected,
        "endpoints": endpoints,
        "rss_mb": {
            "start_after_warm_up": start,
            "max": peak,
            "end": end,
            "growth_pct": round((end - start) / start * 100, 1),
            "max_growth_pct": round((peak - start) / start * 100, 1),
            "samples": rss,
        },
    }


def table(result: dict[str, Any]) -> str:
    rows = ["| endpoint | count | errors | p50 ms | p95 ms |", "|---|---|---|---|---|"]
    for name, e in result["endpoints"].items():
        rows.append(f"| {name} | {e['count']} | {e['errors']} | {e['p50_ms']} | {e['p95_ms']} |")
    rss = result["rss_mb"]
    rows += [
        "",
        f"requests: {result['requests']} ({result['expected_refusals']} expected 4xx), "
        f"unexpected errors: {result['unexpected_errors']}",
        f"RSS: {rss['start_after_warm_up']} MB after warm-up, max {rss['max']} MB, "
        f"end {rss['end']} MB, growth {rss['growth_pct']} % (max {rss['max_growth_pct']} %)",
    ]
    return "\n".join(rows)


def soak(data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    with served({"POLKU_DATA_DIR": str(data_dir), **OFFLINE_ENV}) as (url, server, started):
        journey, xlsx = fixtures(url)
        calls = good_calls(journey, xlsx) + bad_calls()
        print(f"serving at {url} after {started:.1f} s; warming up {args.warm_up_s:g} s")
        for call in calls:  # every path once, then steady traffic that is not counted
            with httpx.Client(base_url=url, timeout=120, trust_env=False) as http:
                send(http, call, None)
        run_workers(url, calls, args.warm_up_s, None, args.workers, args.think_s)
        stats, rss = Stats(), []
        print(f"soaking {args.minutes:g} min with {args.workers} workers")
        with sampling_rss(server.pid, rss):
            run_workers(url, calls, args.minutes * 60, stats, args.workers, args.think_s)
        alive = server.poll() is None
    result = summary(stats, rss, calls)
    result["server_alive_at_end"] = alive
    result["start_to_http_s"] = round(started, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to soak")
    parser.add_argument("--data-dir", type=Path, help="a data dir with a built index to reuse")
    parser.add_argument("--workers", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--think-s", type=float, default=0.05, help="mean pause between calls")
    parser.add_argument("--warm-up-s", type=float, default=30.0, help="uncounted traffic first")
    args = parser.parse_args()
    for name in CLEARED_ENV:  # `served` passes this process's environment on
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="polku-soak-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        if args.data_dir is None:
            print("no --data-dir: the server builds a fresh index first (a minute or more)")
        result = soak(data_dir, args)
    result["run"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "minutes": args.minutes,
        "workers": args.workers,
        "think_s": args.think_s,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {RESULTS}")
    failed = result["unexpected_errors"] or result["rss_mb"]["growth_pct"] >= MAX_GROWTH * 100
    sys.exit(1 if failed or not result["server_alive_at_end"] else 0)


if __name__ == "__main__":
    main()

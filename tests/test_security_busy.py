"""Under load and abuse the server answers at once and clearly, and recovers.

One whole server (REST API and page) runs for the module with tight limits: one REST request
at a time and one waiting at most 0.5 s, one page event at a time and one in the queue, 1 MB
bodies. An OpenAI-compatible stand-in answers every model call after a delay, so a request
holds its slot long enough for a burst to pile up behind it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.openai_server import OpenAIServer, Reply
from tests.ui_server import RunningServer
from tests.uvicorn_server import serving

pytestmark = pytest.mark.security

QUESTION = "What is a persona?"
LIMIT_MB = 1
model_delay = {"s": 0.4}  # how long the stand-in waits before it answers


@pytest.fixture(scope="module")
def llm() -> Iterator[OpenAIServer]:
    server = OpenAIServer(lambda _: Reply(text="A persona [1].", delay_s=model_delay["s"]))
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def busy(
    tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path, llm: OpenAIServer
) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("busy") / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    settings = Settings(
        data_dir=data,
        llm_base_url=llm.base_url,
        llm_model="test-model",
        llm_max_retries=0,
        llm_read_timeout_s=5,
        llm_total_timeout_s=10,
        api_max_active=1,
        api_max_waiting=1,
        busy_wait_s=0.5,
        ui_concurrency=1,
        ui_queue_size=1,
        max_upload_mb=LIMIT_MB,
        auth=None,
    )
    server = RunningServer(settings).start()
    yield server
    server.stop()


def burst(
    count: int, send: Callable[[httpx.Client, int], httpx.Response], base: str
) -> list[tuple[httpx.Response, float]]:
    """``count`` requests released at the same moment; each answer with its duration."""
    start = threading.Barrier(count)

    def one(n: int) -> tuple[httpx.Response, float]:
        with httpx.Client(base_url=base, timeout=30, trust_env=False) as http:
            start.wait(timeout=30)
            began = time.monotonic()
            answer = send(http, n)
            return answer, time.monotonic() - began

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


# --- the REST API -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_rest_burst_gets_quick_503s_and_the_server_recovers(busy: RunningServer) -> None:
    model_delay["s"] = 0.4
    ask = {"question": QUESTION}
    answers = burst(20, lambda http, _: http.post("/api/ask", json=ask), busy.url)
    statuses = Counter(answer.status_code for answer, _ in answers)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] >= 1 and statuses[503] >= 12, statuses
    for answer, took in answers:
        assert took < 15, f"{answer.status_code} after {took:.1f} s"
        if answer.status_code == 503:
            assert took < 5  # at once, or after the 0.5 s wait; never after the work
            assert answer.headers["retry-after"].isdigit()
            assert "busy" in answer.json()["error"]
    with httpx.Client(base_url=busy.url, timeout=30, trust_env=False) as http:
        assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200
        assert http.get("/api/health").status_code == 200


@pytest.mark.slow
def test_while_questions_fill_the_server_a_map_request_is_still_answered(
    busy: RunningServer,
) -> None:
    """The REST API's own wiring: with the work lane full (one running, one waiting), map
    requests and the health check go through their own lane, never a 503."""
    model_delay["s"] = 1.5
    ask = {"question": QUESTION}

    def send(http: httpx.Client, n: int) -> httpx.Response:
        if n < 6:
            return http.post("/api/ask", json=ask)
        time.sleep(0.5)  # once the questions hold the slot and the queue
        return http.get("/api/maps" if n == 6 else "/api/health")

    answers = burst(8, send, busy.url)
    model_delay["s"] = 0.4
    assert Counter(a.status_code for a, _ in answers[:6])[503] >= 3  # the work lane is full
    (maps, took), (health, _) = answers[6], answers[7]
    assert maps.status_code == 401 and took < 1.0  # answered at once: sign in first
    assert health.status_code == 200


class Slow:
    """An ASGI app that takes ``seconds`` per request and counts how many run at once.

    With ``hold_for`` set, a request starts its ``seconds`` only once that many requests have
    reached the door (``Door``), so a burst that a busy machine spreads out still overlaps.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.running = 0
        self.most = 0
        self.hold_for = 0
        self.arrived = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        self.running += 1
        self.most = max(self.most, self.running)
        deadline = time.monotonic() + 10
        while self.arrived < self.hold_for and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(self.seconds)
        self.running -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})


class Door:
    """Counts the requests that reach ``app`` (before any limit) into ``slow.arrived``."""

    def __init__(self, app: Any, slow: Slow) -> None:
        self.app = app
        self.slow = slow

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.slow.arrived += 1
        await self.app(scope, receive, send)


@pytest.mark.parametrize(
    ("wait_s", "served"),
    [
        (0.1, 1),  # the waiting request gives up before the slot frees: only the first runs
        (8.0, 2),  # it gets the slot: the first and the waiting one run, one after the other
    ],
)
def test_busy_limit_bounds_running_and_waiting(wait_s: float, served: int) -> None:
    from assistant.adapters.web.guards import BusyLimit

    slow = Slow(1.5)
    slow.hold_for = 6  # the first request runs its 1.5 s once all six are at the door
    limit = BusyLimit(slow, max_active=1, max_waiting=1, wait_s=wait_s)
    with serving(Door(limit, slow)) as base:
        answers = burst(6, lambda http, _: http.get("/api/work"), base)
        slow.hold_for = 0
        statuses = Counter(answer.status_code for answer, _ in answers)
        assert statuses == {200: served, 503: 6 - served}
        assert slow.most == 1
        refused = [took for answer, took in answers if answer.status_code == 503]
        assert max(refused) < wait_s + 0.5  # nobody is held longer than the wait
        deadline = time.monotonic() + 2  # the last slot is given back just after the answer
        while limit.active and time.monotonic() < deadline:
            time.sleep(0.01)
        assert (limit.active, limit.waiting, limit.refused) == (0, 0, 6 - served)
        others = burst(4, lambda http, _: http.get("/page"), base)  # outside /api/: no limit
        assert [answer.status_code for answer, _ in others] == [200] * 4
        assert slow.most >= 2
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/api/work").status_code == 200  # free again


def test_map_requests_have_a_lane_of_their_own() -> None:
    """While the work lane is full and has a queue, a map save is let in at once, and the
    work lane still refuses what does not fit."""
    from assistant.adapters.web.guards import BusyLimit

    slow = Slow(1.0)
    work = BusyLimit(slow, max_active=1, max_waiting=2, wait_s=5, exclude=("/api/maps",))
    lanes = BusyLimit(work, max_active=4, max_waiting=2, wait_s=5, prefix=("/api/maps",))
    with serving(lanes) as base:

        def send(http: httpx.Client, n: int) -> httpx.Response:
            if n < 4:
                return http.post("/api/ask")
            time.sleep(0.3)  # once the work lane has one running and two waiting
            return http.post("/api/maps")

        answers = burst(5, send, base)
    asks, (save, took) = answers[:4], answers[4]
    assert save.status_code == 200
    assert took < 1.5  # its own 1 s, not the 3 s of the questions ahead of it
    assert sorted(answer.status_code for answer, _ in asks) == [200, 200, 200, 503]
    assert (work.refused, lanes.refused) == (1, 0)


# --- the page's queue -------------------------------------------------------------------------


def _ask_event(base: str) -> int:
    config = httpx.get(f"{base}/config", timeout=30, trust_env=False).json()
    return next(int(d["id"]) for d in config["dependencies"] if d.get("api_name") == "ask")


def _completed(base: str, session_hash: str) -> dict[str, Any]:
    """The final message of a queued event, read from the session's event stream."""
    url = f"{base}/gradio_api/queue/data"
    with (
        httpx.Client(timeout=30, trust_env=False) as http,
        http.stream("GET", url, params={"session_hash": session_hash}) as stream,
    ):
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line.removeprefix("data:"))
                if message.get("msg") == "process_completed":
                    return dict(message)
    raise AssertionError(f"the event of {session_hash} never completed")


@pytest.mark.slow
def test_a_full_page_queue_answers_queue_is_full_at_once(busy: RunningServer) -> None:
    model_delay["s"] = 1.0
    event = _ask_event(busy.url)

    def join(http: httpx.Client, n: int) -> httpx.Response:
        body = {"data": [QUESTION, "en"], "fn_index": event, "session_hash": f"burst{n:03d}"}
        return http.post("/gradio_api/queue/join", json=body)

    answers = burst(6, join, busy.url)
    statuses = Counter(answer.status_code for answer, _ in answers)
    assert set(statuses) == {200, 503}, statuses
    assert statuses[200] <= 2  # one running, at most one waiting
    for answer, took in answers:
        assert took < 5, f"{answer.status_code} after {took:.1f} s"
        if answer.status_code == 503:
            assert "Queue is full" in answer.json()["detail"]
    accepted = [n for n, (answer, _) in enumerate(answers) if answer.status_code == 200]
    for n in accepted:  # what was let in is served
        assert _completed(busy.url, f"burst{n:03d}")["success"] is True
    model_delay["s"] = 0.0
    with httpx.Client(base_url=busy.url, timeout=30, trust_env=False) as http:
        assert join(http, 999).status_code == 200  # the queue drained: new events get in
    assert _completed(busy.url, "burst999")["success"] is True


# --- sizes and shapes -------------------------------------------------------------------------


def _refused(answer: httpx.Response, statuses: tuple[int, ...]) -> str:
    assert answer.status_code in statuses, f"{answer.status_code}: {answer.text[:300]}"
    assert answer.headers["content-type"].startswith("application/json")
    assert "Traceback" not in answer.text
    message = answer.json()["error"]
    assert isinstance(message, str) and len(message) > 15
    return message


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/api/ask", "/api/draft", "/api/critique", "/api/export"])
def test_oversized_json_bodies_get_413(busy: RunningServer, path: str) -> None:
    body = json.dumps({"question": "x" * (LIMIT_MB * 1_000_000 + 10)}).encode()
    with httpx.Client(base_url=busy.url, timeout=30, trust_env=False) as http:
        sized = http.post(path, content=body, headers={"content-type": "application/json"})
        assert f"limit is {LIMIT_MB} MB" in _refused(sized, (413,))
        chunks = (body[i : i + 200_000] for i in range(0, len(body), 200_000))  # no length
        streamed = http.post(path, content=chunks, headers={"content-type": "application/json"})
        assert f"limit is {LIMIT_MB} MB" in _refused(streamed, (413,))


@pytest.mark.slow
def test_an_oversized_page_upload_gets_413(busy: RunningServer) -> None:
    big = ("Actions," + "x" * 99 + "\n") * 15_000  # 1.6 MB
    with httpx.Client(base_url=busy.url, timeout=30, trust_env=False) as http:
        upload = http.post("/gradio_api/upload", files={"files": ("big.csv", big)})
        assert upload.status_code == 413 and "maximum allowed size" in upload.text
        small = http.post("/gradio_api/upload", files={"files": ("small.csv", "Lane,A\n")})
        assert small.status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "body", "statuses", "words"),
    [
        ("/api/ask", {"question": "x" * 4001}, (422,), "at most 4000 characters"),
        ("/api/ask", {"question": "What is a persona?", "k": 10_000}, (422,), "body.k"),
        ("/api/draft", {"business": "x", "pain_points": "not a list"}, (422,), "pain_points"),
        ("/api/ask", "[" * 100_000 + "]" * 100_000, (400, 422), ""),  # nested past any limit
        ("/api/critique", '{"map": ' + "[" * 100_000 + "]" * 100_000 + "}", (400, 422), ""),
        ("/api/ask", "\x00\xff", (400, 422), ""),
        ("/api/export", {"map": "not a map", "format": "md"}, (422,), "body.map"),
    ],
)
def test_malformed_bodies_get_a_readable_4xx(
    busy: RunningServer, path: str, body: Any, statuses: tuple[int, ...], words: str
) -> None:
    content = body if isinstance(body, str) else json.dumps(body)
    with httpx.Client(base_url=busy.url, timeout=30, trust_env=False) as http:
        answer = http.post(path, content=content, headers={"content-type": "application/json"})
    assert words in _refused(answer, statuses)

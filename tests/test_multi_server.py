"""Several Polku servers on one PostgreSQL server and one Chroma server, all real: two
``polku serve`` processes (network cut in them as in the tests) serve the same people.

A map saved through one is read through the other, a sign-in made on one holds on the other,
a document indexed by one is found by the other, a Slack event delivered to both is answered
once, and killing one server with SIGKILL in the middle of saving loses nothing the other
confirmed (nor anything it confirmed itself)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.app.store import Database
from assistant.app.store.accounts import Accounts
from tests.maps import good_map
from tests.postgres import PostgresCluster
from tests.slack_server import SlackStandIn, event_body, signed_headers
from tests.ui_server import free_port, gradio_result

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
SECRET = "multi-server-signing-secret-77"
AUTH = ("anna", "anna-password")
WRAPPER = r"""
import socket, sys
from tests import conftest
conftest.pytest_configure(None)  # the network cut, as in the tests
from assistant.adapters.cli.main import app
app(["serve", "--port", sys.argv[1]])
"""


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def _chroma(root: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(root),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("chroma run did not start")
    yield url
    process.terminate()
    process.wait(timeout=15)


def _start(root: Path, built: Path, env: dict[str, str]) -> Server:
    data = root / "data"
    shutil.copytree(built, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*", "chroma"))
    port = free_port()
    log = root / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, str(port)],
            cwd=REPO,
            env={**env, "POLKU_DATA_DIR": str(data)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def _wait(server: Server) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server died: {server.log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{server.url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


@dataclass
class Cluster:
    a: Server
    b: Server
    database_url: str
    slack: SlackStandIn


@pytest.fixture(scope="module")
def cluster(
    postgres: PostgresCluster, tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path
) -> Iterator[Cluster]:
    database_url = postgres.database()
    accounts = Accounts(Database(database_url))
    default = accounts.workspace_id("default", create=True)
    accounts.add_user("anna", AUTH[1])
    accounts.set_member(default, "anna", "owner")
    slack = SlackStandIn().start()
    chroma = _chroma(tmp_path_factory.mktemp("chroma"))
    chroma_url = next(chroma)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLKU_", "OPENAI_", "SLACK_"))}
    env.update(
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        POLKU_DATABASE_URL=database_url,
        POLKU_CHROMA_URL=chroma_url,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-1-2-multi",
        SLACK_API_URL=slack.api_url,
    )
    a = _start(tmp_path_factory.mktemp("server-a"), built_data_dir, env)
    _wait(a)  # the first one fills the Chroma server with the knowledge base
    b = _start(tmp_path_factory.mktemp("server-b"), built_data_dir, env)
    _wait(b)
    try:
        yield Cluster(a, b, database_url, slack)
    finally:
        for server in (a, b):
            if server.process.poll() is None:
                server.process.terminate()
                server.process.wait(timeout=15)
        next(chroma, None)
        slack.stop()


def test_a_map_saved_through_one_server_is_read_and_versioned_through_the_other(
    cluster: Cluster,
) -> None:
    body = {"map": good_map().model_dump(mode="json")}
    saved = httpx.post(f"{cluster.a.url}/api/maps", json=body, auth=AUTH, timeout=30).json()
    read = httpx.get(f"{cluster.b.url}/api/maps/{saved['id']}", auth=AUTH, timeout=30)
    assert read.status_code == 200 and read.json()["map"]["title"] == good_map().title
    changed = good_map().model_copy(update={"scenario": "Changed through B"})
    edited = {"map": changed.model_dump(mode="json"), "id": saved["id"], "base_version": 1}
    through_b = httpx.post(f"{cluster.b.url}/api/maps", json=edited, auth=AUTH)
    assert through_b.json()["version"] == 2
    stale = httpx.post(f"{cluster.a.url}/api/maps", json=edited, auth=AUTH)
    assert stale.status_code == 409  # the version check holds across servers


def test_a_sign_in_and_the_page_carry_over_to_the_other_server(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.a.url, timeout=60) as on_a:
        signed = on_a.post("/signin", data={"name": AUTH[0], "password": AUTH[1]})
        assert signed.status_code == 303
        cookie = on_a.cookies["polku_sign_in"]
        gradio_result(on_a, "load", "anna-laptop", "")
        gradio_result(on_a, "send", "anna-laptop", "Pyöräkorjaamo Helsingin Kalliossa")
    with httpx.Client(base_url=cluster.b.url, timeout=60) as on_b:
        on_b.cookies.set("polku_sign_in", cookie)
        assert on_b.get("/", follow_redirects=False).status_code == 200
        again = gradio_result(on_b, "load", "anna-laptop", "")
    assert "anna · default" in again[1]
    assert "Pyöräkorjaamo Helsingin Kalliossa" in str(again[2])  # the conversation on A


def test_a_document_indexed_by_one_server_is_found_by_the_other(cluster: Cluster) -> None:
    doc = b"# Ferry notes\n\nPassengers of the qx71ferry line buy tickets at the harbour kiosk.\n"
    with httpx.Client(base_url=cluster.a.url, timeout=120) as on_a:
        on_a.post("/signin", data={"name": AUTH[0], "password": AUTH[1]})
        uploaded = on_a.post("/gradio_api/upload", files={"files": ("ferry.md", doc)}).json()
        file = {"path": uploaded[0], "orig_name": "ferry.md", "meta": {"_type": "gradio.FileData"}}
        assert "user/ferry.md" in str(gradio_result(on_a, "ingest", [file]))
    question = {"question": "Where do qx71ferry passengers buy tickets?"}
    deadline = time.monotonic() + 15  # another server counts the collections once a second
    while True:
        found = httpx.post(f"{cluster.b.url}/api/ask", json=question, timeout=60).json()
        if any(c["doc_id"] == "user/ferry.md" for c in found["citations"]):
            break
        assert time.monotonic() < deadline, found
        time.sleep(0.5)


def test_a_slack_event_delivered_to_both_servers_is_answered_once(cluster: Cluster) -> None:
    event = {
        "type": "app_mention",
        "user": "U0PERSON",
        "text": "<@U0BOT> What is a persona?",
        "ts": "1700000555.000100",
        "channel": "C0MULTI",
        "event_ts": "1700000555.000100",
    }
    body = event_body(event, "EvMulti1")
    for server in (cluster.a, cluster.b):
        headers = signed_headers(SECRET, body)
        answer = httpx.post(f"{server.url}/slack/events", content=body, headers=headers)
        assert answer.status_code == 200
    cluster.slack.wait_for(lambda c: c.body.get("channel") == "C0MULTI")
    time.sleep(3)  # room for a second answer, were the dedupe per process
    posts = [c for c in cluster.slack.posts() if c.body.get("channel") == "C0MULTI"]
    assert len(posts) == 1


def test_killing_one_server_mid_save_loses_nothing_either_confirmed(cluster: Cluster) -> None:
    body = {"map": good_map().model_dump(mode="json")}
    map_id = httpx.post(f"{cluster.b.url}/api/maps", json=body, auth=AUTH).json()["id"]
    confirmed: dict[str, list[int]] = {"a": [], "b": []}
    stop = threading.Event()

    def writer(name: str, url: str) -> None:
        with httpx.Client(base_url=url, timeout=10, auth=AUTH) as http:
            turn = 0
            while not stop.is_set():
                turn += 1
                journey = good_map().model_copy(update={"scenario": f"{name} {turn}"})
                try:
                    saved = http.post(
                        "/api/maps", json={"map": journey.model_dump(mode="json"), "id": map_id}
                    )
                except httpx.HTTPError:
                    if name == "a":
                        return  # its server is gone
                    raise
                if saved.status_code == 200:
                    confirmed[name].append(saved.json()["version"])

    threads = [
        threading.Thread(target=writer, args=("a", cluster.a.url)),
        threading.Thread(target=writer, args=("b", cluster.b.url)),
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(confirmed["a"]) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    cluster.a.kill()  # SIGKILL, in the middle of its saves
    time.sleep(1.0)  # b goes on saving
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(confirmed["a"]) >= 10 and len(confirmed["b"]) >= 10
    read = httpx.get(f"{cluster.b.url}/api/maps/{map_id}", auth=AUTH, timeout=30).json()
    versions = [v["version"] for v in read["versions"]]
    assert versions == list(range(1, len(versions) + 1))  # contiguous, nothing half-written
    assert set(confirmed["a"]) | set(confirmed["b"]) <= set(versions)
    assert not set(confirmed["a"]) & set(confirmed["b"])  # no version given out twice
    for version in (max(confirmed["a"]), max(confirmed["b"])):
        old = httpx.get(f"{cluster.b.url}/api/maps/{map_id}?version={version}", auth=AUTH)
        assert old.json()["map"]["scenario"].split()[0] in ("a", "b")

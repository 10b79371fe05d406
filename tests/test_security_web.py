"""What the web server shows to the network: files, logins, foreign sites, secrets, defaults.

One real ``polku serve`` runs for the module as a subprocess on 127.0.0.1, configured through
its environment as a person would configure it: a login (``POLKU_AUTH``), an OpenAI key and
Slack secrets (all canaries), an LLM server that always fails, one allowed proxy origin. Its
stderr (every logger at DEBUG) and stdout go to files. Raw HTTP then tries to read files
through Gradio's file routes, to use the page and the API without logging in, to write from
a foreign site, and looks for the canaries in every answer and every log line.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from assistant.app.store import Database
from tests.openai_server import OpenAIServer, Reply
from tests.ui_server import free_port, gradio_event

pytestmark = pytest.mark.security

REPO = Path(__file__).resolve().parents[1]
USER, PASSWORD = "anna", "canary-pass-61d0c4"
CANARIES = {
    "OPENAI_API_KEY": "sk-canary-openai-7c1f9e2a",
    "SLACK_SIGNING_SECRET": "canary-signing-5d83b1",
    "SLACK_BOT_TOKEN": "xoxb-canary-bot-40e2f7",
    "SLACK_APP_TOKEN": "xapp-canary-app-93ab1c",
    "POLKU_AUTH": f"{USER}:{PASSWORD}",
}
SECRETS = [PASSWORD, *(v for k, v in CANARIES.items() if k != "POLKU_AUTH")]
FILE_CANARY = "canary-file-content-2b9e"  # written into the .env files and a notes file
ALLOWED_ORIGIN = "https://proxy.example"
EVIL = "https://evil.example"
MAP_CSV = "Lane,Awareness,Consideration,Purchase\nActions,Sees an ad,Compares,Pays\n"

# Runs `polku serve` with the network cut (as in the tests), every logger at DEBUG on stderr,
# and Gradio's share tunnel and launch() replaced by a tripwire.
WRAPPER = r"""
import logging, socket, sys
from tests import conftest

def noted(guard):
    def guarded(*args):
        try:
            return guard(*args)
        except conftest.NetworkBlocked as exc:
            print(f"NETWORK-ATTEMPT {exc}", file=sys.stderr, flush=True)
            raise
    return guarded

socket.socket.connect = noted(conftest._guarded_connect)
socket.socket.connect_ex = noted(conftest._guarded_connect_ex)
socket.getaddrinfo = noted(conftest._guarded_getaddrinfo)

import gradio, gradio.networking

def tripwire(*args, **kwargs):
    print("SHARE-OR-LAUNCH-CALLED", file=sys.stderr, flush=True)
    raise RuntimeError("polku serve must not launch() or open a share tunnel")

gradio.networking.setup_tunnel = tripwire
gradio.Blocks.launch = tripwire
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, force=True)
from assistant.adapters.cli.main import app
app(["serve", "--port", sys.argv[1]])
"""


@dataclass
class Served:
    """The running ``polku serve`` and what it was given."""

    url: str
    port: int
    data: Path
    cwd: Path
    uploads: Path
    logs: list[Path]
    llm: OpenAIServer
    seen: list[httpx.Response] = field(default_factory=list)
    raw_seen: list[bytes] = field(default_factory=list)

    @property
    def exports(self) -> Path:
        return self.data / "exports"

    def log_text(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in self.logs)

    @contextlib.contextmanager
    def client(self, login: bool = True, basic: bool = False) -> Iterator[httpx.Client]:
        """An HTTP client whose every answer is kept (for the canary sweep)."""

        def keep(response: httpx.Response) -> None:
            response.read()
            self.seen.append(response)

        with httpx.Client(
            base_url=self.url,
            timeout=60,
            trust_env=False,
            auth=(USER, PASSWORD) if basic else None,
            event_hooks={"response": [keep]},
        ) as http:
            if login:
                answer = http.post("/login", data={"username": USER, "password": PASSWORD})
                assert answer.status_code == 200, answer.text
            yield http

    def raw_get(self, raw_path: str, cookie: str = "") -> tuple[int, bytes]:
        """GET with the path exactly as written (httpx would resolve ``..`` segments)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", raw_path, headers={"Cookie": cookie} if cookie else {})
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        self.raw_seen.append(body + str(answer.getheaders()).encode())
        return answer.status, body


def _environment(data: Path, uploads: Path, llm: OpenAIServer) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POLKU_", "OPENAI_", "SLACK_", "GRADIO_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        GRADIO_TEMP_DIR=str(uploads),
        POLKU_DATA_DIR=str(data),
        POLKU_LLM_BASE_URL=llm.base_url,
        POLKU_LLM_MODEL="test-model",
        POLKU_LLM_MAX_RETRIES="0",
        POLKU_LLM_READ_TIMEOUT_S="3",
        POLKU_LLM_TOTAL_TIMEOUT_S="6",
        POLKU_ALLOWED_ORIGINS=ALLOWED_ORIGIN,
        **CANARIES,
    )
    return env


def _prepare(root: Path, built_data_dir: Path) -> tuple[Path, Path, Path]:
    data, cwd, uploads = root / "data", root / "cwd", root / "uploads"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    for folder in (cwd, uploads, data / "exports"):
        folder.mkdir(parents=True, exist_ok=True)
    (data / ".env").write_text(f"OPENAI_API_KEY={FILE_CANARY}\n", encoding="utf-8")
    (cwd / ".env").write_text(f"POLKU_AUTH={FILE_CANARY}\n", encoding="utf-8")
    (cwd / "notes.md").write_text(f"# Plans\n\nThe phrase is {FILE_CANARY}.\n", encoding="utf-8")
    # Links a careless server would follow out of the only folder it may serve.
    (data / "exports" / "root-link").symlink_to("/")
    (data / "exports" / "env-link.md").symlink_to(data / ".env")
    return data, cwd, uploads


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("web")
    data, cwd, uploads = _prepare(root, built_data_dir)
    llm = OpenAIServer(lambda _body: Reply(status=500, error_message="upstream exploded")).start()
    port = free_port()
    logs = [root / "stderr.log", root / "stdout.log"]
    with logs[0].open("wb") as err, logs[1].open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, str(port)],
            cwd=cwd,
            env=_environment(data, uploads, llm),
            stdout=out,
            stderr=err,
        )
    server = Served(f"http://127.0.0.1:{port}", port, data, cwd, uploads, logs, llm)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        llm.stop()


def _wait_until_up(server: Served, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"polku serve exited {process.returncode}:\n{server.log_text()[-3000:]}")
        try:
            health = httpx.get(f"{server.url}/api/health", auth=(USER, PASSWORD), timeout=2)
            if health.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"polku serve did not answer within 120 s:\n{server.log_text()[-3000:]}")


def fn_index(served: Served, api_name: str) -> int:
    """The id Gradio's queue knows an event by, read from the page's config."""
    with served.client() as http:
        config = http.get("/config").json()
    return next(int(d["id"]) for d in config["dependencies"] if d.get("api_name") == api_name)


def _file_data(path: str) -> dict[str, Any]:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


@dataclass
class Exported:
    owner: str
    urls: list[str]
    folders: list[str]  # the fresh folders under data/exports, one per export


@pytest.fixture(scope="module")
def exported(served: Served) -> Exported:
    """A session that uploads a map through the page and exports it twice."""
    owner = "f00d" * 8
    with served.client() as http:
        upload = http.post("/gradio_api/upload", files={"files": ("map.csv", MAP_CSV)})
        assert upload.status_code == 200, upload.text
        assert gradio_event(http, "load", owner, "")[0] == "complete"
        kind, _ = gradio_event(http, "upload_map", owner, _file_data(upload.json()[0]))
        assert kind == "complete"
        before = set(os.listdir(served.exports))
        urls, folders = [], []
        for formats in (["md", "csv"], ["md"]):
            kind, payload = gradio_event(http, "export", owner, formats)
            assert kind == "complete", payload
            urls += [item["url"] for item in payload[0]]
            new = set(os.listdir(served.exports)) - before - set(folders)
            assert len(new) == 1, new
            folders += new
    return Exported(owner, urls, folders)


# --- files ------------------------------------------------------------------------------------


def _targets(served: Served) -> dict[str, tuple[Path, bytes]]:
    """Files the server must never hand out, and a piece of each one's content."""
    # The key sealing browser ids lives in the store's database (shared by every server).
    secret = Database.at(served.data / "polku.db").secret("browser").encode()
    return {
        "passwd": (Path("/etc/passwd"), b"root:"),
        "browser-secret": (served.data / "polku.db", secret),
        "store-db": (served.data / "polku.db", b"SQLite format 3"),
        "embeddings-db": (served.data / "embeddings.db", b"SQLite format 3"),
        "dotenv-in-data": (served.data / ".env", FILE_CANARY.encode()),
        "dotenv-in-cwd": (served.cwd / ".env", FILE_CANARY.encode()),
        "pyproject": (REPO / "pyproject.toml", b"[tool.ruff]"),
    }


def _up(folder: Path) -> str:
    """From ``folder`` to the file system root in ``..`` steps."""
    return str(folder) + "/.." * len(folder.parts)


def _enc(path: str) -> str:
    return path.replace(".", "%2e").replace("/", "%2f")


VARIANTS: dict[str, Callable[[Served, Path], str]] = {
    "absolute": lambda s, p: f"/gradio_api/file={p}",
    "legacy-route": lambda s, p: f"/file={p}",
    "deprecated-route": lambda s, p: f"/gradio_api/file/{p}",
    "dotdot-from-exports": lambda s, p: f"/gradio_api/file={_up(s.exports)}{p}",
    "dotdot-from-uploads": lambda s, p: f"/gradio_api/file={_up(s.uploads)}{p}",
    "dotdot-relative": lambda s, p: "/gradio_api/file=" + "../" * 12 + str(p).lstrip("/"),
    "cwd-relative": lambda s, p: f"/gradio_api/file={os.path.relpath(p, s.cwd)}",
    "url-encoded": lambda s, p: "/gradio_api/file=" + _enc(f"{_up(s.exports)}{p}"),
    "double-encoded": lambda s, p: (
        "/gradio_api/file=" + _enc(f"{_up(s.exports)}{p}").replace("%", "%25")
    ),
    "mixed-case": lambda s, p: (
        "/gradio_api/file=" + _up(s.exports).replace("/exports", "/ExPoRtS") + str(p)
    ),
    "backslash": lambda s, p: (
        f"/gradio_api/file={s.exports}"
        + "%5c.." * len(s.exports.parts)
        + str(p).replace("/", "%5c")
    ),
    "static-route": lambda s, p: "/static/" + "../" * 12 + str(p).lstrip("/"),
    "static-double-slash": lambda s, p: f"/static/{p}",
    "assets-encoded": lambda s, p: "/assets/" + _enc("../" * 12 + str(p).lstrip("/")),
    "symlinked-root": lambda s, p: f"/gradio_api/file={s.exports}/root-link{p}",
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_file_outside_the_exports_is_served(
    served: Served, exported: Exported, variant: str
) -> None:
    with served.client() as http:  # logged in: the login must not open any file either
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    for name, (path, content) in _targets(served).items():
        raw_path = VARIANTS[variant](served, path)
        status, body = served.raw_get(raw_path, cookie)
        assert content not in body, f"{name} served through {raw_path}"
        assert 400 <= status < 500, f"{raw_path}: {status} {body[:200]!r}"


@pytest.mark.slow
def test_links_ssrf_and_folder_listings_are_refused(served: Served, exported: Exported) -> None:
    with served.client() as http:
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    refused = [
        f"/gradio_api/file={served.exports}/env-link.md",  # a symlink inside the served folder
        f"/gradio_api/file={served.exports}",  # no listing of everyone's exports
        f"/gradio_api/file={served.exports}/{exported.folders[0]}",
        f"/gradio_api/file={served.exports}/{'0' * 32}/map.md",  # a guessed folder
        f"/gradio_api/file=http://127.0.0.1:{served.port}/api/health",  # server-side requests
        f"/gradio_api/proxy=http://127.0.0.1:{served.port}/api/health",
        f"/gradio_api/file=http://127.0.0.1:{served.llm.port}/v1/models",
    ]
    for raw_path in refused:
        status, body = served.raw_get(raw_path, cookie)
        assert 400 <= status < 500, f"{raw_path}: {status} {body[:200]!r}"
        assert FILE_CANARY.encode() not in body and b'"status"' not in body


@pytest.mark.slow
def test_the_export_just_made_is_served_under_an_unguessable_name(
    served: Served, exported: Exported
) -> None:
    with served.client() as http:
        for url in exported.urls:  # the positive control: the person's own download works
            download = http.get(url)
            assert download.status_code == 200, url
            assert "Sees an ad" in download.text
    for folder in exported.folders:  # where the export was written on the server
        assert re.fullmatch(r"[0-9a-f]{16,}", folder), folder
        assert exported.owner[:8] not in folder  # no part of the owner id
    assert len(set(exported.folders)) == len(exported.folders) == 2
    for url in exported.urls:  # the copy Gradio serves sits under a keyed content hash
        folder = Path(url.split("file=", 1)[1]).parent
        assert folder.parent == served.uploads.resolve() or folder.parent == served.uploads
        assert re.fullmatch(r"[0-9a-f]{32,}", folder.name), url


@pytest.mark.slow
def test_a_client_cannot_make_the_server_read_a_file_it_names(served: Served) -> None:
    """Gradio events take files as {"path": ...}; only files the page uploaded may be read."""
    notes = str(served.cwd / "notes.md")
    owner = "beef" * 8
    with served.client() as http:
        assert gradio_event(http, "load", owner, "")[0] == "complete"
        kind, _ = gradio_event(http, "ingest", [_file_data(notes)])
        assert kind == "error"
        kind, _ = gradio_event(http, "upload_map", owner, _file_data(notes))
        assert kind == "error"
        _, shown = gradio_event(http, "documents")
        assert "notes.md" not in json.dumps(shown)
        _, page = gradio_event(http, "load", owner, "")
        assert FILE_CANARY not in json.dumps(page)
    with served.client(login=False, basic=True) as http:
        answer = http.post("/api/ask", json={"question": "What is the phrase in the plans?"})
        assert answer.status_code == 200 and FILE_CANARY not in answer.text


# --- login ------------------------------------------------------------------------------------


def _unauthenticated(served: Served, exported: Exported) -> list[tuple[str, str, dict[str, Any]]]:
    export_path = exported.urls[0].split(served.url, 1)[1]
    ask = fn_index(served, "ask")
    join = {"data": ["What is a persona?", "en"], "fn_index": ask, "session_hash": "x" * 11}
    return [
        ("GET", "/api/health", {}),
        ("POST", "/api/ask", {"json": {"question": "What is a persona?"}}),
        ("POST", "/api/draft", {"json": {"business": "A shop"}}),
        ("POST", "/api/critique", {"files": {"file": ("m.csv", MAP_CSV)}}),
        ("POST", "/api/export", {"json": {"map": {}, "format": "md"}}),
        ("GET", "/docs", {}),
        ("GET", "/redoc", {}),
        ("GET", "/openapi.json", {}),
        ("GET", "/config", {}),
        ("GET", "/gradio_api/info", {}),
        ("GET", "/gradio_api/openapi.json", {}),
        ("POST", "/gradio_api/queue/join", {"json": join}),
        ("GET", "/gradio_api/queue/data?session_hash=" + "x" * 11, {}),
        ("POST", "/gradio_api/call/ask", {"json": {"data": ["What is a persona?", "en"]}}),
        ("POST", "/gradio_api/run/ask", {"json": {"data": ["What is a persona?", "en"]}}),
        ("POST", "/gradio_api/upload", {"files": {"files": ("m.csv", MAP_CSV)}}),
        ("GET", export_path, {}),
    ]


@pytest.mark.slow
def test_without_login_no_route_gives_data(served: Served, exported: Exported) -> None:
    with served.client(login=False) as http:
        for method, path, kwargs in _unauthenticated(served, exported):
            answer = http.request(method, path, **kwargs)
            assert answer.status_code in (401, 403), f"{method} {path}: {answer.status_code}"
            for data in ("Sees an ad", "named_endpoints", "polku-owner", "citations", '"paths"'):
                assert data not in answer.text, f"{method} {path} gave {data}"
        page = http.get("/")  # the login form, without the app's components
        assert page.status_code == 200
        assert "polku-owner" not in page.text and "browserstate" not in page.text
        wrong = http.post("/login", data={"username": USER, "password": "wrong"})
        assert wrong.status_code in (400, 401) and not wrong.cookies


# --- foreign sites ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_foreign_site_cannot_write_with_the_persons_cookie(served: Served) -> None:
    answers = {"business": "A bakery in Tartu"}
    ask = fn_index(served, "ask")
    with served.client(basic=True) as http:  # logged in to the page and to the API
        own = served.url

        def draft(**headers: str) -> httpx.Response:
            return http.post("/api/draft", json=answers, headers={"Cookie": "x=1", **headers})

        refused = draft(Origin=EVIL)
        assert refused.status_code == 403, refused.text
        assert "another site" in refused.json()["error"]
        assert draft(Origin="null").status_code == 403  # a sandboxed frame or a file:// page
        assert draft(Origin=own).status_code == 200
        assert draft(Origin=ALLOWED_ORIGIN).status_code == 200  # POLKU_ALLOWED_ORIGINS
        assert draft().status_code == 200  # REST clients send no Origin
        assert http.get("/api/health", headers={"Origin": EVIL}).status_code == 200

        join = {"data": ["What is a persona?", "en"], "fn_index": ask, "session_hash": "o" * 11}
        foreign = http.post("/gradio_api/queue/join", json=join, headers={"Origin": EVIL})
        assert foreign.status_code == 403 and "another site" in foreign.json()["error"]
        joined = http.post("/gradio_api/queue/join", json=join, headers={"Origin": own})
        assert joined.status_code == 200 and joined.json()["event_id"]


@pytest.mark.slow
def test_a_foreign_site_cannot_upload_even_without_cookies(served: Served) -> None:
    """Any page can post a multipart form to a Polku on the person's machine, no cookie
    needed; refused for its Origin (here before the login is even asked for)."""
    before = sorted(served.uploads.rglob("*"))
    with served.client(login=False) as http:
        for origin in (EVIL, "null"):
            files = {"files": ("big.csv", "x" * 50_000)}
            upload = http.post("/gradio_api/upload", files=files, headers={"Origin": origin})
            assert upload.status_code == 403, upload.text
            assert "another site" in upload.json()["error"]
    assert sorted(served.uploads.rglob("*")) == before


@pytest.mark.parametrize(
    ("method", "headers", "refused"),
    [
        ("POST", {"Origin": EVIL}, True),  # a foreign page, no cookie (no login configured)
        ("POST", {"Origin": EVIL, "Cookie": "session=1"}, True),
        ("PUT", {"Origin": "null"}, True),
        ("DELETE", {"Origin": "http://127.0.0.1.evil.example"}, True),
        ("POST", {"Origin": "http://TESTSERVER"}, False),  # its own address, any letter case
        ("POST", {"Origin": ALLOWED_ORIGIN.upper(), "Cookie": "session=1"}, False),
        ("POST", {"Cookie": "session=1"}, False),  # no Origin: curl, scripts, Slack
        ("GET", {"Origin": EVIL, "Cookie": "session=1"}, False),  # reads are not refused
    ],
)
def test_same_origin_writes_guard(method: str, headers: dict[str, str], refused: bool) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from assistant.adapters.web.guards import SameOriginWrites

    async def written(_: Any) -> PlainTextResponse:
        return PlainTextResponse("written")

    methods = ["GET", "POST", "PUT", "DELETE"]
    app = Starlette(routes=[Route("/upload", written, methods=methods)])
    guarded = SameOriginWrites(app, allowed_origins=[ALLOWED_ORIGIN, "not an origin"])
    answer = TestClient(guarded).request(method, "/upload", headers=headers)
    if refused:
        assert answer.status_code == 403 and "another site" in answer.json()["error"]
    else:
        assert answer.status_code == 200 and answer.text == "written"


@pytest.mark.slow
def test_foreign_sites_cannot_read_the_page_with_the_persons_cookie(served: Served) -> None:
    """Behind a public name, Gradio alone would answer any Origin with CORS and credentials."""
    with served.client() as http:
        public = {"Host": "polku.example.com"}
        foreign = http.get("/config", headers={**public, "Origin": EVIL})
        assert foreign.status_code == 200  # reads are answered...
        assert foreign.headers.get("access-control-allow-origin") != EVIL  # ...not shared
        allowed = http.get("/config", headers={**public, "Origin": ALLOWED_ORIGIN})
        assert allowed.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN


# --- secrets and defaults ---------------------------------------------------------------------


def _sign_nothing(http: httpx.Client) -> list[httpx.Response]:
    body = b'{"type": "url_verification", "challenge": "abc"}'
    return [
        http.post("/slack/events", content=body, headers={"content-type": "application/json"}),
        http.post(
            "/slack/events",
            content=body,
            headers={
                "content-type": "application/json",
                "x-slack-request-timestamp": str(int(time.time())),
                "x-slack-signature": "v0=" + "0" * 64,
            },
        ),
    ]


@pytest.mark.slow
def test_secrets_are_never_served_nor_logged(served: Served, exported: Exported) -> None:
    journey = {"title": "Shop", "stages": [{"name": "Awareness"}, {"name": "Purchase"}]}
    with served.client(login=False, basic=True) as api:
        assert api.get("/api/health").json()["mode"] == "test-model"
        asked = api.post("/api/ask", json={"question": "What is a persona?"})
        assert asked.status_code == 200 and asked.json()["mode"] == "offline"  # fell back
        assert api.post("/api/draft", json={"business": "A shop"}).status_code == 200
        assert api.post("/api/critique", json={"map": MAP_CSV}).status_code == 200
        api.post("/api/export", json={"map": journey, "format": "md"})
        for path in ("/docs", "/redoc", "/openapi.json", "/api/nothing"):
            api.get(path)
        slack = _sign_nothing(api)
        assert all(answer.status_code == 401 for answer in slack)  # Slack's secret is loaded
    with served.client() as http:
        for path in ("/", "/config", "/gradio_api/info", "/gradio_api/user"):
            http.get(path)
        kind, shown = gradio_event(http, "ask", "What is a persona?", "en")
        assert kind == "complete" and shown[0]
    # The key went to the LLM server, the only place it belongs; the call failed there.
    assert f"Bearer {CANARIES['OPENAI_API_KEY']}" in served.llm.authorizations
    answers = [r.content + str(r.headers.multi_items()).encode() for r in served.seen]
    answers += served.raw_seen
    assert len(answers) > 20
    logs = served.log_text()
    assert "DEBUG:" in logs and "chat/completions" in logs  # logged, and the failure with it
    for secret in SECRETS:
        assert not [a[:300] for a in answers if secret.encode() in a], secret
        assert secret not in logs, f"{secret} in the server's log"


@pytest.mark.slow
def test_nothing_leaves_the_machine_and_no_share_link(served: Served, exported: Exported) -> None:
    logs = served.log_text()
    assert "SHARE-OR-LAUNCH-CALLED" not in logs
    assert "NETWORK-ATTEMPT" not in logs, logs[logs.find("NETWORK-ATTEMPT") :][:500]
    with served.client() as http:
        config = http.get("/config").json()
    assert config["analytics_enabled"] is False
    assert "share_url" not in config and "gradio.live" not in json.dumps(config)


def test_serve_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import assistant.adapters.web.server
    from assistant.adapters.cli.main import app

    started: dict[str, Any] = {}
    fake_app = lambda settings=None: "the app"  # noqa: E731
    monkeypatch.setattr(assistant.adapters.web.server, "create_app", fake_app)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options, app=app))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert started["app"] == "the app" and started["host"] == "127.0.0.1"


@pytest.mark.parametrize("variable", [k for k in CANARIES if k != "OPENAI_API_KEY"])
def test_polku_config_masks_every_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str
) -> None:
    from assistant.adapters.cli.main import app

    monkeypatch.setenv("POLKU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(variable, CANARIES[variable])
    result = CliRunner().invoke(app, ["config"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    secret = CANARIES[variable].split(":")[-1]
    assert secret not in result.output and secret[:12] not in result.output
    assert "********" in result.output


# --- Gradio's published advisories -------------------------------------------------------------


def advisories() -> list[tuple[str, str]]:
    """(advisory id, first fixed version) from the table in SECURITY.md."""
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| *((?:GHSA|CVE|PYSEC)-[\w-]+) *\|.*\| *(\d+(?:\.\d+)+) *\|$", text, re.M)
    return [(advisory, fixed) for advisory, fixed in rows]


def test_gradio_is_newer_than_every_fix_in_its_advisories() -> None:
    import gradio
    from packaging.version import Version

    rows = advisories()
    assert len(rows) >= 20, "the Gradio advisories table in SECURITY.md is missing rows"
    assert len({advisory for advisory, _ in rows}) == len(rows)
    installed = Version(gradio.__version__)
    older = [(a, fixed) for a, fixed in rows if installed < Version(fixed)]
    assert not older, f"gradio {installed} predates the fix of {older}"

"""The whole server (REST API + Gradio UI) on 127.0.0.1 in a thread, and a real chromium."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from assistant.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningServer:
    """``polku serve`` in-process; ``stop`` and ``start`` again on the same data dir."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, health_auth: tuple[str, str] | None = None) -> RunningServer:
        from assistant.adapters.web.server import create_app

        config = uvicorn.Config(
            create_app(self.settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(f"{self.url}/api/health", timeout=2, auth=health_auth)
                if answer.status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            self._server = None


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[Any]:
    """A server over a copy of the built index (so tests may add maps and documents)."""
    import shutil

    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    server = RunningServer(Settings(data_dir=data)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def gradio_event(http: httpx.Client, api: str, *data: Any) -> tuple[str, Any]:
    """One queued Gradio event over HTTP, as the page sends it: (``complete`` or ``error``,
    its last data)."""
    posted = http.post(f"/gradio_api/call/{api}", json={"data": list(data)})
    assert posted.status_code == 200, posted.text
    stream = http.get(f"/gradio_api/call/{api}/{posted.json()['event_id']}").text
    kinds = re.findall(r"^event: (\w+)", stream, re.M)
    payloads = re.findall(r"^data: (.*)$", stream, re.M)
    return kinds[-1], json.loads(payloads[-1])


def gradio_result(http: httpx.Client, api: str, *data: Any) -> list[Any]:
    """The outputs of a Gradio event that must complete."""
    kind, payload = gradio_event(http, api, *data)
    assert kind == "complete", f"{api} ended with {kind}: {payload}"
    assert isinstance(payload, list)
    return payload

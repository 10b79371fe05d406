"""POLKU_AUTH guards the page and the API alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from assistant.settings import Settings
from tests.ui_server import RunningServer

pytestmark = pytest.mark.security


def test_login_is_required_when_auth_is_set(tmp_path: Path, built_data_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    server = RunningServer(Settings(data_dir=data, auth=SecretStr("anna:s3cret")))
    try:
        server.start(health_auth=("anna", "s3cret"))
        refused = httpx.post(f"{server.url}/api/ask", json={"question": "What is a persona?"})
        assert refused.status_code == 401 and "login required" in refused.json()["error"]
        wrong = httpx.get(f"{server.url}/api/health", auth=("anna", "wrong"))
        assert wrong.status_code == 401
        ok = httpx.post(
            f"{server.url}/api/ask",
            json={"question": "What is a persona?"},
            auth=("anna", "s3cret"),
            timeout=30,
        )
        assert ok.status_code == 200 and ok.json()["citations"]
        page = httpx.get(f"{server.url}/config")
        assert page.status_code in (401, 403) or "auth_required" in page.text
    finally:
        server.stop()

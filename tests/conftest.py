"""Test fixtures: the network is cut for every test; one real index is built per session."""

from __future__ import annotations

import ipaddress
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings

_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", ""}


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host outside this machine."""


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str) or host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise NetworkBlocked(f"network cut in tests: connection to {address!r} refused")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise NetworkBlocked(f"network cut in tests: connection to {address!r} refused")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback(host):
        raise NetworkBlocked(f"network cut in tests: DNS lookup of {host!r} refused")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """Cut the network before any test module is imported, for the whole run."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENAI_API_KEY",
        "POLKU_LLM_API_KEY",
        "POLKU_LLM_BASE_URL",
        "POLKU_LLM_GGUF",
        "POLKU_CHROMA_URL",
        "POLKU_LANGUAGE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose built-in knowledge base is indexed (built once per run)."""
    from assistant.app.services import Services

    data_dir = tmp_path_factory.mktemp("polku-data")
    services = Services(Settings(data_dir=data_dir))
    services.index  # noqa: B018 - builds the index
    services.ensure_tokens()
    return data_dir


@pytest.fixture(scope="session")
def services(built_data_dir: Path) -> Any:
    """Services over the shared, already-built index. Tests must not change its kb."""
    from assistant.app.services import Services

    return Services(Settings(data_dir=built_data_dir))


@pytest.fixture
def fresh_settings(tmp_path: Path, built_data_dir: Path) -> Settings:
    """An empty data dir that shares the embedding cache, so building it is cheap."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    source = sqlite3.connect(built_data_dir / "embeddings.db")
    with sqlite3.connect(data_dir / "embeddings.db") as target:
        source.backup(target)  # the backup API includes what is still in the WAL
    source.close()
    return Settings(data_dir=data_dir, lock_timeout_s=0.5)


@pytest.fixture
def fresh_services(fresh_settings: Settings) -> Iterator[Any]:
    from assistant.app.services import Services

    yield Services(fresh_settings)


# Fixtures that live in their own modules (real servers and a real browser).
from tests.postgres import database_url, postgres  # noqa: E402, F401
from tests.ui_server import browser, ui_server  # noqa: E402, F401

"""POLKU_CHROMA_URL: the same index code against a real Chroma server on 127.0.0.1."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.retrieval.index import KnowledgeIndex
from assistant.retrieval.readers import read_bytes
from assistant.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.slow
def test_index_works_against_a_chroma_server(chroma_url: str, fresh_settings: Settings) -> None:
    settings = fresh_settings.model_copy(update={"chroma_url": chroma_url})
    index = KnowledgeIndex(settings)
    doc = read_bytes(b"Customers say the parcel locker code arrives too late.", "t.txt", 10_000)
    report = index.sync_documents([doc], "user")
    assert report.chunks_written == 1
    vector = index.embedder.query("parcel locker code is late")
    assert index.vector_search(vector, 3, "user")[0][0] == "user/t.txt#0"
    assert not (settings.data_dir / "chroma").exists()  # nothing went to the embedded store
    again = KnowledgeIndex(settings).sync_documents([doc], "user")
    assert again.chunks_written == 0

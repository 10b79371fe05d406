"""A person's own documents: every file type ingested and cited; bad files refused clearly."""

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.retrieval.readers import ReadError, read_bytes, read_path
from tests.helpers import docx_bytes, minimal_pdf

LIMIT = 1_000_000
FACT = "Our customers at Kahvila Polku complain that the loyalty card app forgets their stamps."


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.md", f"# Interview notes\n\n{FACT}\n".encode()),
        ("notes.txt", FACT.encode()),
        ("notes.pdf", minimal_pdf(FACT)),
        ("notes.docx", docx_bytes(["Interview notes", FACT])),
        (
            "notes.html",
            f"<html><body><h1>Notes</h1><p>{FACT}</p><script>alert(1)</script></body></html>".encode(),
        ),
    ],
)
def test_every_file_type_is_ingested_and_found(fresh_services: Any, name: str, data: bytes) -> None:
    doc = read_bytes(data, name, LIMIT)
    assert "loyalty card app" in doc.text
    assert "alert(1)" not in doc.text
    report = fresh_services.ingest([doc])
    assert report.chunks_written >= 1
    hits = fresh_services.retriever.search("loyalty card app forgets stamps", lang="en", k=3)
    assert hits[0].chunk.doc_id == f"user/{name}"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", b"\x89PNG\r\n", "unsupported file type"),
        ("noext", b"hello there", "unsupported file type"),
        ("binary.txt", b"abc\x00\x01\x02def", "looks binary"),
        ("empty.md", b"", "no readable text"),
        ("spaces.txt", b"   \n\n  ", "no readable text"),
        ("broken.pdf", b"%PDF-1.4 garbage", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a valid .docx"),
        ("huge.txt", b"a" * (LIMIT + 1), "the limit is"),
    ],
)
def test_bad_files_get_a_clear_error(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_bytes(data, name, LIMIT)


def test_unreadable_file_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(FACT)

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ReadError, match="permission denied"):
        read_path(path, LIMIT)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        read_path(tmp_path / "nope.md", LIMIT)
    with pytest.raises(ReadError, match="is a folder"):
        read_path(tmp_path, LIMIT)


def test_reingest_is_idempotent(fresh_services: Any) -> None:
    doc = read_bytes(FACT.encode(), "same.txt", LIMIT)
    first = fresh_services.ingest([doc])
    count = fresh_services.index.counts()
    second = fresh_services.ingest([doc])
    assert first.chunks_written >= 1
    assert second.chunks_written == 0 and second.embedded == 0
    assert fresh_services.index.counts() == count


def test_changed_document_replaces_its_old_passages(fresh_services: Any) -> None:
    long_text = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(3))
    fresh_services.ingest([read_bytes(long_text.encode(), "v.txt", LIMIT)])
    fresh_services.ingest([read_bytes(b"A much shorter second version.", "v.txt", LIMIT)])
    docs = fresh_services.index.documents("user")
    assert [(d.doc_id, d.chunks) for d in docs] == [("user/v.txt", 1)]


def test_cli_ingest_list_remove(
    fresh_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(fresh_settings.data_dir))
    good = tmp_path / "survey.md"
    good.write_text(f"# Survey 2026\n\n{FACT}\n", encoding="utf-8")
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(good), str(bad)])
    assert result.exit_code == 2  # one file was refused
    assert "unsupported file type" in result.output
    assert "Ingested 1 document" in result.output
    listed = runner.invoke(app, ["kb", "list"], env={"COLUMNS": "200"})
    assert "user/survey.md" in listed.output
    before = runner.invoke(app, ["kb", "list", "--builtin"], env={"COLUMNS": "200"}).output
    assert "en/personas" in before  # the built-in index is intact
    removed = runner.invoke(app, ["kb", "remove", "user/survey.md"])
    assert removed.exit_code == 0
    assert runner.invoke(app, ["kb", "remove", "user/survey.md"]).exit_code == 2

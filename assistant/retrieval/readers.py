"""Turn a person's files (md, txt, pdf, docx, html) into documents, or say clearly why not."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from assistant.domain import Lang
from assistant.language.detect import detect_language
from assistant.retrieval.documents import Document, parse_document

SUPPORTED = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")


class ReadError(ValueError):
    """A file that cannot be ingested; the message says why and what to do."""


def decode_text(data: bytes, name: str) -> str:
    """A text file's characters (UTF-8, else Windows-1252); ``ReadError`` for binary data."""
    if b"\x00" in data[:8192]:
        raise ReadError(f"{name} looks binary, not text. Save it as .txt, .md, .pdf or .docx.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{name} is not UTF-8 text. Re-save it as UTF-8 and try again.")


def pdf_pages(data: bytes, name: str) -> list[str]:
    """The text of each page of a PDF; ``ReadError`` for a file that is not one."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ReadError(f"{name} is not a readable PDF ({exc}). Export it again as PDF.") from exc


def _pdf_text(data: bytes, name: str) -> str:
    return "\n\n".join(pdf_pages(data, name))


def _docx_text(data: bytes, name: str) -> str:
    import zipfile

    from docx import Document as DocxDocument

    try:
        document = DocxDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"{name} is not a valid .docx file. Save it again from Word.") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n\n".join(lines)


def _html_text(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data, name), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    blocks = [el.get_text(" ", strip=True) for el in soup.find_all(["h1", "h2", "h3", "p", "li"])]
    text = "\n\n".join(b for b in blocks if b)
    return text or soup.get_text("\n", strip=True)


_EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    ".pdf": _pdf_text,
    ".docx": _docx_text,
    ".html": _html_text,
    ".htm": _html_text,
}


def read_bytes(data: bytes, name: str, max_bytes: int, default_lang: Lang = "en") -> Document:
    """A ``Document`` from a file's bytes; ``ReadError`` with a clear message otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(
            f"{name}: unsupported file type '{suffix or '(none)'}'. "
            f"Polku reads {', '.join(SUPPORTED)}."
        )
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes)
    extract = _EXTRACTORS.get(suffix, decode_text)
    text = extract(data, name).replace("\x00", "")
    if not re.search(r"\w{2,}", text):
        raise ReadError(f"{name} has no readable text. Is it empty or a scanned image?")
    if suffix in (".md", ".markdown") and text.lstrip().startswith("---"):
        try:
            parsed = parse_document(text.lstrip(), Path(name))
            return parsed.model_copy(update={"doc_id": f"user/{name}", "collection": "user"})
        except ValueError:
            pass  # not our front matter: treat as plain markdown
    title = _first_heading(text) or Path(name).stem
    return Document(
        doc_id=f"user/{name}",
        title=title,
        lang=detect_language(text[:4000], default_lang),
        collection="user",
        text=text.strip(),
    )


def _too_large(name: str, size: int, max_bytes: int) -> ReadError:
    return ReadError(
        f"{name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. "
        "Split it into smaller files (POLKU_MAX_UPLOAD_MB raises the limit)."
    )


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def read_path(path: Path, max_bytes: int, default_lang: Lang = "en") -> Document:
    if not path.exists():
        raise ReadError(f"{path} does not exist.")
    if path.is_dir():
        raise ReadError(f"{path} is a folder; pass the files inside it.")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(path.name, size, max_bytes)
        data = path.read_bytes()
    except PermissionError as exc:
        raise ReadError(f"{path} cannot be read (permission denied).") from exc
    except OSError as exc:
        raise ReadError(f"{path} cannot be read ({exc.strerror}).") from exc
    return read_bytes(data, path.name, max_bytes, default_lang)

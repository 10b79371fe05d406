"""Export a journey map: Markdown, CSV, XLSX, JSON, Mermaid, a standalone HTML page, a
one-page PDF, or the emotion curve as a PNG or SVG picture.

``render(map, fmt)`` returns (bytes, filename, mime type); each format also has its own
function (``render_markdown``...) returning text or bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from assistant.domain import JourneyMap
from assistant.formats.render.csv_export import render_csv
from assistant.formats.render.curve import render_curve_png, render_curve_svg
from assistant.formats.render.html import render_html
from assistant.formats.render.json_export import render_json
from assistant.formats.render.markdown import render_markdown
from assistant.formats.render.mermaid import render_mermaid
from assistant.formats.render.pdf import ExportUnavailable, render_pdf
from assistant.formats.render.xlsx import render_xlsx
from assistant.formats.syntax import encodable
from assistant.language.i18n import t

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportUnavailable",
    "filename_for",
    "render",
    "render_csv",
    "render_curve_png",
    "render_curve_svg",
    "render_html",
    "render_json",
    "render_markdown",
    "render_mermaid",
    "render_pdf",
    "render_xlsx",
]

ExportFormat = Literal["md", "csv", "xlsx", "json", "mermaid", "html", "pdf", "png", "svg"]
FORMATS: tuple[ExportFormat, ...] = (
    "md",
    "csv",
    "xlsx",
    "json",
    "mermaid",
    "html",
    "pdf",
    "png",
    "svg",
)
PICTURES = ("png", "svg")  # the emotion curve alone: its file name says so
_TEXT = "; charset=utf-8"
_RENDERERS: dict[str, tuple[Callable[[JourneyMap], str | bytes], str, str]] = {
    "md": (render_markdown, "md", "text/markdown" + _TEXT),
    "csv": (render_csv, "csv", "text/csv" + _TEXT),
    "xlsx": (
        render_xlsx,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "json": (render_json, "json", "application/json"),
    "mermaid": (render_mermaid, "mmd", "text/vnd.mermaid" + _TEXT),
    "html": (render_html, "html", "text/html" + _TEXT),
    "pdf": (render_pdf, "pdf", "application/pdf"),
    "png": (render_curve_png, "png", "image/png"),
    "svg": (render_curve_svg, "svg", "image/svg+xml" + _TEXT),
}


FILENAME_CHARS = 40


def filename_for(journey: JourneyMap, extension: str) -> str:
    """A short, safe file name from the map's title, its words whole: the part before a
    colon ("Juuksurisalong Lokk: klienditeekond" -> ``juuksurisalong-lokk.html``), cut at a
    word boundary. A picture of the emotion curve says so in the map's language
    (``juuksurisalong-lokk-emotsioonikõver.png``)."""
    name = journey.title.split(":", 1)[0] if ":" in journey.title else journey.title
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-_")
    if len(slug) > FILENAME_CHARS:
        cut = slug.rfind("-", 0, FILENAME_CHARS + 1)
        slug = slug[: cut if cut > 0 else FILENAME_CHARS]
    slug = slug.strip("-_") or "journey-map"
    if extension in PICTURES:
        slug += "-" + t("file_emotion_curve", journey.language)
    return f"{slug}.{extension}"


def render(journey: JourneyMap, fmt: str) -> tuple[bytes, str, str]:
    """The map in ``fmt`` (one of FORMATS): (content, file name, MIME type).
    ExportUnavailable when this machine cannot make the format (a PDF without chromium)."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    renderer, extension, mime = _RENDERERS[fmt]
    journey = encodable(journey)  # a lone surrogate (say, from a JSON escape) cannot be written
    content = renderer(journey)
    if isinstance(content, str):
        # A BOM lets Excel open UTF-8 CSV with ä, ö and õ intact; the importer strips it.
        content = content.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    return content, filename_for(journey, extension), mime


def write_files(journey: JourneyMap, formats: list[str], folder: Path) -> list[Path]:
    """Write the map in each format into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        content, filename, _ = render(journey, fmt)
        path = folder / filename
        path.write_bytes(content)
        written.append(path)
    return written

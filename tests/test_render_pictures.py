"""Pictures of the map: the emotion curve as PNG and SVG (also inside the XLSX) and the whole
map as a one-page PDF printed by the real chromium."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.domain import Emotion, Item, JourneyMap, Stage
from assistant.formats.render import (
    ExportUnavailable,
    render,
    render_curve_png,
    render_curve_svg,
    render_html,
    render_pdf,
    render_xlsx,
)
from tests.maps import good_map


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _with_stages(count: int, lanes_of_text: int = 1) -> JourneyMap:
    journey = good_map()
    base = journey.stages[0]
    stages = [
        base.model_copy(
            update={
                "name": f"Vaihe {i + 1}",
                "key": f"s{i}",
                "emotion": Emotion(score=(i % 5) - 2, label=f"tunne {i}"),
                "actions": [
                    Item(text=f"Asiakas tekee asian {i}.{k} huolellisesti")
                    for k in range(lanes_of_text)
                ],
                "pain_points": [
                    Item(text=f"Hankaluus {i}.{k} kestää liian kauan") for k in range(lanes_of_text)
                ],
            }
        )
        for i in range(count)
    ]
    return journey.model_copy(update={"stages": stages, "language": "fi"})


def test_the_curve_png_is_wider_for_more_stages() -> None:
    narrow, wide = (
        _png_size(render_curve_png(_with_stages(3))),
        _png_size(render_curve_png(_with_stages(10))),
    )
    assert wide[0] > narrow[0] * 1.8
    assert narrow[1] == wide[1]


def test_the_curve_svg_keeps_stage_names_and_feelings_as_text() -> None:
    svg = render_curve_svg(_with_stages(4))
    assert svg.lstrip().startswith(("<?xml", "<svg"))
    for i in range(4):
        assert f"Vaihe {i + 1}" in svg
    assert "tunne 0 (-2)" in svg and "tunne 3 (+1)" in svg
    assert render_curve_svg(_with_stages(4)) == svg  # no date inside: the same map, the same file


def test_a_stage_without_a_recorded_emotion_is_a_question_mark_not_a_zero() -> None:
    journey = good_map().model_copy(update={"language": "et"})
    stages = list(journey.stages)
    stages[1] = stages[1].model_copy(update={"emotion": Emotion()})
    svg = render_curve_svg(journey.model_copy(update={"stages": stages}))
    assert "märkimata" in svg and ">?<" in svg
    assert "ok (0)" not in svg  # the unrecorded stage gets no labelled point


def test_picture_files_say_what_they_are_in_the_maps_language() -> None:
    journey = good_map().model_copy(
        update={"title": "Juuksurisalong Lokk: klienditeekond", "language": "et"}
    )
    assert render(journey, "png")[1:] == ("juuksurisalong-lokk-emotsioonikõver.png", "image/png")
    assert render(journey, "svg")[1] == "juuksurisalong-lokk-emotsioonikõver.svg"
    fi = journey.model_copy(update={"language": "fi"})
    assert render(fi, "png")[1] == "juuksurisalong-lokk-tunnekäyrä.png"


def test_the_xlsx_carries_the_curve_picture_under_the_map() -> None:
    workbook = load_workbook(io.BytesIO(render_xlsx(good_map())))
    sheet = workbook.worksheets[0]
    images = sheet._images  # openpyxl keeps a sheet's pictures here
    assert len(images) == 1
    anchor = images[0].anchor._from
    assert anchor.col == 0 and anchor.row + 1 > sheet.max_row - 2  # below the lanes, not over them


def _pdf(journey: JourneyMap) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(journey)))


def test_a_long_map_prints_on_one_page_shaped_like_a4_landscape() -> None:
    journey = _with_stages(10, lanes_of_text=6)
    reader = _pdf(journey)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(297 / 210, rel=0.01)
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Vaihe 1" in text and "Vaihe 10" in text
    assert "Hankaluus 9.5" in text  # the last cell of the last stage made it onto the page


def test_a_small_map_is_printed_on_plain_a4() -> None:
    journey = good_map()
    small = journey.model_copy(update={"stages": journey.stages[:2], "persona": None})
    box = _pdf(small).pages[0].mediabox
    assert float(box.width) == pytest.approx(841.9, abs=2)  # A4 landscape in points


def test_without_chromium_the_pdf_is_refused_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POLKU_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ExportUnavailable, match="make chromium"):
        render_pdf(good_map())
    answers = tmp_path / "answers.json"
    answers.write_text('{"business": "A bike repair shop in Tampere"}', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["draft", "--answers", str(answers), "--out", str(out), "--format", "pdf"]
    )
    assert result.exit_code == 2
    assert "make chromium" in result.output and "Traceback" not in result.output


def test_stage_type_is_what_the_curve_reads() -> None:
    stage = Stage(name="X", key="x", emotion=Emotion(score=0, label=""))
    assert not stage.emotion.recorded
    assert Emotion(score=0, label="calm").recorded and Emotion(score=-1).recorded


def _rated_map() -> JourneyMap:
    from assistant.domain import Opportunity

    journey = good_map()
    stages = list(journey.stages)
    stages[0] = stages[0].model_copy(
        update={
            "opportunities": [
                Opportunity(text="Big rebuild", owner="IT", value=5, effort=5),
                Opportunity(text="Text a reminder", owner="Front desk", value=5, effort=1),
                Opportunity(text="Unrated idea"),
            ]
        }
    )
    stages[1] = stages[1].model_copy(
        update={"opportunities": [Opportunity(text="Nice to have", value=2, effort=1)]}
    )
    return journey.model_copy(update={"stages": stages})


def test_opportunities_are_ranked_quick_wins_first_unrated_last() -> None:
    from assistant.formats.render.priorities import ranked

    found = ranked(_rated_map())
    order = [r.opportunity.text for r in found]
    assert order[0] == "Text a reminder"  # most value for the least effort
    assert order.index("Nice to have") < order.index("Big rebuild")  # +1 beats 0
    rated = [r.rated for r in found]
    assert rated == sorted(rated, reverse=True)  # every rated one before any unrated one
    assert [r.number for r in found] == list(range(1, len(found) + 1))


def test_the_html_export_shows_the_matrix_and_the_ranked_list() -> None:
    html = render_html(_rated_map())
    assert '<svg class="matrix"' in html and "Quick wins" in html and "Think again" in html
    ranked_list = html[html.index('<ol class="ranked">') :]
    assert ranked_list.index("Text a reminder") < ranked_list.index("Big rebuild")
    assert "value 5/5 · effort 1/5" in ranked_list and "not rated" in ranked_list
    assert '<svg class="matrix"' not in render_html(good_map())  # nothing rated: no matrix


def test_the_xlsx_has_a_priorities_sheet_with_the_matrix_picture() -> None:
    workbook = load_workbook(
        io.BytesIO(render_xlsx(_rated_map().model_copy(update={"language": "fi"})))
    )
    sheet = workbook["Tärkeysjärjestys"]
    assert sheet["B2"].value == "Mahdollisuus"
    assert sheet["B3"].value == "Text a reminder" and sheet["D3"].value == "5"
    assert len(sheet._images) == 1
    from assistant.formats.render.priorities import render_matrix_png

    assert _png_size(render_matrix_png(_rated_map()))[0] > 600

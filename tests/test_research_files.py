"""Reading research the way people have it: review and survey exports, transcripts, notes;
statements cut as meant and always verbatim; bad files refused with a clear message."""

from __future__ import annotations

import csv
import io
import os

import pytest

from assistant.capabilities.insights.research import (
    Passage,
    Place,
    ResearchError,
    read_research,
)
from assistant.capabilities.insights.statements import split_statements

LIMIT = 5_000_000


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_review_export_finds_the_text_and_rating_columns() -> None:
    data = _csv(
        [
            ["Date", "Name", "Stars", "Review"],
            ["2026-01-02", "Anna K", "1", "Waited forty minutes past my slot, nobody said why."],
            ["2026-01-03", "Mikko", "5", "Lovely staff and the room was calm and warm."],
            ["2026-01-04", "Jo", "3", ""],
        ]
    )
    research = read_research(data, "reviews.csv", LIMIT)
    assert research.source.kind == "reviews"
    assert [p.place for p in research.passages] == [Place("row", 2), Place("row", 3)]
    assert research.passages[0].rating == -1.0 and research.passages[1].rating == 1.0
    assert research.source.respondents == 2


def test_semicolon_csv_and_a_survey_with_several_questions() -> None:
    data = _csv(
        [
            ["Vastaaja", "Suosittelu 0-10", "Mikä oli parasta?", "Mitä pitäisi parantaa?"],
            ["1", "9", "Ohjaajat jaksavat neuvoa joka kerta", "Pukuhuone on ahdas"],
            ["2", "4", "", "Aukioloajat ovat liian lyhyet viikonloppuisin"],
        ],
        delimiter=";",
    )
    research = read_research(data, "kysely.csv", LIMIT)
    assert research.source.kind == "survey"
    assert [(p.place.line, p.question) for p in research.passages] == [
        (2, "Mikä oli parasta?"),
        (2, "Mitä pitäisi parantaa?"),
        (3, "Mitä pitäisi parantaa?"),
    ]
    assert research.passages[0].respondent == research.passages[1].respondent
    assert research.source.respondents == 2


def test_xlsx_survey_skips_formula_cells_without_running_them() -> None:
    data = _xlsx(
        [
            ["ID", "Score", "What should we improve?"],
            [1, 8, "The checkout page froze twice on my phone"],
            [2, 6, '=HYPERLINK("http://x.example","click")'],
            [3, 9, "Nothing really, delivery was quick"],
        ]
    )
    research = read_research(data, "survey.xlsx", LIMIT)
    assert [p.place.line for p in research.passages] == [2, 4]
    assert research.formulas == [Place("row", 3)]
    assert all("HYPERLINK" not in p.text for p in research.passages)


def test_transcript_keeps_the_interviewees_answers_only() -> None:
    text = "\n".join(
        [
            "# Interview 1: Mari",
            "Q: How did you find us?",
            "A: A friend told me about the shop when my bike broke.",
            "Q: And the repair?",
            "A: It took two weeks, which was far too long.",
            "",
            "# Interview 2: Jussi",
            "Q: How did you book?",
            "A: I just walked in on a Saturday.",
        ]
    )
    research = read_research(text.encode(), "interviews.md", LIMIT)
    assert research.source.kind == "interviews"
    assert [p.place for p in research.passages] == [
        Place("line", 3),
        Place("line", 5),
        Place("line", 9),
    ]
    assert all("?" not in p.text for p in research.passages)
    assert research.source.respondents == 2  # one per interview


def test_named_speakers_and_docx_paragraphs() -> None:
    import docx

    document = docx.Document()
    for line in (
        "Intervjuu 1",
        "Intervjueerija: Kuidas te meid leidsite?",
        "Mart: Otsisin Google'ist lähimat töökoda.",
        "Intervjueerija: Kas hind oli selge?",
        "Mart: Arve oli suurem kui lubatud hinnang.",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    research = read_research(out.getvalue(), "intervjuud.docx", LIMIT)
    assert [(p.place.kind, p.place.line) for p in research.passages] == [
        ("paragraph", 3),
        ("paragraph", 5),
    ]
    assert research.passages[1].text == "Arve oli suurem kui lubatud hinnang."


def test_statements_are_verbatim_pieces_cut_at_sentences_and_but() -> None:
    text = (
        "Kahvi oli hyvää, mutta jono kassalla oli taas pitkä. Klo 9. aamulla ei ollut tilaa! "
        "Suosittelen."
    )
    passage = Passage(text, "f.csv", Place("row", 2), "r")
    found = [s.text for s in split_statements(passage)]
    assert found == [
        "Kahvi oli hyvää",
        "jono kassalla oli taas pitkä.",
        "Klo 9. aamulla ei ollut tilaa!",
        "Suosittelen.",
    ]
    assert all(piece in text for piece in found)


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "empty.csv", "research_empty"),
        (b"   \n", "blank.txt", "research_empty"),
        (os.urandom(4000) + b"\x00", "junk.txt", "research_binary"),
        (b"PK\x03\x04 not a zip", "broken.xlsx", "research_unreadable"),
        (b"a,b\n1,2\n3,4\n", "numbers.csv", "research_no_text_column"),
        (b"only a header row,second\n", "header.csv", "research_no_rows"),
        (b"data", "slides.pptx", "research_type"),
        (b"x" * 200, "huge.txt", "research_too_large"),
    ],
)
def test_bad_files_say_what_was_wrong(data: bytes, name: str, key: str) -> None:
    with pytest.raises(ResearchError) as raised:
        read_research(data, name, 100 if name == "huge.txt" else LIMIT)
    assert raised.value.key == key
    assert name in str(raised.value)
    for lang in ("fi", "et"):
        assert name in raised.value.message(lang)
        assert raised.value.message(lang) != str(raised.value)

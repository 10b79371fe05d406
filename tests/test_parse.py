"""Importing maps the way people paste and save them; broken input gets a clear message."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from assistant.domain import Lang
from assistant.formats.parse import MAX_BYTES, MapParseError, guess_format, parse_map
from assistant.formats.terms import meta_key, normalise
from assistant.language.vocabulary import vocabulary

# --- both orientations, three languages ---------------------------------------------

COLUMNS = """\
| {blank} | {s1} | {s2} |
|---|---|---|
| {actions} | {a1} | {a2} |
| {touchpoints} | Instagram | {store} (offline) |
| {pain_points} | | {p1}; {p2} |
"""
ROWS = """\
| {stage} | {actions} | {touchpoints} | {pain_points} |
|---|---|---|---|
| {s1} | {a1} | Instagram | |
| {s2} | {a2} | {store} (offline) | {p1}<br>{p2} |
"""
WORDS: dict[Lang, dict[str, str]] = {
    "en": {
        "stage": "Stage",
        "actions": "Actions",
        "touchpoints": "Touchpoints",
        "pain_points": "Pain points",
        "s1": "Awareness",
        "s2": "Purchase",
        "a1": "Sees an ad",
        "a2": "Pays at the counter",
        "store": "Store",
        "p1": "Long queue",
        "p2": "No parking",
    },
    "fi": {
        "stage": "Vaihe",
        "actions": "Toiminnot",
        "touchpoints": "Kosketuspisteet",
        "pain_points": "Kipupisteet",
        "s1": "Tietoisuus",
        "s2": "Osto",
        "a1": "Näkee mainoksen",
        "a2": "Maksaa kassalla",
        "store": "Myymälä",
        "p1": "Pitkä jono",
        "p2": "Ei parkkipaikkaa",
    },
    "et": {
        "stage": "Etapp",
        "actions": "Tegevused",
        "touchpoints": "Puutepunktid",
        "pain_points": "Valupunktid",
        "s1": "Teadlikkus",
        "s2": "Ost",
        "a1": "Näeb reklaami",
        "a2": "Maksab kassas",
        "store": "Kauplus",
        "p1": "Pikk järjekord",
        "p2": "Parkimiskohta pole",
    },
}


@pytest.mark.parametrize("template", [COLUMNS, ROWS], ids=["stage-columns", "stage-rows"])
@pytest.mark.parametrize("lang", ["en", "fi", "et"])
def test_both_orientations_in_three_languages(template: str, lang: Lang) -> None:
    words = WORDS[lang]
    journey = parse_map(template.format(blank="", **words), "md")
    assert journey.language == lang
    assert [s.name for s in journey.stages] == [words["s1"], words["s2"]]
    first, second = journey.stages
    assert [i.text for i in first.actions] == [words["a1"]]
    assert [(t.channel, t.kind) for t in second.touchpoints] == [(words["store"], "offline")]
    assert [i.text for i in second.pain_points] == [words["p1"], words["p2"]]
    assert first.pain_points == []
    kinds = [i.provenance.kind for i in [*first.actions, *second.actions, *second.pain_points]]
    kinds += [t.provenance.kind for t in second.touchpoints]
    assert set(kinds) == {"user"}


@pytest.mark.parametrize(
    "lane_cell",
    ["Actions", "**Actions**", "actions:", "ACTIONS", "Actions 🏃"],
)
def test_lane_names_are_matched_loosely(lane_cell: str) -> None:
    journey = parse_map(f"| | Visit |\n|---|---|\n| {lane_cell} | Walks in |\n", "md")
    assert [i.text for i in journey.stages[0].actions] == ["Walks in"]


def test_unknown_lanes_are_kept_by_their_own_name() -> None:
    journey = parse_map(
        "| | Visit | Pay |\n|---|---|---|\n| Actions | Walks in | Pays |\n"
        "| Staff mood | Busy; tired | |\n",
        "md",
    )
    visit, pay = journey.stages
    assert [i.text for i in visit.extra_lanes["Staff mood"]] == ["Busy", "tired"]
    assert pay.extra_lanes == {}


def test_a_row_without_a_lane_name_continues_the_lane_above() -> None:
    journey = parse_map("| | Visit |\n|---|---|\n| Actions | Walks in |\n| | Orders |\n", "md")
    assert [i.text for i in journey.stages[0].actions] == ["Walks in", "Orders"]


# --- cells: separators, touchpoints, emotions, opportunities ------------------------


def _one_cell(lane: str, cell: str) -> str:
    return f"| | Visit |\n|---|---|\n| Actions | Walks in |\n| {lane} | {cell} |\n"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Walks in; orders; pays", ["Walks in", "orders", "pays"]),
        ("Walks in<br>orders<BR/>pays", ["Walks in", "orders", "pays"]),
        ("- Walks in<br>- orders", ["Walks in", "orders"]),
        ("Walks in \\; orders", ["Walks in ; orders"]),
        ("Uses the app / website", ["Uses the app / website"]),
        ("Asks (price; size)", ["Asks (price; size)"]),
    ],
)
def test_item_separators(cell: str, expected: list[str]) -> None:
    journey = parse_map(_one_cell("Thoughts", cell), "md")
    assert [i.text for i in journey.stages[0].thoughts] == expected


def _first_channel(kind: str) -> str:
    return next(c for c in vocabulary().channels if c.kind == kind).synonyms.en[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Website (online)", ("Website", "online", "")),
        ("Store (offline)", ("Store", "offline", "")),
        ("Store (Offline): asks the staff", ("Store", "offline", "asks the staff")),
        ("Myymälä (kasvokkain)", ("Myymälä", "offline", "")),
        ("Kauplus (kohapeal)", ("Kauplus", "offline", "")),
        ("Zorblax", ("Zorblax", "online", "")),
        (_first_channel("offline"), (_first_channel("offline"), "offline", "")),
        (_first_channel("online"), (_first_channel("online"), "online", "")),
    ],
)
def test_touchpoint_kinds(cell: str, expected: tuple[str, str, str]) -> None:
    touchpoint = parse_map(_one_cell("Touchpoints", cell), "md").stages[0].touchpoints[0]
    assert (touchpoint.channel, touchpoint.kind, touchpoint.description) == expected


def _emotion_word(score: int, emoji: bool) -> str:
    words = vocabulary().emotions[score].all()
    found = [w for w in words if any(ch.isalpha() for ch in w) != emoji]
    if not found:
        pytest.skip(f"the vocabulary has no {'emoji' if emoji else 'word'} for {score}")
    return found[0]


@pytest.mark.parametrize("score", [-2, -1, 0, 1, 2])
@pytest.mark.parametrize("emoji", [False, True], ids=["word", "emoji"])
def test_emotion_words_and_emoji(score: int, emoji: bool) -> None:
    word = _emotion_word(score, emoji)
    emotion = parse_map(_one_cell("Emotion", word), "md").stages[0].emotion
    assert (emotion.score, emotion.label) == (score, word)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("+1", (1, "")),
        ("-2", (-2, "")),
        ("−1", (-1, "")),
        ("0", (0, "")),
        ("relieved (+2)", (2, "relieved")),
        ("+1 relieved", (1, "relieved")),
        ("relieved 1", (1, "relieved")),
        ("4/5", (1, "")),
        ("1/5 awful", (-2, "awful")),
        ("", (0, "")),
    ],
)
def test_emotion_numbers(cell: str, expected: tuple[int, str]) -> None:
    emotion = parse_map(_one_cell("Emotion", cell), "md").stages[0].emotion
    assert (emotion.score, emotion.label) == expected


def test_a_one_to_five_scale_is_mapped_to_minus_two_plus_two() -> None:
    journey = parse_map(
        "| | A | B | C | D |\n|---|---|---|---|---|\n| Actions | a | b | c | d |\n"
        "| Emotion | 1 | 3 | 5 | 4 |\n",
        "md",
    )
    assert [s.emotion.score for s in journey.stages] == [-2, 0, 2, 1]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Self-checkout (owner: Store manager; metric: queue time)",
            ("Self-checkout", "Store manager", "queue time"),
        ),
        (
            "Self-checkout — owner: Store manager, metric: queue time",
            ("Self-checkout", "Store manager", "queue time"),
        ),
        ("Self-checkout (Owner: Store manager)", ("Self-checkout", "Store manager", None)),
        (
            "Itsepalvelukassa (omistaja: Myymäläpäällikkö; mittari: jonotusaika)",
            ("Itsepalvelukassa", "Myymäläpäällikkö", "jonotusaika"),
        ),
        (
            "Iseteeninduskassa (omanik: Poe juhataja; mõõdik: ooteaeg)",
            ("Iseteeninduskassa", "Poe juhataja", "ooteaeg"),
        ),
        ("Self-checkout (pilot)", ("Self-checkout (pilot)", None, None)),
        ("Faster tills - maybe", ("Faster tills - maybe", None, None)),
    ],
)
def test_opportunity_owner_and_metric(
    cell: str, expected: tuple[str, str | None, str | None]
) -> None:
    found = parse_map(_one_cell("Opportunities", cell), "md").stages[0].opportunities
    assert [(o.text, o.owner, o.metric) for o in found] == [expected]


def test_suggestion_marks_set_provenance() -> None:
    journey = parse_map(_one_cell("Thoughts", "Mine<br>Suggested *<br>From a model **"), "md")
    assert [(i.text, i.provenance.kind) for i in journey.stages[0].thoughts] == [
        ("Mine", "user"),
        ("Suggested", "pattern"),
        ("From a model", "llm"),
    ]


# --- key: value lines ---------------------------------------------------------------

MAP_WITH_META = """\
# Kahvila Polku

**Title:** Café journey
- **Persona:** Anna, 30
- Scenario: Anna wants a quiet place to work
* Map type: current-state
Owner: Café manager
LAST UPDATED: 2026-11-01
Review cadence: quarterly
Evidence: Interviews 2026; Google reviews
Business: A café in Tampere
B2B/B2C: B2C
Notes: not a key Polku knows, ignored

| | Visit |
|---|---|
| Actions | Walks in |
"""


def test_key_value_lines_before_the_table() -> None:
    journey = parse_map(MAP_WITH_META, "md")
    assert journey.title == "Café journey"
    assert journey.persona is not None and journey.persona.name == "Anna, 30"
    assert journey.scenario == "Anna wants a quiet place to work"
    assert journey.map_type == "current-state"
    assert journey.owner == "Café manager"
    assert journey.last_updated == date(2026, 11, 1)
    assert journey.review_cadence == "quarterly"
    assert [s.title for s in journey.evidence] == ["Interviews 2026", "Google reviews"]
    assert journey.business == "A café in Tampere"
    assert journey.model == "b2c"


def test_the_first_heading_is_the_title_when_no_title_line() -> None:
    journey = parse_map("# My café map\n\n| | Visit |\n|---|---|\n| Actions | x |\n", "md")
    assert journey.title == "My café map"


def _meta_synonyms() -> list[tuple[str, str, str]]:
    langs: tuple[Lang, ...] = ("en", "fi", "et")
    return [
        (lang, key, word)
        for key, words in vocabulary().meta_keys.items()
        for lang in langs
        for word in words.get(lang)
    ]


@pytest.mark.parametrize(("lang", "key", "word"), _meta_synonyms())
def test_every_meta_key_synonym_is_recognised(lang: str, key: str, word: str) -> None:
    term = meta_key(f"**{word.upper()}**")
    assert term is not None, f"{lang} {word!r} not recognised"
    assert term.key == key or normalise(word) in {
        normalise(w) for k, ws in vocabulary().meta_keys.items() if k == term.key for w in ws.all()
    }


@pytest.mark.parametrize("lang", ["fi", "et"])
def test_meta_keys_in_finnish_and_estonian(lang: Lang) -> None:
    meta = vocabulary().meta_keys
    lines = [
        f"{meta['title'].get(lang)[0]}: Otsikko",
        f"- **{meta['owner'].get(lang)[0]}:** Johtaja",
        f"{meta['last_updated'].get(lang)[0]}: 1.3.2026",
    ]
    table = COLUMNS.format(blank="", **WORDS[lang])
    journey = parse_map("\n".join(lines) + "\n\n" + table, "md")
    assert (journey.title, journey.owner, journey.last_updated) == (
        "Otsikko",
        "Johtaja",
        date(2026, 3, 1),
    )
    assert journey.language == lang


# --- CSV and XLSX -------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_bom_and_formula_prefix(delimiter: str) -> None:
    rows = [
        ["", "Awareness", "Purchase"],
        ["Actions", "'=Sees an ad", "Pays; asks for receipt"],
        ["Pain points", "", "'-5% discount missing\nLong queue"],
        ["Emotion", "'+1", "'-1"],
    ]
    text = "\r\n".join(
        delimiter.join(f'"{cell}"' if any(c in cell for c in ";\n,\t") else cell for cell in row)
        for row in rows
    )
    journey = parse_map(("\ufeff" + text).encode("utf-8"), None, filename="map.csv")
    awareness, purchase = journey.stages
    assert [i.text for i in awareness.actions] == ["=Sees an ad"]
    assert [i.text for i in purchase.actions] == ["Pays", "asks for receipt"]
    assert [i.text for i in purchase.pain_points] == ["-5% discount missing", "Long queue"]
    assert (awareness.emotion.score, purchase.emotion.score) == (1, -1)


def test_csv_with_stages_as_rows_in_windows_1252() -> None:
    text = "Vaihe;Toiminnot;Kipupisteet\r\nTietoisuus;Näkee mainoksen;\r\nOsto;Maksaa;Jono\r\n"
    journey = parse_map(text.encode("cp1252"), "csv")
    assert [s.name for s in journey.stages] == ["Tietoisuus", "Osto"]
    assert journey.stages[0].actions[0].text == "Näkee mainoksen"
    assert journey.language == "fi"


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_map_sheet_by_name_and_persona_sheet() -> None:
    data = _workbook(
        {
            "Persoona": [
                ["Persona", "Anna"],
                ["Goals", "Work in peace\nGood coffee"],
                ["Owner", "Café manager"],
                ["Last updated", date(2026, 11, 1)],
            ],
            "Kartta": [
                [None, "Awareness", "Purchase", None],
                ["Actions", "Sees an ad", "Pays", None],
                ["Emotion", 4, 2, None],
                ["Staff notes", None, "Busy", None],
                [None, None, None, None],
            ],
        }
    )
    journey = parse_map(data, None, filename="map.xlsx")
    assert [s.name for s in journey.stages] == ["Awareness", "Purchase"]
    assert journey.persona is not None
    assert journey.persona.name == "Anna"
    assert journey.persona.goals == ["Work in peace", "Good coffee"]
    assert (journey.owner, journey.last_updated) == ("Café manager", date(2026, 11, 1))
    assert [s.emotion.score for s in journey.stages] == [1, -1]  # a 1-5 scale
    assert journey.stages[1].extra_lanes["Staff notes"][0].text == "Busy"


def test_xlsx_without_named_sheets_uses_the_first() -> None:
    data = _workbook({"Sheet A": [["", "Visit"], ["Actions", "'=1+1"]], "Other": [["x"]]})
    journey = parse_map(data, "xlsx")
    assert journey.stages[0].actions[0].text == "=1+1"


# --- formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        ("| | A |\n|---|---|\n| Actions | x |\n", None, "md"),
        ("| | A |\n|---|---|\n| Actions | x |\n", "map.txt", "md"),
        (",A\nActions,x\n", None, "csv"),
        ("Stage;Actions\nA;x\n", None, "csv"),
        ('{"title": "x"}', None, "json"),
        ("anything", "map.json", "json"),
        (b"PK\x03\x04rest", None, "xlsx"),
        ("anything", "Map.XLSX", "xlsx"),
    ],
)
def test_format_is_guessed(content: str | bytes, filename: str | None, expected: str) -> None:
    assert guess_format(content, filename) == expected


def test_json_keeps_everything() -> None:
    from tests.maps import good_map

    journey = good_map()
    assert parse_map(journey.model_dump_json(), None) == journey


# --- broken input -------------------------------------------------------------------

RAGGED = "| | A | B |\n|---|---|---|\n| Actions | x | y |\n| Thoughts | only one |\n"
NO_LANES = "| | A | B |\n|---|---|---|\n| Foo | x | y |\n| Bar | x | y |\n"
BAD_JSON_MAP = json.dumps({"title": "x", "stages": [{"name": "A", "emotion": {"score": 7}}]})


@pytest.mark.parametrize(
    ("content", "fmt", "filename", "expected"),
    [
        ("", None, None, "The file is empty"),
        (b"  \n\t ", None, None, "The file is empty"),
        ("no table here at all", None, None, "No table found"),
        ("Title: A map\nOwner: me\n", "md", None, "No table found"),
        (RAGGED, "md", None, "line 4: this row has 2 cells but the header has 3"),
        (NO_LANES, "md", None, "no lane Polku recognises"),
        (",A,B\nActions,x,y\nThoughts,x\n", "csv", None, "row 3: this row has 2 cells"),
        ('",A\nActions,"x', "csv", None, "row 1: the table needs a header row"),
        (bytes(range(256)) * 8, None, None, "binary data"),
        (b"\x00\x01\x02junk", "md", None, "binary data"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), None, "photo.png", "binary data"),
        ("[1, 2]", "json", None, "not a Polku journey map"),
        ('{"title": ', "json", None, "line 1, column 11: this is not valid JSON"),
        (BAD_JSON_MAP, "json", None, "stages[0].emotion.score"),
        ("| | A |\n|---|---|\n| Emotion | 9 |\n", "md", None, "the emotion 9 is out of range"),
        (
            "Last updated: soon\n\n| | A |\n|---|---|\n| Actions | x |\n",
            "md",
            None,
            "line 1: 'soon' is not a date",
        ),
        (
            "Map type: mindmap\n\n| | A |\n|---|---|\n| Actions | x |\n",
            "md",
            None,
            "map type 'mindmap'",
        ),
        ("| | | B |\n|---|---|---|\n| Actions | x | y |\n", "md", None, "a stage has no name"),
        (b"not a zip", "xlsx", None, "not an .xlsx workbook"),
        (b"PK\x03\x04 broken zip", None, None, "not a readable .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0 old office", None, None, "old Office file"),
        ("x", None, "map.xls", "Old Excel .xls"),
    ],
)
def test_broken_input_gets_a_clear_error(
    content: str | bytes, fmt: str | None, filename: str | None, expected: str
) -> None:
    with pytest.raises(MapParseError) as error:
        parse_map(content, fmt, filename=filename)  # type: ignore[arg-type]
    assert expected in str(error.value)
    assert "Traceback" not in str(error.value)


def test_a_huge_file_is_refused_before_reading() -> None:
    with pytest.raises(MapParseError, match="up to 5 MB"):
        parse_map(b"x" * (MAX_BYTES + 1), "md")


def test_the_cli_example_map_parses() -> None:
    journey = parse_map(
        "Persona: Anna, 30\n\n| | Awareness | Purchase |\n|---|---|---|\n"
        "| Touchpoints | Instagram | Checkout |\n| Pain points | | Long queue |\n",
        None,
        filename="map.md",
    )
    assert journey.persona is not None and journey.persona.name == "Anna, 30"
    assert journey.title == "map"
    assert [tp.channel for s in journey.stages for tp in s.touchpoints] == ["Instagram", "Checkout"]

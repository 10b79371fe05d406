"""Fuzzing: the map importer and the interview take hostile, random and huge input calmly.

``parse_map`` may only refuse with a ``MapParseError`` that says something; whatever it
accepts is a valid JourneyMap that can be saved as UTF-8 JSON. ``Interviewer.reply`` always
answers with a Turn and leaves a state that survives a JSON round trip. Huge inputs (the
5 MB limit, 10k columns, 100k rows, long runs of spaces that once made the Markdown regexes
backtrack for hours) finish within a few seconds each.
"""

from __future__ import annotations

import csv
import io
import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.app.store import MapStore
from assistant.capabilities.interview.interviewer import Interviewer, InterviewState, Turn
from assistant.capabilities.interview.script import script
from assistant.domain import LANGS, JourneyMap, Lang
from assistant.formats.parse import FORMATS, MAX_BYTES, MapParseError, parse_map
from assistant.formats.render.xlsx import NOT_XML
from assistant.formats.syntax import without_surrogates
from assistant.formats.terms import format_words
from assistant.language.vocabulary import vocabulary
from tests.maps import good_map

pytestmark = pytest.mark.security

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Bidi overrides, zero-width and other invisible characters, NUL and controls, unpaired
# surrogates, the private-use code points the importer masks escapes with, the cell syntax,
# formula starters, numbers in several scripts, emoji, and a few real words.
HOSTILE = [
    *"\u202e\u202d\u200f\u061c\u2066\u2069\u200b\u200c\u200d\u2060\ufeff\x00\x1b\x7f\x08",
    *"\ud800\udfff\ud83d\U000f0000\U000f0001\U000f0005\U000f0008\uffff\ufffd",
    *"\u2028\u2029\x85\x0b\x0c\x1c\r\n\t \u00a0\u3000|\\;*():#-•—–=+@'\",/%−",
    *["\\|", " *", " **", "<br>", "<BR/>", "# ", "- ", "• ", "**", "__", "\r\n"],
    *["1", "-3", "+2", "5/5", "3/10", "(2)", "٣", "١٢", "99999999999999999999", "1e309"],
    *["שלום", "مرحبا", "🙂", "😖", "👍🏽", "İ", "ß", "ﬃ", "ǅ", "ä", "õ", "x", "Ab"],
    *["(owner: Ann; metric: NPS)", " — owner: x", "Web (online): y", "(offline)"],
    *["<script>alert(1)</script>", '=HYPERLINK("x")', "2026-13-45", "1.1.2026"],
]
LANE_WORDS = sorted({w for terms in vocabulary().lanes.values() for w in terms.all()})
META_WORDS = sorted(
    {w for terms in vocabulary().meta_keys.values() for w in terms.all()}
    | {w for words in format_words().persona_keys.values() for w in words.all()}
)
fragments = st.one_of(
    st.sampled_from(HOSTILE), st.text(max_size=6), st.sampled_from(LANE_WORDS + META_WORDS)
)
cells = st.lists(fragments, max_size=5).map("".join)
lane_cells = st.sampled_from(LANE_WORDS).map(str.capitalize) | cells
grids = st.lists(
    st.tuples(lane_cells, st.lists(cells, min_size=1, max_size=4)).map(lambda r: [r[0], *r[1]]),
    min_size=1,
    max_size=6,
)
meta_lines = st.lists(st.tuples(st.sampled_from(META_WORDS), cells), max_size=3)
formats = st.none() | st.sampled_from(FORMATS)
filenames = (
    st.none()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "map.md",
            "MAP.MARKDOWN",
            "x.csv",
            "x.tsv",
            "x.json",
            "x.xlsx",
            "x.xlsm",
            "x.xls",
            "x.txt",
            "noext",
            ".md",
            "../../etc/passwd",
            "a\x00b.md",
            "x.md.xlsx",
            "\u202egpj.md",
        ]
    )
)
langs = st.sampled_from(LANGS)


def _parse_or_refuse(
    content: str | bytes, fmt: Any = None, filename: str | None = None, lang: Lang = "en"
) -> JourneyMap | None:
    """The invariant: a clear MapParseError, or a map that validates and saves as JSON."""
    try:
        journey = parse_map(content, fmt, filename=filename, default_lang=lang)
    except MapParseError as exc:
        message = str(exc)
        assert message.strip(), "an empty error message"
        assert "Traceback" not in message
        return None
    assert isinstance(journey, JourneyMap)
    assert JourneyMap.model_validate(journey.model_dump()) == journey
    assert JourneyMap.model_validate_json(journey.model_dump_json()) == journey
    return journey


def _markdown(meta: list[tuple[str, str]], heading: str | None, grid: list[list[str]]) -> str:
    lines = [f"{key}: {value}" for key, value in meta]
    lines += [f"# {heading}"] if heading is not None else []
    width = max(map(len, grid))
    header = ["", *(f"Stage {n}" for n in range(1, width))]
    for n, row in enumerate([header, *grid]):
        lines.append("| " + " | ".join(row) + " |")
        if n == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


# --- parse_map: random input --------------------------------------------------------


@FUZZ
@given(content=st.text(max_size=300) | cells, fmt=formats, filename=filenames, lang=langs)
@example(content='{"title": "x\\ud800", "stages": []}', fmt="json", filename=None, lang="en")
@example(
    content="| | A\ud800 |\n|---|---|\n| Actions | \udfff |", fmt=None, filename=None, lang="en"
)
def test_random_text_is_parsed_or_refused(
    content: str, fmt: Any, filename: str | None, lang: Lang
) -> None:
    _parse_or_refuse(content, fmt, filename, lang)


@FUZZ
@given(
    prefix=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"{"]
    ),
    content=st.binary(max_size=400),
    fmt=formats,
    filename=filenames,
)
def test_random_bytes_are_parsed_or_refused(
    prefix: bytes, content: bytes, fmt: Any, filename: str | None
) -> None:
    _parse_or_refuse(prefix + content, fmt, filename)


@FUZZ
@given(meta=meta_lines, heading=st.none() | cells, grid=grids, fmt=st.sampled_from([None, "md"]))
@example(meta=[], heading=None, grid=[["Emotion", "\ud800 (9)"]], fmt="md")
def test_hostile_markdown_tables(
    meta: list[tuple[str, str]], heading: str | None, grid: list[list[str]], fmt: Any
) -> None:
    journey = _parse_or_refuse(_markdown(meta, heading, grid), fmt)
    if journey is not None:
        assert 1 <= len(journey.stages) <= max(map(len, grid))


@FUZZ
@given(meta=meta_lines, grid=grids, delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans())
@example(meta=[], grid=[["Action", "", ""], ["\ud800", "", "\u202e"]], delimiter=",", bom=False)
def test_hostile_csv_tables(
    meta: list[tuple[str, str]], grid: list[list[str]], delimiter: str, bom: bool
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows([[k, v] for k, v in meta])
    writer.writerows([["", *(f"S{n}" for n in range(1, max(map(len, grid))))], *grid])
    text = ("\ufeff" if bom else "") + out.getvalue()
    _parse_or_refuse(text, "csv")
    _parse_or_refuse(without_surrogates(text).encode("utf-8"), None, "map.csv")


@settings(FUZZ, max_examples=60)
@given(
    grid=grids,
    persona=st.lists(st.tuples(st.sampled_from(META_WORDS), cells), max_size=3),
    titles=st.sampled_from([("Map", "Persona"), ("Kartta", "Persoona"), ("Sheet", "Other")]),
)
def test_hostile_xlsx_workbooks(
    grid: list[list[str]], persona: list[tuple[str, str]], titles: tuple[str, str]
) -> None:
    from openpyxl import Workbook

    def clean(text: str) -> str:  # what a workbook can hold at all
        return NOT_XML.sub("", text)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = titles[0]
    sheet.append(["", *(f"S{n}" for n in range(1, max(map(len, grid))))])
    for row in grid:
        sheet.append([clean(c) for c in row])
    other = workbook.create_sheet(titles[1])
    for key, value in persona:
        other.append([clean(key), clean(value)])
    out = io.BytesIO()
    workbook.save(out)
    _parse_or_refuse(out.getvalue(), None, "map.xlsx")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cells,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(sorted(JourneyMap.model_fields)) | cells, inner, max_size=3
        )
    ),
    max_leaves=12,
)


@FUZZ
@given(
    changes=st.dictionaries(st.sampled_from(sorted(JourneyMap.model_fields)), json_values),
    stage_changes=st.dictionaries(
        st.sampled_from(["name", "emotion", "actions", "x"]), json_values
    ),
)
def test_hostile_json_maps(changes: dict[str, Any], stage_changes: dict[str, Any]) -> None:
    data = good_map().model_dump(mode="json")
    data["stages"][0].update(stage_changes)
    data.update(changes)
    _parse_or_refuse(json.dumps(data), "json")
    _parse_or_refuse(json.dumps(data, ensure_ascii=True).encode(), None, "map.json")


# --- parse_map: huge input ----------------------------------------------------------


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the run) when the block takes longer; the regex engine
    checks for signals, so a runaway match is interrupted too."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


RUN = " " * 300_000  # a run of spaces: what made the old regexes backtrack
COLUMNS, ROWS = 10_000, 100_000


def _table(lane: str, cell: str, stage: str = "A") -> str:
    return f"| | {stage} |\n|---|---|\n| {lane} | {cell} |\n"


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Map")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NO_TABLE, TOO_LARGE, NO_LANES = "No table found", "The table is too large", "needs a header row"
Build = Callable[[], tuple[str | bytes, Any, str | None]]
HUGE: dict[str, tuple[Build, str]] = {  # name: (input, the refusal expected, "" for a map)
    "spaces before a line": (lambda: ("x\n" + RUN + "x\n", None, None), NO_TABLE),
    "spaces in a key line": (
        lambda: ("Owner" + RUN + "x\n" + _table("Actions", "a"), "md", None),
        "",
    ),
    "5 MB key line": (lambda: ("Owner" + " " * (MAX_BYTES - 20) + "x\n", None, "m.md"), NO_TABLE),
    "spaces in a heading": (lambda: ("# a" + RUN + "b\n" + _table("Actions", "a"), "md", None), ""),
    "dashes like a delimiter": (
        lambda: ("| a |\n|" + "- " * 150_000 + "x\n", "md", None),
        NO_LANES,
    ),
    "spaces in an action": (lambda: (_table("Actions", "a" + RUN + "b"), "md", None), ""),
    "spaces then a mark": (lambda: (_table("Actions", "a" + RUN + "*"), "md", None), ""),
    "spaces in a touchpoint": (lambda: (_table("Touchpoints", "a" + RUN + "(x"), "md", None), ""),
    "spaces in an opportunity": (
        lambda: (_table("Opportunities", "a" + RUN + "-" + RUN + "b"), "md", None),
        "",
    ),
    "spaces in an annotation": (
        lambda: (_table("Opportunities", "x (owner: a" + RUN + "b)"), "md", None),
        "",
    ),
    "5 MB emotion label": (
        lambda: (_table("Emotion", "ok " * (MAX_BYTES // 3 - 20)), "md", None),
        "",
    ),
    "spaces in an emotion": (
        lambda: (_table("Emotion", "1" + RUN + "/" + RUN + "x"), "md", None),
        "",
    ),
    "digits in an emotion": (lambda: (_table("Emotion", "1" * 300_000 + "x"), "md", None), ""),
    "spaces in a stage name": (lambda: (_table("Actions", "a", "A" + RUN + "B"), "md", None), ""),
    "spaces in a csv cell": (
        lambda: (",A\nOpportunities,a" + RUN[:100_000] + "(b\n", "csv", None),
        "",
    ),
    "spaces in a persona line": (
        lambda: ("Persona: a" + RUN + "x *\n" + _table("Actions", "a"), "md", None),
        "",
    ),
    "5 MB on one line": (lambda: ("x" * MAX_BYTES, None, None), NO_TABLE),
    "5 MB of pipes on lines": (lambda: ("|\n" * (MAX_BYTES // 2), None, None), TOO_LARGE),
    "5 MB in one cell": (
        lambda: (_table("Actions", "a " * (MAX_BYTES // 2 - 20)), "md", None),
        "",
    ),
    "5 MB of JSON": (
        lambda: (json.dumps({"title": "x" * (MAX_BYTES - 50), "stages": []}), None, None),
        "",
    ),
    "10k stages, json": (
        lambda: (
            json.dumps({"title": "x", "stages": [{"name": f"S{n}"} for n in range(COLUMNS)]}),
            None,
            None,
        ),
        "Polku reads at most 200",
    ),
    "JSON nested deeply": (
        lambda: ('{"title": "x", "stages": ' + "[" * ROWS + "]" * ROWS + "}", None, None),
        "nested too deeply",
    ),
    "10k columns, md": (
        lambda: (
            "| |"
            + " S |" * COLUMNS
            + "\n|"
            + "---|" * (COLUMNS + 1)
            + "\n| Actions |"
            + " a |" * COLUMNS,
            None,
            None,
        ),
        TOO_LARGE,
    ),
    "10k columns, csv": (
        lambda: ("," + "S," * COLUMNS + "\nActions," + "a," * COLUMNS, "csv", None),
        TOO_LARGE,
    ),
    "10k columns, xlsx": (
        lambda: (_xlsx([["", *["S"] * COLUMNS], ["Actions", *["a"] * COLUMNS]]), None, "m.xlsx"),
        TOO_LARGE,
    ),
    "100k rows, md": (
        lambda: ("| | A |\n|---|---|\n" + "| Actions | a |\n" * ROWS, None, None),
        TOO_LARGE,
    ),
    "100k stages, md": (
        lambda: ("| Stage | Actions |\n|---|---|\n" + "| S | a |\n" * ROWS, None, None),
        TOO_LARGE,
    ),
    "100k rows, csv": (lambda: (",A\n" + "Actions,a\n" * ROWS, None, "m.csv"), TOO_LARGE),
    "10k rows, xlsx": (
        lambda: (_xlsx([["", "A"]] + [["Actions", "a"]] * (ROWS // 10)), None, "m.xlsx"),
        TOO_LARGE,
    ),
}


@pytest.mark.parametrize("name", HUGE)
def test_huge_input_is_quick_and_calm(name: str) -> None:
    build, refusal = HUGE[name]
    content, fmt, filename = build()  # built here, not at import: some take a second
    with time_limit(8):
        journey = _parse_or_refuse(content, fmt, filename)
    if refusal:
        assert journey is None
        with pytest.raises(MapParseError, match=refusal):
            parse_map(content, fmt, filename=filename)
    else:
        assert journey is not None and len(journey.stages) <= 1


def test_over_five_megabytes_is_refused_by_size() -> None:
    with time_limit(5), pytest.raises(MapParseError, match="up to 5 MB"):
        parse_map(" " * (MAX_BYTES + 1), "md")


# --- the interview -------------------------------------------------------------------

SLOTS = list(script().slots)
COMMANDS = sorted(
    {
        *script().commands.back.all(),
        *script().commands.confirm.all(),
        *script().commands.default_stages.all(),
        *vocabulary().skip_words.all(),
        *[w for entry in script().slots.values() for w in entry.names.all()],
    }
)
replies = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(["1", "4", "5", "0", "-1", "B2B", "b2c", "service blueprint"]),
    cells,
    st.text(max_size=400),
    st.lists(cells, max_size=30).map(", ".join),
)


@FUZZ
@given(
    lang=langs,
    fixed=st.booleans(),
    slot=st.sampled_from(SLOTS),
    phase=st.sampled_from(["asking", "confirming", "done"]),
    editing=st.booleans(),
    texts=st.lists(replies, min_size=1, max_size=4),
)
@example(
    lang="en", fixed=False, slot="business", phase="asking", editing=False, texts=["caf\ud800"]
)
def test_interview_always_answers_and_stays_valid(
    lang: Lang, fixed: bool, slot: str, phase: Any, editing: bool, texts: list[str]
) -> None:
    state = InterviewState(lang=lang, lang_fixed=fixed)
    interviewer = Interviewer(state)
    interviewer.start()
    state.current, state.phase, state.editing = slot, phase, editing
    for text in texts:
        turn = interviewer.reply(text)
        assert isinstance(turn, Turn) and turn.message.strip()
        assert turn.slot is None or turn.slot in SLOTS
        assert InterviewState.model_validate(state.model_dump()) == state
        assert InterviewState.model_validate_json(state.model_dump_json()) == state
        assert set(state.skipped) <= set(state.settled) | {slot, ""}


HUGE_REPLY = ("Kahvila asiakas jono, " * 1000 + " " * 20_000 + "\u202e\u200b\x00" * 500)[:50_000]


@pytest.mark.parametrize("lang", LANGS)
def test_a_huge_reply_in_every_slot(lang: Lang, tmp_path: Any) -> None:
    store = MapStore(tmp_path / "polku.db")
    for slot in SLOTS:
        state = InterviewState(lang=lang, lang_fixed=True)
        interviewer = Interviewer(state)
        interviewer.start()
        state.current = slot
        with time_limit(5):
            turn = interviewer.reply(HUGE_REPLY)
        assert turn.message.strip()
        store.save_session(f"owner-{slot}", {"interview": state.model_dump(mode="json")})
        saved = store.load_session(f"owner-{slot}")
        assert saved is not None
        assert InterviewState.model_validate(saved["interview"]) == state

"""The web UI in a real browser (Playwright driving Debian's chromium) against the real server.

Screenshots of the main screens are written to docs/screenshots/ for the README.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.ui_server import RunningServer

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TIMEOUT = 30_000
FINNISH_REPLIES = [
    "Pieni vaatekauppa Tampereella, myymme kuluttajille",
    "1",
    "haluamme tietää, miksi uudet asiakkaat eivät palaa",
    "Anna, 30, kiireinen ammattilainen",
    "löytää sopivat vaatteet nopeasti, säästää aikaa",
    "asiakaskysely, arvostelut",
    "oletus",
    "Instagram, myymälä, verkkosivut",
    "pitkät kassajonot, sovituskopit täynnä",
    "en tiedä",
    "Myymäläpäällikkö",
    "neljännesvuosittain",
    "kyllä",
]
PASTED_MAP = (
    "| | Awareness | Purchase | Advocacy |\n|---|---|---|---|\n"
    "| Actions | Sees an ad | Pays | Tells a friend |\n"
    "| Pain points | | Long queue | |\n"
)


def _open(context: Any, server: RunningServer) -> Page:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url)
    expect(page.locator("#polku-chat")).to_contain_text("?", timeout=TIMEOUT)
    return page


def _send(page: Page, text: str, expect_text: str | None = None) -> None:
    """Sends one message and waits until the chat shows it as the person's latest message."""
    chat = page.locator("#polku-chat")
    sent = chat.locator(".message-row.user-row")
    count = sent.count()
    page.locator("#polku-message textarea").fill(text)
    page.locator("#polku-send").click()
    expect(sent).to_have_count(count + 1)
    # A pasted table is drawn as a table: look for its first cell's words.
    first = next(cell.strip() for cell in text.splitlines()[0].split("|") if cell.strip())
    expect(sent.last).to_contain_text(first)
    if expect_text:
        expect(chat).to_contain_text(expect_text)


def _findings(page: Page) -> str:
    return page.locator("#polku-findings").inner_text()


def test_finnish_interview_to_a_drafted_map(browser: Any, ui_server: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, ui_server)
    for reply in FINNISH_REPLIES[:-1]:
        _send(page, reply)
    expect(page.locator("#polku-chat")).to_contain_text("Tässä on, mitä kirjasin")
    expect(page.locator("#polku-send")).to_have_text("Lähetä")  # the page follows the person
    _send(page, FINNISH_REPLIES[-1], "Kiitos! Karttasi on luonnosteltu.")
    table = page.locator("#polku-table")
    expect(table).to_contain_text("Tietoisuus")
    expect(table).to_contain_text("pitkät kassajonot")
    expect(page.locator("#polku-findings")).to_contain_text("/100")
    frame = page.frame_locator("#polku-map iframe")
    expect(frame.locator("svg.curve")).to_be_visible()
    expect(frame.locator("li.suggested").first).to_be_visible()  # suggestions styled apart
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-and-map.png"), full_page=False)
    context.close()


def test_research_added_beside_the_chat_becomes_evidence_on_the_map(
    browser: Any, ui_server: RunningServer, tmp_path: Path
) -> None:
    from tests.test_insights import PASTRY, QUEUE, WISH, reviews

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, ui_server)
    for reply in FINNISH_REPLIES[:5]:
        _send(page, reply)
    _send(page, FINNISH_REPLIES[5], "Lisää aineistosi")  # the interview asks for the files
    research = tmp_path / "arviot.csv"
    research.write_bytes(reviews([*QUEUE, *PASTRY, *WISH]))
    page.locator("#polku-research-upload input[type=file]").set_input_files(str(research))
    expect(page.locator("#polku-chat")).to_contain_text("Luin aineiston arviot.csv")
    for reply in FINNISH_REPLIES[6:]:
        _send(page, reply)
    expect(page.locator("#polku-chat")).to_contain_text("Karttasi on luonnosteltu")
    frame = page.frame_locator("#polku-map iframe")
    evidence = frame.locator("li.evidence").first
    expect(evidence).to_be_visible()
    evidence.locator("summary").click()  # the quote and its source a click away
    expect(evidence.locator("blockquote")).to_be_visible()
    expect(evidence.locator("cite")).to_contain_text("arviot.csv, rivi")
    evidence.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "research-evidence.png"), full_page=False)
    context.close()


def test_editing_a_cell_changes_the_critique(browser: Any, ui_server: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, ui_server)
    _send(page, PASTED_MAP, "/100")
    expect(page.locator("#polku-findings")).to_contain_text("no opportunity")
    cell = page.locator('#polku-table [data-testid="cell-6-2"]')  # Opportunities x Purchase
    editor = page.locator('#polku-table textarea[aria-label="Edit cell"]')
    for _ in range(5):  # the table re-renders once after an import; retry until it settles
        cell.scroll_into_view_if_needed()
        cell.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")  # opens the cell's editor
        if editor.count():
            break
    expect(editor).to_be_focused()
    page.keyboard.type("Self-checkout (owner: Store manager; metric: queue time)")
    page.keyboard.press("Enter")
    expect(page.locator("#polku-findings")).not_to_contain_text("no opportunity")
    frame = page.frame_locator("#polku-map iframe")
    expect(frame.locator("table.map")).to_contain_text("Self-checkout")
    page.locator("#polku-findings").scroll_into_view_if_needed()  # the critique after the edit
    page.screenshot(path=str(SHOTS / "critique-and-edit.png"), full_page=False)
    context.close()


def _edit_cell(page: Page, table: str, cell_id: str, text: str) -> None:
    """Opens a table cell's editor as a person does (click, Enter), types and saves."""
    cell = page.locator(f'{table} [data-testid="{cell_id}"]')
    editor = page.locator(f'{table} textarea[aria-label="Edit cell"]')
    for _ in range(5):  # the table re-renders once after an import; retry until it settles
        cell.scroll_into_view_if_needed()
        cell.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        if editor.count():
            break
    expect(editor).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_the_persona_is_edited_in_its_own_table_and_the_lane_names_stay_in_view(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = _open(context, ui_server)
    _send(page, WIDE_FINNISH_MAP, "/100")
    findings = page.locator("#polku-findings")
    expect(findings).to_contain_text("Kartassa ei ole persoonaa")
    persona = page.locator("#polku-persona-table")
    expect(persona).to_contain_text("Tavoitteet")  # its field names in the map's language
    _edit_cell(page, "#polku-persona-table", "cell-0-1", "Kadri, kiireinen äiti")
    frame = page.frame_locator("#polku-map iframe")
    expect(frame.locator(".persona")).to_contain_text("Kadri, kiireinen äiti")
    expect(findings).not_to_contain_text("Kartassa ei ole persoonaa")
    # Scrolled sideways, the stage table keeps its lane names in view (a pinned column).
    table = page.locator("#polku-table")
    table.scroll_into_view_if_needed()
    lane, stage = (table.locator(f'[data-testid="cell-1-{c}"]') for c in (0, 4))
    before, stage_before = lane.bounding_box(), stage.bounding_box()
    table.locator(".virtual-table-viewport").evaluate("e => { e.scrollLeft = 2000; }")
    page.wait_for_timeout(300)
    after, stage_after = lane.bounding_box(), stage.bounding_box()
    assert stage_before and stage_after and stage_after["x"] < stage_before["x"] - 100  # moved
    assert before and after and abs(after["x"] - before["x"]) < 2, (before, after)
    page.screenshot(path=str(SHOTS / "tables-scrolled.png"), full_page=False)
    context.close()


def _tick(page: Any, label: str) -> None:
    """Ticks a checkbox; a click during the page's re-layout after an import can be lost, so
    it is tried again until the box shows the tick."""
    box = page.get_by_label(label, exact=True)
    for _ in range(5):
        try:
            box.check(timeout=4000)
        except Exception:
            page.wait_for_timeout(300)
        if box.is_checked():
            return
    expect(box).to_be_checked()


@pytest.mark.parametrize(
    ("locale", "pasted", "curve", "cell"),
    [
        ("en-GB", PASTED_MAP, "emotion-curve", "Long queue"),
        ("fi-FI", "WIDE_FINNISH_MAP", "tunnekäyrä", "Varaus on hankala"),
    ],
)
def test_export_downloads_a_file(
    browser: Any, ui_server: RunningServer, tmp_path: Path, locale: str, pasted: str, curve: str,
    cell: str,
) -> None:  # fmt: skip
    context = browser.new_context(accept_downloads=True, locale=locale)
    page = _open(context, ui_server)
    _send(page, WIDE_FINNISH_MAP if pasted == "WIDE_FINNISH_MAP" else pasted, "/100")
    for picture in ("pdf", "png"):  # a one-page PDF and the emotion curve, beside md and html
        _tick(page, picture)
    link = page.locator("#polku-downloads a").first
    for _ in range(3):  # a click during the page's re-layout after an import can be lost
        page.locator("#polku-export").scroll_into_view_if_needed()
        page.locator("#polku-export").click()
        try:
            link.wait_for(timeout=8000)
            break
        except Exception:
            continue
    expect(link).to_be_visible()
    names = page.locator("#polku-downloads")
    for name in (".md", ".html", ".pdf", curve, ".png"):  # the picture says what it is
        expect(names).to_contain_text(name, timeout=20000)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").count(cell) >= 1
    context.close()


def test_two_browsers_do_not_see_each_others_maps(browser: Any, ui_server: RunningServer) -> None:
    first, second = browser.new_context(), browser.new_context()
    page_a = _open(first, ui_server)
    _send(page_a, PASTED_MAP.replace("Long queue", "Alpha secret pain"), "/100")
    page_b = _open(second, ui_server)
    expect(page_b.locator("#polku-table")).not_to_contain_text("Alpha secret pain")
    assert "Alpha secret pain" not in page_b.locator("#polku-chat").inner_text()
    first.close()
    second.close()


def test_a_restart_keeps_saved_maps(browser: Any, ui_server: RunningServer) -> None:
    context = browser.new_context()
    page = _open(context, ui_server)
    _send(page, PASTED_MAP.replace("Long queue", "Survives restarts"), "/100")
    ui_server.stop()
    ui_server.start()
    page.reload()
    expect(page.locator("#polku-table")).to_contain_text("Survives restarts")
    expect(page.locator("#polku-chat")).to_contain_text("Survives restarts")
    context.close()


@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>"])
def test_markup_in_messages_and_cells_is_shown_as_text(
    browser: Any, ui_server: RunningServer, payload: str
) -> None:
    context = browser.new_context()
    page = _open(context, ui_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _send(page, PASTED_MAP.replace("Long queue", payload), "/100")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("#polku-chat img[src=x]").count() == 0
    context.close()


def _enter(page: Page, text: str) -> None:
    """Types a message and sends it with Enter, as a person does."""
    chat = page.locator("#polku-chat")
    sent = chat.locator(".message-row.user-row")
    count = sent.count()
    box = page.locator("#polku-message textarea")
    box.fill(text)
    box.press("Enter")
    expect(sent).to_have_count(count + 1)


def test_a_change_said_in_the_chat_is_proposed_accepted_and_undone(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, ui_server)
    _send(page, PASTED_MAP, "/100")
    findings = page.locator("#polku-findings")
    expect(findings).to_contain_text("no opportunity")
    box = page.locator("#polku-message textarea")
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    expect(box).to_have_value("first line\nsecond line")  # Shift+Enter: a new line, not sent
    _enter(page, "Add opportunity 'Self-checkout till' to Purchase, owned by Store manager")
    proposal = page.locator("#polku-proposal")
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("Purchase · Opportunities")
    expect(proposal).to_contain_text("Self-checkout till (owner: Store manager)")
    table = page.locator("#polku-table")
    expect(table).not_to_contain_text("Self-checkout till")  # nothing changes before Accept
    page.screenshot(path=str(SHOTS / "edit-proposal.png"), full_page=False)
    page.locator("#polku-accept").click()
    expect(page.locator("#polku-chat")).to_contain_text("version 2", timeout=TIMEOUT)
    expect(proposal).to_be_hidden()
    frame = page.frame_locator("#polku-map iframe")
    expect(frame.locator("table.map")).to_contain_text("Self-checkout till", timeout=TIMEOUT)
    # The table draws only the rows in view (a virtual list): look at it as a person would.
    table.scroll_into_view_if_needed()
    expect(table).to_contain_text("Self-checkout till", timeout=TIMEOUT)
    expect(findings).not_to_contain_text("no opportunity", timeout=TIMEOUT)
    _enter(page, "undo")
    expect(page.locator("#polku-chat")).to_contain_text("Undone", timeout=TIMEOUT)
    table.scroll_into_view_if_needed()
    expect(table).not_to_contain_text("Self-checkout till", timeout=TIMEOUT)
    context.close()


def test_a_rejected_change_leaves_the_map_as_it_was(browser: Any, ui_server: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, ui_server)
    _send(page, PASTED_MAP, "/100")
    _enter(page, "Remove the Advocacy stage")
    proposal = page.locator("#polku-proposal")
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("Advocacy")
    page.locator("#polku-reject").click()
    expect(proposal).to_be_hidden()
    expect(page.locator("#polku-chat")).to_contain_text("nothing changed")
    expect(page.locator("#polku-table")).to_contain_text("Advocacy")
    page.reload()  # a rejected proposal is not waiting after a reload either
    expect(page.locator("#polku-chat")).to_contain_text("nothing changed")
    expect(page.locator("#polku-proposal")).to_be_hidden()
    context.close()


WIDE_FINNISH_MAP = (
    "| | Tarve | Haku | Vertailu | Varaus | Odotus | Käynti | Lasku | Paluu |\n"
    "|---|---|---|---|---|---|---|---|---|\n"
    "| Toiminnot | Huomaa | Hakee | Vertaa | Varaa | Odottaa | Käy | Maksaa | Palaa |\n"
    "| Kipupisteet | | | | Varaus on hankala | | | | |\n"
)
ESTONIAN_MAP = (
    "| | Teadlikkus | Ost | Soovitamine |\n|---|---|---|---|\n"
    "| Tegevused | Näeb reklaami | Maksab | Soovitab sõbrale |\n"
    "| Valupunktid | | Pikk järjekord | |\n"
)
ENGLISH_CHROME = [
    "customer journey maps",
    "There is no map yet",
    "Offline",
    "critical",
    "warn",
    "Drop File Here",
    "Click to Upload",
]


def _cells_fit(page: Page) -> list[str]:
    """The map's cells whose text is wider than the cell (a word that does not fit)."""
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    found: list[str] = frame.evaluate(
        """() => [...document.querySelectorAll('table.map td, table.map th')]
        .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText.slice(0, 40))"""
    )
    return found


def test_a_finnish_browser_meets_a_finnish_page(browser: Any, ui_server: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = _open(context, ui_server)
    chat = page.locator("#polku-chat")
    expect(chat).to_contain_text("Mitä yrityksesi tekee")  # the greeting follows the browser
    expect(page.locator("#polku-title")).to_contain_text("asiakaspolkukartat")
    expect(page.locator("#polku-badge")).to_contain_text("Ilman verkkoa")
    expect(page.locator("#polku-map")).to_contain_text("Karttaa ei vielä ole")
    _send(page, "Mikä on kosketuspiste?", "Lähteet:")
    expect(chat.locator(".message-row.bot-row").last).to_contain_text("Jatketaan haastattelua")
    expect(chat.locator(".message-row.bot-row").last).not_to_contain_text("What does")
    text = page.locator("body").inner_text()
    assert not [word for word in ENGLISH_CHROME if word in text], text
    context.close()


def test_an_estonian_page_has_no_english_and_a_readable_map(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="et-EE")
    page = _open(context, ui_server)
    expect(page.locator("#polku-chat")).to_contain_text("Millega teie ettevõte tegeleb")
    _send(page, ESTONIAN_MAP, "/100")
    findings = page.locator("#polku-findings")
    expect(findings).to_contain_text("kriitiline")
    expect(findings).to_contain_text("Kaardil ei ole persoonat")  # no "other personas" advice
    text = page.locator("body").inner_text()
    assert not [word for word in ENGLISH_CHROME if word in text], text
    frame = page.frame_locator("#polku-map iframe")
    expect(frame.locator("td.missing")).to_contain_text("märkimata")  # not a flat line at 0
    assert _cells_fit(page) == []
    # The pasted table in the chat keeps its words whole ("Teadlikkus", not "Teadl ikkus").
    pasted = page.locator(
        "#polku-chat .message-row.user-row th, #polku-chat .message-row.user-row td"
    )
    assert pasted.count() >= 8
    broken = pasted.evaluate_all(
        "cells => cells.filter(c => c.getClientRects().length && c.innerText.trim() &&"
        " c.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(c).lineHeight || 20))"
        ".map(c => c.innerText)"
    )
    assert broken == [], broken
    page.screenshot(path=str(SHOTS / "estonian-page.png"), full_page=False)
    context.close()


def test_picking_estonian_on_an_english_browser_turns_the_whole_page_estonian(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = _open(context, ui_server)
    chat = page.locator("#polku-chat")
    expect(chat).to_contain_text("What does your business do")
    expect(page.locator("#polku-map-upload")).to_contain_text("Drop File Here")
    page.locator("#polku-language input").click()
    page.get_by_role("option", name="Eesti").click()
    # The unanswered greeting is said again in Estonian, and Gradio's own words follow.
    expect(chat).to_contain_text("Millega teie ettevõte tegeleb")
    expect(chat).not_to_contain_text("What does your business do")
    expect(page.locator("#polku-map-upload")).to_contain_text("Lohista fail siia")
    expect(page.locator("#polku-research-upload")).to_contain_text("Lohista fail siia")
    drop_hint = page.locator("#polku-table .drop-hint")  # the table's own, hidden until a drag
    assert "Drop CSV" not in drop_hint.text_content(), drop_hint.text_content()
    text = page.locator("body").inner_text()
    assert not [word for word in ENGLISH_CHROME if word in text], text
    # A Finnish question on the Estonian page's Ask tab is answered in Finnish, its sources
    # listed by title (no internal ids), its Markdown rendered.
    page.get_by_role("tab", name="Küsi").click()
    question = page.locator("#polku-question textarea")
    question.fill("Mitkä ovat asiakaspolun viisi vaihetta?")
    question.press("Enter")
    answer = page.locator("#polku-answer")
    expect(answer).to_contain_text("Lähteet:")
    expect(answer).to_contain_text("Tietoisuus")
    shown = answer.inner_text()
    assert "**" not in shown and "(practice)" not in shown and "fi/" not in shown, shown
    assert answer.locator("strong").count() >= 5  # each stage's bold name, rendered
    assert answer.locator("li").count() >= 5  # the five stages as a list
    context.close()


def test_the_chat_side_panel_hides_and_the_map_takes_the_width(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="et-EE")
    page = _open(context, ui_server)
    _send(page, ESTONIAN_MAP, "/100")
    frame = page.locator("#polku-map iframe")
    narrow = frame.bounding_box()
    toggle = page.locator("#polku-toggle")
    expect(toggle).to_have_text("Näita või peida vestlus")
    toggle.click()
    expect(page.locator("#polku-side")).to_be_hidden()
    page.wait_for_timeout(300)
    wide = frame.bounding_box()
    assert narrow and wide and wide["width"] > narrow["width"] + 300, (narrow, wide)
    toggle.click()
    expect(page.locator("#polku-side")).to_be_visible()
    expect(page.locator("#polku-message textarea")).to_be_visible()
    context.close()


def test_the_chat_shows_the_newest_message_after_a_long_reply(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = _open(context, ui_server)
    for question in ("Mitä eroa on B2B- ja B2C-asiakaspolulla?", "Mikä on persoona?"):
        _send(page, question, "Lähteet:")
        page.wait_for_timeout(600)  # the reply's last words land and the list scrolls
        last = page.locator("#polku-chat .message-row.bot-row").last
        expect(last).to_contain_text("Jatketaan haastattelua")
        log = page.locator("#polku-chat .bubble-wrap")
        top, seen, height = log.evaluate("e => [e.scrollTop, e.clientHeight, e.scrollHeight]")
        assert height > seen and top + seen >= height - 4, (top, seen, height)
    context.close()


def test_on_a_phone_the_page_stacks_and_the_map_scrolls_sideways(
    browser: Any, ui_server: RunningServer
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI")
    page = _open(context, ui_server)
    _send(page, PASTED_MAP, "/100")
    chat, frame_box = page.locator("#polku-chat").bounding_box(), None
    frame_box = page.locator("#polku-map iframe").bounding_box()
    assert chat and frame_box and frame_box["y"] > chat["y"]  # stacked, not side by side
    assert frame_box["width"] <= 390
    assert _cells_fit(page) == []  # lane names never wrap inside a word: they would overflow
    title_fits = page.locator("#polku-title h2").evaluate("h => h.scrollWidth <= h.clientWidth")
    assert title_fits  # the header wraps between its parts, never inside the title's words
    page.locator("#polku-map").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "phone.png"), full_page=False)
    context.close()


@pytest.mark.parametrize(
    ("locale", "pasted", "empty"),
    [("en-GB", "en", "There is no map yet"), ("et-EE", "et", "Kaarti veel pole")],
)
def test_new_map_clears_the_old_map(
    browser: Any, ui_server: RunningServer, locale: str, pasted: str, empty: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    page = _open(context, ui_server)
    _send(page, PASTED_MAP if pasted == "en" else ESTONIAN_MAP, "/100")
    expect(page.frame_locator("#polku-map iframe").locator("table.map")).to_be_visible()
    page.locator("#polku-new").click()
    expect(page.locator("#polku-map")).to_contain_text(empty)
    expect(page.locator("#polku-findings")).to_be_empty()
    bots = page.locator("#polku-chat .message-row.bot-row")
    expect(bots.last).not_to_contain_text("/100")  # a clean bubble, not glued to the old one
    context.close()

"""Session isolation under concurrency: many people at once, each sees only their own work.

Every owner (an anonymous browser id) gets a unique token woven into its business, persona,
channels and pain points. The owners go through the interview in English, Finnish and
Estonian at the same time, interleaved, until a map is drafted; then each owner's chat
history, interview state, saved maps, exports and page must hold its own token and nobody
else's. The same is done over the real wire: Gradio's HTTP API of the whole server, and 16
concurrent ``/api/draft`` requests.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.adapters.web.ui.page import Page
from assistant.app.session import Session
from assistant.app.store import MapStore, StoreError
from assistant.domain import JourneyMap, Lang
from tests.ui_server import RunningServer, gradio_result

pytestmark = pytest.mark.security

LANGS: tuple[Lang, ...] = ("en", "fi", "et")
QUESTIONS = {"en": "What is a persona?", "fi": "Mikä on persoona?", "et": "Mis on persona?"}
CONFIRM = {"en": "yes", "fi": "kyllä", "et": "jah"}


def token(n: int) -> str:
    """A token that no other owner's token contains, and that survives every parser."""
    return f"zq{n:02d}vek"


def slot_reply(slot: str, lang: Lang, tok: str) -> str:
    """A reply to the interview question about ``slot``, carrying the owner's token."""
    replies: dict[str, dict[str, str]] = {
        "business": {
            "en": f"A bakery {tok} in Tartu selling bread to families",
            "fi": f"Leipomo {tok} Tampereella, myymme leipää perheille",
            "et": f"Pagarikoda {tok} Tartus, müüme leiba peredele",
        },
        "industry": {"en": "retail", "fi": "vähittäiskauppa", "et": "jaekaubandus"},
        "model": {"en": "b2c", "fi": "b2c", "et": "b2c"},
        "map_type": {"en": "1", "fi": "1", "et": "1"},
        "stages": {"en": "default", "fi": "oletus", "et": "vaikimisi"},
        "kpis": {"en": "skip", "fi": "ohita", "et": "ei tea"},
        "review_cadence": {"en": "quarterly", "fi": "neljännesvuosittain", "et": "kord kvartalis"},
    }
    if slot in replies:
        return replies[slot][lang]
    lists = {"channels", "pain_points", "persona_goals", "persona_frustrations", "evidence"}
    if slot in lists:
        return f"{slot} one {tok}, {slot} two {tok}"
    return f"{slot} {tok}"  # persona_who, owner


def next_reply(state: dict[str, Any] | None, lang: Lang, tok: str, asked: bool) -> str | None:
    """What the owner says next, read from its saved session; None when the map is drafted."""
    assert state is not None
    interview = state["interview"]
    if interview["phase"] == "done":
        return None if state["map_id"] else CONFIRM[lang]
    if interview["phase"] == "confirming":
        return CONFIRM[lang]
    if not asked and interview["current"] == "channels":
        return QUESTIONS[lang]  # a methodology question in the middle of the interview
    return slot_reply(interview["current"], lang, tok)


def interview(
    owner: str,
    lang: Lang,
    tok: str,
    send: Callable[[str, str], None],
    saved: Callable[[str], dict[str, Any] | None],
) -> list[str]:
    """Drive one owner's interview to a drafted map; the texts the owner sent."""
    sent: list[str] = []
    for _ in range(40):
        text = next_reply(saved(owner), lang, tok, asked=QUESTIONS[lang] in sent)
        if text is None:
            return sent
        send(owner, text)
        sent.append(text)
    raise AssertionError(f"{owner} did not reach a drafted map: sent {sent}")


class TurnLog:
    """The order in which owners' turns ran, to prove that they really interleaved."""

    def __init__(self) -> None:
        self.owners: list[str] = []
        self._lock = threading.Lock()

    def wrap(self, send: Callable[[str, str], Any]) -> Callable[[str, str], None]:
        def logged(owner: str, text: str) -> None:
            send(owner, text)
            with self._lock:
                self.owners.append(owner)

        return logged

    def switches(self) -> int:
        return sum(1 for a, b in zip(self.owners, self.owners[1:]) if a != b)


def owners(count: int) -> list[tuple[str, Lang, str]]:
    return [(f"owner-{n:02d}-{'x' * 20}", LANGS[n % 3], token(n)) for n in range(count)]


def assert_only_own(text: str, mine: str, everyone: list[str], where: str) -> None:
    lowered = text.lower()
    assert mine in lowered, f"{where}: its own token {mine} is missing"
    strangers = [t for t in everyone if t != mine and t in lowered]
    assert not strangers, f"{where}: holds other owners' tokens {strangers}"


def assert_isolated(store: MapStore, people: list[tuple[str, Lang, str]]) -> None:
    """Each owner's session and maps hold its own token only; nobody opens another's map."""
    everyone = [tok for _, _, tok in people]
    map_ids = {}
    for owner, lang, tok in people:
        state = store.load_session(owner)
        assert state is not None
        history = json.dumps(state["messages"], ensure_ascii=False)
        assert_only_own(history, tok, everyone, f"{owner} chat history")
        assert_only_own(json.dumps(state["interview"]), tok, everyone, f"{owner} interview")
        assert state["lang"] == lang
        (summary,) = store.list(owner)  # exactly one map: the drafted one
        journey = store.load(owner, summary.id)
        assert tok in journey.business.lower()
        assert_only_own(journey.model_dump_json(), tok, everyone, f"{owner} map")
        map_ids[owner] = summary.id
    for owner, _, _ in people:
        for other, map_id in map_ids.items():
            if other != owner:
                with pytest.raises(StoreError):
                    store.load(owner, map_id)


# --- in-process: the page handlers from 16 threads ------------------------------------------


@pytest.mark.slow
def test_sixteen_concurrent_interviews_never_mix(services: Any, tmp_path: Path) -> None:
    store = MapStore(tmp_path / "polku.db")
    page = Page(services, store)
    people = owners(16)
    everyone = [tok for _, _, tok in people]
    start = threading.Barrier(len(people))
    log = TurnLog()
    send = log.wrap(lambda o, t: _drain(page.send(o, t)))

    def person(owner: str, lang: Lang, tok: str) -> list[str]:
        page.load(owner)
        page.session(owner).set_language(lang)  # what the language dropdown does
        start.wait(timeout=60)  # every owner starts at once: their turns interleave
        return interview(owner, lang, tok, send, store.load_session)

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        sent = list(pool.map(lambda p: person(*p), people))
    assert log.switches() > len(people) * 4, "the owners' turns did not interleave"
    assert_isolated(store, people)
    for (owner, _, tok), texts in zip(people, sent, strict=True):
        session = Session(services, store, owner)
        said = [m.content for m in session.state.messages if m.role == "user"]
        assert said == texts  # every turn kept, in order, nothing from anyone else
        shown = json.dumps(page.load(owner), ensure_ascii=False, default=str)
        assert_only_own(shown, tok, everyone, f"{owner} page after reload")
        for path in page.export(owner, ["md", "json", "csv"]):
            assert_only_own(Path(path).read_text(encoding="utf-8"), tok, everyone, path)


def _drain(updates: Any) -> None:
    for _ in updates:
        pass


def test_a_session_cannot_open_another_owners_map(services: Any, tmp_path: Path) -> None:
    """A map id is no key: the store answers only to the owner who saved the map."""
    store = MapStore(tmp_path / "polku.db")
    page = Page(services, store)
    (alice, lang, tok), (bob, _, _) = owners(2)
    page.load(alice)
    page.session(alice).set_language(lang)
    interview(alice, lang, tok, lambda o, t: _drain(page.send(o, t)), store.load_session)
    (mine,) = store.list(alice)
    assert store.list(bob) == []
    for steal in (
        lambda: store.load(bob, mine.id),
        lambda: store.versions(bob, mine.id),
        lambda: store.rename(bob, mine.id, "stolen"),
        lambda: store.restore(bob, mine.id, 1),
        lambda: store.duplicate(bob, mine.id),
        lambda: store.delete(bob, mine.id),
    ):
        with pytest.raises(StoreError, match="no saved map"):
            steal()
    assert store.versions(alice, mine.id)[-1].version == 1  # untouched
    with pytest.raises(StoreError):
        page.open_map(bob, mine.id)  # bob sees an error, never alice's map


def test_a_stale_or_foreign_map_id_does_not_break_the_page(services: Any, tmp_path: Path) -> None:
    store = MapStore(tmp_path / "polku.db")
    page = Page(services, store)
    (alice, lang, tok), (bob, _, _) = owners(2)
    page.load(alice)
    interview(alice, lang, tok, lambda o, t: _drain(page.send(o, t)), store.load_session)
    (mine,) = store.list(alice)
    page.load(bob)
    with contextlib.suppress(StoreError):
        page.open_map(bob, mine.id)  # a map id bob does not own
    assert page.session(bob).state.map_id != mine.id  # refused, not remembered as bob's map
    page.manage(alice, "delete", mine.id, "", None)
    with contextlib.suppress(StoreError):
        page.open_map(alice, mine.id)  # a second tab still lists the deleted map
    for owner in (alice, bob):
        assert page.load(owner)[0] == owner  # the page still opens


def test_the_chosen_language_is_the_maps_language(services: Any, tmp_path: Path) -> None:
    store = MapStore(tmp_path / "polku.db")
    page = Page(services, store)
    owner, lang, tok = owners(2)[1]
    assert lang == "fi"
    page.load(owner)  # the page greets in English first
    page.session(owner).set_language(lang)  # then the person picks Suomi in the dropdown
    interview(owner, lang, tok, lambda o, t: _drain(page.send(o, t)), store.load_session)
    journey = page.session(owner).journey
    assert journey is not None and journey.language == "fi"


# --- over the wire: the whole server, Gradio's HTTP API and the REST API --------------------


def gradio_call(base: str, api: str, *data: Any) -> list[Any]:
    """Call a Gradio event as the page would (queued), on a client of its own (one per
    thread), and return its final output."""
    with httpx.Client(base_url=base, timeout=60, trust_env=False) as http:
        return gradio_result(http, api, *data)


def _language_api(base: str) -> str:
    """The handler behind the language dropdown (Page.set_language, taking owner and lang)."""
    info = httpx.get(f"{base}/gradio_api/info", timeout=30, trust_env=False).json()
    endpoint = info["named_endpoints"].get("/set_language")
    assert endpoint, "no Gradio endpoint for the language dropdown"
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["owner", "lang"]
    return "set_language"


@pytest.mark.slow
def test_concurrent_sessions_over_gradio_http_never_mix(ui_server: RunningServer) -> None:
    base = ui_server.url
    store = MapStore.for_settings(ui_server.settings)  # read what the server saved
    language_api = _language_api(base)
    people = owners(6)
    everyone = [tok for _, _, tok in people]
    log = TurnLog()
    send = log.wrap(lambda o, t: gradio_call(base, "send", o, t))

    def person(owner: str, lang: Lang, tok: str) -> list[Any]:
        gradio_call(base, "load", owner, "")
        gradio_call(base, language_api, owner, lang)
        interview(owner, lang, tok, send, store.load_session)
        return gradio_call(base, "load", owner, "")  # what a reload of the page shows

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        pages = list(pool.map(lambda p: person(*p), people))
    assert log.switches() > len(people) * 4, "the owners' turns did not interleave"
    assert_isolated(store, people)
    for (owner, _, tok), shown in zip(people, pages, strict=True):
        assert shown[0] == owner
        assert_only_own(json.dumps(shown, ensure_ascii=False), tok, everyone, f"{owner} page")
        choices = shown[6]["choices"]
        assert len(choices) == 1 and tok in choices[0][0].lower()  # the saved-maps list


def _answers(n: int) -> dict[str, Any]:
    tok = token(n)
    return {
        "language": LANGS[n % 3],
        "business": f"Shop {tok} selling shoes",
        "channels": [f"web {tok}", f"store {tok}"],
        "pain_points": [f"slow delivery {tok}"],
        "persona": {"who": f"Mia {tok}", "goals": [f"fit {tok}"]},
    }


def test_sixteen_concurrent_drafts_over_rest_never_mix(ui_server: RunningServer) -> None:
    everyone = [token(n) for n in range(16)]
    start = threading.Barrier(16)

    def draft(n: int) -> httpx.Response:
        with httpx.Client(base_url=ui_server.url, timeout=60, trust_env=False) as http:
            start.wait(timeout=30)
            return http.post("/api/draft", json=_answers(n))

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(draft, range(16)))
    for n, response in enumerate(responses):
        assert response.status_code == 200, response.text
        journey = JourneyMap.model_validate(response.json())
        assert journey.business == _answers(n)["business"]
        assert journey.language == LANGS[n % 3]
        assert_only_own(response.text, token(n), everyone, f"draft {n}")
        assert re.search(rf"slow delivery {token(n)}", response.text)

"""Sign-in on the page, over a real server: /signin and its cookie, a workspace shared by a
team (each person's role checked on every call), sign-out, a removed member, the page a
share link opens, and the sign-in form in a real browser."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.app.store import Database, MapStore
from assistant.app.store.accounts import Accounts, workspace_owner
from assistant.settings import Settings
from tests.maps import good_map
from tests.ui_server import RunningServer, gradio_event, gradio_result

pytestmark = pytest.mark.security
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


class Team:
    def __init__(self, server: RunningServer, accounts: Accounts, workspace: str) -> None:
        self.server = server
        self.accounts = accounts
        self.workspace = workspace
        self.store = MapStore(accounts.db)

    @contextlib.contextmanager
    def client(self, name: str | None = None, **headers: str) -> Iterator[httpx.Client]:
        """A browser-like client, signed in as ``name`` when one is given."""
        with httpx.Client(
            base_url=self.server.url, timeout=60, trust_env=False, headers=headers
        ) as http:
            if name:
                form = {"name": name, "password": f"{name}-password"}
                signed = http.post("/signin", data=form)
                assert signed.status_code == 303, signed.text
            yield http


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, built_data_dir: Path) -> Iterator[Team]:
    data = tmp_path_factory.mktemp("team") / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.lock", "polku.db*"))
    accounts = Accounts(Database.at(data / "polku.db"))
    workspace = accounts.workspace_id("default", create=True)
    for name, role in (("anna", "owner"), ("ben", "editor"), ("cara", "viewer")):
        accounts.add_user(name, f"{name}-password")
        accounts.set_member(workspace, name, role)
    server = RunningServer(Settings(data_dir=data)).start()
    yield Team(server, accounts, workspace)
    server.stop()


def test_the_page_asks_for_sign_in_and_the_cookie_is_safe(team: Team) -> None:
    with team.client() as http:
        page = http.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/signin?next=/"
        assert http.get("/config").status_code == 401
        assert http.post("/gradio_api/call/load", json={"data": ["x", ""]}).status_code == 401

        form = http.get("/signin", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
        assert "Kirjaudu Polkuun" in form.text and "Salasana" in form.text
        wrong = http.post("/signin?lang=et", data={"name": "anna", "password": "nope-nope"})
        assert wrong.status_code == 401 and "Vale kasutajanimi või parool" in wrong.text
        away = http.post(
            "/signin", data={"name": "anna", "password": "anna-password", "next": "//evil.example"}
        )
        assert away.status_code == 303 and away.headers["location"] == "/"
        cookie = away.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        assert http.get("/", follow_redirects=False).status_code == 200
    with team.client(**{"X-Forwarded-Proto": "https"}) as http:
        behind_tls = http.post("/signin", data={"name": "ben", "password": "ben-password"})
        assert "secure" in behind_tls.headers["set-cookie"].lower()


def _edited_table(shown: list[Any], text: str) -> dict[str, Any]:
    """The stage table the page showed, with its first stage's first lane changed."""
    table = shown[3]["value"]
    data = [list(row) for row in table["data"]]
    data[0][1] = text
    return {"headers": table["headers"], "data": data}


def test_a_team_shares_one_workspace_each_in_their_role(team: Team) -> None:
    owner = workspace_owner(team.workspace)
    saved = team.store.save(owner, good_map(), author="anna")
    for name in ("anna", "cara"):  # each has this map open in their own browser
        team.store.save_session(f"user:{name}:{name}-browser", {"map_id": saved.id})
    with team.client("anna") as anna, team.client("cara") as cara:
        shown = gradio_result(anna, "load", "anna-browser", "")
        assert "anna · default (owner)" in shown[1] and "/signout" in shown[1]
        assert saved.id in str(shown[6])  # the saved-maps list has the workspace's map
        seen = gradio_result(cara, "load", "cara-browser", "")
        assert "cara · default (viewer)" in seen[1]
        assert saved.id in str(seen[6])  # another person, another browser: the same map

        gradio_result(cara, "edit", "cara-browser", _edited_table(seen, "Cara was here"))
        assert len(team.store.versions(owner, saved.id)) == 1  # a viewer changes nothing
        gradio_result(anna, "edit", "anna-browser", _edited_table(shown, "Anna's action"))
        history = team.store.versions(owner, saved.id)
        assert [(v.version, v.author) for v in history] == [(1, "anna"), (2, "anna")]

        team.store.save_session("user:ben:ben-browser", {"map_id": saved.id})
        with team.client("ben") as ben:
            stale = gradio_result(ben, "load", "ben-browser", "")
            team.store.save(
                owner, good_map().model_copy(update={"scenario": "x"}), saved.id, author="anna"
            )  # anna saves version 3 while ben looks at 2
            gradio_result(ben, "edit", "ben-browser", _edited_table(stale, "Ben's action"))
            latest = team.store.load(owner, saved.id)
            assert latest.version == 3 and latest.scenario == "x"  # nothing of anna's lost
            again = gradio_result(ben, "load", "ben-browser", "")  # now showing version 3
            gradio_result(ben, "edit", "ben-browser", _edited_table(again, "Ben's action"))
            assert team.store.versions(owner, saved.id)[-1].author == "ben"


def test_signing_out_and_leaving_the_workspace_end_access_at_once(team: Team) -> None:
    team.accounts.add_user("dora", "dora-password")
    team.accounts.set_member(team.workspace, "dora", "editor")
    with team.client("dora") as dora:
        assert gradio_event(dora, "load", "dora-browser", "")[0] == "complete"
        team.accounts.remove_member(team.workspace, "dora")
        kind, payload = gradio_event(dora, "load", "dora-browser", "")
        assert kind == "error" and "not a member of any workspace" in str(payload)
        signed = dora.cookies.get("polku_sign_in")
    with team.client("ben") as ben:
        assert gradio_event(ben, "load", "ben-browser", "")[0] == "complete"
        old = ben.cookies.get("polku_sign_in")
        ben.get("/signout")
        assert ben.get("/", follow_redirects=False).status_code == 303
    with team.client() as stale:
        stale.cookies.set("polku_sign_in", old or "")
        assert stale.get("/", follow_redirects=False).status_code == 303
        stale.cookies.set("polku_sign_in", signed or "")
        assert stale.post("/gradio_api/call/load", json={"data": ["x", ""]}).status_code == 200
        # dora's sign-in still stands, but she is in no workspace: the event is refused
        assert gradio_event(stale, "load", "dora-browser", "")[0] == "error"


def test_a_share_link_opens_one_map_its_critique_and_versions(team: Team) -> None:
    owner = workspace_owner(team.workspace)
    saved = team.store.save(owner, good_map(), author="anna")
    team.store.rename(owner, saved.id, "Kahvilan polku", author="ben")
    token = team.accounts.share(saved.id, "viewer", "anna", 7)
    with team.client() as visitor:  # not signed in
        page = visitor.get(f"/shared/{token}")
        assert page.status_code == 200
        assert "Kahvilan polku" in page.text
        assert "version 2" in page.text.lower() or "versio 2" in page.text.lower()
        assert "ben" in page.text and "anna" in page.text
        assert "polku-findings" in page.text  # the critique
        old = visitor.get(f"/shared/{token}?version=1")
        assert old.status_code == 200 and good_map().title in old.text
        team.accounts.revoke(token)
        gone = visitor.get(f"/shared/{token}", headers={"Accept-Language": "fi"})
        assert gone.status_code == 404 and "peruttu tai vanhentunut" in gone.text
        assert visitor.get("/", follow_redirects=False).status_code == 303  # nothing else


def test_signing_in_in_a_browser(browser: Any, team: Team) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = context.new_page()
    page.goto(team.server.url + "/")
    page.wait_for_selector("text=Kirjaudu Polkuun")
    page.fill("#name", "anna")
    page.fill("#password", "anna-password")
    page.screenshot(path=str(SHOTS / "sign-in.png"), full_page=False)
    page.click("button[type=submit]")
    page.wait_for_selector("#polku-who >> text=anna · default (omistaja)", timeout=60_000)
    with contextlib.suppress(Exception):  # only for a settled screenshot: the page's queue
        page.wait_for_load_state("networkidle", timeout=10_000)  # may keep a connection open
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "signed-in.png"), full_page=False)
    context.close()


def test_an_editable_link_opens_its_one_map_on_the_page(team: Team) -> None:
    owner = workspace_owner(team.workspace)
    saved = team.store.save(owner, good_map(), author="anna")
    other = team.store.save(owner, good_map(), author="anna")
    viewer = team.accounts.share(saved.id, "viewer", "anna", 7)
    editor = team.accounts.share(saved.id, "editor", "anna", 7)
    with team.client() as visitor:  # nobody signed in
        assert "/edit" not in visitor.get(f"/shared/{viewer}").text
        assert (
            visitor.get(f"/shared/{viewer}/edit", follow_redirects=False).headers["location"]
            == f"/shared/{viewer}"
        )  # a view-only link does not open the page
        assert "/shared/" + editor + "/edit" in visitor.get(f"/shared/{editor}").text
        opened = visitor.get(f"/shared/{editor}/edit", follow_redirects=False)
        assert opened.status_code == 303 and "httponly" in opened.headers["set-cookie"].lower()
        assert visitor.get("/", follow_redirects=False).status_code == 200
        shown = gradio_result(visitor, "load", "visitor-browser", "")
        assert "Editing a shared map" in shown[1] and "/shared/leave" in shown[1]
        listed = str(shown[6])
        assert saved.id in listed and other.id not in listed  # its one map only
        gradio_result(visitor, "edit", "visitor-browser", _edited_table(shown, "Via the link"))
        history = team.store.versions(owner, saved.id)
        assert len(history) == 2 and history[-1].author is None
        said = gradio_result(visitor, "new_map", "visitor-browser")
        assert saved.id in str(gradio_result(visitor, "load", "visitor-browser", "")[6])
        assert said  # a new map cannot be made through the link; the page stays on its map
        team.accounts.revoke(editor)
        assert visitor.get("/", follow_redirects=False).status_code == 303  # link gone
        visitor.get("/shared/leave")
        assert "polku_share" not in visitor.cookies


def test_sharing_a_map_and_changing_workspace_in_a_browser(browser: Any, team: Team) -> None:
    second = team.accounts.add_workspace("toinen")
    team.accounts.set_member(second, "anna", "editor")
    there = good_map().model_copy(update={"title": "Toisen työtilan kartta"})
    team.store.save(workspace_owner(second), there, author="anna")
    here = good_map().model_copy(update={"title": "Jaettava kartta"})
    team.store.save(workspace_owner(team.workspace), here, author="anna")

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(team.server.url + "/")
    page.fill("#name", "anna")
    page.fill("#password", "anna-password")
    page.click("button[type=submit]")
    page.wait_for_selector("#polku-who >> text=anna · default")
    page.get_by_role("tab", name="Tallennetut kartat").click()
    page.locator("#polku-maps input").click()
    page.get_by_role("option", name="Jaettava kartta (v1)").click()
    page.locator("#polku-share").click()
    link = page.locator("#polku-share-link textarea")
    page.wait_for_function(
        "() => document.querySelector('#polku-share-link textarea').value.includes('/shared/')"
    )
    url = link.input_value()
    assert url.startswith(team.server.url + "/shared/")
    page.locator("#polku-workspace").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "share-and-workspace.png"), full_page=False)

    page.locator("#polku-workspace input").click()
    page.get_by_role("option", name="toinen (muokkaaja)").click()
    page.wait_for_selector("#polku-who >> text=anna · toinen (muokkaaja)")
    page.locator("#polku-maps input").click()
    assert page.get_by_role("option", name="Toisen työtilan kartta (v1)").count() == 1
    assert page.get_by_role("option", name="Jaettava kartta (v1)").count() == 0

    visitor = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    shared = visitor.new_page()
    shared.goto(url)
    shared.wait_for_selector("text=Jaettava kartta")
    assert "Versions" in shared.content()  # in the map's own language, as the map is
    shared.screenshot(path=str(SHOTS / "shared-map.png"), full_page=False)
    visitor.close()
    context.close()

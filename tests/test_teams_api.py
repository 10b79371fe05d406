"""Teams over REST on a real uvicorn server: users (Basic, tokens), workspaces and roles,
conflicting saves, share links, a trusted proxy's user; on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.adapters.web.api import create_api
from assistant.app.services import Services
from assistant.app.store.accounts import Accounts
from assistant.app.store.database import Database
from assistant.settings import Settings
from tests.maps import good_map
from tests.uvicorn_server import serving

pytestmark = pytest.mark.security

PASSWORDS = {"anna": "anna-pass-1", "ben": "ben-pass-22", "cara": "cara-pass-333"}


def _team(accounts: Accounts) -> None:
    """anna owns 'default', ben edits it, cara views it; dave is only in 'elsewhere'."""
    default = accounts.workspace_id("default", create=True)
    for name, role in (("anna", "owner"), ("ben", "editor"), ("cara", "viewer")):
        accounts.add_user(name, PASSWORDS[name])
        accounts.set_member(default, name, role)
    accounts.add_user("dave", "dave-pass-4444")
    accounts.set_member(accounts.add_workspace("elsewhere"), "dave", "owner")


@pytest.fixture
def team(database_url: str, built_data_dir: Path) -> Iterator[tuple[httpx.Client, Services]]:
    services = Services(Settings(data_dir=built_data_dir, database_url=database_url))
    _team(services.gate.accounts)
    with serving(create_api(services)) as base, httpx.Client(base_url=base, timeout=60) as http:
        yield http, services


def _body(scenario: str = "", **more: object) -> dict[str, object]:
    journey = good_map()
    if scenario:
        journey = journey.model_copy(update={"scenario": scenario})
    return {"map": journey.model_dump(mode="json"), **more}


def _auth(name: str) -> tuple[str, str]:
    return (name, PASSWORDS[name])


def test_a_team_saves_reads_and_versions_one_map(
    team: tuple[httpx.Client, Services], caplog: pytest.LogCaptureFixture
) -> None:
    http, services = team
    created = http.post("/api/maps", json=_body(), auth=_auth("anna"))
    assert created.status_code == 200, created.text
    map_id = created.json()["id"]
    assert created.json()["version"] == 1

    token = services.gate.accounts.new_token("ben")
    bearer = {"Authorization": f"Bearer {token}"}
    listed = http.get("/api/maps", headers=bearer).json()
    assert [(m["id"], m["workspace"], m["role"]) for m in listed] == [(map_id, "default", "editor")]
    edited = http.post(
        "/api/maps", json=_body("Ben's change", id=map_id, base_version=1), headers=bearer
    )
    assert edited.json() == {"id": map_id, "version": 2}

    stale = http.post(
        "/api/maps", json=_body("Anna's change", id=map_id, base_version=1), auth=_auth("anna")
    )
    assert stale.status_code == 409
    assert "saved as version 2 since version 1" in stale.json()["error"]
    read = http.get(f"/api/maps/{map_id}", auth=_auth("anna")).json()
    assert read["map"]["scenario"] == "Ben's change"  # the second writer overwrote nothing
    assert [(v["version"], v["author"]) for v in read["versions"]] == [(1, "anna"), (2, "ben")]
    assert http.get(f"/api/maps/{map_id}?version=1", auth=_auth("cara")).json()["version"] == 1

    with caplog.at_level(logging.WARNING, logger="polku.access"):
        viewer = http.post(
            "/api/maps", json=_body("Cara's", id=map_id, base_version=2), auth=_auth("cara")
        )
    assert viewer.status_code == 403
    assert "your role is viewer" in viewer.json()["error"]
    assert any("cara may not save maps here" in r.getMessage() for r in caplog.records)
    assert http.post("/api/maps", json=_body(), auth=_auth("cara")).status_code == 403
    assert http.get(f"/api/maps/{map_id}", auth=_auth("anna")).json()["version"] == 2


def test_other_workspaces_and_guessed_ids_are_not_found(
    team: tuple[httpx.Client, Services],
) -> None:
    http, _ = team
    map_id = http.post("/api/maps", json=_body(), auth=_auth("anna")).json()["id"]
    dave = ("dave", "dave-pass-4444")
    assert http.get("/api/maps", auth=dave).json() == []
    assert http.get(f"/api/maps/{map_id}", auth=dave).status_code == 404
    assert http.post("/api/maps", json=_body(id=map_id), auth=dave).status_code == 404
    assert http.post(f"/api/maps/{map_id}/share", json={}, auth=dave).status_code == 404
    own = http.post("/api/maps", json=_body(), auth=dave).json()["id"]
    assert http.get(f"/api/maps/{own}", auth=_auth("anna")).status_code == 404
    assert http.get("/api/maps/0123456789abcdef", auth=_auth("anna")).status_code == 404
    missing = http.post("/api/maps", json=_body(workspace="elsewhere"), auth=_auth("anna"))
    assert missing.status_code == 403 and "not a member" in missing.json()["error"]


def test_a_removed_member_loses_access_at_once(team: tuple[httpx.Client, Services]) -> None:
    http, services = team
    map_id = http.post("/api/maps", json=_body(), auth=_auth("anna")).json()["id"]
    assert http.get(f"/api/maps/{map_id}", auth=_auth("ben")).status_code == 200
    accounts = services.gate.accounts
    accounts.remove_member(accounts.workspace_id("default"), "ben")
    assert http.get(f"/api/maps/{map_id}", auth=_auth("ben")).status_code == 404
    assert http.get("/api/maps", auth=_auth("ben")).json() == []


def test_signing_in_wrongly_is_refused_then_throttled(team: tuple[httpx.Client, Services]) -> None:
    http, _ = team
    assert http.get("/api/maps").status_code == 401
    assert "Basic" in http.get("/api/maps").headers["www-authenticate"]
    bad_token = http.get("/api/maps", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401 and "polku users token" in bad_token.json()["error"]
    for _ in range(5):
        assert http.get("/api/maps", auth=("anna", "wrong")).status_code == 401
    throttled = http.get("/api/maps", auth=("anna", "wrong"))
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    # the right password waits too, until the pause is over
    assert http.get("/api/maps", auth=_auth("anna")).status_code == 429
    time.sleep(2.1)
    assert http.get("/api/maps", auth=_auth("anna")).status_code == 200
    assert http.get("/api/maps", auth=_auth("ben")).status_code == 200  # others unaffected


def test_a_right_password_is_checked_by_argon2_once_until_it_changes(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Basic with every request costs one argon2 check per process, not one per request;
    a new password (set by another server: another Accounts) or a removed user ends it."""
    here = Accounts(Database(database_url))
    there = Accounts(Database(database_url))
    here.add_user("anna", "anna-pass-1")
    checks: list[str] = []
    real = Accounts._verify
    monkeypatch.setattr(
        Accounts, "_verify", staticmethod(lambda h, p: checks.append(p) or real(h, p))
    )
    assert all(here.check_password("anna", "anna-pass-1") for _ in range(5))
    assert checks == ["anna-pass-1"]
    assert not here.check_password("anna", "anna-pass-2")  # a wrong one is always checked
    assert not here.check_password("anna", "anna-pass-2")
    assert checks.count("anna-pass-2") == 2
    there.set_password("anna", "anna-pass-2")
    assert not here.check_password("anna", "anna-pass-1")  # the old one ends at once
    assert here.check_password("anna", "anna-pass-2")
    there.remove_user("anna")
    assert not here.check_password("anna", "anna-pass-2")


def test_share_links_read_edit_expire_and_revoke(team: tuple[httpx.Client, Services]) -> None:
    http, _ = team
    map_id = http.post("/api/maps", json=_body(), auth=_auth("anna")).json()["id"]
    other = http.post("/api/maps", json=_body(), auth=_auth("anna")).json()["id"]
    link = http.post(f"/api/maps/{map_id}/share", json={"role": "viewer"}, auth=_auth("anna"))
    assert link.status_code == 200
    token = link.json()["token"]
    assert link.json()["url"].endswith(f"/shared/{token}")

    shared = httpx.get(f"{http.base_url}/api/shared/{token}")  # no credentials at all
    assert shared.status_code == 200
    assert shared.json()["id"] == map_id and shared.json()["role"] == "viewer"
    assert shared.json()["workspace"] is None  # a link holder learns nothing of the workspace
    write = http.post(f"/api/shared/{token}", json=_body("x", base_version=1))
    assert write.status_code == 403

    editor = http.post(
        f"/api/maps/{map_id}/share", json={"role": "editor"}, auth=_auth("ben")
    ).json()["token"]
    saved = http.post(f"/api/shared/{editor}", json=_body("Via the link", base_version=1))
    assert saved.json() == {"id": map_id, "version": 2}
    assert http.get(f"/api/shared/{editor}").json()["map"]["scenario"] == "Via the link"
    stale = http.post(f"/api/shared/{editor}", json=_body("Stale", base_version=1))
    assert stale.status_code == 409
    assert other not in http.get(f"/api/shared/{editor}").text  # one map only

    assert http.delete(f"/api/shares/{token}", auth=_auth("cara")).status_code == 403
    assert http.delete(f"/api/shares/{token}", auth=("dave", "dave-pass-4444")).status_code == 404
    assert http.delete(f"/api/shares/{token}", auth=_auth("ben")).status_code == 204
    gone = http.get(f"/api/shared/{token}")
    assert gone.status_code == 404 and "revoked" in gone.json()["error"]
    assert http.post(f"/api/maps/{map_id}/share", json={}, auth=_auth("cara")).status_code == 403

    brief = http.post(
        f"/api/maps/{map_id}/share", json={"expires_days": 0.00001}, auth=_auth("anna")
    ).json()["token"]
    assert http.get(f"/api/shared/{brief}").status_code == 200
    time.sleep(1.0)
    assert http.get(f"/api/shared/{brief}").status_code == 404
    assert http.get("/api/shared/not-a-token").status_code == 404


def test_without_users_saved_maps_say_how_to_add_one(tmp_path: Path, built_data_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'polku.db'}"
    services = Services(Settings(data_dir=built_data_dir, database_url=database))
    with serving(create_api(services)) as base:
        refused = httpx.get(f"{base}/api/maps")
    assert refused.status_code == 401
    assert "polku users add NAME --password-stdin" in refused.json()["error"]


def test_a_trusted_proxy_names_the_user(tmp_path: Path, built_data_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'polku.db'}"
    settings = Settings(
        data_dir=built_data_dir, database_url=database, trusted_user_header="X-Forwarded-User"
    )
    services = Services(settings)
    header = {"X-Forwarded-User": "erkki@example.fi"}
    with serving(create_api(services)) as base, httpx.Client(base_url=base) as http:
        assert http.get("/api/maps", headers=header).json() == []  # joined 'default' as viewer
        assert http.post("/api/maps", json=_body(), headers=header).status_code == 403
        accounts = services.gate.accounts
        accounts.set_member(accounts.workspace_id("default"), "erkki@example.fi", "editor")
        assert http.post("/api/maps", json=_body(), headers=header).status_code == 200
    untrusted = Services(settings.model_copy(update={"trusted_proxies": "10.9.8.7"}))
    with serving(create_api(untrusted)) as base:
        assert httpx.get(f"{base}/api/maps", headers=header).status_code == 401
    network = Services(settings.model_copy(update={"trusted_proxies": "10.0.0.0/8,127.0.0.0/8"}))
    with serving(create_api(network)) as base:
        assert httpx.get(f"{base}/api/maps", headers=header).status_code == 200

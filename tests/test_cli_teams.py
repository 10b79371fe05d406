"""polku users / workspaces / maps claim / config, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.adapters.cli.main import app
from assistant.app.store import Database, MapStore
from assistant.app.store.accounts import Accounts, workspace_owner
from tests.maps import good_map

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("POLKU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POLKU_DATABASE_URL", database_url)
    return database_url


def polku(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_users_are_added_listed_given_tokens_and_removed(env: str) -> None:
    code, out = polku(
        "users", "add", "anna", "--role", "owner", "--password-stdin", stdin="anna-secret\n"
    )
    assert code == 0 and "Added anna to the workspace default as owner" in out
    assert polku("users", "add", "ben", stdin="ben-secret\nben-secret\n")[0] == 0  # prompted
    code, out = polku("users", "list")
    assert "default (owner)" in out and "default (editor)" in out
    accounts = Accounts(Database(env))
    assert accounts.check_password("anna", "anna-secret")
    assert not accounts.check_password("anna", "anna-secret\n")

    code, token = polku("users", "token", "anna")
    assert code == 0 and token.startswith("polku_")
    assert accounts.user_for_token(token.strip()) == "anna"

    code, out = polku("users", "add", "anna", "--password-stdin", stdin="other-pass\n")
    assert code == 2 and "already a user 'anna'" in out
    code, out = polku("users", "add", "carl", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8 characters" in out
    code, out = polku("users", "add", "bad name", "--password-stdin", stdin="long-enough\n")
    assert code == 2 and "not allowed" in out
    assert polku("users", "add", "dora", stdin="one-password\nanother-one\n")[0] == 2

    assert polku("users", "remove", "anna")[0] == 0
    assert accounts.user_for_token(token.strip()) is None  # its tokens went with it
    code, out = polku("users", "remove", "anna")
    assert code == 2 and "no user 'anna'" in out


def test_workspaces_members_and_roles(env: str) -> None:
    polku("users", "add", "anna", "--password-stdin", stdin="anna-secret\n")
    assert polku("workspaces", "add", "kahvila")[0] == 0
    assert polku("workspaces", "member", "kahvila", "anna", "--role", "viewer")[0] == 0
    code, out = polku("workspaces", "list")
    assert "kahvila" in out and "anna (viewer)" in out
    code, out = polku("workspaces", "member", "kahvila", "nobody")
    assert code == 2 and "polku users add" in out
    code, out = polku("workspaces", "member", "kahvila", "anna", "--role", "boss")
    assert code == 2 and "owner, editor, viewer" in out
    assert polku("workspaces", "remove-member", "kahvila", "anna")[0] == 0
    code, out = polku("workspaces", "remove-member", "kahvila", "anna")
    assert code == 2 and "not a member" in out
    assert polku("workspaces", "add", "kahvila")[0] == 2


def test_anonymous_maps_are_claimed_into_a_workspace(env: str) -> None:
    store = MapStore(env)
    store.save("browser-1", good_map())
    store.save("browser-1", good_map())
    store.save("browser-2", good_map())
    polku("users", "add", "anna", "--password-stdin", stdin="anna-secret\n")
    code, out = polku("maps", "list")
    assert "browser-1" in out and "anonymous browser" in out
    code, out = polku("maps", "claim", "--workspace", "default")
    assert code == 2 and "--all" in out
    code, out = polku("maps", "claim", "--workspace", "default", "browser-9")
    assert code == 2 and "no anonymous maps under browser-9" in out
    code, out = polku("maps", "claim", "--workspace", "default", "browser-1")
    assert code == 0 and "Moved 2 map(s)" in out
    default = workspace_owner(Accounts(Database(env)).workspace_id("default"))
    assert len(store.list(default)) == 2 and store.list("browser-1") == []
    assert "Moved 1 map(s)" in polku("maps", "claim", "-w", "default", "--all")[1]
    assert len(store.list(default)) == 3
    code, out = polku("maps", "claim", "-w", "nowhere", "--all")
    assert code == 2 and "no workspace 'nowhere'" in out


def test_config_says_which_store_and_index(env: str) -> None:
    code, out = polku("config")
    assert code == 0
    if env.startswith("postgresql"):
        assert "store: PostgreSQL postgresql://polku@127.0.0.1" in out
    else:
        assert "store: SQLite" in out
    assert "index: embedded Chroma" in out


def test_a_database_that_cannot_be_reached_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POLKU_DATABASE_URL", "postgresql://polku:pw@127.0.0.1:1/none")
    code, out = polku("users", "list")
    assert code == 2 and "cannot reach the database" in out and "pw" not in out


def test_roles_tokens_and_passwords_change_cleanly(env: str) -> None:
    code, out = polku(
        "users", "add", "erik", "--role", "boss", "--password-stdin", stdin="erik-secret\n"
    )
    assert code == 2 and "owner, editor, viewer" in out
    accounts = Accounts(Database(env))
    assert not accounts.user_exists("erik")  # nothing half made
    polku("users", "add", "erik", "--password-stdin", stdin="erik-secret\n")
    token = polku("users", "token", "erik")[1].strip()
    sign_in = accounts.sign_in("erik", 1)
    assert "Revoked 1 token(s)" in polku("users", "revoke-tokens", "erik")[1]
    assert accounts.user_for_token(token) is None
    assert accounts.signed_in(sign_in) == "erik"
    assert polku("users", "password", "erik", "--password-stdin", stdin="new-secret-1\n")[0] == 0
    assert accounts.signed_in(sign_in) is None  # a new password ends the sign-ins
    assert accounts.check_password("erik", "new-secret-1")
    polku("workspaces", "add", "tyhja")
    assert "tyhja" in polku("workspaces", "list")[1]  # a workspace with nobody in it yet
    assert "no anonymous maps to claim" in polku("maps", "claim", "-w", "tyhja", "--all")[1]

"""CLI commands for teams: ``polku users``, ``polku workspaces`` and ``polku maps claim``.

They work on the store in ``POLKU_DATABASE_URL`` (or the data dir's SQLite file), so an
administrator can run them on any machine that reaches the database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from assistant.adapters.cli.common import console, fail

if TYPE_CHECKING:
    from assistant.app.store import MapStore
    from assistant.app.store.accounts import Accounts

T = TypeVar("T")

users_app = typer.Typer(help="Built-in users who sign in to the page and the API.")
workspaces_app = typer.Typer(help="Workspaces, their members and roles.")
maps_app = typer.Typer(help="Saved maps: list them, claim anonymous ones into a workspace.")

RoleOption = Annotated[
    str, typer.Option("--role", help="owner, editor or viewer (in the workspace).")
]
WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="The workspace's name.")]


def _accounts() -> Accounts:
    from assistant.app.store import Database, DatabaseError
    from assistant.app.store.accounts import Accounts
    from assistant.settings import Settings

    try:
        return Accounts(Database.for_settings(Settings()))
    except DatabaseError as error:
        fail(str(error))


def _store() -> MapStore:
    from assistant.app.store import MapStore

    return MapStore(_accounts().db)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        fail("the two passwords differ; nothing was changed.")
    return str(first)


def _guarded(action: Callable[[], T]) -> T:
    from assistant.app.store import StoreError

    try:
        return action()
    except StoreError as error:
        fail(str(error))


@users_app.command("add")
def users_add(
    name: str,
    role: RoleOption = "editor",
    workspace: WorkspaceOption = "default",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user (password hashed with argon2) and make them a member of a workspace
    (created when missing). Once any user exists, the page and the API ask everyone to
    sign in."""
    from assistant.app.store.accounts import check_role

    accounts = _accounts()
    _guarded(lambda: check_role(role))  # before anything is made
    password = _password(password_stdin)

    def add() -> None:
        accounts.add_user(name, password)
        accounts.set_member(accounts.workspace_id(workspace, create=True), name, role)

    _guarded(add)
    console.print(f"Added {name} to the workspace {workspace} as {role}.")


@users_app.command("password")
def users_password(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a user's password; their sign-ins on the page end (API tokens stay)."""
    accounts = _accounts()
    password = _password(password_stdin)
    _guarded(lambda: accounts.set_password(name, password))
    console.print(f"Changed the password of {name}.")


@users_app.command("remove")
def users_remove(name: str) -> None:
    """Remove a user: their sign-ins, tokens and memberships end at once. Maps stay with
    their workspaces."""
    accounts = _accounts()
    _guarded(lambda: accounts.remove_user(name))
    console.print(f"Removed {name}.")


@users_app.command("list")
def users_list() -> None:
    """The users and their workspaces."""
    table = Table("user", "workspaces (role)", "password", "since")
    for user in _accounts().users():
        where = ", ".join(f"{w} ({r})" for w, r in user.workspaces.items()) or "-"
        table.add_row(user.name, where, "yes" if user.has_password else "proxy", user.created_at)
    console.print(table)


@users_app.command("token")
def users_token(name: str) -> None:
    """A new API token for NAME (printed once): send it as 'Authorization: Bearer TOKEN'."""
    accounts = _accounts()
    print(_guarded(lambda: accounts.new_token(name)))


@users_app.command("revoke-tokens")
def users_revoke_tokens(name: str) -> None:
    """End every API token of NAME at once."""
    accounts = _accounts()
    count = _guarded(lambda: accounts.revoke_tokens(name))
    console.print(f"Revoked {count} token(s) of {name}.")


@workspaces_app.command("add")
def workspaces_add(name: str) -> None:
    """Make a workspace."""
    accounts = _accounts()
    _guarded(lambda: accounts.add_workspace(name))
    console.print(f"Made the workspace {name}.")


@workspaces_app.command("list")
def workspaces_list() -> None:
    """The workspaces, their members and how many maps each holds."""
    from assistant.app.store.accounts import workspace_owner

    accounts = _accounts()
    counts = _store().owners()
    table = Table("workspace", "members (role)", "maps")
    for name in accounts.workspace_names():
        workspace_id = accounts.workspace_id(name)
        people = ", ".join(f"{m.user} ({m.role})" for m in accounts.members(workspace_id))
        table.add_row(name, people, str(counts.get(workspace_owner(workspace_id), 0)))
    console.print(table)


@workspaces_app.command("member")
def workspaces_member(workspace: str, user: str, role: RoleOption = "editor") -> None:
    """Add USER to WORKSPACE, or change their role there."""
    accounts = _accounts()
    _guarded(lambda: accounts.set_member(accounts.workspace_id(workspace), user, role))
    console.print(f"{user} is {role} in {workspace}.")


@workspaces_app.command("remove-member")
def workspaces_remove_member(workspace: str, user: str) -> None:
    """Take USER out of WORKSPACE: they lose its maps at their next request."""
    accounts = _accounts()
    _guarded(lambda: accounts.remove_member(accounts.workspace_id(workspace), user))
    console.print(f"{user} is no longer in {workspace}.")


@maps_app.command("list")
def maps_list() -> None:
    """Who holds how many maps: workspaces by name, anonymous browsers by their id."""
    accounts = _accounts()
    table = Table("owner", "kind", "maps")
    for owner, count in sorted(_store().owners().items()):
        if owner.startswith("ws:"):
            table.add_row(accounts.workspace_name(owner[3:]) or owner, "workspace", str(count))
        else:
            table.add_row(owner, "anonymous browser", str(count))
    console.print(table)


@maps_app.command("claim")
def maps_claim(
    workspace: WorkspaceOption,
    owners: Annotated[
        list[str] | None, typer.Argument(help="Anonymous browser ids (see polku maps list).")
    ] = None,
    all_anonymous: Annotated[
        bool, typer.Option("--all", help="Every anonymous browser's maps.")
    ] = False,
) -> None:
    """Move anonymous maps (made before sign-in was turned on) into a workspace, with all
    their versions."""
    from assistant.app.store.accounts import workspace_owner

    accounts = _accounts()
    store = _store()
    target = workspace_owner(_guarded(lambda: accounts.workspace_id(workspace)))
    anonymous = [o for o in store.owners() if not o.startswith("ws:")]
    chosen = anonymous if all_anonymous else list(owners or [])
    if all_anonymous and not chosen:
        console.print("There are no anonymous maps to claim.")
        return
    if not chosen:
        fail("name the browser ids to claim (polku maps list shows them), or say --all.")
    unknown = [o for o in chosen if o not in anonymous]
    if unknown:
        fail(f"no anonymous maps under {', '.join(unknown)} (polku maps list shows the ids).")
    moved = sum(store.move(owner, target) for owner in chosen)
    console.print(f"Moved {moved} map(s) into the workspace {workspace}.")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(workspaces_app, name="workspaces")
    app.add_typer(maps_app, name="maps")

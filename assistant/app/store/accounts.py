"""People, workspaces and links: built-in users with argon2-hashed passwords, API tokens,
workspaces whose members are owners, editors or viewers, sign-ins on the page, share links.

Secrets handed to people (tokens, links, sign-in cookies) are random and kept only as their
SHA-256; a wrong password counts against the user name in the database, so the throttle holds
across servers.

Checking a password with argon2 costs about 0.1 s of CPU on purpose, which an API client
sending HTTP Basic with every request would pay every time. So a process remembers, for
``VERIFIED_FOR_S`` and in memory only, that a password matched a stored hash: it keeps a keyed
hash (HMAC with a secret of this process) of the user name, the stored argon2 hash and the
password, never the password. The stored hash is read from the database on every request, so
a new password or a removed user ends what was remembered at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete, func, select, update

from assistant.app.store.database import Database
from assistant.app.store.maps import StoreError
from assistant.app.store.tables import (
    api_tokens,
    login_failures,
    members,
    shares,
    sign_ins,
    users,
    workspaces,
)

Role = Literal["owner", "editor", "viewer"]
ROLES: tuple[Role, ...] = ("owner", "editor", "viewer")
DEFAULT_WORKSPACE = "default"
FREE_TRIES = 5
LONGEST_WAIT_S = 300.0
_NAME = re.compile(r"^[\w.@+-]{1,64}$")
_hasher = PasswordHasher()
VERIFIED_FOR_S = 300.0
VERIFIED_KEPT = 4096  # remembered passwords per process, oldest forgotten first


class AccountError(StoreError):
    """A user, workspace or link that does not exist, or a name the store refuses."""


class Throttled(AccountError):
    """Too many wrong passwords for this user name: wait before trying again."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"too many wrong passwords: try again in {wait_s:.0f} s")
        self.wait_s = wait_s


class User(BaseModel):
    name: str
    created_at: str
    has_password: bool
    workspaces: dict[str, Role]


class Membership(BaseModel):
    workspace_id: str
    workspace: str
    role: Role


class Member(BaseModel):
    user: str
    role: Role


class Share(BaseModel):
    map_id: str
    role: Literal["viewer", "editor"]
    created_by: str
    created_at: str
    expires_at: float


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_name(name: str, what: str = "user name") -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError(f"{what} {name!r} is not allowed: use 1-64 letters, digits or . _ @ + -")
    return name


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role


def workspace_owner(workspace_id: str) -> str:
    """The owner id a workspace's maps are kept under."""
    return f"ws:{workspace_id}"


class Accounts:
    """Users, tokens, workspaces, members, sign-ins and share links in the store's database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._verified: dict[bytes, float] = {}  # keyed hash -> when argon2 last said yes
        self._verified_key = secrets.token_bytes(32)

    # --- users -------------------------------------------------------------------
    def add_user(self, name: str, password: str | None) -> None:
        """A new user; ``password`` None for one a trusted proxy signs in."""
        name = _check_name(name)
        if password is not None and len(password) < 8:
            raise AccountError("a password needs at least 8 characters")
        hashed = _hasher.hash(password) if password is not None else None
        with self.db.write() as db:
            values = {"name": name, "password_hash": hashed, "created_at": _now()}
            if not self.db.insert_new(db, users, values):
                raise AccountError(f"there is already a user {name!r}")

    def set_password(self, name: str, password: str) -> None:
        if len(password) < 8:
            raise AccountError("a password needs at least 8 characters")
        with self.db.write() as db:
            done = db.execute(
                update(users)
                .where(users.c.name == name)
                .values(password_hash=_hasher.hash(password))
            )
            db.execute(delete(sign_ins).where(sign_ins.c.user_name == name))  # sign in again
        if not done.rowcount:
            raise AccountError(f"there is no user {name!r}")

    def remove_user(self, name: str) -> None:
        """The user, their memberships, tokens and sign-ins: gone at once."""
        with self.db.write() as db:
            if not db.execute(delete(users).where(users.c.name == name)).rowcount:
                raise AccountError(f"there is no user {name!r}")
            for table in (members, api_tokens, sign_ins, login_failures):
                db.execute(delete(table).where(table.c.user_name == name))

    def user_exists(self, name: str) -> bool:
        with self.db.read() as db:
            return db.execute(select(users.c.name).where(users.c.name == name)).first() is not None

    def has_users(self) -> bool:
        with self.db.read() as db:
            return bool(db.execute(select(func.count()).select_from(users)).scalar())

    def users(self) -> list[User]:
        with self.db.read() as db:
            rows = db.execute(select(users).order_by(users.c.name)).all()
            roles = db.execute(
                select(members.c.user_name, workspaces.c.name, members.c.role).join(
                    workspaces, workspaces.c.id == members.c.workspace_id
                )
            ).all()
        found: dict[str, dict[str, Role]] = {}
        for user_name, workspace, role in roles:
            found.setdefault(user_name, {})[workspace] = role
        return [
            User(
                name=row.name,
                created_at=row.created_at,
                has_password=row.password_hash is not None,
                workspaces=found.get(row.name, {}),
            )
            for row in rows
        ]

    def check_password(self, name: str, password: str) -> bool:
        """True for the right password. After ``FREE_TRIES`` wrong ones in a row, each further
        try waits longer (2, 4, 8 ... up to 300 s): ``Throttled`` says how long is left."""
        now = time.time()
        with self.db.read() as db:
            hashed = db.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()
            failed = db.execute(
                select(login_failures.c.failures, login_failures.c.at).where(
                    login_failures.c.user_name == name
                )
            ).first()
        if failed is not None and failed.failures >= FREE_TRIES:
            wait = min(2.0 ** (failed.failures - FREE_TRIES + 1), LONGEST_WAIT_S)
            if (left := failed.at + wait - now) > 0:
                raise Throttled(left)
        if hashed is None:
            ok = False
        else:
            key = hmac.digest(
                self._verified_key, "\0".join((name, hashed, password)).encode(), "sha256"
            )
            ok = now - self._verified.get(key, -VERIFIED_FOR_S) < VERIFIED_FOR_S
            if not ok:
                ok = self._verify(hashed, password)
                if ok:
                    self._remember(key, now)
        if ok and failed is None:
            return True  # nothing to write: the common case of a client sending Basic each time
        with self.db.write() as db:
            if ok:
                db.execute(delete(login_failures).where(login_failures.c.user_name == name))
            else:
                count = (failed.failures if failed else 0) + 1
                values = {"user_name": name, "failures": count, "at": now}
                self.db.upsert(db, login_failures, values, ["user_name"])
        return ok

    @staticmethod
    def _verify(hashed: str, password: str) -> bool:
        try:
            return _hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    def _remember(self, key: bytes, now: float) -> None:
        self._verified.pop(key, None)
        self._verified[key] = now
        while len(self._verified) > VERIFIED_KEPT:
            self._verified.pop(next(iter(self._verified)))

    # --- API tokens ----------------------------------------------------------------
    def new_token(self, name: str) -> str:
        """A new API token for ``name`` (shown once; only its hash is kept)."""
        if not self.user_exists(name):
            raise AccountError(f"there is no user {name!r}")
        token = "polku_" + secrets.token_urlsafe(32)
        with self.db.write() as db:
            db.execute(
                api_tokens.insert().values(
                    token_hash=_hash(token), user_name=name, created_at=_now()
                )
            )
        return token

    def revoke_tokens(self, name: str) -> int:
        """End every API token of ``name``; how many there were."""
        with self.db.write() as db:
            gone = db.execute(delete(api_tokens).where(api_tokens.c.user_name == name))
        return int(gone.rowcount)

    def user_for_token(self, token: str) -> str | None:
        with self.db.read() as db:
            found: str | None = db.execute(
                select(api_tokens.c.user_name).where(api_tokens.c.token_hash == _hash(token))
            ).scalar()
        return found

    # --- sign-ins on the page --------------------------------------------------------
    def sign_in(self, name: str, days: float) -> str:
        """A sign-in for the page's cookie, valid for ``days``."""
        token = secrets.token_urlsafe(32)
        with self.db.write() as db:
            db.execute(delete(sign_ins).where(sign_ins.c.expires_at < time.time()))
            db.execute(
                sign_ins.insert().values(
                    token_hash=_hash(token), user_name=name, expires_at=time.time() + days * 86400
                )
            )
        return token

    def signed_in(self, token: str) -> str | None:
        """The user a sign-in cookie belongs to; None when it ended or never was."""
        if not token:
            return None
        query = select(sign_ins.c.user_name).where(
            sign_ins.c.token_hash == _hash(token), sign_ins.c.expires_at > time.time()
        )
        with self.db.read() as db:
            found: str | None = db.execute(query).scalar()
        return found

    def sign_out(self, token: str) -> None:
        with self.db.write() as db:
            db.execute(delete(sign_ins).where(sign_ins.c.token_hash == _hash(token)))

    # --- workspaces ------------------------------------------------------------------
    def add_workspace(self, name: str) -> str:
        """A new workspace; its id."""
        name = _check_name(name, "workspace name")
        workspace_id = uuid.uuid4().hex
        with self.db.write() as db:
            taken = db.execute(select(workspaces.c.id).where(workspaces.c.name == name)).first()
            if taken:
                raise AccountError(f"there is already a workspace {name!r}")
            db.execute(workspaces.insert().values(id=workspace_id, name=name, created_at=_now()))
        return workspace_id

    def workspace_id(self, name: str, create: bool = False) -> str:
        with self.db.read() as db:
            found = db.execute(select(workspaces.c.id).where(workspaces.c.name == name)).scalar()
        if found is None and create:
            try:
                return self.add_workspace(name)
            except AccountError:  # another server made it just now
                return self.workspace_id(name)
        if found is None:
            raise AccountError(f"there is no workspace {name!r}")
        return str(found)

    def workspace_names(self) -> list[str]:
        """Every workspace, with members or not."""
        with self.db.read() as db:
            return list(db.execute(select(workspaces.c.name).order_by(workspaces.c.name)).scalars())

    def workspace_name(self, workspace_id: str) -> str | None:
        with self.db.read() as db:
            found: str | None = db.execute(
                select(workspaces.c.name).where(workspaces.c.id == workspace_id)
            ).scalar()
        return found

    def set_member(self, workspace_id: str, name: str, role: str) -> None:
        """Add ``name`` to the workspace, or change their role there."""
        role = check_role(role)
        if not self.user_exists(name):
            raise AccountError(f"there is no user {name!r}: add them with `polku users add`")
        with self.db.write() as db:
            values = {"workspace_id": workspace_id, "user_name": name, "role": role}
            self.db.upsert(db, members, values, ["workspace_id", "user_name"])

    def remove_member(self, workspace_id: str, name: str) -> None:
        with self.db.write() as db:
            done = db.execute(
                delete(members).where(
                    members.c.workspace_id == workspace_id, members.c.user_name == name
                )
            )
        if not done.rowcount:
            raise AccountError(f"{name!r} is not a member of that workspace")

    def members(self, workspace_id: str) -> list[Member]:
        query = (
            select(members.c.user_name, members.c.role)
            .where(members.c.workspace_id == workspace_id)
            .order_by(members.c.user_name)
        )
        with self.db.read() as db:
            return [Member(user=u, role=r) for u, r in db.execute(query).all()]

    def memberships(self, name: str) -> list[Membership]:
        """The workspaces ``name`` belongs to, by name."""
        query = (
            select(members.c.workspace_id, workspaces.c.name, members.c.role)
            .join(workspaces, workspaces.c.id == members.c.workspace_id)
            .where(members.c.user_name == name)
            .order_by(workspaces.c.name)
        )
        with self.db.read() as db:
            return [
                Membership(workspace_id=w, workspace=n, role=r) for w, n, r in db.execute(query)
            ]

    def role_in(self, workspace_id: str, name: str) -> Role | None:
        query = select(members.c.role).where(
            members.c.workspace_id == workspace_id, members.c.user_name == name
        )
        with self.db.read() as db:
            found: Role | None = db.execute(query).scalar()
        return found

    # --- share links -----------------------------------------------------------------
    def share(self, map_id: str, role: str, created_by: str, expires_days: float) -> str:
        """A link token that opens ``map_id`` as a viewer or an editor until it expires."""
        if role not in ("viewer", "editor"):
            raise AccountError("a link shares a map with role 'viewer' or 'editor'")
        if not 0 < expires_days <= 366:
            raise AccountError("a link expires after 1 to 366 days")
        token = secrets.token_urlsafe(24)
        with self.db.write() as db:
            db.execute(
                shares.insert().values(
                    token_hash=_hash(token),
                    map_id=map_id,
                    role=role,
                    created_by=created_by,
                    created_at=_now(),
                    expires_at=time.time() + expires_days * 86400,
                    revoked=0,
                )
            )
        return token

    def shared(self, token: str) -> Share | None:
        """What a link opens; None when it was revoked, has expired or never was."""
        s = shares.c
        query = select(s.map_id, s.role, s.created_by, s.created_at, s.expires_at).where(
            s.token_hash == _hash(token), s.revoked == 0, s.expires_at > time.time()
        )
        with self.db.read() as db:
            row = db.execute(query).first()
        return Share(**row._asdict()) if row else None

    def share_map(self, token: str) -> str | None:
        """The map a link was made for, whether or not it still works."""
        with self.db.read() as db:
            found: str | None = db.execute(
                select(shares.c.map_id).where(shares.c.token_hash == _hash(token))
            ).scalar()
        return found

    def revoke_all(self, map_id: str) -> int:
        """Revoke every link to ``map_id``; how many still worked."""
        live = (shares.c.map_id == map_id) & (shares.c.revoked == 0)
        with self.db.write() as db:
            return int(db.execute(update(shares).where(live).values(revoked=1)).rowcount)

    def revoke(self, token: str) -> None:
        with self.db.write() as db:
            db.execute(update(shares).where(shares.c.token_hash == _hash(token)).values(revoked=1))

"""Who may see and change which maps: an anonymous browser owns its own maps; a signed-in
user works in the workspaces they are a member of, as owner, editor or viewer; a share link
opens one map, read-only or editable, until it is revoked or expires.

Every check reads the database, so a member removed from a workspace, a revoked link or an
expired one loses access at the next request, on every server.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from assistant.app.store import MapStore, StoreError
from assistant.app.store.accounts import (
    DEFAULT_WORKSPACE,
    Accounts,
    Membership,
    Role,
    workspace_owner,
)

logger = logging.getLogger("polku.access")

Mode = Literal["anonymous", "users", "proxy"]


class Forbidden(StoreError):
    """A change the person's role does not allow (a viewer saving), or a map they cannot
    open."""


class Access(BaseModel):
    """What one request may do: whose maps it reads and writes, and as whom."""

    owner: str = Field(description="The owner id maps are kept under (browser or workspace).")
    role: Role
    user: str | None = Field(default=None, description="Signed-in user; None when anonymous.")
    workspace: str | None = Field(default=None, description="The workspace's name.")
    only_map: str | None = Field(default=None, description="A share link's one map.")

    @property
    def can_write(self) -> bool:
        return self.role in ("owner", "editor")

    def check_write(self, what: str = "change this map") -> None:
        if not self.can_write:
            logger.warning(
                "refused: %s may not %s (role %s, owner %s)",
                self.user or "link",
                what,
                self.role,
                self.owner,
            )
            raise Forbidden(f"you can view this map but not {what}: your role is {self.role}")

    def check_owner(self, what: str = "delete this map") -> None:
        """Owners only (deleting a map, and with it every version)."""
        if self.role != "owner" or self.only_map is not None:
            logger.warning("refused: %s may not %s (role %s)", self.user or "link", what, self.role)
            raise Forbidden(f"only an owner of the workspace may {what}: your role is {self.role}")

    def check_map(self, map_id: str | None) -> None:
        if self.only_map is not None and map_id != self.only_map:
            raise Forbidden("this link opens one map only")


class Gate:
    """Turns who is asking (a browser id, a user, a link) into an ``Access``."""

    def __init__(self, accounts: Accounts, store: MapStore, proxy_header: str | None) -> None:
        self.accounts = accounts
        self.store = store
        self.proxy_header = proxy_header

    def mode(self) -> Mode:
        """proxy when a trusted user header is configured; users once any user exists;
        otherwise anonymous (each browser its own maps)."""
        if self.proxy_header:
            return "proxy"
        return "users" if self.accounts.has_users() else "anonymous"

    @staticmethod
    def browser(owner: str) -> Access:
        return Access(owner=owner, role="owner")

    def workspaces(self, user: str) -> list[Membership]:
        return self.accounts.memberships(user)

    def user(self, user: str, workspace: str | None = None) -> Access:
        """``user`` in ``workspace`` (a name), or in their first workspace (``default`` when
        they belong to it); Forbidden when they belong to none, or not to that one."""
        found = self.accounts.memberships(user)
        if workspace is not None:
            found = [m for m in found if m.workspace == workspace]
        if not found:
            where = f"the workspace {workspace!r}" if workspace else "any workspace"
            raise Forbidden(
                f"{user} is not a member of {where}: ask its owner to add you "
                "(polku workspaces member WORKSPACE USER --role editor)"
            )
        chosen = next((m for m in found if m.workspace == DEFAULT_WORKSPACE), found[0])
        return Access(
            owner=workspace_owner(chosen.workspace_id),
            role=chosen.role,
            user=user,
            workspace=chosen.workspace,
        )

    def proxy_user(self, user: str, role: Literal["viewer", "editor"]) -> Access:
        """A user the trusted proxy names: the first time, they join the default workspace
        with ``role``."""
        if not self.accounts.user_exists(user):
            try:
                self.accounts.add_user(user, None)
                default = self.accounts.workspace_id(DEFAULT_WORKSPACE, create=True)
                self.accounts.set_member(default, user, role)
            except StoreError:  # another server added them just now
                pass
        return self.user(user)

    def for_map(self, user: str, map_id: str) -> Access:
        """``user``'s access to ``map_id``, in whichever of their workspaces holds it; a map
        in no workspace of theirs is reported as not found (ids are not confirmed)."""
        owner = self.store.owner_of(map_id)
        for membership in self.accounts.memberships(user):
            if owner == workspace_owner(membership.workspace_id):
                return Access(
                    owner=owner,
                    role=membership.role,
                    user=user,
                    workspace=membership.workspace,
                )
        raise StoreError(f"no saved map with id {map_id!r}")

    def link(self, token: str) -> Access:
        """What a share link opens; Forbidden when it was revoked, has expired or never was."""
        share = self.accounts.shared(token)
        owner = self.store.owner_of(share.map_id) if share else None
        if share is None or owner is None:
            raise Forbidden(
                "this link does not open a map: it was revoked, has expired or "
                "was never made; ask whoever shared it for a new one"
            )
        return Access(owner=owner, role=share.role, user=None, only_map=share.map_id)

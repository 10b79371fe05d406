"""Saved maps over REST, for signed-in users (HTTP Basic, an API token, or the trusted
proxy's header), and one map for a share link's holder.

- ``POST /api/maps`` saves a map into a workspace (a new map, or with ``id`` and
  ``base_version`` a new version; 409 with the newer version when someone saved since);
- ``GET /api/maps`` lists the maps of the user's workspaces; ``GET /api/maps/{id}`` reads one;
- ``POST /api/maps/{id}/share`` makes a link; ``DELETE /api/shares/{token}`` revokes it;
- ``GET /api/shared/{token}`` reads the map a link opens, ``POST`` saves to it (editor links).

A viewer's write is refused with 403 (and logged); a map in none of the user's workspaces is
a 404, so ids cannot be probed across workspaces.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from assistant.adapters.web.auth import NotSignedIn, api_user, public_base
from assistant.app.access import Access, Forbidden
from assistant.app.services import Services
from assistant.app.store import MapStore, StoreError, VersionConflict, VersionInfo
from assistant.domain import CritiqueReport, JourneyMap, Lang

logger = logging.getLogger("polku.api.maps")

# Quick requests with a busy limit of their own (a save never waits behind questions); the
# health check is one, so a load balancer's probe is answered while the server is busy.
MAP_PATHS = ("/api/maps", "/api/shares/", "/api/shared/", "/api/health")


class SaveMap(BaseModel):
    map: JourneyMap
    id: str | None = Field(default=None, description="Add a version to this map.")
    base_version: int | None = Field(
        default=None, ge=1, description="The version this change was made from (409 if stale)."
    )
    workspace: str | None = Field(
        default=None, description="Workspace name for a new map (default: the user's first)."
    )
    note: str = Field(default="", max_length=200, description="What changed, for the history.")


class SavedRef(BaseModel):
    id: str
    version: int


class ListedMap(BaseModel):
    id: str
    title: str
    updated_at: str
    versions: int
    language: Lang
    workspace: str
    role: str


class StoredMap(BaseModel):
    id: str
    version: int
    saved_at: str
    workspace: str | None
    role: str
    map: JourneyMap
    versions: list[VersionInfo]
    critique: CritiqueReport | None = None


class ShareRequest(BaseModel):
    role: Literal["viewer", "editor"] = "viewer"
    expires_days: float = Field(default=14, gt=0, le=366)


class ShareLink(BaseModel):
    url: str
    token: str
    role: str
    expires_days: float


class SaveShared(BaseModel):
    map: JourneyMap
    base_version: int = Field(ge=1, description="The version this change was made from.")
    note: str = Field(default="", max_length=200)


def _conflict(error: VersionConflict) -> HTTPException:
    newer = error.newer
    return HTTPException(
        409,
        f"{error}. Nothing was saved: read version {newer.version} (GET /api/maps/{newer.id}), "
        "make the change on it, and send it with that base_version.",
    )


def maps_routes(services: Services) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["maps"])
    gate = services.gate
    store = MapStore(services.database)

    def caller(request: Request) -> str:
        try:
            return api_user(gate, services.settings, request)
        except NotSignedIn as error:
            headers = {"WWW-Authenticate": 'Basic realm="polku"'}
            if error.wait_s is not None:
                headers = {"Retry-After": str(max(1, round(error.wait_s)))}
                raise HTTPException(429, str(error), headers=headers) from None
            raise HTTPException(401, str(error), headers=headers) from None

    signed_in = Depends(caller)

    def forbidden(error: Forbidden) -> HTTPException:
        return HTTPException(403, str(error))

    def access_to(user: str, map_id: str) -> Access:
        try:
            return gate.for_map(user, map_id)
        except StoreError as error:
            raise HTTPException(404, str(error)) from None

    def stored(access: Access, map_id: str, version: int | None) -> StoredMap:
        try:
            saved = store.load_saved(access.owner, map_id, version)
        except StoreError as error:
            raise HTTPException(404, str(error)) from None
        return StoredMap(
            id=map_id,
            version=saved.version,
            saved_at=saved.saved_at,
            workspace=access.workspace,
            role=access.role,
            map=saved.journey,
            versions=store.versions(access.owner, map_id),
            critique=store.load_report(access.owner, map_id) if version is None else None,
        )

    def save(
        access: Access, body: SaveMap | SaveShared, map_id: str | None, user: str | None
    ) -> SavedRef:
        try:
            access.check_write("save maps here")
        except Forbidden as error:
            raise forbidden(error) from None
        try:
            saved = store.save(
                access.owner,
                body.map,
                map_id,
                body.note,
                author=user,
                base_version=body.base_version,
            )
        except VersionConflict as error:
            raise _conflict(error) from None
        except StoreError as error:
            raise HTTPException(422, str(error)) from None
        return SavedRef(id=saved.id, version=saved.version)

    @router.post("/maps")
    def save_map(body: SaveMap, user: str = signed_in) -> SavedRef:
        """Save a map: a new one into ``workspace``, or a new version of ``id``."""
        if body.id is not None:
            return save(access_to(user, body.id), body, body.id, user)
        try:
            access = gate.user(user, body.workspace)
        except Forbidden as error:
            raise forbidden(error) from None
        return save(access, body, None, user)

    @router.get("/maps")
    def list_maps(user: str = signed_in) -> list[ListedMap]:
        """The maps of every workspace the user is a member of, newest first."""
        found: list[ListedMap] = []
        for membership in gate.workspaces(user):
            access = gate.user(user, membership.workspace)
            for summary in store.list(access.owner):
                found.append(
                    ListedMap(
                        **summary.model_dump(), workspace=membership.workspace, role=access.role
                    )
                )
        return sorted(found, key=lambda m: m.updated_at, reverse=True)

    @router.get("/maps/{map_id}")
    def read_map(map_id: str, user: str = signed_in, version: int | None = None) -> StoredMap:
        """One map (its newest version, or ``?version=N``), its versions and who saved them."""
        return stored(access_to(user, map_id), map_id, version)

    @router.post("/maps/{map_id}/share")
    def share(
        map_id: str, body: ShareRequest, request: Request, user: str = signed_in
    ) -> ShareLink:
        """A link that opens this map, read-only (viewer) or editable (editor), until it
        expires or is revoked; editors and owners may share."""
        access = access_to(user, map_id)
        try:
            access.check_write("share this map")
        except Forbidden as error:
            raise forbidden(error) from None
        token = gate.accounts.share(map_id, body.role, user, body.expires_days)
        url = public_base(request, services.settings) + f"/shared/{token}"
        return ShareLink(url=url, token=token, role=body.role, expires_days=body.expires_days)

    @router.delete("/shares/{token}", status_code=204)
    def revoke(token: str, user: str = signed_in) -> Response:
        """Revoke a link (its maker, or an editor or owner of the map's workspace)."""
        map_id = gate.accounts.share_map(token)
        if map_id is None:
            raise HTTPException(404, "no such link")
        access = access_to(user, map_id)
        try:
            access.check_write("revoke links to this map")
        except Forbidden as error:
            raise forbidden(error) from None
        gate.accounts.revoke(token)
        return Response(status_code=204)

    def link(token: str) -> Access:
        try:
            return gate.link(token)
        except Forbidden as error:
            raise HTTPException(404, str(error)) from None

    @router.get("/shared/{token}")
    def read_shared(token: str, version: int | None = None) -> StoredMap:
        """The map a link opens (no sign-in: the link is the key)."""
        access = link(token)
        return stored(access, access.only_map or "", version)

    @router.post("/shared/{token}")
    def save_shared(token: str, body: SaveShared) -> SavedRef:
        """Save a new version through an editor link (403 for a viewer link)."""
        access = link(token)
        return save(access, body, access.only_map, None)

    return router

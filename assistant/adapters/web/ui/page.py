"""The page's handlers: each loads the person's Session by the browser's owner id, runs one
action, renders the events and saves. No mutable module-level state: two browsers never share
a map, and a restart loses nothing."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.adapters.web.auth import (
    SHARE_COOKIE,
    cookie_value,
    editor_link,
    public_base,
    signed_in_user,
)
from assistant.adapters.web.ui import views
from assistant.app.access import Access, Forbidden
from assistant.app.services import Services
from assistant.app.session import Session, source_list
from assistant.app.store import MapStore, StoreError, VersionConflict
from assistant.domain import LANGS, Lang
from assistant.domain.events import (
    AnswerReady,
    CritiqueReady,
    EditProposed,
    Event,
    MapUpdated,
    Notice,
    ProposalClosed,
    TextDelta,
)
from assistant.formats.render import ExportUnavailable, write_files
from assistant.language.detect import detect_language
from assistant.language.i18n import t


def _message(role: str, text: str) -> dict[str, str]:
    """A chat message shown as text: markup a person (or a document) wrote is never run."""
    return {"role": role, "content": escape(text, quote=False)}


def browser_secret(services: Services) -> str:
    """The key that seals the owner id in the browser's localStorage. It is kept in the
    database, so every server reads the same ids and a restart can still read them (a new key
    would orphan every saved map); a key an older Polku kept in the data dir is taken over."""
    path = Path(services.settings.data_dir) / "browser-secret"
    old = path.read_text(encoding="utf-8").strip() if path.exists() else None
    return services.database.secret("browser", first=old)


def exports_root(settings: Any) -> Path:
    """Where exports are written (one fresh folder per export) and the only folder served."""
    root = Path(settings.data_dir) / "exports"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _table_update(journey: Any) -> Any:
    """The stage table: the lane column pinned, each stage with room to read (the table
    scrolls sideways)."""
    headers, rows = views.table(journey)
    widths = ["170px", *(["240px"] * (len(headers) - 1))]
    return gr.update(value=rows, headers=headers, column_widths=widths)


class Page:
    """Handlers bound to the shared services and store (both thread-safe)."""

    def __init__(self, services: Services, store: MapStore) -> None:
        self.services = services
        self.store = store
        self.exports = exports_root(services.settings)

    def session(self, owner: str, request: gr.Request | None = None) -> Session:
        """The person's Session: the browser's own maps while nobody signs in; else the
        signed-in user's workspace, checked again on every call (a member removed, or a
        sign-in ended, loses access at once)."""
        if not owner:
            raise gr.Error("This page lost its session id; reload the page.")
        gate = self.services.gate
        link = editor_link(gate, request.headers) if request is not None else None
        if link is not None:  # an editable share link: its one map, whoever opened it
            token = cookie_value(request.headers, SHARE_COOKIE) if request else ""
            key = hashlib.sha256(token.encode()).hexdigest()[:24]
            return self._entered(Session(self.services, self.store, f"link:{key}:{owner}"), link)
        if gate.mode() == "anonymous":
            return Session(self.services, self.store, owner)
        if request is None:  # never a way round the sign-in: no request, no maps
            raise gr.Error(t("ui_signed_out", self.services.settings.language))
        client = request.client.host if request.client else None
        user = signed_in_user(gate, self.services.settings, request.headers, client)
        if user is None:
            raise gr.Error(t("ui_signed_out", self.services.settings.language))
        session = Session(self.services, self.store, f"user:{user}:{owner}")
        try:
            access = gate.user(user, session.state.workspace)
        except Forbidden:
            try:  # the workspace they chose is not theirs any more: their first one
                access = gate.user(user)
            except Forbidden:
                raise gr.Error(t("signin_no_workspace", session.state.lang, user=user)) from None
        return self._entered(session, access)

    @staticmethod
    def _entered(session: Session, access: Access) -> Session:
        """The session working on ``access``'s maps (a link's one map opened at once)."""
        session.access = access
        session.maps = access.owner
        if access.only_map is not None and session.state.map_id != access.only_map:
            session.state.map_id = access.only_map
        return session

    def who(self, session: Session) -> str:
        """Who is signed in, in which workspace and role, with a way to sign out."""
        access, lang = session.access, session.state.lang
        if access.only_map is not None:
            leave = f'<a href="/shared/leave?lang={lang}">{escape(t("link_leave", lang))}</a>'
            return f'<span class="polku-who">{escape(t("link_editing", lang))} · {leave}</span>'
        if access.user is None:
            return ""
        role = t(f"role_{access.role}", lang)
        label = t("ui_signed_in", lang, user=access.user, workspace=access.workspace, role=role)
        out = (
            ""
            if self.services.settings.trusted_user_header
            else (f' · <a href="/signout?lang={lang}">{escape(t("signout", lang))}</a>')
        )
        return f'<span class="polku-who">{escape(label)}{out}</span>'

    # --- rendering ---------------------------------------------------------------
    def chat(self, session: Session) -> list[dict[str, str]]:
        return [_message(m.role, m.content) for m in session.state.messages]

    def map_views(self, session: Session) -> tuple[Any, str, str]:
        journey = session.journey
        session.shown(journey)
        lang = session.state.lang
        report = session.shown_report()  # kept with the map's version, not re-run
        frame = _table_update(journey)
        return frame, views.map_frame(journey, lang), views.findings_html(report, lang)

    def saved(self, session: Session) -> Any:
        listed = self.store.list(session.maps)
        if session.access.only_map is not None:
            listed = [m for m in listed if m.id == session.access.only_map]
        choices = [(f"{m.title} (v{m.versions})", m.id) for m in listed]
        return gr.update(choices=choices, value=session.state.map_id)

    # --- load --------------------------------------------------------------------
    def load(
        self, owner: str, browser_lang: str = "", request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """The person's page as they left it; a first visit is greeted in the browser's
        language (when it is one of ours and nobody chose another)."""
        owner = owner or uuid.uuid4().hex
        session = self.session(owner, request)
        wanted = (browser_lang or "").lower()[:2]
        if not session.state.messages and not session.state.lang_fixed and wanted in LANGS:
            session.state.lang = wanted
            session.state.interview.lang = wanted
            session.state.interview.answers.language = wanted
        list(session.start())
        return (
            owner,
            self.who(session),
            self.chat(session),
            *self.map_views(session),
            self.saved(session),
            session.state.lang,
            *self.proposal_views(session),
            self.workspaces(session),
        )

    def set_language(
        self, owner: str, lang: Lang, request: gr.Request | None = None
    ) -> list[dict[str, str]]:
        """The language the person picked; the chat as it reads in it now."""
        session = self.session(owner, request)
        session.set_language(lang)
        return self.chat(session)

    def views_in(
        self, owner: str, lang: Lang, request: gr.Request | None = None
    ) -> tuple[str, str, str, str]:
        """The map, the findings and a waiting change, with the page's words in ``lang``."""
        session = self.session(owner, request)
        journey = session.journey
        return (
            views.map_frame(journey, lang),
            views.findings_html(session.shown_report(), lang),
            views.proposal_html(session.state.pending, lang),
            self.who(session),
        )

    def proposal_views(self, session: Session) -> tuple[Any, str]:
        """The waiting change, shown with its Accept / Reject buttons, or nothing."""
        pending = session.state.pending
        shown = views.proposal_html(pending, session.state.lang)
        return gr.update(visible=pending is not None), shown

    # --- chat --------------------------------------------------------------------
    def send(
        self, owner: str, text: str, request: gr.Request | None = None
    ) -> Iterator[tuple[Any, ...]]:
        session = self.session(owner, request)
        yield from self._stream(session, session.turn(text), user_text=text)

    @staticmethod
    def _refusals(session: Session, events: Iterator[Event]) -> Iterator[Event]:
        """A change the person's role does not allow becomes a notice saying so."""
        try:
            yield from events
        except Forbidden:
            lang = session.state.lang
            if session.access.only_map is not None:
                yield Notice(level="warning", message=t("link_one_map", lang))
                return
            role = t(f"role_{session.access.role}", lang)
            yield Notice(level="warning", message=t("view_only", lang, role=role))

    def _stream(
        self, session: Session, events: Iterator[Event], user_text: str = ""
    ) -> Iterator[tuple[Any, ...]]:
        events = self._refusals(session, events)
        history = self.chat(session)
        if user_text.strip():
            history.append(_message("user", user_text))
        reply = ""
        frame, frame_html, findings = gr.skip(), gr.skip(), gr.skip()
        box_shown, diff = gr.skip(), gr.skip()
        # The message box is emptied once, with the first update; later updates leave it
        # alone, so whatever the person types while the reply streams is kept.
        box: Any = "" if user_text else gr.skip()
        for event in events:
            if isinstance(event, TextDelta):
                reply = event.applied_to(reply)
            elif isinstance(event, Notice):
                history.append(_message("assistant", f"⚠️ {event.message}"))
            elif isinstance(event, MapUpdated):
                session.shown(event.map)
                frame = _table_update(event.map)
                frame_html = views.map_frame(event.map, session.state.lang)
            elif isinstance(event, CritiqueReady):
                findings = views.findings_html(event.report, session.state.lang)
            elif isinstance(event, EditProposed | ProposalClosed):
                box_shown, diff = self.proposal_views(session)
            elif isinstance(event, AnswerReady):
                continue
            shown = [*history, _message("assistant", reply)] if reply else history
            yield (
                shown,
                box,
                frame,
                frame_html,
                findings,
                gr.skip(),
                session.state.lang,
                box_shown,
                diff,
            )
            # Each update is sent once: a table sent again while it re-renders can keep
            # its old rows in the browser.
            box = frame = frame_html = findings = box_shown = diff = gr.skip()
        yield (
            self.chat(session),
            box,
            frame,
            frame_html,
            findings,
            self.saved(session),
            session.state.lang,
            *self.proposal_views(session),
        )

    def upload_map(
        self, owner: str, path: str | None, request: gr.Request | None = None
    ) -> Iterator[tuple[Any, ...]]:
        if not path:
            return
        session = self.session(owner, request)
        file = Path(path)
        yield from self._stream(session, session.import_map(file.read_bytes(), None, file.name))

    def upload_research(
        self, owner: str, paths: list[str] | None, request: gr.Request | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Research files added beside the chat: read, summarised, built into the map."""
        from assistant.capabilities.insights.mine import ResearchFile

        if not paths:
            return
        session = self.session(owner, request)
        files = [ResearchFile(Path(p).name, Path(p).read_bytes()) for p in paths]
        yield from self._stream(session, session.add_research(files))

    def accept(self, owner: str, request: gr.Request | None = None) -> Iterator[tuple[Any, ...]]:
        session = self.session(owner, request)
        yield from self._stream(session, session.accept())

    def reject(self, owner: str, request: gr.Request | None = None) -> Iterator[tuple[Any, ...]]:
        session = self.session(owner, request)
        yield from self._stream(session, session.reject())

    def new_map(self, owner: str, request: gr.Request | None = None) -> Iterator[tuple[Any, ...]]:
        """A clean start: the old map, its critique and any waiting change leave the page."""
        session = self.session(owner, request)
        *_, last = self._stream(session, session.new_map())
        frame, frame_html, findings = self.map_views(session)
        yield (last[0], last[1], frame, frame_html, findings, *last[5:])

    # --- edits and exports -------------------------------------------------------
    def edit(self, owner: str, edited: Any, request: gr.Request | None = None) -> tuple[Any, ...]:
        """A cell of the stage table changed: a new version, critiqued again."""

        def apply(journey: Any, after: list[list[str]]) -> tuple[Any, str]:
            updated, changed = views.apply_edits(journey, views.table(journey)[1], after)
            return updated, "edited " + ", ".join(f"{stage}/{lane}" for stage, lane in changed)

        return self._edited(owner, edited, apply, request)

    def _edited(
        self, owner: str, edited: Any, apply: Any, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """An edited table read back by ``apply`` (the map and the version's note, no note
        when nothing changed); a cell it cannot read is refused, the map left as it was."""
        session = self.session(owner, request)
        journey = session.journey
        if journey is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        lang = session.state.lang
        if not session.access.can_write:
            gr.Warning(t("view_only", lang, role=t(f"role_{session.access.role}", lang)))
            return (*self.map_views(session), self.saved(session))
        shown = session.state.shown_version
        if shown is not None and shown != journey.version:  # someone saved since it was shown
            self._conflict(session, journey.version)
            return (*self.map_views(session), self.saved(session))
        after = edited.values.tolist() if hasattr(edited, "values") else edited
        try:
            updated, note = apply(journey, after)
        except ValueError as exc:
            gr.Warning(t("ui_edit_error", lang, error=str(exc)))
            return (*self.map_views(session), self.saved(session))
        if updated is not journey and updated.version != journey.version:
            try:
                list(session.replace_map(updated, note, base_version=journey.version))
            except VersionConflict as conflict:
                self._conflict(session, conflict.newer.version)
        return (*self.map_views(session), self.saved(session))

    def _conflict(self, session: Session, version: int) -> None:
        """Say who saved the newer version the person's change was not made on."""
        lang, map_id = session.state.lang, session.state.map_id or ""
        found = [v for v in self.store.versions(session.maps, map_id) if v.version == version]
        author = (found[0].author if found else None) or t("someone", lang)
        gr.Warning(t("map_conflict", lang, author=author, version=version))

    def tables(self, owner: str, request: gr.Request | None = None) -> tuple[Any, Any]:
        """The stage table and the persona table of the map on screen, sent once more after
        whatever changed the map: a table that was busy redrawing (a virtual list under
        load) otherwise kept its old rows."""
        journey = self.session(owner, request).journey
        headers, rows = views.persona_table(journey)
        return _table_update(journey), gr.update(value=rows, headers=headers)

    def edit_persona(
        self, owner: str, edited: Any, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """A persona field changed in its table: a new version, critiqued again."""

        def apply(journey: Any, after: list[list[str]]) -> tuple[Any, str]:
            before = views.persona_table(journey)[1]
            updated, changed = views.apply_persona_edits(journey, before, after)
            return updated, "edited persona: " + ", ".join(changed)

        return self._edited(owner, edited, apply, request)

    def export(
        self, owner: str, formats: list[str], request: gr.Request | None = None
    ) -> list[str]:
        session = self.session(owner, request)
        journey = session.journey
        if journey is None:
            raise gr.Error(t("no_map_yet", session.state.lang))
        folder = self.exports / secrets.token_hex(16)  # unguessable, and no part of the owner id
        folder.mkdir(mode=0o700)
        written: list[str] = []
        for fmt in formats or ["md"]:
            try:
                written += [str(p) for p in write_files(journey, [fmt], folder)]
            except ExportUnavailable:  # the other formats are still written
                gr.Warning(t("export_unavailable", session.state.lang, format=fmt.upper()))
        return written

    # --- saved maps --------------------------------------------------------------
    def open_map(
        self, owner: str, map_id: str | None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        session = self.session(owner, request)
        if map_id:
            self.store.versions(session.maps, map_id)  # StoreError: deleted, or not theirs
            session.state.map_id = map_id
            session.save()
        return (
            *self.map_views(session),
            self.saved(session),
            self.versions(owner, map_id, request),
        )

    def versions(self, owner: str, map_id: str | None, request: gr.Request | None = None) -> Any:
        if not map_id:
            return gr.update(choices=[], value=None)
        session = self.session(owner, request)
        found = self.store.versions(session.maps, map_id)
        choices = [
            (
                " · ".join(
                    filter(
                        None, (f"v{v.version}", v.saved_at[:16].replace("T", " "), v.author, v.note)
                    )
                ),
                v.version,
            )
            for v in found
        ]
        return gr.update(choices=choices, value=found[-1].version if found else None)

    def manage(
        self,
        owner: str,
        action: str,
        map_id: str | None,
        title: str,
        version: Any,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        session = self.session(owner, request)
        who = session.access.user
        try:
            if map_id and action == "rename":
                session.access.check_write()
                session.state.map_id = self.store.rename(session.maps, map_id, title, who).id
            elif map_id and action == "duplicate":
                session.access.check_write()
                session.state.map_id = self.store.duplicate(session.maps, map_id, who).id
            elif map_id and action == "delete":
                session.access.check_owner()
                self.store.delete(session.maps, map_id)
                session.state.map_id = None
            elif map_id and action == "restore" and version:
                session.access.check_write()
                restored = self.store.restore(session.maps, map_id, int(version), who)
                session.state.map_id = restored.id
        except StoreError as exc:
            gr.Warning(str(exc))
        session.save()
        return self.open_map(owner, session.state.map_id, request)

    # --- sharing and workspaces ----------------------------------------------------
    def share_link(
        self, owner: str, map_id: str | None, role: str, request: gr.Request | None = None
    ) -> str:
        """A link to the chosen map, view-only or editable, valid for 14 days."""
        session = self.session(owner, request)
        lang = session.state.lang
        if not map_id:
            gr.Warning(t("ui_pick_map", lang))
            return ""
        try:
            session.access.check_write("share this map")
            session.access.check_map(map_id)
            self.store.versions(session.maps, map_id)  # refused: deleted, or not in reach
        except StoreError as exc:
            gr.Warning(str(exc))
            return ""
        chosen = "editor" if role == "editor" else "viewer"
        token = self.services.gate.accounts.share(
            map_id, chosen, session.access.user or "anonymous", 14
        )
        raw = getattr(request, "request", None) if request is not None else None
        base = public_base(raw, self.services.settings) if raw is not None else ""
        return f"{base}/shared/{token}"

    def revoke_links(
        self, owner: str, map_id: str | None, request: gr.Request | None = None
    ) -> str:
        session = self.session(owner, request)
        lang = session.state.lang
        if not map_id:
            gr.Warning(t("ui_pick_map", lang))
            return ""
        try:
            session.access.check_write("revoke links to this map")
            self.store.versions(session.maps, map_id)
        except StoreError as exc:
            gr.Warning(str(exc))
            return ""
        count = self.services.gate.accounts.revoke_all(map_id)
        gr.Info(t("ui_share_revoked", lang, count=count))
        return ""

    def workspaces(self, session: Session) -> Any:
        """The workspace chooser: shown to a signed-in person who belongs to more than one."""
        user = session.access.user
        found = self.services.gate.workspaces(user) if user and not session.access.only_map else []
        choices = [
            (f"{m.workspace} ({t('role_' + m.role, session.state.lang)})", m.workspace)
            for m in found
        ]
        return gr.update(choices=choices, value=session.access.workspace, visible=len(found) > 1)

    def pick_workspace(
        self, owner: str, workspace: str | None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """Work in another of the person's workspaces: its maps, none open yet."""
        session = self.session(owner, request)
        if workspace and workspace != session.access.workspace:
            session.state.workspace = workspace
            session.state.map_id = None
            session.save()
            session = self.session(owner, request)
        return (*self.map_views(session), self.saved(session), self.who(session))

    # --- knowledge and questions -------------------------------------------------
    def ask(self, question: str, lang: Lang) -> Iterator[str]:
        """The answer in the question's own language (the page's when it cannot tell), as
        Markdown with its numbered sources under it."""
        lang = detect_language(question, lang)
        text, sources = "", ""
        for event in self.services.ask_events(question, lang=lang):
            if isinstance(event, TextDelta):
                text = event.applied_to(text)
            elif isinstance(event, AnswerReady) and event.answer.citations:
                sources = source_list(event.answer)
            yield escape(text + sources, quote=False)

    def _check_knowledge_writer(self, request: gr.Request | None) -> None:
        """Signed-in teams: only editors and owners add to or remove from the shared
        knowledge base."""
        gate = self.services.gate
        if gate.mode() == "anonymous":
            return
        lang = self.services.settings.language
        if request is None:
            raise gr.Error(t("ui_signed_out", lang))
        client = request.client.host if request.client else None
        user = signed_in_user(gate, self.services.settings, request.headers, client)
        if user is None:
            raise gr.Error(t("ui_signed_out", lang))
        if not any(m.role != "viewer" for m in gate.workspaces(user)):
            raise gr.Error(t("view_only", lang, role=t("role_viewer", lang)))

    def ingest(
        self,
        paths: list[str] | None,
        request: gr.Request | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> Any:
        from assistant.retrieval.readers import ReadError, read_path

        self._check_knowledge_writer(request)

        limit = self.services.settings.max_upload_mb * 1_000_000
        docs = []
        for path in paths or []:
            try:
                docs.append(read_path(Path(path), limit, self.services.settings.language))
            except ReadError as exc:
                gr.Warning(str(exc))
        if docs:
            report = self.services.ingest(
                docs, progress=lambda done, total, item: progress((done, total), desc=item)
            )
            gr.Info(t("ui_ingested", "en", count=len(docs), chunks=report.chunks_written))
        return self.documents()

    def documents(self) -> Any:
        rows = [[d.doc_id, d.title, d.lang] for d in self.services.index.documents("user")]
        return gr.update(value=rows or [["", "", ""]])

    def remove(self, doc_id: str, request: gr.Request | None = None) -> Any:
        self._check_knowledge_writer(request)
        if doc_id.strip():
            self.services.index.remove_document(doc_id.strip())
        return self.documents()

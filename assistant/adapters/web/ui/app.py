"""The Gradio page's layout: chat on one side, the live map on the other, wired to the
handlers of ``page.Page`` (a thin layer over Session). Imported only when the page is served."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.adapters.web.ui.page import Page, browser_secret, exports_root
from assistant.app.services import Services
from assistant.app.store import MapStore
from assistant.domain import Lang
from assistant.formats.render import FORMATS
from assistant.language.i18n import t
from assistant.llm.factory import mode_label

__all__ = ["CSS", "build_ui", "exports_root"]

LANGUAGE_CHOICES = [("English", "en"), ("Suomi", "fi"), ("Eesti", "et")]
CSS = """
.polku-findings { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.polku-findings td, .polku-findings th { border-bottom: 1px solid #ddd; padding: 4px; }
.polku-findings tr.critical td:first-child { color: #b00020; font-weight: bold; }
#polku-badge { text-align: right; min-width: max-content !important; }  /* never 'V…' */
#polku-title h2, #polku-badge p { overflow-wrap: normal; word-break: normal; }
#polku-header { flex-wrap: wrap !important; }
#polku-who { align-self: center; text-align: right; }
#polku-who .polku-who { font-size: 15px; color: var(--body-text-color); }
#polku-who a { color: var(--link-text-color, #2f5bd3); margin-left: 2px; }
#polku-title { flex: 1 1 280px !important; min-width: 280px !important; }
@media (max-width: 600px) { #polku-title h2 { font-size: 1.3rem; } }
.polku-diff { width: 100%; border-collapse: collapse; font-size: 0.92em; }
.polku-diff td, .polku-diff th { border-bottom: 1px solid #ddd; padding: 4px 6px; }
.polku-diff td.before { color: #8a1c1c; text-decoration: line-through; }
.polku-diff td.after { color: #14532d; font-weight: 600; }
#polku-proposal { border: 2px solid #2563eb; border-radius: 8px; padding: 6px; }
/* A table pasted into the chat is drawn as one: its words stay whole, it scrolls sideways. */
#polku-chat table { display: block; overflow-x: auto; max-width: 100%; }
#polku-chat th, #polku-chat td {
  word-break: normal !important; overflow-wrap: normal !important; hyphens: none;
  white-space: nowrap;
}
/* The chat is a side panel: the header's button hides it and the map takes the width. */
#polku-side.polku-hidden { display: none !important; }
/* The editable map's lane names stay in view while its stages scroll sideways. */
#polku-table .first-column {
  position: sticky; left: 0; z-index: 3;
  background: var(--table-odd-background-fill, var(--background-fill-primary));
  box-shadow: 1px 0 0 var(--border-color-primary);
}
#polku-table .row-even .first-column {
  background: var(--table-even-background-fill, var(--background-fill-secondary));
}
"""


# Gradio's own words (a file drop zone's "Drop File Here") follow its locale, which it takes
# from the browser; when the person picks another language, the page switches that locale too
# (Gradio's changeLocale, from the module the page already loaded) and the drop zones are
# drawn again, since a component keeps the words it was first drawn with.
GRADIO_LOCALE_JS = """async (lang) => {
  document.documentElement.lang = lang;
  try {
    const core = performance.getEntriesByType('resource').map((e) => e.name)
      .find((name) => /\\/core-[^/]+\\.js$/.test(name));
    if (core) { (await import(core)).changeLocale(lang); }
  } catch (error) { console.warn('polku: the upload boxes keep their words', error); }
  return lang;
}"""


def badge_text(services: Services, lang: Lang) -> str:
    """The mode badge: "Offline" in the page's language, or the model's name."""
    return t("ui_offline", lang) if services.model is None else mode_label(services.model)


def share_choices(lang: Lang) -> list[tuple[str, str]]:
    return [(t("ui_share_view", lang), "viewer"), (t("ui_share_edit", lang), "editor")]


def _managing(page: Page, action: str) -> Any:
    """The handler of one saved-map button; Gradio hands it the request (who is asking)."""

    def run(o: str, m: str | None, ti: str, v: Any, request: gr.Request) -> tuple[Any, ...]:
        return page.manage(o, action, m, ti, v, request)

    return run


def build_ui(services: Services, store: MapStore) -> gr.Blocks:
    page = Page(services, store)
    lang: Lang = services.settings.language
    with gr.Blocks(title=t("ui_title", lang)) as demo:
        owner = gr.BrowserState("", storage_key="polku-owner", secret=browser_secret(services))
        browser_lang = gr.Textbox(visible=False, elem_id="polku-browser-lang")
        with gr.Row(elem_id="polku-header"):
            title_md = gr.Markdown(
                f"## {t('ui_title', lang)}", elem_id="polku-title", min_width=300
            )
            language = gr.Dropdown(
                LANGUAGE_CHOICES,
                value=lang,
                label=t("ui_language", lang),
                scale=0,
                min_width=140,
                elem_id="polku-language",
            )
            who = gr.HTML(elem_id="polku-who", min_width=160)
            badge = gr.Markdown(
                f"**{badge_text(services, lang)}**", elem_id="polku-badge", min_width=140
            )
            toggle_chat = gr.Button(
                t("ui_toggle_chat", lang), size="sm", scale=0, min_width=120, elem_id="polku-toggle"
            )
        with gr.Row():
            with gr.Column(scale=4, min_width=340, elem_id="polku-side"):
                chatbot = gr.Chatbot(
                    label=t("ui_chat", lang),
                    height=560,
                    render_markdown=True,
                    elem_id="polku-chat",
                )
                with gr.Column(visible=False, elem_id="polku-proposal") as proposal_box:
                    proposal = gr.HTML(elem_id="polku-proposal-diff")
                    with gr.Row():
                        accept = gr.Button(
                            t("edit_accept", lang), variant="primary", elem_id="polku-accept"
                        )
                        reject = gr.Button(t("edit_reject", lang), elem_id="polku-reject")
                # One line that grows: Enter sends, Shift+Enter starts a new line, and a
                # pasted table arrives whole.
                message = gr.Textbox(
                    label=t("ui_message", lang),
                    lines=1,
                    max_lines=12,
                    elem_id="polku-message",
                )
                with gr.Row():
                    send = gr.Button(t("ui_send", lang), variant="primary", elem_id="polku-send")
                    new = gr.Button(t("ui_new_map", lang), elem_id="polku-new")
                map_file = gr.File(
                    label=t("ui_upload_map", lang),
                    type="filepath",
                    file_types=[".md", ".csv", ".xlsx", ".json", ".txt"],
                    elem_id="polku-map-upload",
                )
                research_upload = gr.File(
                    label=t("ui_upload_research", lang),
                    file_count="multiple",
                    type="filepath",
                    file_types=[".csv", ".tsv", ".xlsx", ".txt", ".md", ".docx", ".pdf"],
                    elem_id="polku-research-upload",
                )
            with gr.Column(scale=8, min_width=340, elem_id="polku-main"):
                with gr.Tab(t("ui_map_tab", lang)) as map_tab:
                    frame_html = gr.HTML(elem_id="polku-map")
                    findings = gr.HTML(elem_id="polku-findings")
                    table = gr.Dataframe(
                        label=t("ui_table", lang),
                        interactive=True,
                        wrap=True,
                        elem_id="polku-table",
                        static_columns=[0],
                    )
                    persona_table = gr.Dataframe(
                        label=t("ui_persona_table", lang),
                        interactive=True,
                        wrap=True,
                        elem_id="polku-persona-table",
                        static_columns=[0],
                        column_widths=["30%", "70%"],
                    )
                    formats = gr.CheckboxGroup(
                        list(FORMATS), value=["md", "html"], label=t("ui_export", lang)
                    )
                    export = gr.Button(t("ui_export", lang), elem_id="polku-export")
                    downloads = gr.File(
                        label=t("ui_downloads", lang),
                        file_count="multiple",
                        elem_id="polku-downloads",
                    )
                with gr.Tab(t("ui_saved_tab", lang)) as saved_tab:
                    workspace = gr.Dropdown(
                        label=t("ui_workspace", lang),
                        choices=[],
                        visible=False,
                        elem_id="polku-workspace",
                    )
                    maps = gr.Dropdown(
                        label=t("ui_saved_tab", lang), choices=[], elem_id="polku-maps"
                    )
                    title = gr.Textbox(label=t("ui_new_title", lang))
                    with gr.Row():
                        rename = gr.Button(t("ui_rename", lang))
                        duplicate = gr.Button(t("ui_duplicate", lang))
                        delete = gr.Button(t("ui_delete", lang), variant="stop")
                    versions = gr.Dropdown(label=t("ui_versions", lang), choices=[])
                    restore = gr.Button(t("ui_restore", lang))
                    with gr.Row():
                        share_role = gr.Radio(
                            [
                                (t("ui_share_view", lang), "viewer"),
                                (t("ui_share_edit", lang), "editor"),
                            ],
                            value="viewer",
                            label=t("ui_share_role", lang),
                            elem_id="polku-share-role",
                        )
                        share = gr.Button(t("ui_share", lang), elem_id="polku-share")
                    share_url = gr.Textbox(
                        label=t("ui_share_link", lang),
                        interactive=False,
                        buttons=["copy"],
                        elem_id="polku-share-link",
                    )
                    revoke_links = gr.Button(t("ui_share_revoke", lang), elem_id="polku-revoke")
                with gr.Tab(t("ui_ask_tab", lang)) as ask_tab:
                    question = gr.Textbox(label=t("ui_question", lang), elem_id="polku-question")
                    answer = gr.Markdown(
                        label=t("ui_answer", lang), line_breaks=True, elem_id="polku-answer"
                    )
                with gr.Tab(t("ui_knowledge_tab", lang)) as knowledge_tab:
                    docs_upload = gr.File(
                        label=t("ui_upload_docs", lang),
                        file_count="multiple",
                        type="filepath",
                        elem_id="polku-docs-upload",
                    )
                    docs = gr.Dataframe(
                        headers=["id", "title", "lang"],
                        interactive=False,
                        label=t("ui_documents", lang),
                    )
                    doc_id = gr.Textbox(label="id")
                    remove = gr.Button(t("ui_remove", lang))
        chat_out = [
            chatbot,
            message,
            table,
            frame_html,
            findings,
            maps,
            language,
            proposal_box,
            proposal,
        ]
        map_out = [table, frame_html, findings, maps]

        # Whatever changes the map then refreshes both tables under it.
        def then_tables(event: Any) -> None:
            event.then(page.tables, [owner], [table, persona_table])

        # The browser's language picks the first greeting's language (navigator.language).
        then_tables(
            demo.load(
                page.load,
                [owner, browser_lang],
                [
                    owner,
                    who,
                    chatbot,
                    table,
                    frame_html,
                    findings,
                    maps,
                    language,
                    proposal_box,
                    proposal,
                    workspace,
                ],
                js="(owner, lang) => [owner, navigator.language || '']",
            )
        )
        demo.load(page.documents, None, [docs])
        then_tables(send.click(page.send, [owner, message], chat_out))
        then_tables(message.submit(page.send, [owner, message], chat_out))
        new_map = new.click(page.new_map, [owner], chat_out)
        new_map.then(lambda: None, None, [downloads])
        then_tables(new_map)
        then_tables(accept.click(page.accept, [owner], chat_out))
        then_tables(reject.click(page.reject, [owner], chat_out))
        then_tables(map_file.upload(page.upload_map, [owner, map_file], chat_out))
        then_tables(
            research_upload.upload(page.upload_research, [owner, research_upload], chat_out)
        )
        table.input(page.edit, [owner, table], map_out)
        then_tables(persona_table.input(page.edit_persona, [owner, persona_table], map_out))
        export.click(page.export, [owner, formats], [downloads])
        then_tables(maps.select(page.open_map, [owner, maps], [*map_out, versions]))
        for button, action in (
            (rename, "rename"),
            (duplicate, "duplicate"),
            (delete, "delete"),
            (restore, "restore"),
        ):
            then_tables(
                button.click(
                    _managing(page, action),
                    [owner, maps, title, versions],
                    [*map_out, versions],
                )
            )
        share.click(page.share_link, [owner, maps, share_role], [share_url])
        revoke_links.click(page.revoke_links, [owner, maps], [share_url])
        then_tables(workspace.input(page.pick_workspace, [owner, workspace], [*map_out, who]))
        language.input(page.set_language, [owner, language], [chatbot])
        toggle_chat.click(
            None,
            None,
            None,
            js="() => { document.querySelector('#polku-side').classList.toggle('polku-hidden'); }",
        )
        labelled = {
            chatbot: "ui_chat",
            message: "ui_message",
            map_file: "ui_upload_map",
            research_upload: "ui_upload_research",
            table: "ui_table",
            persona_table: "ui_persona_table",
            formats: "ui_export",
            downloads: "ui_downloads",
            maps: "ui_saved_tab",
            title: "ui_new_title",
            versions: "ui_versions",
            question: "ui_question",
            answer: "ui_answer",
            docs_upload: "ui_upload_docs",
            docs: "ui_documents",
            language: "ui_language",
            map_tab: "ui_map_tab",
            saved_tab: "ui_saved_tab",
            ask_tab: "ui_ask_tab",
            knowledge_tab: "ui_knowledge_tab",
            share_url: "ui_share_link",
            workspace: "ui_workspace",
        }
        buttons = {
            accept: "edit_accept",
            reject: "edit_reject",
            send: "ui_send",
            new: "ui_new_map",
            toggle_chat: "ui_toggle_chat",
            export: "ui_export",
            rename: "ui_rename",
            duplicate: "ui_duplicate",
            delete: "ui_delete",
            restore: "ui_restore",
            remove: "ui_remove",
            share: "ui_share",
            revoke_links: "ui_share_revoke",
        }

        def relabel(la: Lang) -> list[Any]:
            """The page's text in the chosen (or detected) language."""
            return (
                [gr.update(label=t(key, la)) for key in labelled.values()]
                + [gr.update(value=t(key, la)) for key in buttons.values()]
                + [
                    f"## {t('ui_title', la)}",
                    f"**{badge_text(services, la)}**",
                    gr.update(label=t("ui_share_role", la), choices=share_choices(la)),
                ]
            )

        drop_zones = [map_file, research_upload, docs_upload, table, persona_table]
        language.change(None, [language], None, js=GRADIO_LOCALE_JS).then(
            lambda: [gr.update(visible=False)] * len(drop_zones), None, drop_zones
        ).then(lambda: [gr.update(visible=True)] * len(drop_zones), None, drop_zones)
        language.change(relabel, [language], [*labelled, *buttons, title_md, badge, share_role])
        language.change(page.views_in, [owner, language], [frame_html, findings, proposal, who])
        question.submit(page.ask, [question, language], [answer])
        docs_upload.upload(page.ingest, [docs_upload], [docs])
        remove.click(page.remove, [doc_id], [docs])
    # Bounded: a burst beyond the queue gets Gradio's "queue is full" message, not a hang.
    settings = services.settings
    demo.queue(max_size=settings.ui_queue_size, default_concurrency_limit=settings.ui_concurrency)
    return demo  # type: ignore[no-any-return]

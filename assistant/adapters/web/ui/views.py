"""Turn domain objects into what the page shows, and the page's edits back into a map.

Pure functions over domain models, no Gradio: every cell and message is escaped here.
"""

from __future__ import annotations

from html import escape

from assistant.capabilities.critique.critic import points_lost
from assistant.domain import CritiqueReport, JourneyMap, LaneKey, Lang, Persona, Provenance, Stage
from assistant.domain.edits import EditProposal
from assistant.formats.parse import MapParseError, parse_map
from assistant.formats.render import render
from assistant.formats.render.common import PERSONA_ORDER, Row, lane_rows
from assistant.formats.terms import lane_display, meta_display
from assistant.language.i18n import t

ITEM_SEPARATOR = "; "


def table(journey: JourneyMap | None) -> tuple[list[str], list[list[str]]]:
    """Headers (lane, stage names) and rows (one per lane) for the editable table.

    Suggestions keep their `` *`` (pattern) / `` **`` (model) mark, so an edit that keeps the
    mark keeps the provenance, and an edited cell without marks becomes the person's own.
    """
    if journey is None or not journey.stages:
        return ["", "—"], [["", ""]]
    rows = lane_rows(journey, "plain")
    headers = [t("ui_lane", journey.language), *(s.name for s in journey.stages)]
    return headers, [
        [row.name, *(_cell(row, i) for i in range(len(journey.stages)))] for row in rows
    ]


def _cell(row: Row, index: int) -> str:
    return ITEM_SEPARATOR.join(entry.marked() for entry in row.cells[index])


def apply_edits(
    journey: JourneyMap, before: list[list[str]], after: list[list[str]]
) -> tuple[JourneyMap, list[tuple[str, str]]]:
    """The map with every changed cell re-read; the (stage, lane) pairs that changed.

    Each changed cell is read as a one-cell map by the importer, so edits accept exactly what
    a pasted table accepts (emotions as words or numbers, ``(owner: ...; metric: ...)``).
    """
    updated = journey.model_copy(deep=True)
    changed: list[tuple[str, str]] = []
    for old_row, new_row in zip(before, after, strict=False):
        lane = str(old_row[0])
        for c in range(1, min(len(old_row), len(new_row), len(updated.stages) + 1)):
            old, new = str(old_row[c] or ""), str(new_row[c] or "")
            if old.strip() == new.strip():
                continue
            stage = updated.stages[c - 1]
            _replace_cell(stage, lane, new)
            changed.append((stage.name, lane))
    if changed:
        updated.version += 1
    return updated, changed


def _replace_cell(stage: Stage, lane: str, text: str) -> None:
    """Re-read one cell with the importer, so an edit accepts what a pasted table accepts."""
    from assistant.formats.terms import lane as lane_key

    cell = text.replace("|", "/").strip() or " "
    probe = f"| | {stage.name or '-'} |\n|---|---|\n| {lane} | {cell} |\n"
    try:
        parsed = parse_map(probe, "md").stages[0]
    except MapParseError as exc:
        raise ValueError(str(exc)) from exc
    found = lane_key(lane)
    if found is None:
        items = parsed.extra_lanes.get(lane, [])
        if items:
            stage.extra_lanes[lane] = items
        else:
            stage.extra_lanes.pop(lane, None)
        return
    key = found[0]
    setattr(stage, key, getattr(parsed, key))


PERSONA_FIELDS = ("name", *PERSONA_ORDER)


def persona_table(journey: JourneyMap | None) -> tuple[list[str], list[list[str]]]:
    """The persona card as an editable two-column table: every field, empty ones too (so a
    person can fill them in), lists joined with ``; ``."""
    if journey is None:
        return ["", "—"], [["", ""]]
    lang = journey.language
    persona = journey.persona or Persona(name="")
    rows = []
    for field in PERSONA_FIELDS:
        value = getattr(persona, field)
        text = ITEM_SEPARATOR.join(value) if isinstance(value, list) else value or ""
        label = meta_display("persona" if field == "name" else f"persona.{field}", lang)
        rows.append([label, text])
    return [t("ui_field", lang), t("ui_value", lang)], rows


def apply_persona_edits(
    journey: JourneyMap, before: list[list[str]], after: list[list[str]]
) -> tuple[JourneyMap, list[str]]:
    """The map with the persona's changed fields; the labels of the fields that changed. A
    map without a persona gets the person's own once they fill a field in."""
    persona = (journey.persona or Persona(name="", provenance=Provenance(kind="user"))).model_copy(
        deep=True
    )
    changed: list[str] = []
    for field, old_row, new_row in zip(PERSONA_FIELDS, before, after, strict=False):
        old, new = str(old_row[1] or "").strip(), str(new_row[1] or "").strip()
        if old == new:
            continue
        if isinstance(getattr(persona, field), list):
            setattr(persona, field, [part.strip() for part in new.split(";") if part.strip()])
        else:
            setattr(persona, field, new or (None if field == "b2b_role" else ""))
        changed.append(str(old_row[0]))
    if not changed:
        return journey, []
    if not persona.name.strip():
        raise ValueError(t("ui_persona_needs_name", journey.language))
    updated = journey.model_copy(update={"persona": persona, "version": journey.version + 1})
    return updated, changed


def map_frame(journey: JourneyMap | None, lang: Lang) -> str:
    """The rendered map (persona, table, emotion curve) in a sandboxed frame: no scripts."""
    if journey is None:
        return f'<p class="polku-empty">{escape(t("no_map_yet", lang))}</p>'
    content, _, _ = render(journey, "html")
    return (
        '<iframe class="polku-map" title="map" sandbox="" '
        'style="width:100%;height:78vh;min-height:560px;'
        f'border:0" srcdoc="{escape(content.decode("utf-8"), quote=True)}"></iframe>'
    )


SEVERITY_ICON = {"critical": "⛔", "warn": "⚠️", "info": "ℹ️"}


WHERE_WORDS = ("map", "stages", "persona", "evidence", "stakeholders")


def where_text(where: str, lang: Lang) -> str:
    """A finding's place in words: a stage's own name, a lane's name, or "the whole map"."""
    if where in WHERE_WORDS:
        return t(f"where_{where}", lang)
    lanes: dict[str, LaneKey] = {"emotion": "emotion", "pain_points": "pain_points"}
    lanes["touchpoints"] = "touchpoints"
    return lane_display(lanes[where], lang) if where in lanes else where


def findings_html(report: CritiqueReport | None, lang: Lang) -> str:
    if report is None:
        return ""
    rows = "".join(
        f'<tr class="finding {escape(f.severity)}"><td>{SEVERITY_ICON[f.severity]} '
        f"{escape(t('severity_' + f.severity, lang))}"
        f"{' · ' + escape(t('ui_model', lang)) if f.origin == 'llm' else ''}"
        f"</td><td>{escape(where_text(f.where, lang))}</td><td>{escape(f.message)}</td>"
        f"<td>{escape(f.suggestion)}</td><td>{escape(f.citation.title)}</td></tr>"
        for f in report.findings
    )
    head = "".join(
        f"<th>{escape(t(key, lang))}</th>"
        for key in ("ui_severity", "ui_where", "ui_finding", "ui_suggestion", "ui_source")
    )
    lost = points_lost(report, lang)
    return (
        f'<p class="polku-score"><strong>{escape(report.summary)}</strong>'
        + (f'<br><span class="polku-lost">{escape(lost)}</span>' if lost else "")
        + "</p>"
        f'<table class="polku-findings"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def proposal_html(proposal: EditProposal | None, lang: Lang) -> str:
    """The waiting change as a small diff table: where, before, after (escaped)."""
    if proposal is None:
        return ""
    rows = "".join(
        f'<tr><td class="where">{escape(c.where)}</td>'
        f'<td class="before">{escape(c.before) if c.before else "—"}</td>'
        f'<td class="after">{escape(c.after) if c.after else "—"}</td></tr>'
        for c in proposal.changes
    )
    head = "".join(
        f"<th>{escape(t(key, lang))}</th>" for key in ("ui_where", "ui_before", "ui_after")
    )
    return (
        f'<p class="polku-proposal-title"><strong>{escape(t("ui_proposal", lang))}</strong></p>'
        f'<table class="polku-diff"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )

"""HTML: one standalone page (inline CSS and SVG; no scripts, fonts or links) that prints
cleanly to PDF. Stages are columns, lanes are rows, and the emotion curve runs across the
stage columns. Suggestions look different from the person's own facts. All text is escaped,
and a Content-Security-Policy forbids scripts even if something slipped through.
"""

from __future__ import annotations

from html import escape

from assistant.domain import JourneyMap, Lang, Persona, Stage
from assistant.formats.render.common import (
    PERSONA_ORDER,
    SUGGESTED,
    Entry,
    has_evidence,
    has_suggestions,
    lane_rows,
    meta_pairs,
    signed,
)
from assistant.formats.render.priorities import (
    QUADRANT_FILL,
    QUADRANTS,
    has_ratings,
    placements,
    ranked,
)
from assistant.formats.terms import lane_display, meta_display
from assistant.language.i18n import t

CURVE_HEIGHT, CURVE_TOP, STEP = 150, 20, 27.5
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
:root{--ink:#1f2933;--muted:#52606d;--line:#cbd2d9;--head:#e4ecf7;--sugg:#fffbea}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:1.5rem;line-height:1.4}
h1{font-size:1.6rem;margin:0 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}
dt{font-weight:600;color:var(--muted)}
dd{margin:0}
dd ul{margin:0;padding-left:1.1rem}
.persona{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;
max-width:60rem}
.persona h2{margin:0 0 .5rem;font-size:1.2rem}
.persona blockquote{margin:.25rem 0 .75rem;font-style:italic;color:var(--muted)}
.canvas{overflow-x:auto;max-width:100%}
table.map{min-width:100%;border-collapse:separate;border-spacing:0;table-layout:fixed}
table.map th,table.map td{border:1px solid var(--line);padding:.4rem .5rem;vertical-align:top;
text-align:left;overflow-wrap:break-word;word-break:normal;hyphens:manual}
table.map thead th,table.map th[scope=row]{background:var(--head)}
table.map th[scope=row]{position:sticky;left:0;z-index:1;overflow-wrap:normal}
table.map col.lane{width:11.5rem}
table.map col.stage{width:13rem}
ul.items{list-style:none;margin:0;padding:0}
ul.items li{margin:0 0 .3rem;padding:.15rem .3rem;border:1px solid transparent;border-radius:4px}
.suggested{font-style:italic;border:1px dashed #9aa5b1 !important;background:var(--sugg);
color:var(--muted)}
.evidence{border-left:4px solid #2f855a !important;background:#f0fff4}
.evidence summary{cursor:pointer}
.evidence blockquote{margin:.3rem 0;font-style:italic}
.evidence cite{font-size:.85em;color:var(--muted)}
small.note{display:block;font-size:.8em;color:#9c4221}
td.curve{padding:0}
svg.curve{display:block;width:100%;height:150px}
.curve .zero{stroke:var(--line);stroke-dasharray:4 4}
.curve polyline{fill:none;stroke:#3e7cb1;stroke-width:2.5}
.curve circle{stroke:#fff;stroke-width:2}
.curve circle.suggested{stroke:#52606d;stroke-dasharray:3 2}
.curve text{font-size:11px;fill:var(--ink)}
.curve text.missing{font-size:14px;fill:#8a94a0}
td.missing{color:#8a94a0;font-style:italic}
.s-2{fill:#c0392b}.s-1{fill:#e67e22}.s0{fill:#95a5a6}.s1{fill:#27ae60}.s2{fill:#1e8449}
.legend{margin-top:.75rem;font-size:.9em;color:var(--muted)}
.priorities{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start;margin-top:1.25rem;
break-inside:avoid;page-break-inside:avoid}
.priorities h2{font-size:1.1rem;margin:0 0 .5rem;flex-basis:100%}
svg.matrix{width:330px;height:330px;flex:none}
.matrix text{font-size:11px;fill:var(--ink)}
.matrix text.quadrant{font-weight:600;fill:var(--muted);font-size:10px}
.matrix text.number{fill:#fff;font-weight:700;font-size:10px}
.matrix circle{fill:#3e7cb1;stroke:#fff;stroke-width:1.5}
ol.ranked{margin:0;padding-left:1.6rem;max-width:46rem}
ol.ranked li{margin:0 0 .35rem}
ol.ranked small{color:var(--muted)}
.legend span{padding:0 .3rem}
@media (max-width:600px){
body{margin:.5rem;font-size:.95rem}
h1{font-size:1.2rem}
table.map col.lane{width:9rem}
table.map col.stage{width:11rem}
dl{grid-template-columns:1fr}
}
@media print{
@page{size:A4 landscape;margin:10mm}
body{margin:0;font-size:9pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
thead{display:table-header-group}
tr,.persona,svg.curve{break-inside:avoid;page-break-inside:avoid}
.persona{max-width:none}
.canvas{overflow:visible}
table.map{width:100% !important}
table.map col.stage{width:auto}
table.map th[scope=row]{position:static}
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def render_html(journey: JourneyMap) -> str:
    lang = journey.language
    body = [
        f"<h1>{_e(journey.title)}</h1>",
        _meta(journey),
        _persona(journey.persona, lang) if journey.persona else "",
        _table(journey),
        f'<p class="legend"><span class="suggested">*</span> {_e(t("legend_html", lang))}</p>'
        if has_suggestions(journey)
        else "",
        f'<p class="legend"><span class="evidence">&nbsp;</span> '
        f"{_e(t('legend_evidence', lang))}</p>"
        if has_evidence(journey)
        else "",
        _priorities(journey),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(journey.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )


def _meta(journey: JourneyMap) -> str:
    pairs = meta_pairs(journey, "plain")[1:]  # the title is the heading
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in pairs)
    return f'<dl class="meta">{rows}</dl>' if rows else ""


def _persona(persona: Persona, lang: Lang) -> str:
    kind = ' suggested"' if persona.provenance.kind in SUGGESTED else '"'
    parts = [
        f'<section class="persona{kind}>',
        f"<h2>{_e(meta_display('persona', lang))}: {_e(persona.name)}</h2>",
    ]
    if persona.quote:
        parts.append(f"<blockquote>{_e(persona.quote)}</blockquote>")
    rows = []
    for field in (*(f for f in PERSONA_ORDER if f != "quote"), "evidence"):
        value = getattr(persona, field)
        texts = [s.title for s in value] if field == "evidence" else value
        if isinstance(texts, list):
            shown = "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in texts) + "</ul>"
        else:
            shown = _e(texts or "")
        if texts:
            rows.append(f"<dt>{_e(meta_display('persona.' + field, lang))}</dt><dd>{shown}</dd>")
    parts += [f"<dl>{''.join(rows)}</dl>" if rows else "", "</section>"]
    return "\n".join(parts)


def _entry(e: Entry) -> str:
    note = f'<small class="note">{_e(e.note)}</small>' if e.note else ""
    if e.kind == "evidence" and e.source:
        where = ", ".join(x for x in (e.source.title, e.source.chunk_id) if x)
        quote = f"<blockquote>“{_e(e.source.snippet)}”</blockquote>" if e.source.snippet else ""
        return (
            f'<li class="evidence"><details><summary>{_e(e.text)}</summary>{quote}'
            f"<cite>{_e(where)}</cite></details>{note}</li>"
        )
    css = ' class="suggested"' if e.suggested else ""
    return f"<li{css}>{_e(e.text)}{note}</li>"


def _entries(entries: list[Entry]) -> str:
    if not entries:
        return ""
    return f'<ul class="items">{"".join(_entry(e) for e in entries)}</ul>'


def _table(journey: JourneyMap) -> str:
    stages = journey.stages
    head = "".join(f'<th scope="col">{_e(s.name)}</th>' for s in stages)
    rows = []
    for row in lane_rows(journey, "plain"):
        if row.key == "emotion" and stages and not any(s.emotion.recorded for s in stages):
            missing = _e(t("emotion_missing", journey.language))
            cells = f'<td class="missing" colspan="{len(stages)}">{missing}</td>'
        elif row.key == "emotion" and stages:
            cells = f'<td class="curve" colspan="{len(stages)}">{_curve(journey)}</td>'
        else:
            cells = "".join(f"<td>{_entries(entries)}</td>" for entries in row.cells)
        rows.append(f'<tr><th scope="row">{_e(row.name)}</th>{cells}</tr>')
    return (
        f'<div class="canvas"><table class="map" style="width:{11.5 + 13 * len(stages):g}rem">'
        '\n<colgroup><col class="lane">'
        + '<col class="stage">' * len(stages)
        + f'</colgroup>\n<thead><tr><th scope="col"></th>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table></div>"
    )


def _y(score: int) -> float:
    return CURVE_TOP + (2 - score) * STEP


def _curve(journey: JourneyMap) -> str:
    """The emotion curve: a polyline through one point per stage column, with labels.

    The outer SVG places points and labels at percentages of the cell width (the centres
    of the equal-width stage columns); the inner one stretches the polyline to match.
    """
    stages, n = journey.stages, len(journey.stages)
    title = lane_display("emotion", journey.language)
    zero = _y(0)
    points = " ".join(
        f"{i * 100 + 50},{_y(s.emotion.score):g}"
        for i, s in enumerate(stages)
        if s.emotion.recorded
    )
    missing = t("emotion_missing", journey.language)
    marks = "".join(
        _point(i, n, s) if s.emotion.recorded else _unrecorded(i, n, s, missing)
        for i, s in enumerate(stages)
    )
    return (
        f'<svg class="curve" role="img" aria-label="{_e(title)}" width="100%" '
        f'height="{CURVE_HEIGHT}"><title>{_e(title)}</title>'
        f'<line class="zero" x1="0" x2="100%" y1="{zero:g}" y2="{zero:g}"/>'
        f'<svg width="100%" height="100%" viewBox="0 0 {n * 100} {CURVE_HEIGHT}" '
        f'preserveAspectRatio="none"><polyline points="{points}" '
        f'vector-effect="non-scaling-stroke"/></svg>{marks}</svg>'
    )


def _unrecorded(i: int, n: int, stage: Stage, missing: str) -> str:
    x = f"{(i + 0.5) * 100 / n:.3f}%"
    return (
        f'<text class="missing" x="{x}" y="{_y(0):g}" text-anchor="middle">'
        f"<title>{_e(stage.name)}: {_e(missing)}</title>?</text>"
    )


def _point(i: int, n: int, stage: Stage) -> str:
    emotion = stage.emotion
    x = f"{(i + 0.5) * 100 / n:.3f}%"
    y = _y(emotion.score)
    label = f"{emotion.label} ({signed(emotion.score)})" if emotion.label else signed(emotion.score)
    label_y = y - 12 if emotion.score < 0 else y + 22
    css = f"s{emotion.score}" + (" suggested" if emotion.provenance.kind in SUGGESTED else "")
    return (
        f'<circle class="{css}" cx="{x}" cy="{y:g}" r="7"><title>{_e(stage.name)}: '
        f"{_e(label)}</title></circle>"
        f'<text x="{x}" y="{label_y:g}" text-anchor="middle">{_e(label)}</text>'
    )


MATRIX, CELL, MARGIN = 330, 56, 35  # the value/effort matrix: 5 x 5 cells and room for labels


def _priorities(journey: JourneyMap) -> str:
    """The opportunities ranked, beside the value/effort matrix that numbers them alike."""
    if not has_ratings(journey):
        return ""
    lang = journey.language
    items = []
    for item in ranked(journey):
        o = item.opportunity
        rating = (
            t("priorities_line", lang, value=o.value, effort=o.effort)
            if item.rated
            else t("priorities_not_rated", lang)
        )
        owner = f" · {_e(o.owner)}" if o.owner else ""
        items.append(
            f'<li value="{item.number}">{_e(o.text)} <small>({_e(item.stage)} · '
            f"{_e(rating)}{owner})</small></li>"
        )
    return (
        f'<section class="priorities"><h2>{_e(t("priorities_heading", lang))}</h2>'
        f'{_matrix(journey)}<ol class="ranked">{"".join(items)}</ol></section>'
    )


def _at(score: float, axis: str) -> float:
    """The pixel of a 1..5 score: x grows with effort, y with value (upwards)."""
    if axis == "x":
        return MARGIN + (score - 0.5) * CELL
    return MATRIX - MARGIN - (score - 0.5) * CELL


def _matrix(journey: JourneyMap) -> str:
    lang = journey.language
    bottom, left = MATRIX - MARGIN, MARGIN
    parts = [
        f'<svg class="matrix" role="img" viewBox="0 0 {MATRIX} {MATRIX}" '
        f'aria-label="{_e(t("matrix_title", lang))}"><title>{_e(t("matrix_title", lang))}</title>'
    ]
    for key, ((x0, y0), (x1, y1), where) in QUADRANTS.items():
        x, y = _at(x0, "x"), _at(y1, "y")
        width, height = (x1 - x0) * CELL, (y1 - y0) * CELL
        label_y = y + 15 if where == "top" else y + height - 6
        parts.insert(
            1,
            f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" '
            f'fill="{QUADRANT_FILL[key]}"/>',
        )  # every quadrant first, then the names over them
        parts.append(
            f'<text class="quadrant" x="{x + 5:g}" y="{label_y:g}">'
            f"{_e(t(f'matrix_{key}', lang))}</text>"
        )
    for item, effort, value in placements(journey):
        x, y = _at(effort, "x"), _at(value, "y")
        parts.append(
            f'<circle cx="{x:g}" cy="{y:g}" r="8"><title>{item.number}. '
            f"{_e(item.opportunity.text)}</title>"
            f'</circle><text class="number" x="{x:g}" y="{y + 3.5:g}" text-anchor="middle">'
            f"{item.number}</text>"
        )
    middle_x, middle_y = _at(3, "x"), _at(3, "y")
    parts.append(
        f'<text x="{middle_x:g}" y="{bottom + 28:g}" text-anchor="middle">'
        f"{_e(t('matrix_effort', lang))}</text>"
        f'<text x="10" y="{middle_y:g}" text-anchor="middle" '
        f'transform="rotate(-90 10 {middle_y:g})">{_e(t("matrix_value", lang))}</text>'
    )
    for n in range(1, 6):
        parts.append(
            f'<text x="{_at(n, "x"):g}" y="{bottom + 13:g}" text-anchor="middle">{n}</text>'
            f'<text x="{left - 8:g}" y="{_at(n, "y") + 4:g}" text-anchor="end">{n}</text>'
        )
    return "".join(parts) + "</svg>"

"""The emotion curve as a picture: SVG (text kept as text) or PNG, one point per stage.

Drawn with matplotlib's object API (no pyplot: no global figure state, safe across the page's
threads) and its bundled DejaVu font, so nothing is downloaded and ä, ö and õ render. A stage
whose emotion was never recorded is a grey "?" with a gap in the line, never a point at 0;
a suggested emotion has a dashed ring, as in the HTML export.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import TYPE_CHECKING

from assistant.domain import JourneyMap, Stage
from assistant.formats.render.common import SUGGESTED, signed
from assistant.formats.terms import lane_display
from assistant.language.i18n import t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

COLOURS = {-2: "#c0392b", -1: "#e67e22", 0: "#95a5a6", 1: "#27ae60", 2: "#1e8449"}
INK, MUTED, LINE, CURVE = "#1f2933", "#52606d", "#cbd2d9", "#3e7cb1"
STAGE_INCHES, HEIGHT_INCHES, PNG_DPI = 1.7, 3.6, 150
STAGE_WRAP, LABEL_WRAP = 16, 18


def render_curve_svg(journey: JourneyMap) -> str:
    """The curve as a standalone SVG document (text as text, so it stays searchable)."""
    return _draw(journey, "svg").decode("utf-8")


def render_curve_png(journey: JourneyMap) -> bytes:
    """The curve as a PNG image (also placed in the XLSX export)."""
    return _draw(journey, "png")


def _draw(journey: JourneyMap, fmt: str) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    stages, lang = journey.stages, journey.language
    n = max(len(stages), 1)
    style = {"svg.fonttype": "none", "svg.hashsalt": "polku", "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(max(6.0, STAGE_INCHES * n + 1.4), HEIGHT_INCHES))
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        xs = list(range(len(stages)))
        ys = [s.emotion.score if s.emotion.recorded else math.nan for s in stages]
        axes.axhline(0, color=LINE, linestyle=(0, (4, 4)), linewidth=1)
        axes.plot(xs, ys, color=CURVE, linewidth=2.5, zorder=2)
        for x, stage in enumerate(stages):
            _mark(axes, x, stage, t("emotion_missing", lang))
        axes.set_xlim(-0.5, n - 0.5)
        axes.set_ylim(-2.9, 2.9)
        axes.set_yticks([-2, -1, 0, 1, 2], [signed(v) for v in (-2, -1, 0, 1, 2)])
        axes.set_xticks(xs, [_wrap(s.name, STAGE_WRAP) for s in stages])
        axes.tick_params(colors=MUTED, labelcolor=INK, labelsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.set_ylabel(lane_display("emotion", lang), color=MUTED)
        axes.set_title(journey.title, loc="left", color=INK, fontsize=11, fontweight="bold")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format=fmt, dpi=PNG_DPI, metadata=_metadata(fmt, journey))
    return out.getvalue()


def _mark(axes: Axes, x: int, stage: Stage, missing: str) -> None:
    """One stage's point and its label (or the grey question mark of a missing emotion)."""
    emotion = stage.emotion
    if not emotion.recorded:
        axes.text(x, 0, "?", ha="center", va="center", fontsize=15, color="#8a94a0")
        axes.text(x, -0.45, missing, ha="center", va="top", fontsize=8, color="#8a94a0")
        return
    suggested = emotion.provenance.kind in SUGGESTED
    axes.scatter(
        [x],
        [emotion.score],
        s=110,
        color=COLOURS.get(emotion.score, COLOURS[0]),
        edgecolors=MUTED if suggested else "white",
        linewidths=1.5,
        linestyles="--" if suggested else "-",
        zorder=3,
    )
    label = f"{emotion.label} ({signed(emotion.score)})" if emotion.label else signed(emotion.score)
    below = emotion.score > 0
    axes.text(
        x,
        emotion.score + (-0.3 if below else 0.3),
        _wrap(label, LABEL_WRAP),
        ha="center",
        va="top" if below else "bottom",
        fontsize=8.5,
        color=INK,
    )


def _wrap(text: str, width: int) -> str:
    """Lines of whole words (a word longer than the width keeps its own line, unbroken)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _metadata(fmt: str, journey: JourneyMap) -> dict[str, str | None]:
    """No creation date in the file, so the same map gives the same bytes."""
    if fmt == "svg":
        return {"Date": None, "Title": journey.title}
    return {"Title": journey.title, "Software": "Polku"}

"""Opportunities ranked by value and effort, and the value/effort matrix as a picture.

The rank: quick wins first (most value for least effort: value minus effort, then value),
opportunities nobody rated last. The matrix puts each rated opportunity at its effort (x)
and value (y), numbered as in the ranked list, with the four quadrants named in the map's
language. Drawn with matplotlib's object API and bundled font, as the emotion curve is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from assistant.domain import JourneyMap, Opportunity
from assistant.language.i18n import t

INK, MUTED, LINE = "#1f2933", "#52606d", "#cbd2d9"
QUADRANT_FILL = {"quick": "#e3f9e5", "big": "#e6f0ff", "fill": "#f5f7fa", "reconsider": "#fff1f0"}
# High value is 4-5, low effort 1-2 (3 is the middle): the quadrants' corners in scores, and
# where its name goes (top or bottom of the quadrant, away from the busy middle).
QUADRANTS = {
    "quick": ((0.5, 3.5), (2.5, 5.5), "top"),
    "big": ((2.5, 3.5), (5.5, 5.5), "top"),
    "fill": ((0.5, 0.5), (2.5, 3.5), "bottom"),
    "reconsider": ((2.5, 0.5), (5.5, 3.5), "bottom"),
}
# Several opportunities at one score sit around it, in this order (in thirds of a cell).
SPREAD = [(0, 0), (1, 0), (-1, 0), (0, 1), (1, 1), (-1, 1), (0, -1), (1, -1), (-1, -1)]


def spot(effort: int, value: int, index: int) -> tuple[float, float]:
    """Where the ``index``-th opportunity at one (effort, value) goes, in score units."""
    dx, dy = SPREAD[index % len(SPREAD)]
    return effort + dx * 0.3, value - dy * 0.3


@dataclass(frozen=True)
class Ranked:
    """One opportunity in the ranked list: its number, where it is on the map."""

    number: int
    stage: str
    opportunity: Opportunity

    @property
    def rated(self) -> bool:
        return self.opportunity.value is not None and self.opportunity.effort is not None


def ranked(journey: JourneyMap) -> list[Ranked]:
    """Every opportunity on the map, the most value for the least effort first."""
    found = [(stage.name, o) for stage in journey.stages for o in stage.opportunities]

    def order(pair: tuple[str, Opportunity]) -> tuple[int, int, int]:
        o = pair[1]
        if o.value is None or o.effort is None:
            return (1, 0, 0)
        return (0, -(o.value - o.effort), -o.value)

    ordered = sorted(found, key=order)
    return [Ranked(n, stage, o) for n, (stage, o) in enumerate(ordered, start=1)]


def placements(journey: JourneyMap) -> list[tuple[Ranked, float, float]]:
    """Each rated opportunity with where it sits on the matrix (effort, value), several at
    one score spread around it."""
    placed: dict[tuple[int, int], int] = {}
    found = []
    for item in ranked(journey):
        o = item.opportunity
        if o.value is None or o.effort is None:
            continue
        index = placed.get((o.effort, o.value), 0)
        placed[(o.effort, o.value)] = index + 1
        found.append((item, *spot(o.effort, o.value, index)))
    return found


def has_ratings(journey: JourneyMap) -> bool:
    return any(r.rated for r in ranked(journey))


def render_matrix_png(journey: JourneyMap) -> bytes:
    return _draw(journey, "png")


def render_matrix_svg(journey: JourneyMap) -> str:
    return _draw(journey, "svg").decode("utf-8")


def _draw(journey: JourneyMap, fmt: str) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    lang = journey.language
    style = {"svg.fonttype": "none", "svg.hashsalt": "polku", "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(6.4, 5.2))
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_xlim(0.5, 5.5)
        axes.set_ylim(0.5, 5.5)
        for key, ((x0, y0), (x1, y1), where) in QUADRANTS.items():
            fill = QUADRANT_FILL[key]
            axes.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=fill, zorder=0))
            axes.text(
                x0 + 0.1,
                y1 - 0.1 if where == "top" else y0 + 0.1,
                t(f"matrix_{key}", lang),
                ha="left",
                va="top" if where == "top" else "bottom",
                fontsize=9,
                color=MUTED,
                fontweight="bold",
            )
        for item, x, y in placements(journey):
            axes.scatter([x], [y], s=200, color="#3e7cb1", edgecolors="white", zorder=3)
            axes.text(x, y, str(item.number), ha="center", va="center", fontsize=7.5,
                      color="white", fontweight="bold", zorder=4)  # fmt: skip
        axes.set_xticks([1, 2, 3, 4, 5])
        axes.set_yticks([1, 2, 3, 4, 5])
        axes.set_xlabel(t("matrix_effort", lang), color=MUTED)
        axes.set_ylabel(t("matrix_value", lang), color=MUTED)
        axes.set_title(t("matrix_title", lang), loc="left", color=INK, fontsize=11,
                       fontweight="bold")  # fmt: skip
        axes.tick_params(colors=MUTED, labelcolor=INK, labelsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": "Polku"}
        figure.savefig(out, format=fmt, dpi=150, metadata=metadata)
    return out.getvalue()

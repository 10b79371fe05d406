"""Two lanes the drafter fills from the library: the moments of truth (where a customer of
this trade forms a lasting opinion: one to three stages, never most of them) and the failure
paths (what typically goes wrong at a stage, and how the customer gets back on track).

Both are extra lanes under names the critic recognises in each language, so a draft shows
its moments of truth and at least one failure with its recovery, as the knowledge base's
"Moments of truth and what happens when things go wrong" asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.capabilities.drafting.stages import PlannedStage
from assistant.capabilities.drafting.trades import TradeFit
from assistant.catalog.library import LibraryText, TradeLibrary
from assistant.catalog.roles import Role
from assistant.domain import Item, Lang, Provenance, Stage
from assistant.language.i18n import t
from assistant.retrieval.documents import kb_source

DOC = "moments-of-truth-and-recovery"
MOMENTS_LANE = "lane_moments_of_truth"
FAILURES_LANE = "lane_failure_paths"
MAX_FAILURE_ITEMS = 3


def _source(fit: TradeFit, field: str) -> TradeLibrary:
    """The trade whose lane content the draft uses: the best trade's, else the generic."""
    for trade in (*fit.trades, fit.generic):
        if getattr(trade, field):
            return trade
    return fit.generic


def _fitting(fit: TradeFit, trade: TradeLibrary, items: list[LibraryText]) -> list[LibraryText]:
    return [item for item in items if fit.belongs(trade, item)]


def _stage_of(role: Role, planned: Sequence[PlannedStage], taken: set[int]) -> int | None:
    """The first stage holding ``role`` that has no item of this lane yet."""
    return next(
        (i for i, stage in enumerate(planned) if role in stage.roles and i not in taken), None
    )


def add_moment_lanes(
    stages: list[Stage], planned: Sequence[PlannedStage], fit: TradeFit, lang: Lang
) -> None:
    """Mark the trade's moments of truth and failure paths on the stages they happen at."""
    mark = Provenance(kind="pattern", source=kb_source(DOC, lang))
    most = max(1, min(3, len(stages) // 2))  # marking most stages would prioritise none
    trade = _source(fit, "moments_of_truth")
    taken: set[int] = set()
    for role, items in trade.moments_of_truth.items():
        found = _fitting(fit, trade, items)
        where = _stage_of(role, planned, taken)
        if not found or where is None or len(taken) == most:
            continue
        taken.add(where)
        lane = stages[where].extra_lanes.setdefault(t(MOMENTS_LANE, lang), [])
        lane.append(Item(text=found[0].get(lang), provenance=mark))
    trade = _source(fit, "failure_paths")
    added = 0
    for role, items in trade.failure_paths.items():
        where = _stage_of(role, planned, set())
        if where is None:
            continue
        for item in _fitting(fit, trade, items)[:2]:
            if added == MAX_FAILURE_ITEMS:
                return
            lane = stages[where].extra_lanes.setdefault(t(FAILURES_LANE, lang), [])
            lane.append(Item(text=item.get(lang), provenance=mark))
            added += 1

"""Which trades of the drafting library fit a business.

Two signals, neither a gate: what the person's description means (e5 similarity to each
trade's description, in all three languages, so a description in another language than the
answers still finds its trade), and the words that name a trade (its aliases, including the
industry the person gave). The best trade is drafted from; a second one joins when it fits
almost as well and the person names it too (a bike shop that also repairs bikes). When no
trade fits clearly, the generic items alone are used, so no item from a wrong trade can
appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.catalog.library import TradeLibrary, library
from assistant.catalog.roles import Role
from assistant.domain import LANGS, InterviewAnswers, Localized
from assistant.language.vocabulary import mention_spans, mentions
from assistant.retrieval.meaning import Meaning

GENERIC = "generic"
ALIAS_WEIGHT = 0.03  # per alias the description names, up to MAX_ALIASES
MAX_ALIASES = 3
CLOSEST = 3
MIN_LEAD = 0.012  # how far the best trade must stand above the typical one to count
SECOND_WITHIN = 0.012  # a second trade joins when it is this close to the best (and named)
CLEAR_LEAD = 0.025  # the best trade is beyond doubt when this far above the second
ELSEWHERE = 0.01  # an item sounds like another trade when this much closer to its profiles...
LESS_FIT = 0.04  # ...and that trade fits the business this much worse than the item's own


class Branched(Protocol):
    @property
    def branches(self) -> list[str]: ...


@dataclass(frozen=True)
class TradeFit:
    """The trades a draft draws from, best first, and every trade's score."""

    trades: tuple[TradeLibrary, ...]
    generic: TradeLibrary
    scores: dict[str, float] = field(default_factory=dict)
    branches: dict[str, frozenset[str]] = field(default_factory=dict)  # named, per trade

    def belongs(self, trade: TradeLibrary, item: Branched) -> bool:
        """Whether a library item of ``trade`` belongs to this business: it fits the whole
        trade, or one of the branches the person named (a driving school gets no language
        certificates from adult education)."""
        return not item.branches or bool(
            self.branches.get(trade.trade, frozenset()) & set(item.branches)
        )

    def named_branch(self) -> str | None:
        """The one branch of the best trade this business names, if it names exactly one."""
        named = self.branches.get(self.primary.trade, frozenset())
        return next(iter(named)) if len(named) == 1 else None

    def customer_goal(self, role: Role) -> Localized:
        """The best trade's customer goal for ``role``, in the words of this business's one
        branch when that branch has its own (a florist's, not a shop's in general)."""
        content = self.primary.roles[role]
        branch = self.named_branch()
        own = content.branch_goals.get(branch) if branch else None
        return own or content.customer_goal

    @property
    def stage_model(self) -> str:
        """The best trade's stage model, or its branch's when the business is of one branch
        that has its own (a car wash within vehicle service)."""
        branch = self.named_branch()
        own = self.primary.branches[branch].stage_model if branch else None
        return own or self.primary.stage_model

    @property
    def primary(self) -> TradeLibrary:
        return self.trades[0] if self.trades else self.generic

    @property
    def confident(self) -> bool:
        """Whether the best trade stands clearly above the next one (else its items must
        earn their place against the generic ones, item by item)."""
        ranked = sorted(self.scores.values(), reverse=True)
        return bool(self.trades) and (len(ranked) < 2 or ranked[0] - ranked[1] >= CLEAR_LEAD)

    @property
    def sources(self) -> tuple[TradeLibrary, ...]:
        """Every library the draft may draw items from: the trades, then the generic one."""
        return (*self.trades, self.generic)


def described(answers: InterviewAnswers) -> str:
    """What the person said about their business, as one text."""
    parts = [answers.business, answers.industry or "", answers.persona.who]
    return ". ".join(part.strip() for part in parts if part and part.strip())


def profiles(trade: TradeLibrary) -> list[str]:
    """What a trade is compared on: its description and its example businesses, in every
    language (a description in another language than the answers still finds its trade)."""
    described = [f"{trade.name.get(lang)}: {trade.description.get(lang)}" for lang in LANGS]
    return described + trade.examples.all()


def score_trades(text: str, meaning: Meaning) -> dict[str, float]:
    """Every trade's fit to ``text``: how close it is to the trade's closest profiles (the
    mean of the best ``CLOSEST``), plus the trade's own words that it names."""
    trades = [trade for trade in library().values() if trade.trade != GENERIC]
    named = named_counts(text, trades)
    scores = {}
    for trade in trades:
        similarity = np.sort(meaning.similarity([text], profiles(trade))[0])[-CLOSEST:]
        count = min(MAX_ALIASES, named[trade.trade])
        scores[trade.trade] = float(similarity.mean()) + ALIAS_WEIGHT * count
    return scores


def named_counts(text: str, trades: list[TradeLibrary]) -> dict[str, int]:
    """How many of each trade's own words ``text`` names, where a name inside another
    trade's longer name does not count: "koerte ilusalong" (a dog groomer) is no "ilusalong"
    (a beauty salon). Within one trade both count ("bike shop" and "shop")."""
    spans = {trade.trade: mention_spans(text, trade.aliases.all()) for trade in trades}

    def inside_longer(span: tuple[int, int], own: str) -> bool:
        start, end = span
        return any(
            s <= start and end <= e and (s, e) != span
            for other, found in spans.items()
            if other != own
            for s, e in found
        )

    return {
        trade: sum(1 for span in found if not inside_longer(span, trade))
        for trade, found in spans.items()
    }


def elsewhere(texts: list[str], own: list[str], fit: TradeFit, meaning: Meaning) -> list[bool]:
    """Whether each library item (``texts``, from the trades ``own``) is about another kind
    of business that fits this one clearly worse: a broad trade's item for one of its
    branches (a health centre's prescriptions among the public services a daycare office
    drafts from). Generic items belong everywhere, and so do the items of a trade that names
    its branches: their tags (``TradeFit.belongs``) already keep another branch's out."""
    names = [name for name in fit.scores if name in library()]
    if not texts or not names:
        return [False] * len(texts)
    every = library()
    closeness = np.stack(
        [
            np.sort(meaning.similarity(texts, profiles(every[name])), axis=1)[:, -CLOSEST:].mean(
                axis=1
            )
            for name in names
        ],
        axis=1,
    )
    found = []
    for row, trade in enumerate(own):
        if trade not in names or every[trade].branches:
            found.append(False)  # a trade with branches says by tags where its items fit
            continue
        mine = closeness[row, names.index(trade)]
        found.append(
            any(
                closeness[row, column] > mine + ELSEWHERE
                and fit.scores[other] < fit.scores[trade] - LESS_FIT
                for column, other in enumerate(names)
                if other != trade
            )
        )
    return found


def distinctly_named(text: str, trade: TradeLibrary, beside: TradeLibrary) -> bool:
    """Whether ``text`` names ``trade`` by a word that ``beside``'s own businesses do not use:
    "korjaamo" makes a bike shop a repair shop too, but "küünte lõikus" (clipping claws)
    does not make a dog groomer a nail studio."""
    theirs = " ".join(profiles(beside))
    return any(
        mentions(text, [alias]) and not mentions(theirs, [alias]) for alias in trade.aliases.all()
    )


def fit_trades(answers: InterviewAnswers, meaning: Meaning) -> TradeFit:
    """The trades that fit what the person described (none: the generic items only)."""
    every = library()
    text = described(answers)
    if not text:
        return TradeFit((), every[GENERIC])
    scores = score_trades(text, meaning)
    ranked = sorted(scores, key=lambda trade: -scores[trade])
    typical = sorted(scores.values())[len(scores) // 2]
    best = ranked[0]
    if scores[best] - typical < MIN_LEAD:
        return TradeFit((), every[GENERIC], scores)
    second = ranked[1]
    named_best = mentions(text, every[best].aliases.all()) > 0
    if scores[best] - scores[second] < CLEAR_LEAD and not named_best:
        return TradeFit((), every[GENERIC], scores)  # in doubt: no trade's items at all
    chosen = [best]
    close = scores[best] - scores[second] <= SECOND_WITHIN
    named = distinctly_named(text, every[second], every[best])  # both trades named: a bike
    if close and named and scores[second] - typical >= MIN_LEAD:  # shop that also repairs
        chosen.append(second)
    named_branches = {t: frozenset(every[t].named_branches(text)) for t in chosen}
    return TradeFit(tuple(every[t] for t in chosen), every[GENERIC], scores, named_branches)

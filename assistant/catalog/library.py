"""The drafting library (``knowledge/library/*.yaml``): stage-role items per trade, in three
languages, that drafting retrieves from.

One file per trade (plus ``generic.yaml``, written to fit any business). Each file holds, for
each of the ten journey roles, the items a map of that trade would draw: the customer's goal,
actions, touchpoints, thoughts, an emotion with its reason, pain points each with a concrete
remedy, opportunities, and the service-blueprint lanes. Owners are role keys (``front_desk``,
``service_staff``...) that each trade names in its own words, so a generic remedy gets an
owner that exists in that kind of business.

A broad trade names its ``branches`` (education: language courses, driving school, crafts):
an item that happens in one branch only says so (``branches: [driving]``) and is drawn only
for a business that names that branch; an item without branches fits the whole trade.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from assistant.catalog.roles import ROLES, Role
from assistant.domain import Localized, LocalizedList, Strict, TouchpointKind
from assistant.language.vocabulary import mentions
from assistant.resources import knowledge_dir, load_data

OwnerKey = Literal[
    "management",
    "front_desk",
    "service_staff",
    "sales",
    "marketing",
    "digital",
    "operations",
    "finance",
]
OWNER_KEYS: tuple[OwnerKey, ...] = get_args(OwnerKey)
MAX_CELL_CHARS = 140
MAX_MOMENTS_OF_TRUTH = 3
UNTAGGED_AT_LEAST = {
    "actions": 2,
    "touchpoints": 2,
    "thoughts": 2,
    "pain_points": 2,
    "opportunities": 1,
    "frontstage": 1,
    "backstage": 1,
    "support_processes": 1,
    "physical_evidence": 1,
}


def _short(text: Localized, what: str) -> Localized:
    for lang in ("en", "fi", "et"):
        value = getattr(text, lang)
        if len(value) > MAX_CELL_CHARS:
            raise ValueError(f"{what} is over {MAX_CELL_CHARS} characters in {lang}: {value!r}")
    return text


BRANCHES_FIELD: list[str] = Field(
    default_factory=list,
    description="The branches of the trade this item happens in (keys of the trade's "
    "`branches`); empty: the whole trade.",
)


class Branch(Strict):
    """One branch of a broad trade: a driving school within adult education."""

    name: Localized
    aliases: LocalizedList = Field(
        description="Lower-case words or stems a business of this branch is described with."
    )
    stage_model: str | None = Field(
        default=None,
        description="The stage model for a business of this branch alone, when the trade's "
        "does not fit it (a car wash is a visit, not a repair).",
    )


class LibraryText(Localized):
    """An item's text in three languages, and the branches it belongs to."""

    branches: list[str] = BRANCHES_FIELD


class LibraryTouchpoint(Strict):
    channel: Localized = Field(description="The channel's name, e.g. 'Instagram', 'Front desk'.")
    kind: TouchpointKind
    description: Localized = Field(description="What happens there, in a few words.")
    branches: list[str] = BRANCHES_FIELD


class LibraryEmotion(Strict):
    score: int = Field(ge=-2, le=2)
    label: Localized = Field(description="One or two words: 'relieved', 'helpottunut'.")
    reason: Localized = Field(description="Why the customer feels so here, one short clause.")


class LibraryOpportunity(Strict):
    text: Localized = Field(description="A concrete change, in the imperative.")
    owner: OwnerKey = Field(description="Who in this business owns it (a key of `owners`).")
    metric: Localized = Field(description="How success is measured.")
    value: int = Field(ge=1, le=5, description="Value to the customer and the business, 1-5.")
    effort: int = Field(ge=1, le=5, description="Effort to make the change, 1-5.")
    branches: list[str] = BRANCHES_FIELD


class LibraryPain(Strict):
    text: Localized = Field(description="What goes wrong for the customer.")
    remedy: LibraryOpportunity = Field(description="The concrete remedy for this pain.")
    branches: list[str] = BRANCHES_FIELD


class RoleContent(Strict):
    """What one journey role holds for one trade."""

    customer_goal: Localized
    actions: list[LibraryText] = Field(min_length=2)
    touchpoints: list[LibraryTouchpoint] = Field(min_length=2)
    thoughts: list[LibraryText] = Field(min_length=2)
    emotion: LibraryEmotion
    pain_points: list[LibraryPain] = Field(min_length=2)
    opportunities: list[LibraryOpportunity] = Field(min_length=1)
    frontstage: list[LibraryText] = Field(min_length=1)
    backstage: list[LibraryText] = Field(min_length=1)
    support_processes: list[LibraryText] = Field(min_length=1)
    physical_evidence: list[LibraryText] = Field(min_length=1)
    branch_goals: dict[str, Localized] = Field(
        default_factory=dict,
        description="The customer's goal here for a business of one branch, by branch key, "
        "where the trade's goal would be wrong for it.",
    )

    def tagged(self) -> list[LibraryText | LibraryTouchpoint | LibraryPain | LibraryOpportunity]:
        """Every item that may name branches."""
        return [
            *self.actions,
            *self.touchpoints,
            *self.thoughts,
            *self.pain_points,
            *self.opportunities,
            *self.frontstage,
            *self.backstage,
            *self.support_processes,
            *self.physical_evidence,
        ]

    @model_validator(mode="after")
    def _cells_short(self) -> RoleContent:
        texts = [self.customer_goal, *self.actions, *self.thoughts, self.emotion.label]
        texts += [p.text for p in self.pain_points] + [p.remedy.text for p in self.pain_points]
        texts += [o.text for o in self.opportunities]
        texts += [*self.frontstage, *self.backstage, *self.support_processes]
        texts += [*self.physical_evidence, *(t.channel for t in self.touchpoints)]
        for text in texts:
            _short(text, "a cell")
        return self


class TradeLibrary(Strict):
    """One trade's file."""

    trade: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Localized
    description: Localized = Field(description="What businesses of this trade do, for whom.")
    aliases: LocalizedList = Field(description="Lower-case words or stems that name the trade.")
    examples: LocalizedList = Field(
        default_factory=LocalizedList,
        description="Short descriptions of real businesses of this trade, as their owners "
        "would put them: drafting compares the person's description with them by meaning.",
    )
    default_model: Literal["b2b", "b2c"]
    stage_model: str = Field(description="The stage model id that fits this trade best.")
    source_docs: list[str] = Field(min_length=1, description="Knowledge document ids cited.")
    owners: dict[OwnerKey, Localized] = Field(description="Each owner key in this trade's words.")
    stakeholders: list[Localized] = Field(
        default_factory=list, description="B2B buying committee roles."
    )
    branches: dict[str, Branch] = Field(
        default_factory=dict,
        description="The branches of a broad trade; items name the ones they belong to.",
    )
    moments_of_truth: dict[Role, list[LibraryText]] = Field(
        default_factory=dict,
        description="The one to three roles where a customer of this trade forms a lasting "
        "opinion, most decisive first, each with what happens there that decides it.",
    )
    failure_paths: dict[Role, list[LibraryText]] = Field(
        default_factory=dict,
        description="What typically goes wrong at a role, and how the customer gets back on "
        "track: 'Bike not ready on the promised day -> an SMS with the new date'.",
    )
    roles: dict[Role, RoleContent]

    @model_validator(mode="after")
    def _lanes_and_branches(self) -> TradeLibrary:
        """At most three moments of truth; every branch an item names is declared; each
        role keeps enough items that fit the whole trade."""
        if len(self.moments_of_truth) > MAX_MOMENTS_OF_TRUTH:
            raise ValueError(
                f"{len(self.moments_of_truth)} moments of truth: at most "
                f"{MAX_MOMENTS_OF_TRUTH} (if every stage is one, none is)"
            )
        lanes = [*self.moments_of_truth.values(), *self.failure_paths.values()]
        for text in (text for lane in lanes for text in lane):
            _short(text, "a moment of truth or failure path")
        items: list[tuple[str, LibraryText | LibraryTouchpoint | LibraryPain | LibraryOpportunity]]
        items = [("moments and failures", t) for lane in lanes for t in lane]
        items += [(role, i) for role, content in self.roles.items() for i in content.tagged()]
        for where, item in items:
            unknown = [b for b in item.branches if b not in self.branches]
            if unknown:
                raise ValueError(f"{where}: branches {unknown} are not in `branches`")
        for role, content in self.roles.items():
            unknown = [b for b in content.branch_goals if b not in self.branches]
            if unknown:
                raise ValueError(f"{role}.branch_goals: {unknown} are not in `branches`")
            for goal in content.branch_goals.values():
                _short(goal, "a branch goal")
        for role, content in self.roles.items():
            for lane, least in UNTAGGED_AT_LEAST.items():
                untagged = [item for item in getattr(content, lane) if not item.branches]
                if len(untagged) < least:
                    raise ValueError(
                        f"{role}.{lane}: {len(untagged)} items fit the whole trade, at least "
                        f"{least} must (a business that names no branch draws only those)"
                    )
        return self

    def named_branches(self, text: str) -> set[str]:
        """The branches a business description names (by their aliases)."""
        return {
            key for key, branch in self.branches.items() if mentions(text, branch.aliases.all())
        }

    @field_validator("owners")
    @classmethod
    def _every_owner(cls, owners: dict[OwnerKey, Localized]) -> dict[OwnerKey, Localized]:
        missing = [key for key in OWNER_KEYS if key not in owners]
        if missing:
            raise ValueError(f"owners missing for {missing}")
        return owners

    @field_validator("roles")
    @classmethod
    def _every_role(cls, roles: dict[Role, RoleContent]) -> dict[Role, RoleContent]:
        missing = [role for role in ROLES if role not in roles]
        if missing:
            raise ValueError(f"content missing for roles {missing}")
        return roles


@cache
def library() -> dict[str, TradeLibrary]:
    """Every trade's library file, by trade id."""
    found = sorted((knowledge_dir() / "library").glob("*.yaml"))
    loaded = [load_data(path, TradeLibrary) for path in found]
    return {trade.trade: trade for trade in loaded}


def check_files(paths: list[str]) -> list[str]:
    """Validate library files; the problems found (empty when all are valid)."""
    from pathlib import Path

    from assistant.resources import CatalogError

    problems = []
    for path in paths:
        try:
            load_data(Path(path), TradeLibrary)
        except CatalogError as exc:
            problems.append(str(exc))
    return problems


if __name__ == "__main__":
    import sys

    every = [str(path) for path in (knowledge_dir() / "library").glob("*.yaml")]
    found = check_files(sys.argv[1:] or every)
    print("\n".join(found) or "library files valid")
    sys.exit(1 if found else 0)


def named_trade(text: str) -> TradeLibrary | None:
    """The trade whose words the text names most, the longest word deciding a tie ("online
    shop" over "shop"); None when it names none (the drafter then decides by meaning)."""
    best: tuple[int, int, TradeLibrary] | None = None
    for trade in library().values():
        if trade.trade == "generic":
            continue
        named = [alias for alias in trade.aliases.all() if mentions(text, [alias])]
        if named:
            score = (len(named), max(len(alias) for alias in named))
            if best is None or score > best[:2]:
                best = (*score, trade)
    return best[2] if best else None

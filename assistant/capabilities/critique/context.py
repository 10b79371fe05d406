"""What every check shares: the map context the critic infers, the shape of a check's hits,
and the ways of reading a map's entries (all items, the texts of a stage, lane names)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from assistant.capabilities.stage_roles import journey_roles
from assistant.catalog.roles import Role
from assistant.domain import Item, JourneyMap, Lang, Opportunity, Stage, Touchpoint
from assistant.language.vocabulary import has_physical_presence, infer_model, vocabulary
from assistant.retrieval.meaning import Meaning, default_meaning

Hit = tuple[str, dict[str, str]]  # (where, values for the message placeholders)
Check = Callable[[JourneyMap, "MapContext"], list[Hit]]
Entry = Item | Touchpoint | Opportunity


@dataclass(frozen=True)
class MapContext:
    """What the critic infers about a map that the map may leave unstated."""

    lang: Lang
    is_b2b: bool
    physical_presence: bool
    today: date | None = None  # None: the real date (set for reproducible evaluations)
    roles: tuple[tuple[Role, ...], ...] = ()  # what each stage is about, by meaning
    meaning: Meaning = field(default_factory=default_meaning, compare=False, repr=False)

    @classmethod
    def of(
        cls, journey: JourneyMap, today: date | None = None, meaning: Meaning | None = None
    ) -> MapContext:
        persona = journey.persona
        described = " ".join(
            filter(
                None,
                [
                    journey.business,
                    journey.scenario,
                    journey.title,
                    persona.segment if persona else "",
                    persona.b2b_role or "" if persona else "",
                ],
            )
        )
        offline = any(tp.kind == "offline" for s in journey.stages for tp in s.touchpoints)
        meaning = meaning or default_meaning()
        return cls(
            lang=journey.language,
            is_b2b=journey.model == "b2b"
            or bool(journey.stakeholders)
            or (journey.model is None and infer_model(described) == "b2b"),
            physical_presence=has_physical_presence(described) or offline,
            today=today,
            roles=tuple(journey_roles(journey, meaning)),
            meaning=meaning,
        )


def lane_name(lane: str, lang: Lang) -> str:
    names = vocabulary().lanes[lane].get(lang)  # type: ignore[index]
    return names[0] if names else lane.replace("_", " ")


def stage_texts(stage: Stage) -> list[str]:
    """The customer-side texts of a stage: goal, actions, thoughts, pains, ideas, channels."""
    items: list[Item] = [*stage.actions, *stage.thoughts, *stage.pain_points]
    if stage.customer_goal:
        items.append(stage.customer_goal)
    return (
        [i.text for i in items]
        + [o.text for o in stage.opportunities]
        + [tp.channel for tp in stage.touchpoints]
    )


def entries(m: JourneyMap) -> list[Entry]:
    """The entries a person reads as facts or suggestions: actions, thoughts, pain points,
    touchpoints and opportunities."""
    found: list[Entry] = []
    for s in m.stages:
        found += [*s.actions, *s.thoughts, *s.pain_points]
        found += [*s.touchpoints, *s.opportunities]
    return found


def blueprint_items(stage: Stage) -> list[Item]:
    return [*stage.frontstage, *stage.backstage, *stage.support_processes, *stage.physical_evidence]


def stage_items(stage: Stage) -> Iterator[Entry]:
    """Every entry of a stage with a provenance: its goal, the customer lanes, the
    blueprint lanes and the lanes a person added."""
    if stage.customer_goal:
        yield stage.customer_goal
    yield from stage.actions
    yield from stage.thoughts
    yield from stage.pain_points
    yield from stage.touchpoints
    yield from stage.opportunities
    yield from blueprint_items(stage)
    for lane in stage.extra_lanes.values():
        yield from lane


def every_item(m: JourneyMap) -> Iterator[Entry]:
    for stage in m.stages:
        yield from stage_items(stage)


def text_of(entry: Entry) -> str:
    return entry.channel if isinstance(entry, Touchpoint) else entry.text

"""More ideas for a stage, composed from the drafting library and the edit engine: items
of the map's trade for that stage's journey roles, closest to the business first, none the
map already holds; proposed like any edit."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.capabilities.drafting.fill import StageFiller, suggested
from assistant.capabilities.drafting.trades import GENERIC, TradeFit
from assistant.capabilities.editing.apply import ENTRY_LANES, entries, entry_text
from assistant.capabilities.editing.reading import read, stage_refs
from assistant.capabilities.stage_roles import journey_roles
from assistant.catalog.library import library
from assistant.domain import JourneyMap
from assistant.domain.edits import AddItem, EditPlan
from assistant.language.i18n import t
from assistant.retrieval.meaning import Meaning

#: How many ideas of each lane one request proposes.
IDEA_LANES = {"actions": 1, "touchpoints": 1, "thoughts": 1, "pain_points": 1, "opportunities": 1}


def ideas_for(journey: JourneyMap, stage: int, meaning: Meaning) -> list[AddItem]:
    """Up to one new item per lane for ``stage``; an empty list when the library has none
    the map does not already hold."""
    every = library()
    trade = every.get(journey.industry or "", every[GENERIC])
    fit = TradeFit((trade,) if trade.trade != GENERIC else (), every[GENERIC])
    lang = journey.language
    context = " ".join(filter(None, [journey.business, journey.scenario]))
    filler = StageFiller(fit, lang, context, meaning)
    filler.used = {
        entry_text(entry)
        for each in journey.stages
        for lane in [*ENTRY_LANES, *each.extra_lanes]
        for entry in entries(each, lane)
    }
    filler.used |= {
        o.addresses for each in journey.stages for o in each.opportunities if o.addresses
    }
    roles = journey_roles(journey, meaning)[stage]
    found: list[AddItem] = []
    for lane, count in IDEA_LANES.items():
        picks = filler.lane(roles, lane)
        if lane == "touchpoints":
            picks = [p for p in picks if p.entry.channel.get(lang) not in filler.used]
        for pick in picks[:count]:
            provenance = suggested(lane, lang, pick.trade)
            if lane == "touchpoints":
                found.append(
                    AddItem(
                        stage=stage,
                        lane=lane,
                        text=pick.entry.channel.get(lang),
                        kind=pick.entry.kind,
                        provenance=provenance,
                    )
                )
            elif lane == "opportunities":
                found.append(
                    AddItem(
                        stage=stage,
                        lane=lane,
                        text=pick.text,
                        owner=pick.trade.owners[pick.entry.owner].get(lang),
                        metric=pick.entry.metric.get(lang),
                        provenance=provenance,
                    )
                )
            else:
                text = pick.entry.text.get(lang) if lane == "pain_points" else pick.text
                found.append(AddItem(stage=stage, lane=lane, text=text, provenance=provenance))
    return found


@dataclass(frozen=True)
class IdeasAsked:
    """What "more ideas for <stage>" comes to: the operations and the line that
    introduces them, or only a message (no stage named, nothing left to suggest)."""

    message: str
    plan: EditPlan | None = None


def ideas_asked(journey: JourneyMap, text: str, meaning: Meaning) -> IdeasAsked:
    """The ideas for the stage ``text`` names, for the page and Slack alike."""
    lang = journey.language
    refs = stage_refs(read(text), journey)
    if not refs:
        stages = ", ".join(stage.name for stage in journey.stages)
        return IdeasAsked(t("edit_ideas_which_stage", lang, stages=stages))
    stage = refs[0].stage
    name = journey.stages[stage].name
    found = ideas_for(journey, stage, meaning)
    if not found:
        return IdeasAsked(t("edit_no_ideas", lang, stage=name))
    intro = t("edit_ideas_proposal", lang, stage=name)
    return IdeasAsked(intro, EditPlan(operations=list(found)))

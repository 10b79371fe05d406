"""A well-made journey map, built by hand, for critic tests (and its flawed variants)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from assistant.domain import (
    Emotion,
    Item,
    JourneyMap,
    Lang,
    Opportunity,
    Persona,
    Provenance,
    Source,
    Stage,
    Stakeholder,
    Touchpoint,
)


def _stage(name: str, key: str, score: int, pain: str | None = None) -> Stage:
    return Stage(
        name=name,
        key=key,
        customer_goal=Item(text=f"Goal at {name.lower()}"),
        actions=[Item(text=f"Customer acts at {name.lower()}")],
        touchpoints=[
            Touchpoint(channel="Website", kind="online"),
            Touchpoint(channel="Shop counter", kind="offline"),
        ],
        thoughts=[Item(text="Is this worth it?")],
        emotion=Emotion(score=score, label="ok"),
        pain_points=[Item(text=pain or f"Small annoyance at {name.lower()}")],
        opportunities=[
            Opportunity(text=f"Improve {name.lower()}", owner="Store manager", metric="Queue time")
        ],
    )


def good_map(today: date = date(2026, 11, 1)) -> JourneyMap:
    return JourneyMap(
        title="Kahvila Polku: customer journey",
        language="en",
        business="Kahvila Polku, a café with a shop in Tampere",
        model="b2c",
        map_type="current-state",
        scenario="Anna wants a quiet place to work with good coffee near the station.",
        persona=Persona(
            name="Anna, young professional",
            goals=["Work in peace"],
            evidence=[Source(doc_id="user/interviews.pdf", title="Customer interviews 2026")],
        ),
        stages=[
            _stage("Awareness", "awareness", 1),
            _stage("Consideration", "consideration", 0),
            _stage("Purchase", "purchase", -1, "Long queue at the counter"),
            _stage("Retention", "retention", 1),
            _stage("Advocacy", "advocacy", 1),
        ],
        evidence=[
            Source(doc_id="user/survey.csv", title="Customer survey, spring 2026"),
            Source(doc_id="user/reviews", title="Google reviews"),
        ],
        owner="Café manager",
        last_updated=today,
        review_cadence="quarterly",
    )


def good_b2b_map() -> JourneyMap:
    journey = good_map()
    return journey.model_copy(
        update={
            "model": "b2b",
            "business": "A SaaS platform for logistics firms",
            "stakeholders": [Stakeholder(role="CFO"), Stakeholder(role="IT manager")],
        }
    )


def map_with_text_everywhere(text: str) -> JourneyMap:
    """A map with ``text`` in every kind of cell and field an export or the page shows."""
    pattern = Provenance(kind="pattern")
    stage = Stage(
        name=text,
        customer_goal=Item(text=text),
        actions=[Item(text=text), Item(text=text, provenance=pattern)],
        touchpoints=[Touchpoint(channel=text, kind="online", description=text, owner=text)],
        thoughts=[Item(text=text)],
        emotion=Emotion(score=-1, label=text, provenance=pattern),
        pain_points=[Item(text=text)],
        opportunities=[Opportunity(text=text, owner=text, metric=text, addresses=text)],
        frontstage=[Item(text=text)],
        backstage=[Item(text=text)],
        support_processes=[Item(text=text)],
        physical_evidence=[Item(text=text)],
        extra_lanes={f"Notes {text}": [Item(text=text)]},
    )
    return JourneyMap(
        title=text,
        business=text,
        scenario=text,
        owner=text,
        review_cadence=text,
        evidence=[Source(doc_id="user/a", title=text)],
        persona=Persona(
            name=text,
            segment=text,
            b2b_role=text,
            demographics=text,
            goals=[text],
            needs=[text],
            motivations=[text],
            frustrations=[text],
            preferred_channels=[text],
            quote=text,
            evidence=[Source(doc_id="user/b", title=text)],
            provenance=pattern,
        ),
        stages=[stage, stage.model_copy(update={"name": "Second"})],
    )


@cache
def edit_map(lang: Lang) -> JourneyMap:
    """The drafted map of each language that the edit instructions run against
    (tests/data/edit_maps: a bike shop, a clothes shop, a tour operator)."""
    path = Path(__file__).parent / "data" / "edit_maps" / f"{lang}.json"
    return JourneyMap.model_validate_json(path.read_text(encoding="utf-8"))

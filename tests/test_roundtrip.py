"""Export then import gives back the same map (md, csv, xlsx, json): examples and properties."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.domain import (
    MAP_TYPES,
    Emotion,
    Item,
    JourneyMap,
    Opportunity,
    Persona,
    Provenance,
    ProvenanceKind,
    Source,
    Stage,
    Touchpoint,
)
from assistant.formats.parse import parse_map
from assistant.formats.render import render
from assistant.formats.terms import lane
from tests.maps import good_b2b_map, good_map

ROUND_TRIP_FORMATS = ("md", "csv", "xlsx", "json")
WORDS = [
    "Kassa",
    "jono",
    "pitkä",
    "õnnelik",
    "müük",
    "Küsimus",
    "ääni",
    "Öö",
    "Ülle",
    "Tõnu",
    "café",
    "naïve",
    "Website",
    "=SUM(A1)",
    "+358 40 123",
    "-5%",
    "@home",
    "a|b",
    "x;y",
    '"quoted"',
    "'single'",
    "'=1+1",
    "R&D",
    "C:\\temp",
    "<br>",
    "<script>alert(1)</script>",
    "5*",
    "* star",
    "- dash",
    "• dot",
    "(pilot)",
    "#tag",
    "50/50",
    "1.",
    "a; b",
    "**bold**",
]
ALPHABET = string.ascii_letters + string.digits + "äöõüÄÖÕÜšž |;\"'=+-@:,.!?()/&<>*#%\\"
EXTRA_LANES = ["Staff notes", "Henkilökunta", "Töötajad", "KPI ideas", "Moments of truth"]


def _tidy(text: str) -> str:
    return " ".join(text.split())


texts = (
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET, min_size=1, max_size=8)),
        min_size=1,
        max_size=4,
    )
    .map(" ".join)
    .map(_tidy)
    .filter(bool)
)
optional_texts = st.none() | texts
kinds: st.SearchStrategy[ProvenanceKind] = st.sampled_from(["user", "evidence", "pattern", "llm"])
provenances = kinds.map(lambda kind: Provenance(kind=kind))
items = st.builds(Item, text=texts, provenance=provenances)
item_lists = st.lists(items, max_size=3)
touchpoints = st.builds(
    Touchpoint,
    channel=texts,
    kind=st.sampled_from(["online", "offline"]),
    description=st.just("") | texts,
    owner=optional_texts,
    provenance=provenances,
)
opportunities = st.builds(
    Opportunity,
    text=texts,
    owner=optional_texts,
    metric=optional_texts,
    addresses=optional_texts,
    provenance=provenances,
)
emotions = st.builds(
    Emotion,
    score=st.integers(-2, 2),
    label=st.just("") | texts,
    provenance=provenances,
)
extra_lanes = st.dictionaries(st.sampled_from(EXTRA_LANES), item_lists, max_size=2)
stages = st.builds(
    Stage,
    name=texts,
    customer_goal=st.none() | items,
    actions=item_lists,
    touchpoints=st.lists(touchpoints, max_size=3),
    thoughts=item_lists,
    emotion=emotions,
    pain_points=item_lists,
    opportunities=st.lists(opportunities, max_size=2),
    backstage=st.just([]) | item_lists,
    extra_lanes=extra_lanes,
)
sources = texts.map(lambda title: Source(doc_id=f"user/{title}", title=title))
personas = st.builds(
    Persona,
    name=texts,
    segment=st.just("") | texts,
    b2b_role=optional_texts,
    demographics=st.just("") | texts,
    goals=st.lists(texts, max_size=3),
    needs=st.lists(texts, max_size=2),
    motivations=st.lists(texts, max_size=2),
    frustrations=st.lists(texts, max_size=2),
    preferred_channels=st.lists(texts, max_size=2),
    quote=st.just("") | texts,
    evidence=st.lists(sources, max_size=2),
    provenance=provenances,
)
journeys = st.builds(
    JourneyMap,
    title=texts,
    language=st.sampled_from(["en", "fi", "et"]),
    business=st.just("") | texts,
    model=st.sampled_from([None, "b2b", "b2c"]),
    map_type=st.sampled_from([None, *MAP_TYPES]),
    scenario=st.just("") | texts,
    persona=st.none() | personas,
    stages=st.lists(stages, min_size=1, max_size=4),
    evidence=st.lists(sources, max_size=3),
    owner=optional_texts,
    last_updated=st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    review_cadence=optional_texts,
)


def _kind(provenance: Provenance) -> str:
    """What a table can say about provenance: a suggestion mark, or the person's own."""
    return provenance.kind if provenance.kind in ("pattern", "llm") else "user"


def _items(found: list[Item]) -> list[tuple[str, str]]:
    return [(i.text, _kind(i.provenance)) for i in found]


def canonical_stage(stage: Stage) -> dict[str, Any]:
    goal = stage.customer_goal
    return {
        "name": stage.name,
        "goal": (goal.text, _kind(goal.provenance)) if goal else None,
        "lanes": {
            lane_key: _items(getattr(stage, lane_key))
            for lane_key in (
                "actions",
                "thoughts",
                "pain_points",
                "frontstage",
                "backstage",
                "support_processes",
                "physical_evidence",
            )
        },
        "touchpoints": [
            (t.channel, t.kind, t.description, t.owner, _kind(t.provenance))
            for t in stage.touchpoints
        ],
        "emotion": (stage.emotion.score, stage.emotion.label, _kind(stage.emotion.provenance)),
        "opportunities": [
            (o.text, o.owner, o.metric, o.addresses, _kind(o.provenance))
            for o in stage.opportunities
        ],
        "extra": {name: _items(found) for name, found in stage.extra_lanes.items() if found},
    }


def canonical_meta(journey: JourneyMap) -> dict[str, Any]:
    persona = journey.persona
    return {
        "title": journey.title,
        "business": journey.business,
        "model": journey.model,
        "map_type": journey.map_type,
        "scenario": journey.scenario,
        "purpose": journey.purpose,
        "scope": journey.scope,
        "owner": journey.owner,
        "last_updated": journey.last_updated,
        "review_cadence": journey.review_cadence,
        "evidence": [s.title for s in journey.evidence],
        "persona": None
        if persona is None
        else {
            **persona.model_dump(exclude={"evidence", "provenance"}),
            "evidence": [s.title for s in persona.evidence],
            "kind": _kind(persona.provenance),
        },
    }


def round_trip(journey: JourneyMap, fmt: str) -> JourneyMap:
    data, filename, _ = render(journey, fmt)
    return parse_map(data, None, filename=filename)


def assert_same_map(journey: JourneyMap, back: JourneyMap, fmt: str) -> None:
    if fmt == "json":
        assert back == journey
        return
    assert back.language == journey.language
    assert [canonical_stage(s) for s in back.stages] == [canonical_stage(s) for s in journey.stages]
    if fmt in ("md", "xlsx"):
        assert canonical_meta(back) == canonical_meta(journey)
    assert all(
        item.provenance.kind == "user"
        for stage in back.stages
        for item in stage.actions
        if item.provenance.kind not in ("pattern", "llm")
    )


def _suggested_map() -> JourneyMap:
    journey = good_map()
    stage = journey.stages[0]
    stage.actions.append(Item(text="Reads reviews", provenance=Provenance(kind="pattern")))
    stage.thoughts.append(Item(text="Is it open?", provenance=Provenance(kind="llm")))
    stage.extra_lanes["Staff notes"] = [Item(text="Busy at 8; quiet at 10")]
    stage.touchpoints.append(
        Touchpoint(
            channel="Instagram",
            kind="online",
            description="Sees a post: latte art",
            owner="Marketing",
            provenance=Provenance(kind="pattern"),
        )
    )
    return journey


def _finnish_map() -> JourneyMap:
    return JourneyMap(
        title="Kahvila Polku: asiakaspolku",
        language="fi",
        scenario="Anna etsii rauhallista paikkaa työskennellä.",
        purpose="Päättää, miten aamujen etätyöläiset saadaan palaamaan.",
        scope="Koko asiakaspolku: Tietoisuus → Suosittelu.",
        persona=Persona(name="Anna, nuori ammattilainen", goals=["Työrauha", "Hyvä kahvi"]),
        stages=[
            Stage(
                name="Tietoisuus",
                actions=[Item(text="Näkee mainoksen; kysyy ystävältä")],
                touchpoints=[Touchpoint(channel="Myymälä", kind="offline")],
                emotion=Emotion(score=-1, label="turhautunut"),
                opportunities=[
                    Opportunity(
                        text="Itsepalvelukassa", owner="Myymäläpäällikkö", metric="Jonotusaika"
                    )
                ],
            ),
            Stage(name="Osto", pain_points=[Item(text="Pitkä jono kassalla")]),
        ],
        owner="Kahvilan johtaja",
        last_updated=date(2026, 3, 1),
        review_cadence="neljännesvuosittain",
    )


def _estonian_map() -> JourneyMap:
    return JourneyMap(
        title="Hambakliinik: klienditeekond",
        language="et",
        purpose="Otsustada, kuidas vähendada vahele jäänud kontrollvisiite.",
        scope="Broneerimisest visiidini.",
        stages=[
            Stage(
                name="Teadlikkus",
                thoughts=[Item(text="Kas valu on talutav?")],
                emotion=Emotion(score=2, label="rõõmus"),
                extra_lanes={"Töötajad": [Item(text="Registraator õõnsalt üksi")]},
            )
        ],
    )


EXAMPLES = {
    "good": good_map,
    "b2b": good_b2b_map,
    "suggestions": _suggested_map,
    "finnish": _finnish_map,
    "estonian": _estonian_map,
}


@pytest.mark.parametrize("fmt", ROUND_TRIP_FORMATS)
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_examples_round_trip(example: str, fmt: str) -> None:
    journey = EXAMPLES[example]()
    assert_same_map(journey, round_trip(journey, fmt), fmt)


def test_suggestion_marks_come_back_as_suggestions() -> None:
    back = round_trip(_suggested_map(), "md")
    stage = back.stages[0]
    assert [i.provenance.kind for i in stage.actions] == ["user", "pattern"]
    assert stage.thoughts[-1].provenance.kind == "llm"
    assert stage.touchpoints[-1].owner == "Marketing"


@pytest.mark.parametrize("fmt", ROUND_TRIP_FORMATS)
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(journey=journeys)
def test_any_map_round_trips(fmt: str, journey: JourneyMap) -> None:
    assert_same_map(journey, round_trip(journey, fmt), fmt)


@settings(max_examples=50, deadline=None)
@given(name=st.sampled_from(EXTRA_LANES))
def test_extra_lane_names_are_not_lane_synonyms(name: str) -> None:
    assert lane(name) is None


def _evidence_map() -> JourneyMap:
    journey = good_map()
    quote = Source(
        doc_id="user/reviews.csv",
        title="reviews.csv",
        chunk_id="row 12",
        snippet="We queued | for 20 *minutes* at the till",
    )
    journey.stages[1].pain_points.append(
        Item(text="Queue at the till", provenance=Provenance(kind="evidence", source=quote))
    )
    journey.stages[0].emotion = Emotion(
        score=2,
        label="delighted",
        reason="The barista remembered my order",
        provenance=Provenance(
            kind="evidence",
            source=Source(
                doc_id="user/interviews.docx",
                title="interviews.docx",
                chunk_id="paragraph 4",
                snippet="She remembered my order, lovely",
            ),
        ),
    )
    journey.stages[2].actions.append(Item(text="Pays [1]"))  # the person's own brackets
    return journey


@pytest.mark.parametrize("fmt", ("md", "csv", "xlsx"))
def test_evidence_items_keep_their_quote_and_source_in_table_exports(fmt: str) -> None:
    journey = _evidence_map()
    data, filename, _ = render(journey, fmt)
    back = parse_map(data, None, filename=filename)
    pain = back.stages[1].pain_points[-1]
    assert pain.text == "Queue at the till"
    assert pain.provenance == journey.stages[1].pain_points[-1].provenance
    assert back.stages[0].emotion.reason == "The barista remembered my order"
    assert back.stages[0].emotion.provenance == journey.stages[0].emotion.provenance
    assert back.stages[2].actions[-1].text == "Pays [1]"
    assert back.stages[2].actions[-1].provenance.kind == "user"
    assert len(back.stages) == len(journey.stages)  # the notes are not read as a lane
    assert_same_map(journey, back, fmt)


def test_markdown_export_lists_each_evidence_note_under_the_table() -> None:
    data = render(_evidence_map(), "md")[0]
    text = data.decode() if isinstance(data, bytes) else data
    assert "Queue at the till [^2]" in text
    notes = text.split("**Evidence from your research**")[1]
    assert "[^1]: “She remembered my order, lovely” — interviews.docx · paragraph 4" in notes
    assert "reviews.csv · row 12" in notes

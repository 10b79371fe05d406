"""A positive and a negative case for every guideline check, plus scoring and citations.

The negative case is ``well_made()``: tests/maps.py's good map with what the guidelines of
issue 20 ask for as well (a purpose, expectations, a step outside the café, a moment of
truth, a failure and its recovery, scored opportunities, the scope); each mutation breaks
one guideline.
"""

from collections.abc import Callable
from datetime import date

import pytest

from assistant.capabilities.critique.critic import critique_map, points_lost
from assistant.capabilities.critique.rules import CHECKS, MapContext
from assistant.catalog.guidelines import guidelines
from assistant.domain import (
    Emotion,
    Item,
    JourneyMap,
    Opportunity,
    Persona,
    Source,
    Stakeholder,
    Touchpoint,
)
from tests.maps import good_b2b_map, good_map

Mutation = Callable[[JourneyMap], None]
PURPOSE = " We use this map to decide which two fixes to fund first."
SCOPE = " It covers the whole journey, from first hearing of us to recommending us."


def well_made(journey: JourneyMap | None = None) -> JourneyMap:
    """A map that keeps every guideline (the B2C good map unless another is given)."""
    m = journey or good_map()
    m.scenario += PURPOSE + SCOPE
    assert m.persona is not None
    m.persona.needs = ["A table with a socket and no pressure to leave"]
    m.stages[1].actions.append(Item(text="Asks two friends which café they like"))
    m.stages[2].pain_points.append(Item(text="The card payment fails at the till"))
    m.stages[2].actions.append(Item(text="Staff apologise and she pays with another card"))
    m.stages[3].extra_lanes["Moments of truth"] = [Item(text="Staff remember her order")]
    for value, stage in enumerate(m.stages, start=1):
        for opportunity in stage.opportunities:
            opportunity.value, opportunity.effort = value, 6 - value
    return m


def blueprint() -> JourneyMap:
    """The well-made map as a service blueprint with all five lanes on every stage."""
    m = well_made()
    m.map_type = "service-blueprint"
    for stage in m.stages:
        stage.frontstage = [Item(text="Barista greets Anna and takes the order")]
        stage.backstage = [Item(text="Kitchen prepares the lunch orders")]
        stage.support_processes = [Item(text="Till and stock system")]
        stage.physical_evidence = [Item(text="Menu board and receipt")]
    return m


def _no_persona(m: JourneyMap) -> None:
    m.persona = None


def _two_personas(m: JourneyMap) -> None:
    m.persona = Persona(name="Anna and Marko")


def _no_evidence(m: JourneyMap) -> None:
    m.evidence = []
    assert m.persona is not None
    m.persona.evidence = []


def _no_scenario(m: JourneyMap) -> None:
    m.scenario = ""


def _no_map_type(m: JourneyMap) -> None:
    m.map_type = None


def _stops_at_purchase(m: JourneyMap) -> None:
    m.stages = m.stages[:3]


def _jargon(m: JourneyMap) -> None:
    m.stages[1].actions.append(Item(text="MQL handed to sales for lead qualification"))


def _missing_lanes(m: JourneyMap) -> None:
    m.stages[0].touchpoints = []
    m.stages[0].pain_points = []


def _low_without_opportunity(m: JourneyMap) -> None:
    m.stages[2].opportunities = []


def _no_emotions(m: JourneyMap) -> None:
    for stage in m.stages:
        stage.emotion = Emotion()


def _online_only(m: JourneyMap) -> None:
    for stage in m.stages:
        stage.touchpoints = [Touchpoint(channel="Website", kind="online")]


def _no_touchpoints_at_stage(m: JourneyMap) -> None:
    m.stages[3].touchpoints = []


def _pain_without_opportunity(m: JourneyMap) -> None:
    m.stages[1].opportunities = []


def _opportunity_without_owner(m: JourneyMap) -> None:
    m.stages[4].opportunities.append(Opportunity(text="Referral programme"))


def _analytics_only(m: JourneyMap) -> None:
    m.evidence = [Source(doc_id="user/ga", title="Google Analytics export")]
    assert m.persona is not None
    m.persona.evidence = []


def _mostly_suggestions(m: JourneyMap) -> None:
    for stage in m.stages:
        for item in [*stage.actions, *stage.thoughts, *stage.pain_points, *stage.touchpoints]:
            item.provenance.kind = "pattern"
        for opportunity in stage.opportunities:
            opportunity.provenance.kind = "pattern"


def _stale(m: JourneyMap) -> None:
    m.last_updated = date(2024, 1, 1)
    m.owner = None


def _b2b_without_committee(m: JourneyMap) -> None:
    m.business = "We sell software licences to enterprises; the CFO signs the contract"
    m.model = None


def _abrupt_drop(m: JourneyMap) -> None:
    m.stages[0].emotion = Emotion(score=2, label="excited")
    m.stages[1].emotion = Emotion(score=-1, label="confused")
    m.stages[1].pain_points = []


def _unsourced_statistic(m: JourneyMap) -> None:
    m.stages[0].thoughts.append(Item(text="87 % of shoppers start with a web search"))


def _no_purpose(m: JourneyMap) -> None:
    m.scenario = m.scenario.replace(PURPOSE, "")


def _no_expectations(m: JourneyMap) -> None:
    assert m.persona is not None
    m.persona.needs = []


def _assumed_and_unlabelled(m: JourneyMap) -> None:
    _mostly_suggestions(m)


def _uncited_evidence(m: JourneyMap) -> None:
    m.stages[0].pain_points[0].provenance.kind = "evidence"


def _unsourced_quote(m: JourneyMap) -> None:
    assert m.persona is not None
    m.persona.quote = "I'll happily buy lunch if I can stay until three."


def _suggested_quote(m: JourneyMap) -> None:
    assert m.persona is not None
    m.persona.quote = m.stages[0].thoughts[0].text
    m.stages[0].thoughts[0].provenance.kind = "pattern"


def _stereotype(m: JourneyMap) -> None:
    assert m.persona is not None
    m.persona.frustrations.append("Typical millennial: glued to her phone")


def _idle_demographics(m: JourneyMap) -> None:
    assert m.persona is not None
    m.persona.demographics = "34, married, two cats, drives a Volvo, loves jazz"


def _no_recovery(m: JourneyMap) -> None:
    m.stages[2].actions.pop()


def _only_the_smooth_path(m: JourneyMap) -> None:
    m.stages[2].actions.pop()
    m.stages[2].pain_points.pop()


def _no_outside_step(m: JourneyMap) -> None:
    m.stages[1].actions.pop()


def _no_moment_of_truth(m: JourneyMap) -> None:
    m.stages[3].extra_lanes.clear()


def _every_moment_of_truth(m: JourneyMap) -> None:
    for stage in m.stages:
        stage.extra_lanes["Moments of truth"] = [Item(text=f"{stage.name} matters")]


def _unscored_opportunity(m: JourneyMap) -> None:
    m.stages[4].opportunities[0].effort = None


def _same_scores(m: JourneyMap) -> None:
    for stage in m.stages:
        for opportunity in stage.opportunities:
            opportunity.value, opportunity.effort = 3, 3


def _gift_recipient_missing(m: JourneyMap) -> None:
    m.scenario = "Anna buys a gift card for her mother's birthday." + PURPOSE + SCOPE


def _buyers_only(m: JourneyMap) -> None:
    m.model = "b2b"
    m.business = "Café chain selling office catering contracts to companies"
    assert m.persona is not None
    m.persona.b2b_role = "Procurement manager"
    m.stakeholders = [Stakeholder(role="CFO"), Stakeholder(role="Managing director")]


def _no_scope(m: JourneyMap) -> None:
    m.scenario = m.scenario.replace(SCOPE, "")


def _overloaded_cell(m: JourneyMap) -> None:
    m.stages[1].actions += [Item(text=f"Looks at option {n}") for n in range(7)]


CASES: list[tuple[str, Mutation]] = [
    ("purpose-stated", _no_purpose),
    ("expectations-stated", _no_expectations),
    ("evidence-level", _assumed_and_unlabelled),
    ("evidence-level", _uncited_evidence),
    ("quotes-sourced", _unsourced_quote),
    ("quotes-sourced", _suggested_quote),
    ("persona-stereotype", _stereotype),
    ("persona-stereotype", _idle_demographics),
    ("failure-recovery", _no_recovery),
    ("failure-recovery", _only_the_smooth_path),
    ("outside-in", _no_outside_step),
    ("moments-of-truth", _no_moment_of_truth),
    ("moments-of-truth", _every_moment_of_truth),
    ("opportunity-priority", _unscored_opportunity),
    ("opportunity-priority", _same_scores),
    ("user-vs-buyer", _gift_recipient_missing),
    ("user-vs-buyer", _buyers_only),
    ("map-scope", _no_scope),
    ("map-scope", _overloaded_cell),
]


CASES += [
    ("one-persona", _no_persona),
    ("one-persona", _two_personas),
    ("persona-evidence", _no_evidence),
    ("scenario-stated", _no_scenario),
    ("map-type", _no_map_type),
    ("full-lifecycle", _stops_at_purchase),
    ("customer-language", _jargon),
    ("stage-lanes", _missing_lanes),
    ("emotional-lows", _low_without_opportunity),
    ("emotional-lows", _no_emotions),
    ("touchpoint-channels", _online_only),
    ("touchpoint-channels", _no_touchpoints_at_stage),
    ("pain-point-opportunity", _pain_without_opportunity),
    ("opportunity-owner-metric", _opportunity_without_owner),
    ("customer-feedback", _analytics_only),
    ("evidence-based", _mostly_suggestions),
    ("keep-updated", _stale),
    ("b2b-stakeholders", _b2b_without_committee),
    ("stage-transitions", _abrupt_drop),
    ("attributed-statistics", _unsourced_statistic),
]


def _ids(journey: JourneyMap) -> set[str]:
    return {f.guideline_id for f in critique_map(journey).findings}


def _missing_backstage(m: JourneyMap) -> None:
    m.stages[2].backstage = []


def _no_physical_evidence_at_all(m: JourneyMap) -> None:
    for stage in m.stages:
        stage.physical_evidence = []


def _backstage_in_view(m: JourneyMap) -> None:
    m.stages[2].backstage.append(Item(text="Barista tells the customer the lunch is late"))


def _frontstage_by_the_customer(m: JourneyMap) -> None:
    m.stages[2].frontstage.append(Item(text="Customer pays at the counter"))


def _frontstage_by_nobody(m: JourneyMap) -> None:
    m.stages[3].frontstage = [Item(text="The loyalty card is stamped")]


def _two_scenarios(m: JourneyMap) -> None:
    m.stages[1].actions.append(Item(text="Dine-in: finds a table with a socket"))
    m.stages[1].actions.append(Item(text="Takeaway: orders at the counter"))
    m.stages[2].actions.append(Item(text="Dine-in: orders lunch at the table"))
    m.stages[2].actions.append(Item(text="Takeaway: collects the bag"))


def _step_drawn_twice(m: JourneyMap) -> None:
    m.stages[2].name = "Ordering (dine-in)"
    m.stages[3].name = "Ordering (takeaway)"


BLUEPRINT_CASES: list[tuple[str, Mutation]] = [
    ("blueprint-lanes", _missing_backstage),
    ("blueprint-lanes", _no_physical_evidence_at_all),
    ("blueprint-visibility", _backstage_in_view),
    ("blueprint-visibility", _frontstage_by_the_customer),
    ("blueprint-visibility", _frontstage_by_nobody),
    ("blueprint-one-scenario", _two_scenarios),
    ("blueprint-one-scenario", _step_drawn_twice),
]


def test_every_guideline_has_a_check_and_a_case() -> None:
    catalog_ids = {g.id for g in guidelines().guidelines}
    assert catalog_ids == set(CHECKS)
    assert {gid for gid, _ in CASES + BLUEPRINT_CASES} == catalog_ids


@pytest.mark.parametrize(
    ("guideline_id", "mutate"), CASES, ids=[f"{g}-{m.__name__}" for g, m in CASES]
)
def test_flaw_is_found(guideline_id: str, mutate: Mutation) -> None:
    journey = well_made()
    assert guideline_id not in _ids(journey)  # the negative case
    mutate(journey)
    assert guideline_id in _ids(journey)  # the positive case


@pytest.mark.parametrize(
    ("guideline_id", "mutate"),
    BLUEPRINT_CASES,
    ids=[f"{g}-{m.__name__}" for g, m in BLUEPRINT_CASES],
)
def test_blueprint_flaw_is_found(guideline_id: str, mutate: Mutation) -> None:
    journey = blueprint()
    assert guideline_id not in _ids(journey)
    mutate(journey)
    assert guideline_id in _ids(journey)


def test_blueprint_rules_leave_journey_maps_alone() -> None:
    journey = well_made()
    _two_scenarios(journey)
    journey.stages[2].backstage = [Item(text="Barista tells the customer the lunch is late")]
    journey.map_type = "current-state"
    assert not {"blueprint-lanes", "blueprint-visibility", "blueprint-one-scenario"} & _ids(journey)


@pytest.mark.parametrize(
    "journey",
    [well_made(), well_made(good_b2b_map()), blueprint()],
    ids=["b2c", "b2b", "blueprint"],
)
def test_well_made_map_has_no_finding_worth_a_warning(journey: JourneyMap) -> None:
    report = critique_map(journey)
    assert [f for f in report.findings if f.severity != "info"] == []
    assert report.score >= 95


def test_findings_are_cited_localised_and_scored() -> None:
    journey = good_map()
    _pain_without_opportunity(journey)
    _no_scenario(journey)
    report = critique_map(journey)
    finding = next(f for f in report.findings if f.guideline_id == "pain-point-opportunity")
    assert finding.severity == "critical"
    assert finding.where == "Consideration"
    assert finding.citation.id.startswith("en/") and "#" in finding.citation.id
    assert finding.citation.title
    assert report.findings[0].severity == "critical"  # most severe first
    assert report.score == 100 - sum(report.breakdown.values())
    assert report.breakdown["pain-point-opportunity"] > report.breakdown["scenario-stated"]
    fi_report = critique_map(journey.model_copy(update={"language": "fi"}))
    fi_finding = next(f for f in fi_report.findings if f.guideline_id == "pain-point-opportunity")
    assert fi_finding.message != finding.message
    assert fi_finding.citation.doc_id.startswith("fi/")
    assert "Pisteet" in fi_report.summary


def test_empty_map_scores_low_but_does_not_crash() -> None:
    report = critique_map(JourneyMap(title="Empty"))
    assert report.score < 60
    assert {"one-persona", "full-lifecycle", "scenario-stated"} <= {
        f.guideline_id for f in report.findings
    }


def test_the_points_lost_name_the_costliest_guidelines_first() -> None:
    report = critique_map(JourneyMap(title="Empty"))
    ranked = sorted(report.breakdown.items(), key=lambda item: (-item[1], item[0]))
    for lang in ("en", "fi", "et"):
        line = points_lost(report, lang)
        named = [f"{guidelines().by_id(g).title.get(lang)} (−{p})" for g, p in ranked[:3]]
        assert ", ".join(named) in line  # the three costliest, costliest first
        assert guidelines().by_id(ranked[3][0]).title.get(lang) not in line
    clean = report.model_copy(update={"breakdown": {}})
    assert points_lost(clean, "fi") == ""  # nothing lost, nothing said


@pytest.mark.parametrize(
    ("name", "people"),
    [
        ("Kadri (32, young mother) ja Ants (67, pensioner)", 2),
        ("Mark and Lisa", 2),
        ("Tiina, owner and managing director", 1),
        ("Pekka, toimitusjohtaja ja kirjanpitäjä", 1),
        ("Anna, 30, father of one and keen cyclist", 1),
    ],
)
def test_one_persona_counts_people_not_roles(name: str, people: int) -> None:
    journey = good_map()
    journey.persona = Persona(name=name, goals=["Work in peace"])
    hits = CHECKS["one-persona"](journey, MapContext.of(journey))
    assert (hits[0][1]["count"] if hits else "1") == str(people)


def test_everyday_stage_names_around_a_purchase_cover_the_lifecycle() -> None:
    journey = good_map()
    names = ["Looking for a place", "Booking", "The stay", "Coming back"]
    journey.stages = [
        stage.model_copy(update={"name": n, "key": None}) for stage, n in zip(journey.stages, names)
    ]
    assert CHECKS["full-lifecycle"](journey, MapContext.of(journey)) == []
    only_buying = journey.model_copy(update={"stages": journey.stages[1:2]})
    assert CHECKS["full-lifecycle"](only_buying, MapContext.of(only_buying)) != []


@pytest.mark.parametrize(
    ("lang", "scope", "flagged"),
    [
        ("en", "Only the salon visit, from arrival to payment.", False),
        ("fi", "Rajaus: vain käynti kampaamossa, saapumisesta maksuun.", False),
        ("et", "Kaart hõlmab ainult külastust salongis.", False),
        ("en", "The whole journey, end to end.", True),  # says whole, so the stages must be
        ("fi", "", True),
    ],
)
def test_a_map_that_says_it_covers_one_part_is_not_asked_for_the_whole(
    lang: str, scope: str, flagged: bool
) -> None:
    journey = good_map()
    journey.language = lang  # type: ignore[assignment]
    journey.stages = journey.stages[1:2]  # only the purchase
    journey.scope = scope
    hits = CHECKS["full-lifecycle"](journey, MapContext.of(journey))
    assert bool(hits) is flagged

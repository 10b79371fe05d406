"""A positive and a negative case for every guideline check, plus scoring and citations."""

from collections.abc import Callable
from datetime import date

import pytest

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.critique.rules import CHECKS, MapContext
from assistant.catalog.guidelines import guidelines
from assistant.domain import Emotion, Item, JourneyMap, Opportunity, Persona, Source, Touchpoint
from tests.maps import good_b2b_map, good_map

Mutation = Callable[[JourneyMap], None]


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


CASES: list[tuple[str, Mutation]] = [
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


def test_every_guideline_has_a_check_and_a_case() -> None:
    catalog_ids = {g.id for g in guidelines().guidelines}
    assert catalog_ids == set(CHECKS)
    assert {gid for gid, _ in CASES} == catalog_ids


@pytest.mark.parametrize(
    ("guideline_id", "mutate"), CASES, ids=[f"{g}-{m.__name__}" for g, m in CASES]
)
def test_flaw_is_found(guideline_id: str, mutate: Mutation) -> None:
    journey = good_map()
    assert guideline_id not in _ids(journey)  # the negative case
    mutate(journey)
    assert guideline_id in _ids(journey)  # the positive case


@pytest.mark.parametrize("journey", [good_map(), good_b2b_map()], ids=["b2c", "b2b"])
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

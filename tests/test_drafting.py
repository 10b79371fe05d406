"""Drafting across industries x languages x B2B/B2C, and the map types."""

from datetime import date

import pytest

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.draft import draft_map
from assistant.domain import InterviewAnswers, JourneyMap, PersonaAnswers
from assistant.language.vocabulary import find_channel, vocabulary

SCENARIOS = [
    # (lang, business, industry, channels, pain points, {pain: expected stage key})
    (
        "en",
        "A fashion store in Helsinki with a web shop",
        "retail",
        ["Instagram", "physical store", "email newsletter"],
        ["long checkout queues", "hard to find sizes on the website"],
        {"long checkout queues": "purchase"},
    ),
    (
        "fi",
        "Verkkokauppa, joka myy kodinelektroniikkaa",
        "ecommerce",
        ["verkkosivut", "sähköposti", "asiakaspalvelu puhelimitse"],
        ["maksaminen on monimutkaista", "toimitus kestää liian kauan"],
        {"toimitus kestää liian kauan": "retention"},
    ),
    (
        "et",
        "Reisibüroo, mis müüb pakettreise",
        "travel",
        ["veebileht", "Facebook", "telefon"],
        ["piiratud lennuvalikud", "ootamatud hilinemised"],
        {},
    ),
    (
        "en",
        "A retail bank for families",
        "banking",
        ["mobile app", "branch office"],
        ["complex online account setup", "long waits at the branch"],
        {},
    ),
    (
        "fi",
        "Hotelli ja ravintola Tampereella",
        "hospitality",
        ["Booking-palvelu", "vastaanotto"],
        ["huoneen varaaminen on hankalaa"],
        {},
    ),
    ("et", "Hambakliinik Tartus", "healthcare", ["veebileht", "telefon"], ["pikk ooteaeg"], {}),
]


def _answers(
    lang: str, business: str, channels: list[str], pains: list[str], **extra: object
) -> InterviewAnswers:
    return InterviewAnswers.model_validate(
        {
            "language": lang,
            "business": business,
            "channels": channels,
            "pain_points": pains,
            "persona": PersonaAnswers(who="Anna, 30", goals=["save time"]).model_dump(),
            "evidence": ["customer interviews", "reviews"],
            "owner": "CX lead",
            "review_cadence": "quarterly",
            **extra,
        }
    )


def _stage_of(journey: JourneyMap, pain: str) -> str | None:
    return next((s.key for s in journey.stages if any(p.text == pain for p in s.pain_points)), None)


@pytest.mark.parametrize("model", ["b2c", "b2b"])
@pytest.mark.parametrize(
    ("lang", "business", "industry", "channels", "pains", "placements"),
    SCENARIOS,
    ids=[s[2] for s in SCENARIOS],
)
def test_draft_keeps_every_input_and_fills_every_stage(
    lang: str,
    business: str,
    industry: str,
    channels: list[str],
    pains: list[str],
    placements: dict[str, str],
    model: str,
) -> None:
    journey = draft_map(
        _answers(lang, business, channels, pains, model=model), today=date(2026, 11, 1)
    )
    assert journey.language == lang
    assert journey.industry == industry
    assert len(journey.stages) == 5
    for channel in channels:  # every channel placed, marked as the person's
        placed = [
            s
            for s in journey.stages
            for tp in s.touchpoints
            if tp.channel == channel and tp.provenance.kind == "user"
        ]
        assert placed, channel
        term = find_channel(channel)
        if term:
            assert all(set(term.stages) & {s.key} for s in placed)  # type: ignore[arg-type]
    for pain in pains:  # every pain point placed, with an opportunity that has owner and metric
        stage = next(s for s in journey.stages if any(p.text == pain for p in s.pain_points))
        fix = next(o for o in stage.opportunities if o.addresses == pain)
        assert fix.owner and fix.metric
        assert stage.emotion.score < 0  # the curve dips where the pain is
    for pain, key in placements.items():
        assert _stage_of(journey, pain) == key
    for stage in journey.stages:
        assert stage.customer_goal and stage.actions and stage.touchpoints and stage.thoughts
        suggestions = [i for i in stage.actions if i.provenance.kind == "pattern"]
        assert all(
            i.provenance.source and i.provenance.source.doc_id.startswith(f"{lang}/")
            for i in suggestions
        )
    assert (len(journey.stakeholders) > 0) == (model == "b2b")
    report = critique_map(journey)
    assert [f for f in report.findings if f.severity == "critical"] == []


def test_stage_names_and_labels_are_in_the_map_language() -> None:
    english = draft_map(_answers("en", "A café", [], []))
    finnish = draft_map(_answers("fi", "Kahvila", [], []))
    assert [s.name for s in english.stages] != [s.name for s in finnish.stages]
    assert "asiakaspolku" in finnish.title
    labels = {w for words in vocabulary().emotions.values() for w in words.fi}
    assert all(
        s.emotion.label in labels or s.emotion.provenance.kind == "pattern" for s in finnish.stages
    )


def test_b2b_is_inferred_from_the_business() -> None:
    journey = draft_map(_answers("en", "We sell SaaS licences to logistics companies", [], []))
    assert journey.model == "b2b"
    assert journey.industry == "b2b-saas"
    assert journey.stakeholders


def test_service_blueprint_adds_lanes() -> None:
    journey = draft_map(_answers("en", "A hotel", [], [], map_type="service-blueprint"))
    for stage in journey.stages:
        assert stage.frontstage and stage.backstage and stage.support_processes
        assert stage.physical_evidence


def test_future_state_marks_what_changes() -> None:
    current = draft_map(_answers("en", "A web shop", [], ["slow delivery"]))
    future = draft_map(_answers("en", "A web shop", [], ["slow delivery"], map_type="future-state"))
    changed = [a for s in future.stages for a in s.actions if a.provenance.changed]
    assert changed
    assert future.map_type == "future-state"
    for before, after in zip(current.stages, future.stages, strict=True):
        assert after.emotion.score >= before.emotion.score


def test_day_in_the_life_follows_the_day() -> None:
    journey = draft_map(_answers("en", "A café", [], [], map_type="day-in-the-life"))
    assert journey.stage_model == "day-in-the-life"
    first_actions = [s.actions[0] for s in journey.stages]
    assert all(a.provenance.kind == "pattern" for a in first_actions)
    assert any("commute" in a.text for a in first_actions)  # the day beyond the brand
    assert len(journey.stages) >= 4


@pytest.mark.parametrize(
    ("stages", "model_id", "count"),
    [
        (None, "five-stage", 5),
        (["search-to-loyalty"], "search-to-loyalty", 5),
        (["three-phase"], "three-phase", 3),
        (["Discover", "Book", "Stay", "Review"], "custom", 4),
    ],
)
def test_stage_models(stages: list[str] | None, model_id: str, count: int) -> None:
    journey = draft_map(_answers("en", "A hotel", ["website"], [], stages=stages))
    assert journey.stage_model == model_id
    assert len(journey.stages) == count
    if model_id == "custom":
        assert [s.name for s in journey.stages] == stages

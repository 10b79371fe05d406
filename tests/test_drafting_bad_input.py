"""Drafting from answers a person really gives: empty, contradictory, in another language,
far too many or far too long. Always a sensible map, never a traceback, nothing lost."""

from __future__ import annotations

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.draft import draft_map
from assistant.domain import InterviewAnswers, PersonaAnswers


def _everything(journey: object) -> str:
    return journey.model_dump_json()  # type: ignore[attr-defined, no-any-return]


def test_empty_answers_give_a_generic_map_in_the_language() -> None:
    journey = draft_map(InterviewAnswers(language="et"))
    assert journey.industry == "generic" and journey.language == "et"
    assert len(journey.stages) >= 3 and all(s.actions and s.touchpoints for s in journey.stages)
    assert "meie ettevõte" in journey.title
    assert not [f for f in critique_map(journey).findings if f.severity == "critical"]


def test_a_description_in_another_language_still_finds_its_trade() -> None:
    answers = InterviewAnswers(language="fi", business="A hair salon in Oulu, cuts and colour")
    journey = draft_map(answers)
    assert journey.industry == "hair-beauty" and journey.language == "fi"
    assert "asiakaspolku" in journey.title


def test_contradictory_answers_keep_what_the_person_said() -> None:
    answers = InterviewAnswers(
        language="en",
        business="We sell only to consumers, mainly to other companies",
        model="b2c",
        stages=["Rebook", "Find"],  # backwards
        pain_points=["too slow", "too fast"],
    )
    journey = draft_map(answers)
    assert journey.model == "b2c"
    names = [s.name for s in journey.stages]
    assert names[names.index("Rebook") + 1] == "Find"
    assert {p.text for s in journey.stages for p in s.pain_points} >= {"too slow", "too fast"}


def test_two_hundred_channels_are_all_kept() -> None:
    channels = [f"Channel {n}, the one with the sign" for n in range(200)]
    journey = draft_map(InterviewAnswers(language="en", business="A bakery", channels=channels))
    placed = {
        t.channel for s in journey.stages for t in s.touchpoints if t.provenance.kind == "user"
    }
    assert placed == set(channels)


def test_a_ten_thousand_character_pain_point_is_kept_whole() -> None:
    pain = ("The queue at the counter is long and nobody explains the wait. " * 160)[:10_000]
    answers = InterviewAnswers(
        language="en", business="A bakery", pain_points=[pain], persona=PersonaAnswers(who="")
    )
    journey = draft_map(answers)
    assert pain in _everything(journey)
    stage = next(s for s in journey.stages if any(p.text == pain for p in s.pain_points))
    assert any(o.addresses == pain and o.owner for o in stage.opportunities)

"""The offline interview, driven turn by turn in three languages."""

import pytest

from assistant.capabilities.interview.interviewer import Interviewer, InterviewState
from assistant.capabilities.interview.script import script
from assistant.language.lists import split_list

SLOTS = list(script().slots)


def _run(interviewer: Interviewer, replies: list[str]) -> list[str]:
    messages = [interviewer.start().message]
    for reply in replies:
        messages.append(interviewer.reply(reply).message)
    return messages


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("website, Instagram; store", ["website", "Instagram", "store"]),
        ("- email\n- phone\n", ["email", "phone"]),
        ("1. kauppa\n2) verkkosivut", ["kauppa", "verkkosivut"]),
        ("", []),
    ],
)
def test_split_list(text: str, items: list[str]) -> None:
    assert split_list(text) == items


def test_one_question_at_a_time_with_a_reason_and_source() -> None:
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True))
    first = interviewer.start()
    assert first.slot == "business"
    assert first.message.count("?") >= 1
    assert "Why I ask:" in first.message and "source:" in first.message


def test_finnish_interview_end_to_end() -> None:
    interviewer = Interviewer(InterviewState(lang="fi", lang_fixed=True))
    replies = [
        "Pieni vaatekauppa Tampereella, myymme kuluttajille",  # industry and B2C settled here
        "1",  # map type: current state
        "haluamme tietää, miksi uudet asiakkaat eivät palaa",  # what the map is for
        "Anna, 30, kiireinen ammattilainen",
        "löytää sopivat vaatteet nopeasti, säästää aikaa",
        "asiakaskysely, arvostelut",
        "oletus",
        "Instagram, myymälä, verkkosivut",
        "pitkät kassajonot, sovituskopit täynnä",
        "en tiedä",  # kpis skipped
        "Myymäläpäällikkö",
        "neljännesvuosittain",
    ]
    messages = _run(interviewer, replies)
    state = interviewer.state
    assert state.phase == "confirming"
    assert "Tässä on, mitä kirjasin" in messages[-1]
    answers = state.answers
    assert answers.language == "fi"
    assert answers.model == "b2c"
    assert answers.industry
    assert answers.map_type == "current-state"
    assert answers.purpose == "haluamme tietää, miksi uudet asiakkaat eivät palaa"
    assert answers.channels == ["Instagram", "myymälä", "verkkosivut"]
    assert answers.pain_points == ["pitkät kassajonot", "sovituskopit täynnä"]
    assert answers.kpis == [] and "kpis" in state.skipped
    assert answers.stages is None
    done = interviewer.reply("kyllä")
    assert done.done and state.phase == "done"


def test_back_changes_the_previous_answer() -> None:
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True))
    _run(interviewer, ["We make things", "retail"])
    assert interviewer.state.current == "model"
    turn = interviewer.reply("back")
    assert turn.slot == "industry"
    interviewer.reply("food retail")
    assert interviewer.state.answers.industry == "food retail"


def test_summary_lets_the_person_change_one_answer() -> None:
    state = InterviewState(lang="et", lang_fixed=True)
    interviewer = Interviewer(state)
    interviewer.start()
    for _ in SLOTS:
        if state.phase != "asking":
            break
        interviewer.reply("ei tea")
    assert state.phase == "confirming"
    turn = interviewer.reply("kanalid")
    assert turn.slot == "channels"
    back_to_summary = interviewer.reply("veebileht, kauplus")
    assert state.phase == "confirming"
    assert "veebileht; kauplus" in back_to_summary.message  # the items, kept apart


def test_unclear_choice_is_asked_again() -> None:
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True))
    _run(interviewer, ["Something", "Other"])
    turn = interviewer.reply("hmm, maybe")
    assert turn.slot == "model"
    assert "did not catch" in turn.message


def test_language_is_detected_from_the_person() -> None:
    interviewer = Interviewer(InterviewState(lang="en"))
    interviewer.start()
    turn = interviewer.reply("Meil on väike kohvik Tallinnas ja kliendid on peamiselt turistid")
    assert interviewer.state.lang == "et"
    assert "Miks ma küsin" in turn.message


def test_state_is_serialisable_and_resumable() -> None:
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True))
    _run(interviewer, ["An online shop for board games, selling to consumers", "1"])
    saved = interviewer.state.model_dump_json()
    resumed = Interviewer(InterviewState.model_validate_json(saved))
    turn = resumed.start()
    assert turn.slot == interviewer.state.current == "purpose"
    assert resumed.state.answers.business.startswith("An online shop")

"""What a stage or a sentence is about: journey roles from names (known models, meaning, the
journey's order) and from the signal words of a sentence; lists split as the person meant."""

from __future__ import annotations

import pytest

from assistant.capabilities.stage_roles import roles_of, sentence_roles
from assistant.catalog.roles import ROLES
from assistant.language.lists import split_list
from assistant.language.vocabulary import channel_kind
from assistant.retrieval.meaning import default_meaning


@pytest.mark.parametrize(
    ("names", "lang", "expected"),
    [
        (["Awareness", "Consideration", "Purchase"], "en", ["discover", "compare", "commit"]),
        (["Tietoisuus", "Harkinta", "Osto"], "fi", ["discover", "compare", "commit"]),
        (
            ["Broneerimine", "Külastus salongis", "Pärast külastust", "Uus broneering"],
            "et",
            ["commit", "use", "after", "return"],
        ),
        (["Notices the leak", "The visit", "Invoice"], "en", ["need", "use", "after"]),
    ],
)
def test_stage_names_get_the_roles_they_mean(
    names: list[str], lang: str, expected: list[str]
) -> None:
    found = roles_of(names, lang, default_meaning())  # type: ignore[arg-type]
    assert [role in roles for role, roles in zip(expected, found, strict=True)] == [True] * len(
        names
    )


def test_roles_never_run_backwards_along_the_journey() -> None:
    found = roles_of(["Varaus", "Käynti", "Uusi varaus"], "fi", default_meaning())
    order = [min(ROLES.index(r) for r in roles) for roles in found]
    assert order == sorted(order)
    assert "return" in found[-1]  # a second booking after the visit is coming back


@pytest.mark.parametrize(
    ("sentence", "lang", "role"),
    [
        ("the checkout queue is long on Saturdays", "en", "commit"),
        ("lasku on epäselvä eikä siitä näe, mitä osia vaihdettiin", "fi", "after"),
        ("klient ei tea, kellele helistada, kui rike kordub", "et", "support"),
        ("happy customers never recommend us to their friends", "en", "advocate"),
        # Not knowing that a business offers something is finding it, in every language.
        ("kaikki eivät tiedä, että meillä on myös kotikäyntejä", "fi", "discover"),
        ("paljud ei tea, et meil saab ka laupäeviti käia", "et", "discover"),
        # "ajal" (during) and "lauda" (a table) say nothing of the visit: booking is booking.
        ("Toa saab broneerida ainult e-kirjaga ja vastust tuleb oodata terve päev", "et", "commit"),
    ],
)
def test_signal_words_say_what_a_sentence_is_about(sentence: str, lang: str, role: str) -> None:
    scores = sentence_roles(sentence, lang, "pain_points", default_meaning())  # type: ignore[arg-type]
    assert ROLES[int(scores.argmax())] == role


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "Google Mapsi hinnang (praegu 4,6), kordusbroneeringud",
            ["Google Mapsi hinnang (praegu 4,6)", "kordusbroneeringud"],
        ),
        (
            "Google Maps ja sõbrad, kes meid soovitavad, Instagram",
            ["Google Maps ja sõbrad, kes meid soovitavad", "Instagram"],
        ),
        (
            "ystävät, jotka suosittelevat meitä; verkkosivut",
            ["ystävät, jotka suosittelevat meitä", "verkkosivut"],
        ),
        (
            "friends, who recommend us, and the website",
            ["friends, who recommend us", "and the website"],
        ),
        ("1,5 h odotus, jono", ["1,5 h odotus", "jono"]),
    ],
)
def test_a_list_is_split_as_the_person_meant(text: str, items: list[str]) -> None:
    assert split_list(text) == items


@pytest.mark.parametrize(
    ("channel", "kind"),
    [
        ("Juuksurisalong Lokk", "offline"),
        ("salong ise", "offline"),
        ("puhelin", "offline"),
        ("näyteikkuna", "offline"),
        ("Helmet-verkkokirjasto", "online"),
        ("Instagram", "online"),
        ("Wolt", "online"),
        ("kontserdid", "offline"),  # an event is a place people go to
        ("konsertit ja messut", "offline"),
        ("end-of-term recitals", "offline"),
        ("kevätnäytös", "offline"),
        ("Messengeris", "online"),  # not a trade fair ("messil")
        ("livestreamed concerts", "online"),
    ],
)
def test_a_channel_is_as_online_or_offline_as_it_is(channel: str, kind: str) -> None:
    assert channel_kind(channel) == kind


def test_signal_words_of_another_language_do_not_count() -> None:
    """ "ei näe" is an Estonian discover signal ("does not see us"); in Finnish the same
    letters say nothing of the sort."""
    from assistant.capabilities.stage_roles import _signal_counts
    from assistant.catalog.roles import ROLES

    finnish = _signal_counts("netistä ei näe, mitä kokoja hyllyssä on", "fi")
    estonian = _signal_counts("tänavalt meid lihtsalt ei näe", "et")
    assert finnish[ROLES.index("discover")] == 0
    assert estonian[ROLES.index("discover")] >= 1

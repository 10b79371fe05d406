"""Drafting from the library: the trade that fits, stages with content of their own, the
person's words intact and placed by meaning, remedies that do something, and a critic that
finds nothing critical in Polku's own drafts; across trades, languages, B2B/B2C, map types."""

from datetime import date

import pytest

from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.draft import draft_map
from assistant.capabilities.drafting.persona import short_name
from assistant.catalog.library import library
from assistant.catalog.stage_models import stage_models
from assistant.domain import InterviewAnswers, JourneyMap, PersonaAnswers
from assistant.formats.render import render

SCENARIOS = [
    # (lang, business, trade, channels, pain points, {pain: roles it is about})
    (
        "en",
        "A fashion store in Helsinki with a web shop",
        "retail",
        ["Instagram", "the store itself", "email newsletter"],
        ["long queues at the checkout", "hard to find sizes on the website"],
        {"long queues at the checkout": {"commit"}},
    ),
    (
        "et",
        "Juuksurisalong Lokk Tartus: lõikame, värvime ja kujundame juukseid",
        "hair-beauty",
        ["Instagram", "Google Maps ja sõbrad, kes meid soovitavad", "telefon"],
        ["kliendid unustavad aja ja ei tule kohale", "hinnakiri on kodulehel vananenud"],
        {"hinnakiri on kodulehel vananenud": {"need", "discover", "compare"}},
    ),
    (
        "fi",
        "Pyöräkorjaamo Tampereella, huollamme ja korjaamme polkupyöriä",
        "vehicle-service",
        ["verkkosivut", "puhelin", "korjaamo"],
        ["huoltoajan varaaminen on hankalaa", "lasku on epäselvä"],
        {"lasku on epäselvä": {"after"}},
    ),
    (
        "fi",
        "Kaupunginkirjasto, lainaamme kirjoja ja järjestämme satutunteja lapsille",
        "library",
        ["kirjaston verkkosivut", "lainaustiski"],
        ["varausjonot ovat pitkiä"],
        {},
    ),
    (
        "en",
        "We maintain conveyor lines and packing robots for food factories",
        "industrial-services",
        ["phone", "customer portal"],
        ["our service reports arrive a week after the visit"],
        {},
    ),
    (
        "et",
        "Raamatupidamisbüroo, peame väikeettevõtete raamatupidamist",
        "professional-services",
        ["e-post", "veebileht"],
        ["kliendid ei saa aru, mida kuutasu sisaldab"],
        {"kliendid ei saa aru, mida kuutasu sisaldab": {"compare"}},
    ),
]
WRONG_TRADE = {  # words that must not appear in a suggestion for this trade
    "hair-beauty": ["ostukorv", "tarne", "pakiautomaat", "kuller"],
    "library": ["ostoskori", "toimitus", "pakettiautomaatti", "hinta"],
    "industrial-services": ["haircut", "shopping cart", "parcel locker", "table"],
}


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


def _suggestions(journey: JourneyMap) -> list[str]:
    found = []
    for stage in journey.stages:
        for entry in [*stage.actions, *stage.thoughts, *stage.pain_points]:
            if entry.provenance.kind == "pattern":
                found.append(entry.text)
        found += [t.channel for t in stage.touchpoints if t.provenance.kind == "pattern"]
        found += [o.text for o in stage.opportunities if o.provenance.kind == "pattern"]
    return found


@pytest.mark.parametrize("model", ["b2c", "b2b"])
@pytest.mark.parametrize(
    ("lang", "business", "trade", "channels", "pains", "placements"),
    SCENARIOS,
    ids=[s[2] for s in SCENARIOS],
)
def test_draft_keeps_every_input_and_fills_every_stage(
    lang: str,
    business: str,
    trade: str,
    channels: list[str],
    pains: list[str],
    placements: dict[str, set[str]],
    model: str,
) -> None:
    journey = draft_map(
        _answers(lang, business, channels, pains, model=model), today=date(2026, 11, 1)
    )
    assert journey.language == lang
    assert journey.industry == trade
    expected_model = stage_models().get(journey.stage_model or "")
    assert len(journey.stages) == len(expected_model.stages)
    for channel in channels:  # every channel placed whole, marked as the person's
        assert any(
            tp.channel == channel and tp.provenance.kind == "user"
            for s in journey.stages
            for tp in s.touchpoints
        ), channel
    for pain in pains:  # every pain point placed, with a concrete remedy, owner and metric
        stage = next(s for s in journey.stages if any(p.text == pain for p in s.pain_points))
        fix = next(o for o in stage.opportunities if o.addresses == pain)
        assert fix.owner and fix.metric and pain not in fix.text
        # The curve dips there: below zero, or to mixed at the trade's high moment, and the
        # reason names the pain.
        assert stage.emotion.score <= 0 and pain in stage.emotion.reason
    for pain, expected in placements.items():
        stage = next(s for s in journey.stages if any(p.text == pain for p in s.pain_points))
        roles = next(m.roles for m in expected_model.stages if m.key == stage.key)
        assert set(roles) & expected, (pain, stage.name)
    cells = []
    for stage in journey.stages:
        assert stage.customer_goal and stage.actions and stage.touchpoints and stage.thoughts
        assert stage.emotion.label and stage.emotion.reason
        suggestions = [i for i in stage.actions if i.provenance.kind == "pattern"]
        assert all(
            i.provenance.source and i.provenance.source.doc_id.startswith(f"{lang}/")
            for i in suggestions
        )
        cells += [a.text for a in suggestions]
    assert len(cells) == len(set(cells))  # no stage repeats another's content
    for word in WRONG_TRADE.get(trade, []):
        assert not [text for text in _suggestions(journey) if word in text.lower()], word
    assert (len(journey.stakeholders) > 0) == (model == "b2b")
    report = critique_map(journey)
    assert [f for f in report.findings if f.severity == "critical"] == []


def test_the_persons_words_arrive_whole_and_offline_channels_are_offline() -> None:
    channels = ["Google Maps ja sõbrad, kes meid soovitavad", "salong ise", "telefon"]
    journey = draft_map(
        _answers("et", "Juuksurisalong Lokk Tartus", channels, [], kpis=["hinnang (praegu 4,6)"])
    )
    kinds = {tp.channel: tp.kind for s in journey.stages for tp in s.touchpoints}
    assert kinds["salong ise"] == kinds["telefon"] == "offline"
    assert journey.kpis == ["hinnang (praegu 4,6)"]


def test_a_salon_visit_is_a_high_and_own_stages_get_their_own_content() -> None:
    stages = ["Leidmine", "Broneerimine", "Külastus salongis", "Pärast külastust", "Uus broneering"]
    journey = draft_map(_answers("et", "Juuksurisalong Tartus", [], [], stages=stages))
    assert [s.name for s in journey.stages] == stages
    visit = journey.stages[2]
    assert visit.emotion.score == max(s.emotion.score for s in journey.stages) > 0
    actions = [tuple(a.text for a in s.actions) for s in journey.stages]
    assert len(set(actions)) == len(actions)
    assert not any(f.severity == "critical" for f in critique_map(journey).findings)


@pytest.mark.parametrize(
    ("business", "lang", "name"),
    [
        (
            "A community choir in Bristol with 60 members, membership fees",
            "en",
            "A community choir",
        ),
        ("I run a nail and lash studio in Leeds", "en", "Nail and lash studio"),
        ("Meillä on pieni leipomo Turussa", "fi", "Pieni leipomo"),
        ("Pidän kampaamoa Oulussa", "fi", "Pidän kampaamoa"),  # never a stray partitive
        ("Jõusaal Tartus, kus on ka saun", "et", "Jõusaal"),
    ],
)
def test_a_title_never_stops_mid_phrase(business: str, lang: str, name: str) -> None:
    assert short_name(business, lang) == name  # type: ignore[arg-type]


def test_a_trade_gets_its_own_stage_model_by_default() -> None:
    salon = draft_map(_answers("en", "A barber shop in Leeds, walk-ins and bookings", [], []))
    assert salon.stage_model == "appointment"
    assert [s.key for s in salon.stages] == ["find", "book", "visit", "after-visit", "rebook"]


@pytest.mark.parametrize(
    ("business", "lang", "name"),
    [
        (
            "Juuksurisalong Lokk Tartus: lõikame, värvime ja kujundame juukseid",
            "et",
            "Juuksurisalong Lokk",
        ),
        ("Pyöräkorjaamo Tampereella, huollamme pyöriä", "fi", "Pyöräkorjaamo"),
        ("A bakery in Leeds that sells bread", "en", "A bakery"),
    ],
)
def test_the_title_names_the_business_in_a_few_words(business: str, lang: str, name: str) -> None:
    assert short_name(business, lang) == name
    journey = draft_map(_answers(lang, business, [], []))
    assert journey.title.startswith(name) and len(journey.title) < 60


def test_map_type_and_labels_are_in_the_map_language() -> None:
    finnish = draft_map(_answers("fi", "Kahvila Turussa", [], []))
    content, _, _ = render(finnish, "md")
    assert "current-state" not in content.decode() and "nykytila" in content.decode()
    assert "asiakaspolku" in finnish.title


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
        (["five-stage"], "five-stage", 5),
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


def test_a_broad_trades_items_for_another_branch_stay_out() -> None:
    """Public services cover health centres too: a daycare office's remedies and items are
    its own, never a patient's prescription."""
    answers = _answers(
        "fi",
        "Kaupungin varhaiskasvatuksen palveluohjaus: käsittelemme päiväkotihakemukset ja "
        "teemme hoitopaikkapäätökset",
        ["sähköinen asiointi", "puhelin"],
        [
            "hoitopaikkapäätös tulee vasta kaksi viikkoa ennen aloitusta",
            "vanhemmat eivät tiedä, milloin hakemus pitää jättää",
        ],
    )
    journey = draft_map(answers)
    texts = " ".join(_suggestions(journey)).casefold()
    assert "potila" not in texts and "resepti" not in texts


@pytest.mark.parametrize(
    ("business", "model", "goal_word"),
    [
        (
            "Autopesula Särav Tartus: käsipesu, salongi puhastus ja vahatamine",
            "appointment",
            "puhtaks",
        ),
        ("Autotöökoda Tartus: sõiduautode hooldus, remont ja rehvivahetus", "repair", "auto"),
    ],
)
def test_a_branch_can_have_its_own_stage_model_and_goals(
    business: str, model: str, goal_word: str
) -> None:
    """A car wash is a visit, not a repair: its branch names the appointment model and its
    own customer goals; a repair shop of the same trade keeps the repair journey."""
    journey = draft_map(_answers("et", business, ["telefon"], []))
    assert journey.stage_model == model
    first = journey.stages[0].customer_goal
    assert first is not None and goal_word in first.text.lower(), first


def test_a_branched_trades_remedy_is_offered_when_its_tags_fit() -> None:
    """A plumber's own pain about slow quotes gets the home-services remedy for it (same-day
    quotes), not a generic website tip: a trade that names its branches is trusted by its
    tags, so its remedies are not dropped for sounding like another trade."""
    answers = _answers(
        "fi",
        "LVI-Nieminen Oy, putkiliike Lahdessa: vesikalusteiden asennukset ja vuotojen korjaukset",
        ["puhelin", "kotisivut"],
        ["tarjouksen lähettäminen venyy usein viikkoon, koska teen ne illalla"],
    )
    journey = draft_map(answers)
    remedy = next(
        o.text
        for stage in journey.stages
        for o in stage.opportunities
        if o.addresses and o.addresses.startswith("tarjouksen lähettäminen")
    )
    assert "tarjous samana päivänä" in remedy, remedy


@pytest.mark.parametrize(
    ("lang", "business", "trade", "foreign"),
    [
        # A florist is a shop, though "kukkakauppa" starts with no shop word.
        (
            "fi",
            "Kukkakauppa Vanamo Oulussa: kimput, hääkukat ja hautajaisvihkot",
            "retail",
            ["potila", "lainaus", "kampaa"],
        ),
        # An Estonian dog groomer calls itself a "koerte ilusalong": a beauty salon's name
        # inside the dog groomer's, which must not make it a hair salon.
        (
            "et",
            "Koerte ilusalong Karvapall Tartus: pesu, trimmimine ja küünte lõikus",
            "pet-services",
            ["juuksur", "juuksed", "blond", "värvimi"],
        ),
        # "remont" alone is any repair in Estonian: a garage's remont is not a renovation.
        (
            "et",
            "Autoremonditöökoda Pärnus: remont, hooldus ja rehvivahetus sõiduautodele",
            "vehicle-service",
            ["vannituba", "torumees", "koristus"],
        ),
        (
            "fi",
            "Yksityinen päiväkoti Pikku Kettu Lahdessa, 40 lasta, palveluseteli käy",
            "childcare",
            ["potila", "resepti", "rakennuslupa", "lääkäri"],
        ),
    ],
)
def test_a_dog_groomer_and_a_private_daycare_get_their_own_trades_items(
    lang: str, business: str, trade: str, foreign: list[str]
) -> None:
    from assistant.capabilities.drafting.trades import fit_trades
    from assistant.retrieval.meaning import default_meaning

    answers = _answers(lang, business, ["Instagram", "telefon"], [])
    assert [t.trade for t in fit_trades(answers, default_meaning()).trades] == [trade]
    texts = " ".join(_suggestions(draft_map(answers))).casefold()
    assert not [word for word in foreign if word in texts], texts


def test_a_name_inside_another_trades_longer_name_does_not_count() -> None:
    from assistant.capabilities.drafting.trades import named_counts

    trades = [library()[t] for t in ("hair-beauty", "pet-services", "retail")]
    dog_salon = named_counts("Koerte ilusalong Tartus", trades)
    assert dog_salon["hair-beauty"] == 0 and dog_salon["pet-services"] >= 1
    assert named_counts("Ilusalong Tartus", trades)["hair-beauty"] >= 1
    # Within one trade, a name and a longer name of the same trade both count.
    assert named_counts("a bike shop", trades)["retail"] == 2


@pytest.mark.parametrize(
    ("lang", "business", "who", "women"),
    [
        ("fi", "Naisten vaatekauppa Tampereella", "", True),
        ("et", "Barbershop meestele Tartus", "", False),
        ("en", "A bridal boutique", "brides and their mothers", True),
        ("fi", "Autokorjaamo", "isät, jotka tuovat perheen auton huoltoon", False),
    ],
)
def test_a_personas_first_name_follows_who_the_business_serves(
    lang: str, business: str, who: str, women: bool
) -> None:
    from assistant.capabilities.drafting.persona import persona_name
    from assistant.language.words import first_names

    answers = InterviewAnswers.model_validate(
        {"language": lang, "business": business, "persona": {"who": who}}
    )
    names = first_names()
    expected = (names.women if women else names.men).get(lang)  # type: ignore[arg-type]
    assert persona_name(answers) in expected


def test_a_cue_is_a_whole_word() -> None:
    from assistant.capabilities.drafting.persona import _cue_count

    assert _cue_count("A menu of mentoring sessions", ["men", "he"]) == 0
    assert _cue_count("Haircuts for men and boys", ["men", "boys"]) == 2


def test_a_pain_at_the_trades_high_moment_leaves_it_mixed_not_a_low() -> None:
    """The salon visit is the high point: a pain there makes it mixed, with both reasons."""
    answers = _answers(
        "en",
        "A hair salon in Leeds with four stylists",
        ["Instagram"],
        ["the stylist talks the whole time during the haircut"],
        stages=["Find", "Book", "The visit", "After the visit", "Rebook"],
    )
    journey = draft_map(answers)
    visit = next(s for s in journey.stages if s.name == "The visit")
    assert any(p.text.startswith("the stylist talks") for p in visit.pain_points)
    assert visit.emotion.score == 0 and visit.emotion.label == "mixed"
    assert "but “the stylist talks the whole time" in visit.emotion.reason
    assert visit.emotion.reason.split(", but")[0]  # the trade's own high reason comes first


def _branched(tags: dict[str, list[str]]) -> dict[str, object]:
    """The generic library as a trade with two branches, its first actions tagged."""
    data = library()["generic"].model_dump()
    data["branches"] = {
        "driving": {
            "name": {"en": "Driving school", "fi": "Autokoulu", "et": "Autokool"},
            "aliases": {"en": ["driving school"], "fi": ["autokoul"], "et": ["autokool"]},
        },
        "language": {
            "name": {"en": "Language school", "fi": "Kielikoulu", "et": "Keelekool"},
            "aliases": {"en": ["language school"], "fi": ["kielikoul"], "et": ["keelekool"]},
        },
    }
    for index, branches in enumerate(tags.values()):
        data["roles"]["use"]["actions"].insert(
            0,
            {
                "en": f"item {index}",
                "fi": f"kohta {index}",
                "et": f"asi {index}",
                "branches": branches,
            },
        )
    return data


def test_a_branch_item_is_drawn_only_for_a_business_that_names_its_branch() -> None:
    from assistant.capabilities.drafting.trades import TradeFit
    from assistant.catalog.library import TradeLibrary

    trade = TradeLibrary.model_validate(_branched({"a": ["driving"], "b": ["language", "driving"]}))
    assert trade.named_branches("Autokoulu Oulussa, B-kortti") == {"driving"}
    assert trade.named_branches("Keelekool ja autokool Tartus") == {"driving", "language"}
    assert trade.named_branches("A pottery studio") == set()
    driving_only, both = trade.roles["use"].actions[1], trade.roles["use"].actions[0]
    untagged = trade.roles["use"].actions[2]
    fits = {
        named: TradeFit((trade,), library()["generic"], branches={trade.trade: frozenset(named)})
        for named in ((), ("driving",), ("language",))
    }
    assert [fits[()].belongs(trade, item) for item in (driving_only, both, untagged)] == [
        False,
        False,
        True,
    ]
    assert [fits[("driving",)].belongs(trade, i) for i in (driving_only, both)] == [True, True]
    assert [fits[("language",)].belongs(trade, i) for i in (driving_only, both)] == [False, True]


def test_a_library_file_with_unknown_branches_or_too_few_untagged_items_is_refused() -> None:
    from pydantic import ValidationError

    from assistant.catalog.library import TradeLibrary

    with pytest.raises(ValidationError, match="not in `branches`"):
        TradeLibrary.model_validate(_branched({"a": ["cooking"]}))
    data = _branched({})
    for item in data["roles"]["use"]["thoughts"]:  # type: ignore[index]
        item["branches"] = ["driving"]
    with pytest.raises(ValidationError, match=r"use\.thoughts: 0 items fit the whole trade"):
        TradeLibrary.model_validate(data)


@pytest.mark.parametrize(
    ("lang", "business", "purpose"),
    [
        ("fi", "Kampaamo Helsingin Kalliossa", "miksi uudet asiakkaat eivät varaa toista aikaa"),
        ("et", "Raamatukogu Tartus, laenutus ja üritused", "kuidas saada noored raamatukokku"),
        ("en", "Machine shop maintenance contractor for factories", "why renewals slip"),
    ],
)
def test_a_draft_states_its_purpose_scope_moments_of_truth_and_a_failure_path(
    lang: str, business: str, purpose: str
) -> None:
    from assistant.language.i18n import t

    journey = draft_map(_answers(lang, business, [], [], purpose=purpose))
    assert journey.purpose == purpose
    first, last = journey.stages[0].name, journey.stages[-1].name
    assert f"{first} → {last}" in journey.scope
    assert t("draft_hypothesis", lang) in journey.scope  # no research behind it
    marked = [s for s in journey.stages if s.extra_lanes.get(t("lane_moments_of_truth", lang))]
    assert 1 <= len(marked) <= max(1, len(journey.stages) // 2)
    assert any(s.extra_lanes.get(t("lane_failure_paths", lang)) for s in journey.stages)
    found = {f.guideline_id for f in critique_map(journey).findings}
    assert not found & {
        "purpose-stated",
        "map-scope",
        "evidence-level",
        "moments-of-truth",
        "failure-recovery",
    }, found


def test_a_florist_s_own_pains_take_the_place_and_remedy_of_the_library_s_version() -> None:
    """The owner's wedding pain goes where the florist library has it (comparing, with the
    order calendar as its remedy), and the pain about deliveries nobody is home for takes
    the remedy the library's own not-at-home pain had, which leaves the map instead of
    standing beside it."""
    wedding = "hääparit eivät tiedä, kuinka paljon ennen häitä kukat pitää tilata"
    away = "kotiinkuljetuksen ajasta ei voi sopia tarkasti, joten vastaanottaja ei ole kotona"
    answers = _answers(
        "fi",
        "Kukkakauppa Vanamo Oulussa: kimput, hääkukat ja hautajaisvihkot, kotiinkuljetus",
        ["Instagram", "puhelin", "myymälä"],
        [wedding, away],
    )
    journey = draft_map(answers)
    where = {p.text: s for s in journey.stages for p in s.pain_points}
    remedy = {o.addresses: o.text for s in journey.stages for o in s.opportunities}
    assert where[wedding].name == "Harkinta", where[wedding].name
    assert "tilauskalenteri" in remedy[wedding]
    assert "varasuunnitelma" in remedy[away]
    suggested = [
        p.text for s in journey.stages for p in s.pain_points if p.provenance.kind != "user"
    ]
    assert not any("ei ole kotona" in text for text in suggested), suggested


def test_a_florist_s_persona_has_the_florist_s_goals() -> None:
    from assistant.catalog.library import library

    answers = _answers(
        "fi", "Kukkakauppa Vanamo Oulussa: kimput ja hääkukat", ["Instagram"], []
    ).model_copy(update={"persona": PersonaAnswers()})
    journey = draft_map(answers)
    florist = library()["retail"].roles["commit"].branch_goals["florist"].get("fi")
    assert florist in journey.persona.needs, journey.persona.needs

"""Offline answers built from pieces that stand on their own: whole lists with their lead,
and the seed articles named in words that fit the sentence's grammar."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.catalog.seeds import readable
from assistant.language.text import is_list, units


def test_a_list_and_the_line_leading_into_it_are_one_piece() -> None:
    text = (
        "Intro sentence here. Write three things in the header:\n"
        "- **Owner** – who keeps it\n- **Date** – when it was checked\n- **Sources**\n\n"
        "A closing sentence. And another one."
    )
    found = units(text)
    assert found[0] == "Intro sentence here."
    assert found[1] == (
        "Write three things in the header:\n- **Owner** – who keeps it\n"
        "- **Date** – when it was checked\n- **Sources**"
    )
    assert is_list(found[1]) and not is_list(found[0])
    assert found[2:] == ["A closing sentence.", "And another one."]


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Millised read on teenuseplaanis?", ["Füüsilised tõendid", "Esiplaani", "Tagaplaani"]),
        ("Which online touchpoints are typical?", ["website", "social media"]),
    ],
)
def test_a_question_asking_which_gets_the_whole_list(
    services: Any, question: str, wanted: list[str]
) -> None:
    """Answered from the passages (an answer card may answer it on the page: the English
    touchpoint card does), the list block comes whole."""
    from assistant.capabilities.qa.extractive import offline_answer
    from assistant.language.detect import detect_language

    lang = detect_language(question)
    hits = services.retriever.search(question, lang=lang, k=services.settings.retrieval_k)
    answer = offline_answer(question, hits, lang)
    lowered = answer.answer.lower()
    assert all(word.lower() in lowered for word in wanted), answer.answer
    assert "\n- " in answer.answer  # the list kept as a list


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Seed-003:n mallissa polku jakautuu kolmeen osaan.",
            "fi",
            "Blogisarjan ”Kohti parempaa asiakaskokemusta” mallissa polku jakautuu",
        ),
        ("Jako on peräisin seed-001:stä.", "fi", "käsittelevästä virolaisesta artikkelista."),
        ("Seed-004 autor toob välja", "et", "Artikli „Asiakaspolun ymmärtäminen“ autor"),
        ("Seed-001 names four types.", "en", "An Estonian article on the do's and don'ts"),
        ("as the author says (seed-002).", "en", "(the article “Miten asiakasmatka"),
    ],
)
def test_seed_articles_are_named_in_the_sentences_grammar(
    text: str, lang: str, expected: str
) -> None:
    shown = readable(text, lang)  # type: ignore[arg-type]
    assert expected in shown, shown
    assert "seed-" not in shown.lower()


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("Which emotions should I record on the map?", "this document"),
        ("Kuidas leida kliendi valupunkte?", "siit leiad"),
    ],
)
def test_an_answer_never_quotes_a_documents_words_about_itself(
    services: Any, question: str, phrase: str
) -> None:
    answer = services.ask(question)
    assert answer.citations and phrase not in answer.answer.lower(), answer.answer

"""Answer cards: curated answers to common questions, found by what the question means,
used only when one plainly answers it, each cited by the passages that hold what it says."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assistant.capabilities.qa.cards import (
    CardScores,
    _cited,
    card_answer,
    card_owners,
    card_texts,
    curated_answer,
    matching_card,
)
from assistant.capabilities.qa.extractive import leans_back
from assistant.catalog import validate_all
from assistant.catalog.answers import AnswerCards, answer_cards
from assistant.domain import LANGS, Lang
from assistant.language.text import overlap, sentences, stems
from assistant.retrieval.meaning import centred, default_meaning


def test_the_cards_load_and_cite_documents_that_exist() -> None:
    assert validate_all() == []
    for lang in LANGS:
        assert len(answer_cards(lang).cards) >= 25, lang


def test_a_card_file_with_a_repeated_id_is_refused() -> None:
    card = {"id": "x", "questions": ["a?", "b?"], "answer": "An answer.", "sources": ["d"]}
    with pytest.raises(ValueError, match="used twice"):
        AnswerCards.model_validate({"lang": "en", "cards": [card, card]})


@pytest.mark.parametrize("lang", LANGS)
def test_a_question_left_out_of_its_card_still_finds_it(lang: Lang) -> None:
    """Leave one out: each way a card is asked, scored against every card without itself
    (as ``matching_card`` scores, the centre included), is answered by its own card, or by
    none (then the passages answer it); another card's answer to it is rare. The thresholds
    in ``cards.py`` were chosen on this."""
    cards = answer_cards(lang).cards
    texts = card_texts(lang)
    owners = card_owners(lang)
    vectors = default_meaning().vectors(texts)
    right = wrong = 0
    for row, owner in enumerate(owners):
        others = np.arange(len(texts)) != row  # the question itself is left out
        centre = vectors[others].mean(axis=0)
        plain = vectors[others] @ vectors[row]
        moved = centred(vectors[others], centre) @ centred(vectors[row : row + 1], centre)[0]
        wanted = stems(texts[row])
        shares = np.array(
            [
                overlap(wanted, " ".join([*(q for q in c.questions if q != texts[row]), c.answer]))
                for c in cards
            ]
        )
        chosen = CardScores.of(plain, moved, shares, owners[others]).chosen()
        right += int(chosen == owner)
        wrong += int(chosen is not None and chosen != owner)
    assert right / len(owners) >= 0.65, (right, len(owners))  # 0.73-0.90 when chosen
    assert wrong / len(owners) <= 0.03, (wrong, len(owners))  # 0.00-0.02 when chosen


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("How do I bake sourdough bread at home?", "en"),
        ("What is the capital of Finland?", "en"),
        ("Paljonko bussilippu maksaa Tampereella?", "fi"),
        ("Kuidas vahetada auto rehve?", "et"),
    ],
)
def test_a_question_no_card_answers_gets_none(question: str, lang: Lang) -> None:
    assert matching_card(question, lang, default_meaning()) is None


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_opens_with_a_sentence_that_stands_alone(lang: Lang) -> None:
    for card in answer_cards(lang).cards:
        first = sentences(card.answer)[0]
        assert not leans_back(first, lang), (card.id, first)
        assert "[" not in card.answer, card.id  # Polku numbers the sources itself


@pytest.mark.parametrize("lang", LANGS)
def test_a_card_is_cited_by_the_passages_that_hold_it(lang: Lang) -> None:
    """Each cited passage is of a document the card names, and holds a good share of the
    card's words (the passage the answer rests on, not the document's first one)."""
    for card in answer_cards(lang).cards:
        cited = _cited(card, lang)
        assert len(cited) == len(card.sources), card.id
        for chunk in cited:
            assert chunk.doc_id.split("/", 1)[1] in card.sources
            assert overlap(stems(card.answer), f"{chunk.section} {chunk.text}") >= 0.25, (
                card.id,
                chunk.chunk_id,
            )


def test_a_card_answers_a_paraphrase_with_its_sources(services: Any) -> None:
    card = next(c for c in answer_cards("en").cards if "five-stage-model" in c.sources)
    question = card.questions[0]
    answer = services.ask(question, lang="en")
    assert answer.answer.startswith(card.answer.split("\n")[0][:40])
    assert [c.doc_id for c in answer.citations] == [f"en/{d}" for d in card.sources]
    assert all(c.id.startswith(f"{c.doc_id}#") for c in answer.citations)
    assert "[1]" in answer.answer


def test_no_card_no_change(services: Any) -> None:
    """A question no card answers is answered from the passages, as before."""
    question = "Why should a small bakery bother with its website's contact details?"
    assert curated_answer(question, "en") is None
    assert services.ask(question, lang="en").answer


def test_a_card_asked_for_one_of_its_facts_is_cited_by_the_passage_with_it() -> None:
    """Asked for one statistic of the B2B card, the citation is the passage that has the
    statistic, not the one with most of the card's other lines."""
    card = next(c for c in answer_cards("et").cards if c.id == "b2b-vs-b2c")
    assert "76" in card.answer
    asked = _cited(card, "et", "Mitu protsenti B2B-ostjatest hindab telefonikõnet?")
    assert [("76" in c.text) for c in asked] == [True]
    assert not any("76" in c.text for c in _cited(card, "et"))


def test_the_line_a_question_asks_for_is_cited_where_it_stands() -> None:
    card = next(c for c in answer_cards("en").cards if c.id == "how-to-make-a-map")
    answer = card_answer("What goes in the header of a journey map?", card, "en")
    assert answer is not None
    header = next(line for line in answer.answer.splitlines() if "header" in line)
    assert header.endswith("[2]")
    assert "header" in answer.citations[1].snippet
    assert answer.answer.rstrip().endswith("[1]")


def test_a_question_for_the_whole_card_gets_no_line_citation() -> None:
    card = next(c for c in answer_cards("en").cards if c.id == "five-stages")
    answer = card_answer(card.questions[0], card, "en")
    assert answer is not None
    assert len(answer.citations) == len(card.sources)
    assert "[2]" not in answer.answer

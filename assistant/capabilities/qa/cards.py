"""Curated answers: when a question means what an answer card answers, the card is the
answer, cited by the passages of its documents that hold what it says.

A card is used only when the question is close to one of the ways the card is asked (e5
similarity at least ``CARD_MIN``) and clearly closer to it than to any other card; anything
else is answered from the passages (``extractive``)."""

from __future__ import annotations

from functools import cache

import numpy as np

from assistant.catalog.answers import AnswerCard, answer_cards
from assistant.catalog.seeds import readable
from assistant.domain import Answer, Citation, Lang
from assistant.language.text import overlap, stems
from assistant.retrieval.documents import Chunk, builtin_documents, chunk_all
from assistant.retrieval.meaning import Meaning, default_meaning

# Chosen on the cards' own questions, each left out of its card in turn
# (``tests/test_answer_cards.py``), never on the QA eval: e5 alone rates most short questions
# about journey maps alike, in Finnish and Estonian above all, so the words the question
# shares with a card (its other questions and its answer) count beside what it means.
CARD_MIN = 0.88  # e5 similarity to the closest way the card is asked
WORDS_WEIGHT = 0.2  # share of the question's content words found in the card
CARD_LEAD = 0.04  # the best card must stand this far above the next one


@cache
def _chunks(lang: Lang) -> dict[str, list[Chunk]]:
    found: dict[str, list[Chunk]] = {}
    for chunk in chunk_all(builtin_documents()):
        if chunk.lang == lang:
            found.setdefault(chunk.doc_id.split("/", 1)[1], []).append(chunk)
    return found


def card_texts(lang: Lang) -> list[str]:
    """Every card question in one language (for the shipped vectors)."""
    return [question for card in answer_cards(lang).cards for question in card.questions]


def card_scores(question: str, lang: Lang, meaning: Meaning) -> tuple[np.ndarray, np.ndarray]:
    """Per card: its closest question's e5 similarity, and that plus the share of the
    question's content words the card holds (``WORDS_WEIGHT``)."""
    cards = answer_cards(lang).cards
    owners = np.array([i for i, card in enumerate(cards) for _ in card.questions])
    similarity = meaning.similarity([question], card_texts(lang))[0]
    closest = np.full(len(cards), -1.0)
    np.maximum.at(closest, owners, similarity)
    wanted = set(stems(question))
    share = [len(wanted & held) / len(wanted) if wanted else 0.0 for held in _card_stems(lang)]
    return closest, closest + WORDS_WEIGHT * np.array(share)


@cache
def _card_stems(lang: Lang) -> tuple[frozenset[str], ...]:
    """Each card's content-word stems: its questions and its answer (read once)."""
    return tuple(
        frozenset(stems(" ".join([*card.questions, card.answer])))
        for card in answer_cards(lang).cards
    )


def matching_card(question: str, lang: Lang, meaning: Meaning) -> AnswerCard | None:
    """The card that answers ``question``, if one plainly does."""
    cards = answer_cards(lang).cards
    if len(cards) < 2 or not question.strip():
        return None
    closest, total = card_scores(question, lang, meaning)
    ranked = np.argsort(-total)
    best, runner_up = int(ranked[0]), int(ranked[1])
    if closest[best] < CARD_MIN or total[best] - total[runner_up] < CARD_LEAD:
        return None
    return cards[best]


def _cited(card: AnswerCard, lang: Lang) -> list[Chunk]:
    """Per source document, the passage that holds most of what the card says."""
    wanted = stems(card.answer)
    cited = []
    for doc in card.sources:
        passages = _chunks(lang).get(doc, [])
        if passages:
            cited.append(max(passages, key=lambda c: overlap(wanted, f"{c.section} {c.text}")))
    return cited


def card_answer(question: str, card: AnswerCard, lang: Lang) -> Answer | None:
    cited = _cited(card, lang)
    if not cited:
        return None
    numbers = " ".join(f"[{n}]" for n in range(1, len(cited) + 1))
    text = readable(card.answer, lang)
    ends_in_a_list = text.rstrip().splitlines()[-1].lstrip().startswith(("- ", "* "))
    text = f"{text}\n\n{numbers}" if ends_in_a_list else f"{text} {numbers}"
    citations = [
        Citation(id=c.chunk_id, doc_id=c.doc_id, title=c.title, snippet=c.text[:300], score=1.0)
        for c in cited
    ]
    return Answer(
        question=question, language=lang, answer=text, citations=citations, mode="offline"
    )


def curated_answer(question: str, lang: Lang, meaning: Meaning | None = None) -> Answer | None:
    """The answer card's answer to ``question``, or None when no card plainly answers it."""
    card = matching_card(question, lang, meaning or default_meaning())
    return card_answer(question, card, lang) if card else None

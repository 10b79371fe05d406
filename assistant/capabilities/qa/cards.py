"""Curated answers: when a question means what an answer card answers, the card is the
answer, cited by the passages of its documents that hold what it says.

A card is used only when the question is close to one of the ways the card is asked (e5
similarity at least ``CARD_MIN``) and clearly closer to it than to any other card; anything
else is answered from the passages (``extractive``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from assistant.catalog.answers import AnswerCard, answer_cards
from assistant.catalog.seeds import readable
from assistant.domain import Answer, Citation, Lang
from assistant.language.text import overlap, stems
from assistant.retrieval.documents import Chunk, builtin_documents, chunk_all
from assistant.retrieval.meaning import Meaning, default_meaning

# Chosen on the cards' own questions, each left out of its card in turn
# (``tests/test_answer_cards.py``), never on the QA eval. e5 rates most short questions
# about journey maps alike (in Finnish and Estonian above all), so cards are told apart by
# what a question says beyond that: the mean vector of the language's card questions is
# taken from both sides before comparing ("centred"), and the words the question shares
# with a card count beside it. Plain e5 similarity still keeps out questions from outside
# the field (a bread recipe, a bus fare).
CARD_MIN = 0.85  # plain e5 similarity to the closest way the card is asked
CENTRED_MIN = 0.2  # the same, centred
WORDS_WEIGHT = 0.4  # share of the question's content words found in the card
CARD_LEAD = 0.12  # the best card must stand this far above the next one


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


def card_owners(lang: Lang) -> np.ndarray:
    """For each of ``card_texts``, the index of its card."""
    return np.array([i for i, card in enumerate(answer_cards(lang).cards) for _ in card.questions])


@dataclass(frozen=True)
class CardScores:
    """Per card, for one question: the closest of its questions by plain and by centred
    similarity, and the centred one plus ``WORDS_WEIGHT`` times the word share."""

    plain: np.ndarray
    centred: np.ndarray
    total: np.ndarray

    @classmethod
    def of(
        cls, plain: np.ndarray, centred: np.ndarray, shares: np.ndarray, owners: np.ndarray
    ) -> CardScores:
        """From one question's similarities to every card question (``owners`` maps them
        to cards) and its word share with every card."""
        size = len(shares)
        closest_plain = np.full(size, -1.0)
        closest_centred = np.full(size, -1.0)
        np.maximum.at(closest_plain, owners, plain)
        np.maximum.at(closest_centred, owners, centred)
        return cls(closest_plain, closest_centred, closest_centred + WORDS_WEIGHT * shares)

    def chosen(self) -> int | None:
        """The card that plainly answers the question, or None."""
        if len(self.total) < 2:
            return None
        ranked = np.argsort(-self.total)
        best, runner_up = int(ranked[0]), int(ranked[1])
        if self.plain[best] < CARD_MIN or self.centred[best] < CENTRED_MIN:
            return None
        if self.total[best] - self.total[runner_up] < CARD_LEAD:
            return None
        return best


def card_scores(question: str, lang: Lang, meaning: Meaning) -> CardScores:
    """How close ``question`` is to every card of ``lang``."""
    texts = card_texts(lang)
    wanted = set(stems(question))
    shares = np.array(
        [len(wanted & held) / len(wanted) if wanted else 0.0 for held in _card_stems(lang)]
    )
    return CardScores.of(
        meaning.similarity([question], texts)[0],
        meaning.centred_similarity([question], texts)[0],
        shares,
        card_owners(lang),
    )


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
    best = card_scores(question, lang, meaning).chosen()
    return None if best is None else cards[best]


HOLDS_THE_CARD = 0.25  # a passage cited for a question holds this share of the card's words
ASKED_WEIGHT = 1.0  # what the question asks counts as much as the rest of the card


def _cited(card: AnswerCard, lang: Lang, question: str = "") -> list[Chunk]:
    """Per source document, the passage that holds most of what the card says and of what
    the question asks: a card on B2B and B2C asked for one statistic of it is cited by the
    passage with that statistic, not by the one with most of the card's other lines."""
    wanted, asked = stems(card.answer), stems(question)
    cited = []
    for doc in card.sources:
        passages = _chunks(lang).get(doc, [])
        if not passages:
            continue
        holding = {c.chunk_id: overlap(wanted, f"{c.section} {c.text}") for c in passages}
        eligible = [c for c in passages if holding[c.chunk_id] >= HOLDS_THE_CARD] or passages
        cited.append(
            max(
                eligible,
                key=lambda c: (
                    holding[c.chunk_id] + ASKED_WEIGHT * overlap(asked, f"{c.section} {c.text}")
                ),
            )
        )
    return cited


COMMON_IN_CARDS = 0.5  # a word in this share of a language's cards says nothing of a line
HOLDS_THE_LINE = 0.5  # a passage cited for one line holds this share of its words


def _distinctive(question: str, lang: Lang) -> set[str]:
    """The question's content-word stems that few of the language's cards use."""
    held = _card_stems(lang)
    return {s for s in stems(question) if sum(s in h for h in held) < COMMON_IN_CARDS * len(held)}


def _asked_line(text: str, question: str, lang: Lang) -> int | None:
    """The one line of a card's answer that says what the question asks for in particular
    (the header line of a card on making a map, asked what goes in the header), if one does."""
    wanted = _distinctive(question, lang)
    if not wanted:
        return None
    lines = text.splitlines()
    shared = [len(wanted & set(stems(line))) for line in lines]
    best = max(range(len(lines)), key=lambda i: shared[i])
    if shared[best] == 0 or shared.count(shared[best]) > 1:
        return None
    return best


def _line_source(line: str, card: AnswerCard, lang: Lang) -> Chunk | None:
    """The passage of the card's documents that best holds one line of it."""
    wanted = stems(line)
    passages = [p for doc in card.sources for p in _chunks(lang).get(doc, [])]
    if not wanted or not passages:
        return None
    best = max(passages, key=lambda c: overlap(wanted, f"{c.section} {c.text}"))
    return best if overlap(wanted, f"{best.section} {best.text}") >= HOLDS_THE_LINE else None


def card_answer(question: str, card: AnswerCard, lang: Lang) -> Answer | None:
    """The card's text, cited at its end by the passages it rests on and, where the
    question asks for one line of it held by another passage, by that passage at the line."""
    cited = _cited(card, lang, question)
    if not cited:
        return None
    numbers = " ".join(f"[{n}]" for n in range(1, len(cited) + 1))
    text = readable(card.answer, lang).rstrip()
    lines = text.splitlines()
    asked = _asked_line(text, question, lang)
    source = None if asked is None else _line_source(lines[asked], card, lang)
    if asked is not None and source is not None and source not in cited:
        cited.append(source)
        lines[asked] = f"{lines[asked]} [{len(cited)}]"
        text = "\n".join(lines)
    ends_in_a_list = text.splitlines()[-1].lstrip().startswith(("- ", "* "))
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

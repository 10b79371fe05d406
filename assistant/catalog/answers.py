"""Answer cards (``knowledge/answers/<lang>.yaml``): curated answers to common questions,
written to stand alone, each with the ways people ask it and the documents it rests on."""

from __future__ import annotations

from functools import cache

from pydantic import Field, field_validator

from assistant.domain import Lang, Strict
from assistant.resources import CatalogError, knowledge_dir, load_data

MAX_CARD_WORDS = 180


class AnswerCard(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    questions: list[str] = Field(
        min_length=2, description="Ways people ask it: what the question is compared with."
    )
    answer: str = Field(min_length=1, description="Markdown that answers it on its own.")
    sources: list[str] = Field(
        min_length=1, max_length=3, description="Knowledge document ids its facts are in."
    )

    @field_validator("answer")
    @classmethod
    def _short(cls, answer: str) -> str:
        if len(answer.split()) > MAX_CARD_WORDS:
            raise ValueError(f"an answer of at most {MAX_CARD_WORDS} words")
        return answer.strip()


class AnswerCards(Strict):
    lang: Lang
    cards: list[AnswerCard]

    @field_validator("cards")
    @classmethod
    def _unique(cls, cards: list[AnswerCard]) -> list[AnswerCard]:
        ids = [card.id for card in cards]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"card ids used twice: {twice}")
        return cards


@cache
def answer_cards(lang: Lang) -> AnswerCards:
    path = knowledge_dir() / "answers" / f"{lang}.yaml"
    if not path.exists():
        return AnswerCards(lang=lang, cards=[])
    found = load_data(path, AnswerCards)
    if found.lang != lang:
        raise CatalogError(f"{path} says lang {found.lang!r}")
    return found

"""Offline answers: the most relevant sentences of the best passages, each with its source.

Nothing is generated: every sentence of an offline answer is quoted from a cited passage. A
list comes whole, with the line that leads into it (a question about the lanes of a
blueprint gets all five), and a sentence that leans on the one before it ("It is also
called...") never opens the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.catalog.seeds import readable
from assistant.domain import Answer, Lang
from assistant.domain.events import AnswerReady, Event, Sources, TextDelta
from assistant.language.i18n import t
from assistant.language.text import is_list, overlap, stems, units, words
from assistant.language.words import word_lists
from assistant.llm.guards import safe_paragraphs
from assistant.retrieval.search import Hit

MAX_SENTENCES = 5
MAX_WORDS = 110
MAX_LIST_WORDS = 170  # a whole list may run longer than sentences would
LIST_BONUS = 0.25  # a question asking which, what kinds or steps wants the list
# One answer quotes at most two passages, and the second only for a piece that holds at
# least this share of the question's content words: padding from a passage about something
# else is what made citations point at passages without the answer. (Chosen on the QA eval:
# 0.3 gave fact recall 0.91 / citation precision 0.70, 0.4 0.88 / 0.76, 0.5 0.82 / 0.83.)
MAX_SOURCES = 2
MAX_PER_SOURCE = 3  # pieces quoted from one passage
OTHER_SOURCE = 0.4
MIN_SIMILARITY = 0.80  # e5 cosine below which a passage is not about the question
MIN_OVERLAP = 0.34  # share of the question's content words a covering passage must hold


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    position: int
    text: str
    score: float
    words_shared: float = 0.0  # share of the question's content words the piece holds


def covers(question: str, hits: list[Hit]) -> bool:
    """Whether the best passages are really about the question."""
    if not hits:
        return False
    wanted = stems(question)
    best = hits[0]
    lexical = max(overlap(wanted, f"{h.chunk.title} {h.chunk.text}") for h in hits[:3])
    return best.vector_similarity >= MIN_SIMILARITY and (lexical >= MIN_OVERLAP or not wanted)


def asks_for_a_list(question: str) -> bool:
    """Whether the question asks for several things (which ones, what kinds, the steps), in
    any of the three languages."""
    return bool(set(words(question)) & set(word_lists().list_question_words.all()))


def _candidates(question: str, hits: list[Hit], lang: Lang) -> list[Candidate]:
    wanted = stems(question)
    wants_list = asks_for_a_list(question)
    same_language = [h for h in hits if h.chunk.lang == lang] or hits
    about_itself = word_lists().self_references.all()
    found: list[Candidate] = []
    for rank, hit in enumerate(hits):
        if hit not in same_language:
            continue
        # Quoted text is data too: paragraphs that instruct an assistant are never quoted.
        for position, unit in enumerate(units(safe_paragraphs(hit.chunk.text))):
            if len(unit.split()) < 4 or (unit.rstrip().endswith(":") and not is_list(unit)):
                continue  # too short to stand, or a lead whose list is not in the passage
            if any(phrase in unit.lower() for phrase in about_itself):
                continue  # "This document explains...": about the text, not the question
            shared = overlap(wanted, unit)
            score = shared + 0.6 / (1 + rank) + (0.15 if position == 0 else 0)
            if wants_list and is_list(unit):
                score += LIST_BONUS
            found.append(Candidate(rank, position, unit, score, shared))
    return found


def _select(candidates: list[Candidate], lang: Lang) -> list[Candidate]:
    chosen: list[Candidate] = []
    total = 0
    per_hit: dict[int, int] = {}
    for candidate in sorted(candidates, key=lambda c: -c.score):
        size = len(candidate.text.split())
        budget = MAX_LIST_WORDS if is_list(candidate.text) else MAX_WORDS
        if chosen and total + size > budget:
            continue
        if per_hit.get(candidate.hit_rank, 0) >= MAX_PER_SOURCE:
            continue
        if candidate.hit_rank not in per_hit and (
            len(per_hit) >= MAX_SOURCES or (chosen and candidate.words_shared < OTHER_SOURCE)
        ):
            continue  # another passage is quoted only for what is plainly about the question
        chosen.append(candidate)
        per_hit[candidate.hit_rank] = per_hit.get(candidate.hit_rank, 0) + 1
        total += size
        if len(chosen) == MAX_SENTENCES:
            break
    ordered = sorted(chosen, key=lambda c: (c.hit_rank, c.position))
    standing = [c for c in ordered if not leans_back(c.text, lang)]
    if standing and leans_back(ordered[0].text, lang):  # let a sentence that stands lead
        ordered.remove(standing[0])
        ordered.insert(0, standing[0])
    return ordered


def leans_back(sentence: str, lang: Lang) -> bool:
    """Whether a sentence leans on the one before it ("This is also called...")."""
    first = next(iter(words(sentence.lstrip("*_ "))), "")
    return first in word_lists().dependent_openers.get(lang) or sentence.lstrip("*_ ")[:1].islower()


def offline_answer(question: str, hits: list[Hit], lang: Lang) -> Answer:
    """An extractive answer with numbered citations, or an honest 'not covered'."""
    if not covers(question, hits):
        citations = [h.citation() for h in hits[:3]]
        return Answer(
            question=question,
            language=lang,
            answer=t("not_covered", lang),
            citations=citations,
            mode="offline",
        )
    chosen = _select(_candidates(question, hits, lang), lang)
    numbers: dict[int, int] = {}
    text = ""
    for position, candidate in enumerate(chosen):
        number = numbers.setdefault(candidate.hit_rank, len(numbers) + 1)
        following = chosen[position + 1] if position + 1 < len(chosen) else None
        same_source_next = following is not None and following.hit_rank == candidate.hit_rank
        if is_list(candidate.text):  # a list stands apart, its source after its last item
            text += ("\n\n" if text else "") + f"{candidate.text} [{number}]\n\n"
            continue
        part = candidate.text if same_source_next else f"{candidate.text} [{number}]"
        text += (" " if text and not text.endswith("\n") else "") + part
    citations = [hits[rank].citation() for rank in numbers]
    text = readable(text.strip(), lang)
    if any(hits[rank].chunk.lang != lang for rank in numbers):
        text = f"{text}\n\n{t('other_language_note', lang)}"
    return Answer(
        question=question, language=lang, answer=text, citations=citations, mode="offline"
    )


def offline_events(
    question: str, hits: list[Hit], lang: Lang, replace: bool = False
) -> Iterator[Event]:
    """The offline answer as events (an answer card's when one plainly answers the question,
    else quoted from the passages); ``replace``: it replaces what was shown (a fallback)."""
    from assistant.capabilities.qa.cards import curated_answer

    answer = curated_answer(question, lang) or offline_answer(question, hits, lang)
    yield TextDelta(text=answer.answer, replace=replace)
    yield Sources(citations=answer.citations)
    yield AnswerReady(answer=answer)

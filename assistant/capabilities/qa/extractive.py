"""Offline answers: the most relevant sentences of the best passages, each with its source.

Nothing is generated: every sentence of an offline answer is quoted from a cited passage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.catalog.seeds import readable
from assistant.domain import Answer, Lang
from assistant.domain.events import AnswerReady, Event, Sources, TextDelta
from assistant.language.i18n import t
from assistant.language.text import overlap, sentences, stems
from assistant.llm.guards import safe_paragraphs
from assistant.retrieval.search import Hit

MAX_SENTENCES = 4
MAX_WORDS = 110
MIN_SIMILARITY = 0.80  # e5 cosine below which a passage is not about the question
MIN_OVERLAP = 0.34  # share of the question's content words a covering passage must hold


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    position: int
    text: str
    score: float


def covers(question: str, hits: list[Hit]) -> bool:
    """Whether the best passages are really about the question."""
    if not hits:
        return False
    wanted = stems(question)
    best = hits[0]
    lexical = max(overlap(wanted, f"{h.chunk.title} {h.chunk.text}") for h in hits[:3])
    return best.vector_similarity >= MIN_SIMILARITY and (lexical >= MIN_OVERLAP or not wanted)


def _candidates(question: str, hits: list[Hit], lang: Lang) -> list[Candidate]:
    wanted = stems(question)
    same_language = [h for h in hits if h.chunk.lang == lang] or hits
    found: list[Candidate] = []
    for rank, hit in enumerate(hits):
        if hit not in same_language:
            continue
        # Quoted text is data too: paragraphs that instruct an assistant are never quoted.
        for position, sentence in enumerate(sentences(safe_paragraphs(hit.chunk.text))):
            if len(sentence.split()) < 4:
                continue
            score = overlap(wanted, sentence) + 0.6 / (1 + rank) + (0.15 if position == 0 else 0)
            found.append(Candidate(rank, position, sentence, score))
    return found


def _select(candidates: list[Candidate]) -> list[Candidate]:
    chosen: list[Candidate] = []
    words = 0
    per_hit: dict[int, int] = {}
    for candidate in sorted(candidates, key=lambda c: -c.score):
        size = len(candidate.text.split())
        if chosen and words + size > MAX_WORDS:
            continue
        if per_hit.get(candidate.hit_rank, 0) >= 2:
            continue
        chosen.append(candidate)
        per_hit[candidate.hit_rank] = per_hit.get(candidate.hit_rank, 0) + 1
        words += size
        if len(chosen) == MAX_SENTENCES:
            break
    return sorted(chosen, key=lambda c: (c.hit_rank, c.position))


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
    chosen = _select(_candidates(question, hits, lang))
    numbers: dict[int, int] = {}
    parts: list[str] = []
    for position, candidate in enumerate(chosen):
        number = numbers.setdefault(candidate.hit_rank, len(numbers) + 1)
        following = chosen[position + 1] if position + 1 < len(chosen) else None
        same_source_next = following is not None and following.hit_rank == candidate.hit_rank
        parts.append(candidate.text if same_source_next else f"{candidate.text} [{number}]")
    citations = [hits[rank].citation() for rank in numbers]
    text = readable(" ".join(parts), lang)
    if any(hits[rank].chunk.lang != lang for rank in numbers):
        text = f"{text}\n\n{t('other_language_note', lang)}"
    return Answer(
        question=question, language=lang, answer=text, citations=citations, mode="offline"
    )


def offline_events(
    question: str, hits: list[Hit], lang: Lang, replace: bool = False
) -> Iterator[Event]:
    """The offline answer as events; ``replace``: it replaces what was shown (a fallback)."""
    answer = offline_answer(question, hits, lang)
    yield TextDelta(text=answer.answer, replace=replace)
    yield Sources(citations=answer.citations)
    yield AnswerReady(answer=answer)

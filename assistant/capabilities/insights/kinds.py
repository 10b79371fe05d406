"""Is a statement a pain, a gain, a need, or neither? By meaning (e5 similarity to labelled
prototype statements, ``knowledge/insights.yaml``), cue words, the rating the respondent gave
and the survey question it answers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.capabilities.insights.statements import Statement
from assistant.catalog.insight_kinds import STATEMENT_KINDS, StatementKind, insight_kinds
from assistant.domain import Lang
from assistant.language.vocabulary import mentions_within
from assistant.retrieval.meaning import Meaning

NEAREST = 3  # a kind's score is its prototypes' closest few, averaged
CUE_WEIGHT = 0.02  # each cue word (up to MAX_CUES) counts like this much similarity
MAX_CUES = 2
RATING_WEIGHT = 0.03  # a 1-star or 5-star rating leans the statement this far
QUESTION_WEIGHT = 0.02  # a survey question that asks for one kind leans its answers


def prototype_texts(lang: Lang) -> list[str]:
    """Every prototype statement of one language (for the shipped vectors)."""
    catalog = insight_kinds().kinds
    return [text for kind in STATEMENT_KINDS for text in catalog[kind].prototypes.get(lang)]


def _prototype_vectors(lang: Lang, meaning: Meaning) -> list[np.ndarray]:
    catalog = insight_kinds().kinds
    return [meaning.vectors(catalog[kind].prototypes.get(lang)) for kind in STATEMENT_KINDS]


def kind_scores(
    statements: Sequence[Statement], vectors: np.ndarray, lang: Lang, meaning: Meaning
) -> np.ndarray:
    """One row per statement, one column per ``STATEMENT_KINDS``."""
    catalog = insight_kinds().kinds
    scores = np.zeros((len(statements), len(STATEMENT_KINDS)), dtype=np.float32)
    for column, prototypes in enumerate(_prototype_vectors(lang, meaning)):
        similarity = vectors @ prototypes.T
        nearest = -np.sort(-similarity, axis=1)[:, :NEAREST]
        scores[:, column] = nearest.mean(axis=1)
    questions: dict[str, np.ndarray] = {}
    for row, statement in enumerate(statements):
        for column, kind in enumerate(STATEMENT_KINDS):
            cues = catalog[kind].cues.all()
            if cues:
                hits = min(MAX_CUES, mentions_within(statement.text, cues))
                scores[row, column] += CUE_WEIGHT * hits
        rating = statement.passage.rating
        if rating is not None:
            scores[row, STATEMENT_KINDS.index("pain")] += RATING_WEIGHT * max(0.0, -rating)
            scores[row, STATEMENT_KINDS.index("gain")] += RATING_WEIGHT * max(0.0, rating)
        question = statement.passage.question
        if question:
            if question not in questions:
                questions[question] = _question_lean(question)
            scores[row] += questions[question]
    return scores


def _question_lean(question: str) -> np.ndarray:
    """A survey question that asks what to improve leans its answers to pains and needs; one
    that asks what was liked, to gains (the question's own cue words)."""
    catalog = insight_kinds().kinds
    lean = np.zeros(len(STATEMENT_KINDS), dtype=np.float32)
    for column, kind in enumerate(STATEMENT_KINDS):
        if mentions_within(question, catalog[kind].questions.all()):
            lean[column] = QUESTION_WEIGHT
    return lean


def classify(
    statements: Sequence[Statement], vectors: np.ndarray, lang: Lang, meaning: Meaning
) -> list[StatementKind]:
    """The kind of each statement; ``neutral`` for context without an opinion."""
    if not statements:
        return []
    scores = kind_scores(statements, vectors, lang, meaning)
    return [STATEMENT_KINDS[int(i)] for i in scores.argmax(axis=1)]

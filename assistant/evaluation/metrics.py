"""Metric functions on plain inputs, so each can be checked against hand-computed values."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations


def mean(values: Iterable[float]) -> float:
    """The arithmetic mean; 0.0 for no values (an empty suite scores nothing)."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """Share of the relevant ids (grade > 0) found in the first ``k``."""
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / len(wanted)


def mrr_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """1 / rank of the first relevant id within ``k`` (0 when none is)."""
    for rank, doc in enumerate(ranked[:k], 1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain with graded relevance (gain = grade), as in BEIR
    (linear gains, log2 discount)."""
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], 1))
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    idcg = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Micro precision, recall and F1 from counts (0.0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are identical (1.0)."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def diversity(groups: Sequence[set[str]]) -> float:
    """1 - mean pairwise Jaccard similarity: 1.0 when no two groups share anything, 0.0 when
    all are the same. Fewer than two groups cannot differ: 0.0."""
    pairs = list(combinations(groups, 2))
    if not pairs:
        return 0.0
    return 1.0 - mean(jaccard(a, b) for a, b in pairs)


def contains_any(text: str, phrases: Iterable[str]) -> bool:
    """Whether any phrase occurs in ``text`` (case-insensitive, whitespace-normalised)."""
    haystack = " ".join(text.lower().split())
    return any(" ".join(p.lower().split()) in haystack for p in phrases if p.strip())

"""Group statements that say the same thing, so that "jono kassalla" and "jonotin 20
minuuttia" meet: average-linkage clustering by meaning (e5 vectors, centred on the research's
own mean so that what every review shares does not join them) and by shared word stems.

Average linkage on dot products is exact and cheap with cluster sums: the mean similarity of
every pair across two clusters is ``sum_a . sum_b / (n_a * n_b)``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from assistant.catalog.theme_concepts import theme_concepts
from assistant.language.text import stopwords, words
from assistant.language.vocabulary import mentions_within

LEXICAL_DIM = 1024
PREFIX = 5  # stems for the lexical part: word starts (jonossa, jonot -> jonos, jonot)
LEXICAL_WEIGHT = 0.3  # shared stems count this much beside meaning
CONCEPT_WEIGHT = 0.6  # naming the same concept counts this much
JOIN_AT = 0.25  # clusters join while their mean pairwise similarity is at least this


def _lexical(texts: Sequence[str]) -> np.ndarray:
    """Unit bag-of-stems rows (hashed), so a dot product is the stems' cosine."""
    rows = np.zeros((len(texts), LEXICAL_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in set(words(text)) - stopwords():
            if len(word) >= 3 and not word.isdigit():
                rows[row, zlib.crc32(word[:PREFIX].encode()) % LEXICAL_DIM] = 1.0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def _concepts(texts: Sequence[str]) -> np.ndarray:
    """Unit rows of the concepts each text names (waiting, price, staff...)."""
    concepts = [listed.all() for listed in theme_concepts().concepts.values()]
    rows = np.array(
        [[float(mentions_within(text, terms) > 0) for terms in concepts] for text in texts],
        dtype=np.float32,
    ).reshape(len(texts), len(concepts))
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    found: np.ndarray = rows / np.where(norms == 0, 1, norms)
    return found


def features(vectors: np.ndarray, texts: Sequence[str], centre: np.ndarray) -> np.ndarray:
    """What statements are compared on: centred unit meaning, then weighted stems and
    weighted concepts (a dot product of two rows adds up the three similarities)."""
    centred = vectors - centre
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    centred = centred / np.where(norms == 0, 1, norms)
    found: np.ndarray = np.hstack(
        [
            centred,
            np.sqrt(LEXICAL_WEIGHT) * _lexical(texts),
            np.sqrt(CONCEPT_WEIGHT) * _concepts(texts),
        ]
    )
    return found


def cluster(points: np.ndarray, join_at: float = JOIN_AT) -> list[list[int]]:
    """Average-linkage groups of the rows of ``points`` (largest first)."""
    n = len(points)
    if n == 0:
        return []
    sums = points.astype(np.float64).copy()
    sizes = np.ones(n)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    links = sums @ sums.T
    np.fill_diagonal(links, -np.inf)
    while alive.sum() > 1:
        best = int(np.argmax(links))
        a, b = divmod(best, n)
        if links[a, b] < join_at:
            break
        sums[a] += sums[b]
        sizes[a] += sizes[b]
        members[a] += members[b]
        alive[b] = False
        links[b, :] = -np.inf
        links[:, b] = -np.inf
        row = (sums @ sums[a]) / (sizes * sizes[a])
        row[~alive] = -np.inf
        row[a] = -np.inf
        links[a, :] = row
        links[:, a] = row
    groups = [members[i] for i in range(n) if alive[i]]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def centrality(points: np.ndarray, group: Sequence[int]) -> list[int]:
    """The group's members, most central (closest to the others on average) first."""
    rows = points[list(group)]
    mean = rows.mean(axis=0)
    order = np.argsort(-(rows @ mean), kind="stable")
    return [group[int(i)] for i in order]

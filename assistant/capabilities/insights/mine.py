"""Mine a person's research offline: files -> statements -> kinds -> themes, counted, placed
on the journey and quoted verbatim.

Nothing here is written by a model: a theme's label is its most central statement, its
counts are the places and respondents behind it, its quotes are copied from the files. A
statement that addresses an AI assistant ("ignore your instructions...") is set aside: it
is counted, never quoted and never sent to a model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.capabilities.insights.kinds import classify
from assistant.capabilities.insights.research import Research, ResearchError, read_research
from assistant.capabilities.insights.statements import Statement, split_statements
from assistant.capabilities.insights.themes import centrality, cluster, features
from assistant.capabilities.stage_roles import Lane, sentences_roles
from assistant.catalog.insight_kinds import StatementKind
from assistant.catalog.roles import ROLES, roles
from assistant.domain import (
    INSIGHT_KINDS,
    InsightKind,
    InsightReport,
    Lang,
    Quote,
    ResearchSource,
    Theme,
)
from assistant.language.detect import known_language
from assistant.language.i18n import t
from assistant.language.text import words
from assistant.llm.guards import is_injection
from assistant.retrieval.meaning import Meaning

MAX_QUOTES = 5
USE_PRIOR = 0.2  # most of what customers write is about the service itself
LABEL_CHARS = 160  # a longer central statement gives way to the next most central one
LABEL_WORDS = 5  # and so does a shorter one ("Superstars.", half a sentence after "but")
BATCH = 64
#: Called with (statements embedded so far, statements in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ResearchFile:
    """A file as the person gave it."""

    name: str
    data: bytes


def _read(
    files: Sequence[ResearchFile], max_bytes: int
) -> tuple[list[Research], list[tuple[str, ResearchError]]]:
    """The files that can be read, each with its language, and the others with the reason."""
    read: list[Research] = []
    refused: list[tuple[str, ResearchError]] = []
    for file in files:
        try:
            research = read_research(file.data, file.name, max_bytes)
        except ResearchError as exc:
            refused.append((file.name, exc))
            continue
        sample = " ".join(p.text for p in research.passages)[:4000]
        research.lang = known_language(sample)
        if research.lang is None:
            refused.append((file.name, ResearchError("research_foreign", name=file.name)))
        else:
            read.append(research)
    return read, refused


def _vectors(texts: list[str], meaning: Meaning, progress: Progress | None) -> np.ndarray:
    rows = []
    for start in range(0, len(texts), BATCH):
        rows.append(meaning.vectors(texts[start : start + BATCH]))
        if progress:
            progress(min(start + BATCH, len(texts)), len(texts))
    return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)


def _role_lane(kind: InsightKind) -> Lane:
    return "pain_points" if kind == "pain" else "goals"


def mine(
    files: Sequence[ResearchFile],
    meaning: Meaning,
    lang: Lang | None = None,
    max_bytes: int = 20_000_000,
    progress: Progress | None = None,
) -> InsightReport:
    """Themes of the research in ``files``; files that cannot be read are listed with the
    reason and the rest are still mined."""
    kept, refused = _read(files, max_bytes)
    languages = Counter(r.lang for r in kept for _ in r.passages if r.lang)
    language: Lang = lang or (languages.most_common(1)[0][0] if languages else "en")
    for research in kept:
        research.source.warnings = [
            t("research_formula", language, name=research.source.name, where=place.shown(language))
            for place in research.formulas
        ]
    statements: list[Statement] = []
    set_aside = 0
    for research in kept:
        for passage in research.passages:
            said = split_statements(passage)
            if is_injection(passage.text):  # the whole answer: its other sentences too
                set_aside += len(said)
            else:
                statements += said
    vectors = _vectors([s.text for s in statements], meaning, progress)
    kinds = classify(statements, vectors, language, meaning)
    counted = Counter(
        s.passage.source for s, k in zip(statements, kinds, strict=True) if k != "neutral"
    )
    for research in kept:
        research.source.statements = counted[research.source.name]
    themes = _themes(statements, vectors, kinds, language, meaning)
    order = {name: i for i, name in enumerate(f.name for f in files)}
    problems = [ResearchSource(name=name, problem=exc.message(language)) for name, exc in refused]
    sources = sorted([r.source for r in kept] + problems, key=lambda s: order.get(s.name, 0))
    return InsightReport(
        language=language,
        themes=[theme for theme in themes if theme.count >= 2],
        one_offs=[theme for theme in themes if theme.count < 2],
        statements=sum(counted.values()),
        set_aside=set_aside,
        sources=sources,
    )


def _themes(
    statements: list[Statement],
    vectors: np.ndarray,
    kinds: list[StatementKind],
    lang: Lang,
    meaning: Meaning,
) -> list[Theme]:
    opinions = [i for i, kind in enumerate(kinds) if kind != "neutral"]
    if not opinions:
        return []
    centre = vectors[opinions].mean(axis=0)
    points = features(vectors, [s.text for s in statements], centre)
    found: list[Theme] = []
    for kind in INSIGHT_KINDS:
        chosen = [i for i in opinions if kinds[i] == kind]
        if not chosen:
            continue
        about = sentences_roles(
            [statements[i].text for i in chosen],
            lang,
            _role_lane(kind),
            meaning,
        )
        role_of = dict(zip(chosen, about, strict=True))
        for group in cluster(points[chosen]):
            members = centrality(points, [chosen[i] for i in group])
            found.append(
                _theme(kind, [statements[i] for i in members], [role_of[i] for i in members], lang)
            )
    return sorted(
        found, key=lambda theme: (-theme.count, -theme.respondents, INSIGHT_KINDS.index(theme.kind))
    )


def _theme(
    kind: InsightKind, members: list[Statement], about: list[np.ndarray], lang: Lang
) -> Theme:
    places: dict[tuple[str, str], Statement] = {}
    for statement in members:  # most central first: one statement per place
        places.setdefault((statement.passage.source, str(statement.passage.place)), statement)
    quotes = [
        Quote(text=s.text, source=s.passage.source, location=s.passage.place.shown(lang))
        for s in places.values()
    ]
    label = _label([q.text for q in quotes])
    votes = np.mean(about, axis=0)
    votes[ROLES.index("use")] += USE_PRIOR
    role = ROLES[int(np.argmax(votes))]
    return Theme(
        label=label,
        kind=kind,
        role=role,
        stage=roles().roles[role].name.get(lang),
        count=len(places),
        respondents=len({s.passage.respondent for s in members}),
        quotes=quotes[:MAX_QUOTES],
        locations=quotes,
    )


def _label(texts: list[str]) -> str:
    """A theme's label: its most central statement that says enough to stand alone, of
    ``LABEL_WORDS`` words or more and at most ``LABEL_CHARS`` characters; failing that the
    most central one that is short enough, or the most central one."""
    short = [text for text in texts if len(text) <= LABEL_CHARS]
    full = [text for text in short if len(words(text)) >= LABEL_WORDS]
    return (full or short or texts)[0]

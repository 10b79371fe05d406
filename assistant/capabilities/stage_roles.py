"""What each stage of a journey is about: its journey roles (knowledge/roles.yaml), read from
its name by meaning. Shared by drafting (which fills a stage with the items of its roles) and
the critic (which judges the lifecycle by what the stages mean, not by a list of words).

A name that some stage model uses keeps that model's roles. Any other name is compared with
every role's meaning (e5) and cue words, and the roles of a whole journey are chosen together
so that they never run backwards: "uus broneering" after "pärast külastust" is a return, not
a second booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Literal

import numpy as np

from assistant.catalog.library import LibraryTouchpoint, library
from assistant.catalog.roles import ROLES, Role, role_statements, roles
from assistant.catalog.stage_models import known_roles, stage_models
from assistant.domain import JourneyMap, Lang
from assistant.language.detect import guess_language
from assistant.language.vocabulary import mentions, mentions_within
from assistant.retrieval.meaning import Meaning

CUE_BONUS = 0.04
REPEAT_PENALTY = 0.015  # two stages with the same role are allowed, distinct ones preferred


def _descriptor(role: Role, lang: Lang) -> str:
    found = roles().roles[role]
    return f"{found.name.get(lang)}: {found.meaning.get(lang)}"


def role_scores(names: Sequence[str], lang: Lang, meaning: Meaning) -> np.ndarray:
    """How well each name means each role: rows are names, columns ``ROLES``. The score is
    the best similarity to the role's example stage names and to its description."""
    catalog = roles().roles
    scores = np.zeros((len(names), len(ROLES)), dtype=np.float32)
    for column, role in enumerate(ROLES):
        labels = [_descriptor(role, lang), *catalog[role].examples.get(lang)]
        scores[:, column] = meaning.similarity(list(names), labels).max(axis=1)
    for row, name in enumerate(names):
        for column, role in enumerate(ROLES):
            if mentions(name, catalog[role].cues.all()):
                scores[row, column] += CUE_BONUS
    return scores


def _ordered(scores: np.ndarray, fixed: list[tuple[Role, ...] | None]) -> list[int]:
    """One role index per stage, never decreasing, best in total (dynamic programming).
    A stage whose roles are known must take one of them."""
    count, width = scores.shape
    allowed = np.full(scores.shape, True)
    for row, known in enumerate(fixed):
        if known:
            allowed[row] = [role in known for role in ROLES]
    best = np.full(scores.shape, -np.inf)
    came_from = np.zeros(scores.shape, dtype=int)
    for row in range(count):
        for column in range(width):
            if not allowed[row, column]:
                continue
            if row == 0:
                best[row, column] = scores[row, column]
                continue
            previous = best[row - 1, : column + 1].copy()
            previous[column] -= REPEAT_PENALTY
            came_from[row, column] = int(np.argmax(previous))
            best[row, column] = previous[came_from[row, column]] + scores[row, column]
    if not np.isfinite(best[-1]).any():  # known stages out of journey order: take each alone
        return [int(np.argmax(np.where(allowed[r], scores[r], -np.inf))) for r in range(count)]
    path = [int(np.argmax(best[-1]))]
    for row in range(count - 1, 0, -1):
        path.append(came_from[row, path[-1]])
    return path[::-1]


def roles_of(names: Sequence[str], lang: Lang, meaning: Meaning) -> list[tuple[Role, ...]]:
    """The roles of each stage, in journey order: a known stage's own roles, else the one
    role its name means best where it stands in the journey."""
    fixed = [known_roles(name) for name in names]
    if all(fixed):
        return [known for known in fixed if known]
    unknown = [name for name, known in zip(names, fixed, strict=True) if not known]
    scored = dict(zip(unknown, role_scores(unknown, lang, meaning), strict=True))
    rows = np.stack(
        [
            scored[name] if not known else np.zeros(len(ROLES))
            for name, known in zip(names, fixed, strict=True)
        ]
    )
    path = _ordered(rows, fixed)
    return [known or (ROLES[index],) for known, index in zip(fixed, path, strict=True)]


def journey_roles(journey: JourneyMap, meaning: Meaning) -> list[tuple[Role, ...]]:
    """The roles of each stage: the map's own stage model's stage by its key, a stage some
    model names by its name or key, any other by what its name means."""
    model = next((m for m in stage_models().models if m.id == journey.stage_model), None)
    own = {stage.key: tuple(stage.roles) for stage in model.stages} if model else {}
    if own and all(stage.key in own for stage in journey.stages):
        return [own[stage.key or ""] for stage in journey.stages]
    names = []
    for stage in journey.stages:
        key = stage.key.replace("-", " ") if stage.key else ""
        names.append(key if key and known_roles(key) else stage.name)
    return roles_of(names, journey.language, meaning) if names else []


# --- what a sentence is about -----------------------------------------------------------
SIGNAL_WEIGHT = 1.0  # per signal word the sentence uses (at most MAX_SIGNALS count)
MAX_SIGNALS = 2
NEIGHBOURS = 25  # library sentences that vote on a sentence's role (leave-one-out best of 5-40)
# how much their vote (shares summing to one) counts beside the signal words (4, not 3:
# left-out library goals found their role 0.578 of the time against 0.56)
VOTE_WEIGHT = 4.0
MEANING_WEIGHT = 0.25  # how much the sentence's closeness to each role's description counts
Lane = Literal["pain_points", "goals", "touchpoints"]


def touchpoint_text(touchpoint: LibraryTouchpoint, lang: Lang) -> str:
    """What a library touchpoint is compared on: its channel and what happens there."""
    return f"{touchpoint.channel.get(lang)}: {touchpoint.description.get(lang)}"


@cache
def _prototypes(lang: Lang, lane: Lane) -> tuple[tuple[str, ...], tuple[Role, ...]]:
    """Every library sentence of one kind, in one language, with the role it was written
    for: labelled examples of what each role is about, across all trades."""
    texts: list[str] = []
    labels: list[Role] = []
    for trade in library().values():
        for role, content in trade.roles.items():
            if lane == "pain_points":
                found = [p.text.get(lang) for p in content.pain_points]
            elif lane == "goals":
                found = [content.customer_goal.get(lang), *(a.get(lang) for a in content.actions)]
            else:
                found = [
                    f"{t.channel.get(lang)}: {t.description.get(lang)}" for t in content.touchpoints
                ]
            texts += found
            labels += [role] * len(found)
    if lane == "pain_points":  # what goes wrong where, in owners' and customers' words
        for role, statements in role_statements(lang).statements.items():
            texts += statements
            labels += [role] * len(statements)
    return tuple(texts), tuple(labels)


def _signal_counts(text: str, lang: Lang) -> list[int]:
    """Signal words per role the sentence uses (at most ``MAX_SIGNALS`` each), in the
    sentence's own language and the map's: a word of another language can be a different
    word here ("ei näe" is Estonian, not Finnish)."""
    written = guess_language(text) or lang
    langs = (lang,) if written == lang else (lang, written)
    catalog = roles().roles
    return [
        min(
            MAX_SIGNALS,
            mentions_within(text, [w for x in langs for w in catalog[r].signals.get(x)]),
        )
        for r in ROLES
    ]


def sentence_roles(text: str, lang: Lang, lane: Lane, meaning: Meaning) -> np.ndarray:
    """How much ``text`` (a pain point, a goal, a channel) is about each role, one score per
    ``ROLES`` (see ``sentences_roles``)."""
    found: np.ndarray = sentences_roles([text], lang, lane, meaning)[0]
    return found


def sentences_roles(texts: Sequence[str], lang: Lang, lane: Lane, meaning: Meaning) -> np.ndarray:
    """How much each text is about each role, one row per text and one column per ``ROLES``:
    the signal words it uses, plus the vote of the library sentences of the same kind that
    mean most nearly the same (weighted by their similarity, summing to one), plus how close
    it is to each role's own description (standardised across the roles)."""
    signals = np.array([_signal_counts(text, lang) for text in texts], dtype=np.float32).reshape(
        len(texts), len(ROLES)
    )
    prototypes, labels = _prototypes(lang, lane)
    # centred: left out of the library, a sentence's role is found 1-2 points more often
    # in every language and lane (``tests/test_stage_roles.py``)
    similarity = meaning.centred_similarity(list(texts), list(prototypes))
    label_index = np.array([ROLES.index(label) for label in labels])
    votes = np.zeros((len(texts), len(ROLES)), dtype=np.float32)
    for row in range(len(texts)):
        nearest = np.argsort(-similarity[row])[:NEIGHBOURS]
        np.add.at(votes[row], label_index[nearest], similarity[row, nearest])
    totals = votes.sum(axis=1, keepdims=True)
    shares = votes / np.where(totals == 0, 1, totals)
    about = meaning.similarity(list(texts), [_descriptor(role, lang) for role in ROLES])
    spread = about.std(axis=1, keepdims=True)
    standard = (about - about.mean(axis=1, keepdims=True)) / np.where(spread == 0, 1, spread)
    scores: np.ndarray = SIGNAL_WEIGHT * signals + VOTE_WEIGHT * shares + MEANING_WEIGHT * standard
    return scores


def role_texts(lang: Lang) -> list[str]:
    """Every role label and example compared with a stage name, and the names of the stage
    models' stages, in one language (for the shipped vectors)."""
    labels = [
        text
        for role in ROLES
        for text in (_descriptor(role, lang), *roles().roles[role].examples.get(lang))
    ]
    names = [stage.name.get(lang) for model in stage_models().models for stage in model.stages]
    statements = [text for texts in role_statements(lang).statements.values() for text in texts]
    return labels + names + statements

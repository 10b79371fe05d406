"""Whether a text says something, judged in the map's language by meaning and by the words of
``knowledge/guideline_cues.yaml``: a cue word is enough; otherwise the sentence must mean
one of the concept's examples more closely than any of its look-alike contrasts.

e5 similarities between short sentences sit in a narrow band (0.75-0.95), so the test is
relative: the best example must beat the best contrast by ``MARGIN`` and reach ``FLOOR``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from assistant.catalog.guidelines import Concept, guideline_cues
from assistant.domain import LANGS, Item, JourneyMap, Lang, Stage
from assistant.language.detect import guess_language
from assistant.language.text import sentences
from assistant.language.vocabulary import mentions, normalise
from assistant.retrieval.meaning import Meaning

MARGIN = 0.025
FLOOR = 0.85
MIN_WORDS = 4  # shorter texts are judged by cue words only


def concept(name: str) -> Concept:
    return guideline_cues().concepts[name]


def _langs(text: str, lang: Lang) -> tuple[Lang, ...]:
    """The map's language, and the text's own when it is written in another one."""
    written = guess_language(text) or lang
    return (lang,) if written == lang else (lang, written)


def cue_words(name: str, lang: Lang) -> list[str]:
    return concept(name).cues.get(lang)


def has_cue(text: str, name: str, lang: Lang) -> bool:
    """A cue of the concept occurs at a word start, or a word ends with one of its endings
    (right after one of its ``after`` words, where the language has them)."""
    found = concept(name)
    for written in _langs(text, lang):
        if mentions(text, found.cues.get(written)) or _ends(text, found, written):
            return True
    return False


def _ends(text: str, found: Concept, lang: Lang) -> bool:
    endings = tuple(found.endings.get(lang))
    if not endings:
        return False
    words = normalise(text).split()
    after = set(found.after.get(lang))
    if after:
        return any(w in after and n.endswith(endings) for w, n in pairwise(words))
    return any(word.endswith(endings) for word in words)


def means(texts: Sequence[str], name: str, lang: Lang, meaning: Meaning) -> list[bool]:
    """For each text: whether it states the concept, by cue words or by meaning (each of its
    sentences compared on its own)."""
    found = concept(name)
    result = [has_cue(text, name, lang) for text in texts]
    examples = found.examples.get(lang)
    contrasts = found.contrasts.get(lang) + guideline_cues().neutral.get(lang)
    if not examples:
        return result
    pending = [(row, s) for row, text in enumerate(texts) if not result[row] for s in _split(text)]
    if not pending:
        return result
    parts = [s for _, s in pending]
    best = meaning.similarity(parts, examples).max(axis=1)
    rival = meaning.similarity(parts, contrasts).max(axis=1)
    for (row, _), good, bad in zip(pending, best, rival, strict=True):
        if good >= FLOOR and good - bad >= MARGIN:
            result[row] = True
    return result


def states(texts: Sequence[str], name: str, lang: Lang, meaning: Meaning) -> bool:
    """Whether any of the texts states the concept; cue words are tried on all of them
    before any is compared by meaning."""
    written = [t for t in texts if t.strip()]
    return any(has_cue(t, name, lang) for t in written) or any(means(written, name, lang, meaning))


def cue_texts(lang: Lang) -> list[str]:
    """Every example and contrast sentence compared by meaning, in one language (for the
    shipped vectors, so that a fresh install embeds none of them)."""
    cues = guideline_cues()
    found = [
        s for c in cues.concepts.values() for s in [*c.examples.get(lang), *c.contrasts.get(lang)]
    ]
    return found + cues.neutral.get(lang)


def _split(text: str) -> list[str]:
    """The sentences of a text long enough to state something ("Café: customer journey"
    states nothing, however close its meaning)."""
    return [s for s in sentences(text) or [text] if len(s.split()) >= MIN_WORDS]


def lane_key(name: str) -> str | None:
    """Which recognised extra lane a person's lane name is (``expectations``...), if any."""
    flat = " ".join(re.findall(r"[^\W_]+", name.lower()))
    for key, names in guideline_cues().lanes.items():
        for lang in LANGS:
            if flat in (" ".join(re.findall(r"[^\W_]+", n.lower())) for n in names.get(lang)):
                return key
    return None


def lane_items(stage: Stage, key: str) -> list[Item]:
    """The items of a stage's extra lanes recognised as ``key``."""
    return [i for name, items in stage.extra_lanes.items() if lane_key(name) == key for i in items]


def map_statements(m: JourneyMap) -> list[str]:
    """What a map says about itself: its title, business, scenario, purpose and scope."""
    texts = (m.title, m.business, m.scenario, m.purpose, m.scope)
    return [text for text in texts if text.strip()]

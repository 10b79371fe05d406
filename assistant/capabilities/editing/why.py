""" "Why is X here?": the entry's provenance, in words, with its source."""

from __future__ import annotations

from assistant.capabilities.editing.apply import entries, entry_text
from assistant.capabilities.editing.describe import lane_name
from assistant.capabilities.editing.grammar import grammar
from assistant.capabilities.editing.reading import find_items, read
from assistant.domain import JourneyMap
from assistant.language.i18n import t

HERE_WORDS = {
    "here", "there", "on", "the", "map", "is", "are", "does", "do", "this", "in", "it",
    "täällä", "tässä", "kartalla", "ovat", "mukana", "siinä", "tuolla",
    "siin", "seal", "kaardil", "kaardile", "sees", "olemas",
}  # fmt: skip


def explain(journey: JourneyMap, question: str) -> str | None:
    """Where the entry the question names came from; None when it names no entry."""
    reading = read(question)
    if reading.quotes:
        words = reading.quotes[0].text
    else:
        why = {w for phrase in grammar().why.all() for w in phrase.lower().split()}
        kept = [
            w.text
            for w in reading.words
            if w.text not in why and w.text not in HERE_WORDS and w.text.isalnum()
        ]
        words = " ".join(kept)
    found = find_items(journey, words, None, None)
    if not found or found[0].score < 0.6:
        return None
    best = found[0]
    stage = journey.stages[best.stage]
    entry = entries(stage, best.lane)[best.index]
    lang = journey.language
    where = f"{stage.name} · {lane_name(best.lane, lang)}"
    provenance = entry.provenance
    source = provenance.source.title if provenance.source else ""
    key = {
        "user": "why_user",
        "evidence": "why_evidence",
        "pattern": "why_pattern",
        "llm": "why_llm",
    }[provenance.kind]
    text = t(key, lang, item=entry_text(entry), where=where, source=source or "-")
    if provenance.note:
        text += f"\n\n{provenance.note}"
    if provenance.source and provenance.source.snippet:
        text += f"\n\n> {provenance.source.snippet}"
    return text

"""The short commands around editing, in three languages: accept, reject, undo, "why is X
here?", "more ideas for <stage>", and whether a message reads as an edit at all."""

from __future__ import annotations

import re

from assistant.capabilities.editing.grammar import grammar, longest_at, tokens
from assistant.capabilities.editing.reading import read
from assistant.domain import LocalizedList

#: An edit's verb must come within this many words of the start ("please could you add").
VERB_REACH = 3


def _flat(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+(?:'[^\W_]+)?", text.lower()))


def _is_one_of(text: str, words: LocalizedList) -> bool:
    flat = _flat(text)
    return bool(flat) and flat in {_flat(word) for word in words.all()}


def is_undo(text: str) -> bool:
    return _is_one_of(text, grammar().undo)


def is_accept(text: str) -> bool:
    return _is_one_of(text, grammar().accept)


def is_reject(text: str) -> bool:
    return _is_one_of(text, grammar().reject)


def _starts_with(text: str, terms: list[str], reach: int = 2) -> bool:
    words = tokens(text)
    return any(longest_at(terms, words, at) for at in range(min(reach, len(words))))


def asks_why(text: str) -> bool:
    """ "Why is X here?", "Miksi X on kartalla?", "Miks on X siin?"."""
    return _starts_with(text, [_as_term(w) for w in grammar().why.all()], 1)


def asks_for_ideas(text: str) -> bool:
    """ "More ideas for Purchase", "Lisää ideoita Osto-vaiheeseen", "Veel ideid otsuse etappi"."""
    flat = _flat(text)
    return any(_flat(phrase) in flat for phrase in grammar().ideas.all()) and len(flat) < 120


def looks_like_edit(text: str) -> bool:
    """Whether a message opens with an edit verb ("Add ...", "Poista ...", "Nimeta ümber")
    or says how the customer feels somewhere ("Customers feel frustrated at Purchase")."""
    if text.strip().endswith("?") and not _starts_with(text, _verbs(), 1):
        return False
    words = read(text).words
    reach = min(VERB_REACH + 1, len(words))
    verbs = _verbs(include_feel=False)
    if any(longest_at(verbs, words, at) for at in range(reach)):
        return True
    feel = grammar().verbs["feel"].all()
    return any(longest_at(feel, words, at) for at in range(len(words))) and len(words) <= 12


def _verbs(include_feel: bool = True) -> list[str]:
    g = grammar()
    return [
        term
        for kind, terms in g.verbs.items()
        if include_feel or kind != "feel"
        for term in terms.all()
    ]


def _as_term(phrase: str) -> str:
    """A phrase of whole words as a grammar term ("why is" -> "=why =is")."""
    return " ".join(f"={word}" for word in _flat(phrase).split())

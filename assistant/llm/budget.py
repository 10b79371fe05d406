"""Token budgets and counts: pack retrieved passages into a prompt, count what a turn costs,
and meter what one person's session has used."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Protocol, TypeVar

from assistant.domain.usage import TokenUsage
from assistant.llm.base import Message
from assistant.llm.tokenizer import count_tokens

MESSAGE_OVERHEAD = 4  # tokens a chat format adds around each message
_TAG = re.compile(r"</?\s*passage", re.IGNORECASE)


class Passage(Protocol):
    """Anything with a title and a text: a retrieved hit, a chunk, a research statement."""

    @property
    def title(self) -> str: ...

    @property
    def text(self) -> str: ...


P = TypeVar("P", bound=Passage)


class UsageMeter:
    """The tokens one session has used; every model-assisted step of that session adds to it.

    One meter per person (a web session, one CLI command), never one per process."""

    def __init__(self, total: TokenUsage | None = None) -> None:
        self.total = total or TokenUsage()
        self._lock = threading.Lock()

    def add(self, usage: TokenUsage) -> None:
        with self._lock:
            self.total = self.total + usage


def count_messages(messages: Sequence[Message]) -> int:
    return sum(count_tokens(m.content) + MESSAGE_OVERHEAD for m in messages)


def usage_of(messages: Sequence[Message], reply: str) -> TokenUsage:
    return TokenUsage(tokens_in=count_messages(messages), tokens_out=count_tokens(reply))


def neutralise(text: str) -> str:
    """Retrieved text is data: it must not be able to close or open a passage tag."""
    return _TAG.sub(lambda m: m.group(0).replace("<", "‹"), text)


def pack_passages(hits: Sequence[P], budget: int) -> tuple[str, list[P]]:
    """Numbered ``<passage>`` blocks, best first, as many as fit in ``budget`` tokens.

    The first passage is always kept (shortened to fit); the rest are kept whole or not at all.
    """
    blocks: list[str] = []
    kept: list[P] = []
    used = 0
    for hit in hits:
        number = len(kept) + 1
        title = neutralise(hit.title).replace('"', "'")
        block = f'<passage n="{number}" title="{title}">{neutralise(hit.text)}</passage>'
        size = count_tokens(block)
        if used + size > budget:
            if kept:
                continue
            block = _shorten(block, budget)
            size = count_tokens(block)
        blocks.append(block)
        kept.append(hit)
        used += size
    return "\n".join(blocks), kept


def _shorten(block: str, budget: int) -> str:
    words = block.split()
    while len(words) > 10 and count_tokens(" ".join(words)) > budget:
        words = words[: int(len(words) * 0.8)]
    text = " ".join(words)
    return text if text.endswith("</passage>") else f"{text} …</passage>"

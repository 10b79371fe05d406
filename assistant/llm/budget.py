"""Token budgets and counts: pack retrieved passages into a prompt, count what a turn costs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.domain.usage import TokenUsage
from assistant.llm.base import Message
from assistant.llm.tokenizer import count_tokens
from assistant.retrieval.search import Hit

MESSAGE_OVERHEAD = 4  # tokens a chat format adds around each message
_TAG = re.compile(r"</?\s*passage", re.IGNORECASE)


def count_messages(messages: Sequence[Message]) -> int:
    return sum(count_tokens(m.content) + MESSAGE_OVERHEAD for m in messages)


def usage_of(messages: Sequence[Message], reply: str) -> TokenUsage:
    return TokenUsage(tokens_in=count_messages(messages), tokens_out=count_tokens(reply))


def neutralise(text: str) -> str:
    """Retrieved text is data: it must not be able to close or open a passage tag."""
    return _TAG.sub(lambda m: m.group(0).replace("<", "‹"), text)


def pack_passages(hits: Sequence[Hit], budget: int) -> tuple[str, list[Hit]]:
    """Numbered ``<passage>`` blocks, best first, as many as fit in ``budget`` tokens.

    The first passage is always kept (shortened to fit); the rest are kept whole or not at all.
    """
    blocks: list[str] = []
    kept: list[Hit] = []
    used = 0
    for hit in hits:
        number = len(kept) + 1
        title = neutralise(hit.chunk.title).replace('"', "'")
        block = f'<passage n="{number}" title="{title}">{neutralise(hit.chunk.text)}</passage>'
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

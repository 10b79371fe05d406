"""Text as Slack sends it, made plain: mentions removed, links and escapes undone."""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def plain_text(text: str) -> str:
    """``<@U1> see <https://x.fi|x.fi> &amp; more`` -> ``see x.fi & more``."""
    text = _MENTION.sub("", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).lstrip("#!"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.strip()


def split_command(text: str) -> tuple[str, str]:
    """``"ask How many stages?"`` -> ``("ask", "How many stages?")``; the word lower-cased."""
    parts = re.split(r"\s+", plain_text(text), maxsplit=1)
    return parts[0].lower(), (parts[1] if len(parts) > 1 else "").strip()

"""The cell syntax shared by import and export, defined once so that exports read back.

- Items in a cell are separated by ``<br>``, newlines or ``;`` (a ``;`` inside parentheses
  does not split, so ``Self-checkout (owner: X; metric: Y)`` stays one item).
- A backslash escapes a separator or marker character: ``\\;``, ``\\|``, ``\\*``...
- A trailing `` *`` marks a knowledge-base suggestion, `` **`` a language-model one.
- Spreadsheet cells starting with ``= + - @`` get a quote prefix (``'``) against formula
  injection; the importer strips it again.

Parsing works on a *masked* string: every escaped character is swapped for a private-use
code point, so the structural regexes never see it; ``unmask`` swaps it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.domain import ProvenanceKind

ESCAPABLE = "\\|;()*<-•"
_MASK_BASE = 0xF0000  # Supplementary Private Use Area-A: never in real text
_MASKED = {ch: chr(_MASK_BASE + i) for i, ch in enumerate(ESCAPABLE)}
_UNMASKED = {masked: ch for ch, masked in _MASKED.items()}
_ESCAPE_SEQ = re.compile(r"\\([" + re.escape(ESCAPABLE) + r"])")
_MASK_CHARS = re.compile("[" + "".join(_UNMASKED) + "]")

SUGGESTION_MARKS: dict[ProvenanceKind, str] = {"pattern": "*", "llm": "**"}
_MARK = re.compile(r"\s+(\*\*?)$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BULLET = re.compile(r"^[-*•]\s+")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- export ---------------------------------------------------------------------------


def escape(text: str, *, markdown: bool, value: bool = False) -> str:
    """``text`` with the characters the importer would read as syntax backslash-escaped.

    Always ``\\`` and ``;``, unbalanced parentheses, ``<br``, a leading bullet; in Markdown
    also ``|`` and ``*`` (elsewhere only a trailing ``*``, which would read as a mark).
    ``value``: escape every parenthesis (values inside a ``(owner: ...)`` annotation).
    """
    text = re.sub(r"[\r\n]+", " ", text).strip()
    unmatched = _unmatched_parens(text)
    last = len(text) - 1
    out = []
    for i, ch in enumerate(text):
        if (
            ch in "\\;"
            or (markdown and ch in "|*")
            or (ch == "*" and i == last)
            or (ch in "()" and (value or i in unmatched))
            or (ch == "<" and text[i + 1 : i + 3].lower() == "br")
        ):
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    # "-" alone is a bullet once a suffix such as " (online)" follows it
    return "\\" + escaped if re.match(r"[-*•](?:\s|$)", escaped) else escaped


def _unmatched_parens(text: str) -> set[int]:
    opened: list[int] = []
    unmatched: set[int] = set()
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i)
        elif ch == ")":
            if opened:
                opened.pop()
            else:
                unmatched.add(i)
    return unmatched | set(opened)


def mark(kind: ProvenanceKind) -> str:
    """The suffix that marks a suggestion of this provenance kind ('' for the person's own)."""
    suffix = SUGGESTION_MARKS.get(kind)
    return f" {suffix}" if suffix else ""


def neutralise(cell: str) -> str:
    """Quote-prefix a spreadsheet cell that a spreadsheet would run as a formula."""
    if cell.startswith(FORMULA_START) or (
        cell.startswith("'") and cell[1:2] in (*FORMULA_START, "'")
    ):
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Strip the quote prefix that ``neutralise`` (or a careful spreadsheet) added."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] in (*FORMULA_START, "'"):
        return cell[1:]
    return cell


# --- import ---------------------------------------------------------------------------


def mask(text: str) -> str:
    return _ESCAPE_SEQ.sub(lambda m: _MASKED[m.group(1)], text)


def unmask(text: str) -> str:
    return _MASK_CHARS.sub(lambda m: _UNMASKED[m.group(0)], text)


def split_items(masked: str) -> list[str]:
    """Masked items of a masked cell: split at newlines, ``<br>`` and top-level ``;``."""
    items: list[str] = []
    for line in _BR.sub("\n", masked).splitlines():
        depth, start = 0, 0
        for i, ch in enumerate(line):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(depth - 1, 0)
            elif ch == ";" and depth == 0:
                items.append(line[start:i])
                start = i + 1
        items.append(line[start:])
    return [item.strip() for item in items if item.strip()]


def take_mark(masked: str) -> tuple[str, ProvenanceKind]:
    """Strip a trailing suggestion mark: (item, 'pattern' | 'llm' | 'user')."""
    found = _MARK.search(masked)
    if not found:
        return masked, "user"
    kind: ProvenanceKind = "llm" if found.group(1) == "**" else "pattern"
    return masked[: found.start()].rstrip(), kind


def strip_bullet(masked: str) -> str:
    return _BULLET.sub("", masked, count=1)


def split_annotation(masked: str, keys: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """Split ``Text (owner: X; metric: Y)`` or ``Text — owner: X, metric: Y``.

    ``keys`` maps lower-case labels (in any language) to field names. Returns the masked
    text and {field: masked value}; the text is unchanged when there is no annotation.
    """
    labels = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    if not labels:
        return masked, {}
    inner, head = _paren_annotation(masked), ""
    if inner is not None:
        head, body = masked[: inner[0]], masked[inner[0] + 1 : inner[1]]
    else:
        dash = re.search(rf"\s+[—–-]\s+(?=(?:{labels})\s*:)", masked, re.IGNORECASE)
        if not dash:
            return masked, {}
        head, body = masked[: dash.start()], masked[dash.end() :]
    fields = _annotation_fields(body, labels, keys)
    return (head.rstrip(), fields) if fields else (masked, {})


def _paren_annotation(masked: str) -> tuple[int, int] | None:
    """Positions of the parentheses of a final ``(...)`` group, if the text ends with one."""
    if not masked.endswith(")"):
        return None
    depth = 0
    for i in range(len(masked) - 1, -1, -1):
        if masked[i] == ")":
            depth += 1
        elif masked[i] == "(":
            depth -= 1
            if depth == 0:
                return i, len(masked) - 1
    return None


def _annotation_fields(body: str, labels: str, keys: Mapping[str, str]) -> dict[str, str]:
    if not re.match(rf"\s*(?:{labels})\s*:", body, re.IGNORECASE):
        return {}
    parts = re.split(rf"\s*[;,]\s*(?=(?:{labels})\s*:)", body.strip(), flags=re.IGNORECASE)
    fields: dict[str, str] = {}
    for part in parts:
        label, _, value = part.partition(":")
        field = keys.get(label.strip().lower())
        if field and value.strip():
            fields[field] = value.strip()
    return fields


def split_kind_tag(masked: str, tags: Mapping[str, str]) -> tuple[str, str | None, str]:
    """Split ``Channel (online): description`` into (channel, kind, description), masked.

    ``tags`` maps lower-case tag words to touchpoint kinds; kind is None without a tag.
    """
    words = "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))
    found = re.search(rf"\s*\(\s*({words})\s*\)(?:\s*:\s*|\s*$)", masked, re.IGNORECASE)
    if not words or not found:
        return masked, None, ""
    channel, description = masked[: found.start()].strip(), masked[found.end() :].strip()
    if not channel:
        return masked, None, ""
    return channel, tags[found.group(1).lower()], description

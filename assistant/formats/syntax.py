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

from assistant.domain import JourneyMap, ProvenanceKind

ESCAPABLE = "\\|;()*<-•"
_MASK_BASE = 0xF0000  # Supplementary Private Use Area-A: never in real text
_MASKED = {ch: chr(_MASK_BASE + i) for i, ch in enumerate(ESCAPABLE)}
_UNMASKED = {masked: ch for ch, masked in _MASKED.items()}
_ESCAPE_SEQ = re.compile(r"\\([" + re.escape(ESCAPABLE) + r"])")
_MASK_CHARS = re.compile("[" + "".join(_UNMASKED) + "]")

SUGGESTION_MARKS: dict[ProvenanceKind, str] = {"pattern": "*", "llm": "**"}
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BULLET = re.compile(r"^[-*•]\s+")
# Every line break str.splitlines() knows: a cell must stay on its line of the table.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- export ---------------------------------------------------------------------------


def escape(text: str, *, markdown: bool, value: bool = False) -> str:
    """``text`` with the characters the importer would read as syntax backslash-escaped.

    Always ``\\`` and ``;``, unbalanced parentheses, ``<br``, a leading bullet; in Markdown
    also ``|``, ``*`` and every ``<``, so that no HTML tag survives a Markdown renderer
    (elsewhere only a trailing ``*``, which would read as a mark).
    ``value``: escape every parenthesis (values inside a ``(owner: ...)`` annotation).
    """
    text = _LINE_BREAKS.sub(" ", text).strip()
    unmatched = _unmatched_parens(text)
    last = len(text) - 1
    out = []
    for i, ch in enumerate(text):
        if (
            ch in "\\;"
            or (markdown and ch in "|*")
            or (ch == "*" and i == last)
            or (ch in "()" and (value or i in unmatched))
            or (ch == "<" and (markdown or text[i + 1 : i + 3].lower() == "br"))
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


# --- text that can be written ---------------------------------------------------------


def without_surrogates(text: str) -> str:
    """``text`` with unpaired surrogates (a JSON escape such as ``\\ud800``, or a browser's
    broken paste) replaced by U+FFFD: UTF-8 cannot encode them, so nothing could be saved."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def encodable(journey: JourneyMap) -> JourneyMap:
    """The map itself when it can be written as UTF-8, else a copy without unpaired
    surrogates, in its texts and in its keys (a lane named by a broken character)."""
    dumped = journey.model_dump()
    scrubbed = _scrub(dumped)
    return journey if scrubbed == dumped else JourneyMap.model_validate(scrubbed)


def _scrub(value: object) -> object:
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


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
    """Strip a trailing suggestion mark (`` *`` or `` **`` after a space): (item, 'pattern' |
    'llm' | 'user'). Done without a regex: ``\\s+\\*$`` backtracks quadratically on spaces."""
    text = masked.removesuffix("\n")
    stars = len(text) - len(text.rstrip("*"))
    head = text[: len(text) - stars]
    if stars not in (1, 2) or not head[-1:].isspace():
        return masked, "user"
    kind: ProvenanceKind = "llm" if stars == 2 else "pattern"
    return head.rstrip(), kind


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
        dash = re.search(rf"(?<!\s)\s+[—–-]\s+(?=(?:{labels})\s*:)", masked, re.IGNORECASE)
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
    separator = rf"(?<!\s)\s*[;,]\s*(?=(?:{labels})\s*:)"  # (?<!\s): linear on long spaces
    parts = re.split(separator, body.strip(), flags=re.IGNORECASE)
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
    found = re.search(rf"(?<!\s)\s*\(\s*({words})\s*\)(?:\s*:\s*|\s*$)", masked, re.IGNORECASE)
    if not words or not found:
        return masked, None, ""
    channel, description = masked[: found.start()].strip(), masked[found.end() :].strip()
    if not channel:
        return masked, None, ""
    return channel, tags[found.group(1).lower()], description

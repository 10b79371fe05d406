"""A person's list, split the way they meant it.

Items end at a new line, a semicolon or a bullet. A comma ends an item only when it separates
two items: not inside parentheses or quotes, not inside a number ("4,6"), and not before a
clause that belongs to the item before it ("friends, who recommend us"; "sõbrad, kes meid
soovitavad"; "ystävät, jotka suosittelevat"). Nothing the person wrote is dropped.
"""

from __future__ import annotations

import re

# Words that open a clause continuing the item before the comma.
CLAUSE_OPENERS = frozenset(
    [
        # en
        "who", "which", "that", "where", "when", "whose", "because", "so", "but", "although",
        "especially", "even", "if", "since", "while", "than", "like", "such",
        # fi
        "joka", "jotka", "jonka", "joiden", "jota", "joita", "jossa", "joissa", "jolla",
        "joilla", "jolle", "joille", "josta", "joista", "johon", "joihin", "mikä", "mitkä",
        "mitä", "missä", "kun", "koska", "mutta", "vaikka", "jos", "eli", "etenkin",
        "varsinkin", "kuten", "niin", "ettei", "että", "jolloin",
        # et
        "kes", "kelle", "keda", "kelle", "mis", "mida", "mille", "millega", "kus", "kuhu",
        "kust", "kui", "sest", "aga", "et", "kuigi", "eriti", "nagu", "mistõttu",
    ]
)  # fmt: skip
_LINE_SPLIT = re.compile(r"\n|;|\s[•·]\s")
_LEADING_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _comma_splits(text: str) -> list[int]:
    """Positions of the commas in ``text`` that separate two items."""
    cuts: list[int] = []
    depth = 0
    quoted = False
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char in '"“”«»':
            quoted = not quoted
        elif char == "," and depth == 0 and not quoted and _separates(text, index):
            cuts.append(index)
    return cuts


def _separates(text: str, comma: int) -> bool:
    before, after = text[:comma], text[comma + 1 :]
    if before[-1:].isdigit() and after[:1].isdigit():  # 4,6 or 1,5 h
        return False
    following = _WORD.match(after.lstrip())
    return not (following and following.group(0).lower() in CLAUSE_OPENERS)


def _pieces(line: str) -> list[str]:
    pieces, start = [], 0
    for cut in _comma_splits(line):
        pieces.append(line[start:cut])
        start = cut + 1
    pieces.append(line[start:])
    return pieces


def split_list(text: str) -> list[str]:
    """The items of a list the person typed, each whole and as written."""
    items = []
    for line in _LINE_SPLIT.split(text):
        for piece in _pieces(line):
            item = _LEADING_MARK.sub("", piece).strip().rstrip(".").strip()
            if item:
                items.append(item)
    return items

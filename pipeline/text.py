"""Text keys shared by every stage: the offset-preserving fold, name keys and stop words.

Extraction finds spans in folded text and maps them back to the original by position, so
`fold` must give one character for each character (len(fold(t)) == len(t)); the
reconciliation and the review compare names through the same keys.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "’ʼ`´‘"
HYPHENS = "-‐‑‒–—"

# Small words that carry no identity: ignored when names are compared or split into words.
STOP_WORDS = frozenset(
    "a au aux d de des du en et l la le les pour sa ses son sur un une dans par leur leurs ce cette ces "
    "à qu que qui ou avec via".split()
)


def fold_char(c: str) -> str:
    """One character in, one out: lowercase, no accent, straight apostrophe, hyphen as space."""
    if c in APOSTROPHES:
        return "'"
    if c in HYPHENS:
        return " "
    if c.isascii():
        return c.lower()
    base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)).lower()
    return base if len(base) == 1 else c.lower()[:1] or c


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (one in, one out)."""

    def __missing__(self, code: int) -> str:
        out = fold_char(chr(code))
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Offset-preserving fold of a whole string (len(fold(t)) == len(t))."""
    return text.translate(_FOLD)


def name_key(name: str) -> str:
    """Key for exact lookups of a name: folded, single-spaced."""
    return re.sub(r"\s+", " ", fold(name)).strip()


def word_key(word: str) -> str:
    """A word as the date and metadata rules look it up: lowercase, straight apostrophe (accents kept)."""
    return word.lower().replace("’", "'")

"""How the scorer decides that a written name is a gold name: word keys, similarity, one-to-one pairing.

The rules are the evaluation's, not the reconciliation's (pipeline/reconcile/names.py): they
are the same as the external referee's so that both give the same figures, and they stay
fixed when the pipeline's own name keys change. Two names are one when they share enough
content words (accents, case, punctuation and a few small words ignored), when one's words
are all in the other's (two words at least), or when they are spelt almost alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

# The small words the evaluation ignores: fewer than the pipeline's STOP_WORDS, on purpose
# (an "avec" or a "via" in a name is part of what the gold accepts).
IGNORED_WORDS = frozenset("a au aux d de des du en et l la le les pour sa ses son sur un une dans par".split())
SAME = 0.5  # least similarity for two names to name one project
CONTAINED = 0.85  # every word of the shorter name (two or more) in the longer one
SPELLING = 0.9  # character ratio above which two names are spelling variants


def plain(text: str | None) -> str:
    """Lowercase ASCII words separated by single spaces: no accent, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", bare).strip()


def words(name: str) -> list[str]:
    return [w for w in plain(name).split() if w not in IGNORED_WORDS]


def similarity(a: str, b: str) -> float:
    """How surely two names are one project's, in [0, 1]."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    if "".join(wa) == "".join(wb):  # "Agri Trace" and "AgriTrace"
        return 1.0
    sa, sb = set(wa), set(wb)
    shared = sa & sb
    best = len(shared) / len(sa | sb)
    shorter = min(len(sa), len(sb))
    if shorter >= 2 and len(shared) == shorter:
        best = max(best, CONTAINED)
    ratio = SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio()
    if ratio >= SPELLING:
        best = max(best, ratio)
    return best


def word_overlap(a: str, b: str) -> float:
    """Shared words over all words, without the containment bonus: a trap name inside a longer
    real name ("Action publique 2022" in a project's title) must not make it a trap."""
    sa, sb = set(words(a)), set(words(b))
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def best_similarity(names: Iterable[str], others: Iterable[str]) -> float:
    others = [o for o in others if o]
    return max((similarity(a, b) for a in names if a for b in others), default=0.0)


def pair_up(scores: dict[tuple[int, int], float]) -> dict[int, int]:
    """One-to-one pairing, surest pairs first (ties in the order the pairs were scored):
    {predicted index: gold index} for pairs at SAME or above."""
    paired: dict[int, int] = {}
    taken: set[int] = set()
    for (pred, gold), s in sorted(scores.items(), key=lambda item: -item[1]):
        if s >= SAME and pred not in paired and gold not in taken:
            paired[pred] = gold
            taken.add(gold)
    return paired


def acronym_named(acronym: str | None, names: Iterable[str]) -> bool:
    """The gold's acronym (three letters or more) written as one of the names."""
    return bool(acronym) and len(acronym) >= 3 and any(plain(n) == plain(acronym) for n in names)


class Organisations:
    """An organisation as written -> the gold's canonical name (None when none is close enough)."""

    CLOSE = 0.8

    def __init__(self, table: dict[str, list[str]]):
        self.canonical = list(table)
        self.by_key = {plain(v): name for name, variants in table.items() for v in [name, *variants]}

    def __call__(self, written: str) -> str | None:
        key = plain(written)
        if key in self.by_key:
            return self.by_key[key]
        closest: Callable[[str], float] = lambda c: similarity(written, c)  # noqa: E731
        best = max(self.canonical, key=closest, default=None)
        return best if best is not None and closest(best) >= self.CLOSE else None

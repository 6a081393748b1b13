"""Mend words that a PDF or print layout broke with a hyphen at a line end.

Text copied out of a PDF keeps the typesetter's hyphenation: "bé-\\nnéfique"
when the line break survives, "bé-néfique" once the lines were joined. Real
compounds ("e-learning", "Hauts-de-France", "sous-direction", "vis-à-vis")
use the same character, so each "left-right" pair is decided on its own.

`should_join(left, right, at_line_end)`, first rule that applies:

1. Exceptions (data/boilerplate.yaml, `hyphenation.keep`): compounds whose
   joined spelling is also a word ("plate-forme"/"plateforme", "week-end"),
   so frequencies cannot tell; keep the author's hyphen.
2. Shape says compound, keep:
   - a one-letter part ("e-learning", "E-Contacts", "vas-y");
   - a capitalised right part after a left part not in capitals (place and
     person names: "Charente-Maritime", "Saint-Denis", "Nouvelle-Aquitaine";
     "DÉVELOP-PEMENT", all capitals, goes on to the frequencies).
   Chains ("Hauts-de-France", "c'est-à-dire", "a-t-il") never reach this
   function: the matcher skips a pair touching another hyphen, a break has
   only one. Pronouns after a verb ("dit-il", "celui-ci", "lui-même") need
   no rule: the joined forms are not words, step 4 keeps them.
3. Prefixes that French spelling never hyphenates (`hyphenation.join_prefixes`,
   "dé-"): join ("dé-cloisonnées" whatever the lexicon says).
4. Frequencies (wordfreq, French, Zipf scale): J = the joined word, or its
   likeliest lemma when the inflected form is missing ("décloisonnées" is
   absent, "décloisonner" is not); P = the rarer of the two parts. A compound
   is made of two words, so P is high; a broken word has a fragment for at
   least one part ("néfique", "tamment"), so P is low and J is a word. Join
   when J > P. At a line end the hyphen is a break far more often than a
   compound, so J gets a bonus (`hyphenation.line_end_bonus`): an unknown
   word split in two unknown halves is joined there, and kept inline.

Known misses: a break whose halves are both common words while the joined
word is rarer stays broken inline ("position-né", "hétéro-gènes"; joined at a
line end thanks to the bonus for the second).

wordfreq cannot score a compound itself ("réponses-types" is scored as two
tokens), which is why the decision compares the joined word with the parts.
Fragments are not all rare in wordfreq's corpora ("tion" is 2.6: broken text
is everywhere), hence the comparison rather than a fixed threshold.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from wordfreq import zipf_frequency

from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA_FILE = DATA_DIR / "boilerplate.yaml"

_WORD = r"[^\W\d_]+"
# A pair may follow an apostrophe ("l'en-semble") but not a letter, digit or hyphen.
_INLINE = re.compile(rf"(?<![\w-])({_WORD})-({_WORD})(?![\w-])")
# A line-end pair may touch other hyphens: the chain test is done by hand so that
# "vis-à-\nvis" still loses its line break.
_LINE_END = re.compile(rf"(?<!\w)({_WORD})-[ \t]*\n[ \t]*({_WORD})(?!\w)")
# Soft hyphens only mark where a word may break: they never belong to the text.
_SOFT_HYPHEN = re.compile(r"\u00ad[ \t]*(?:\n[ \t]*)?")
# Hyphens inside addresses are never typesetting breaks.
_TOKEN = re.compile(r"\S+")
_URLISH = re.compile(r"://|www\.|@|\.[a-z]{2,4}(?:\b|/)", re.IGNORECASE)


@dataclass(frozen=True)
class _Rules:
    keep: frozenset[str]
    join_prefixes: frozenset[str]
    inflections: tuple[tuple[str, str], ...]
    line_end_bonus: float


@cache
def _rules() -> _Rules:
    raw = load_rules(DATA_FILE.name)["hyphenation"]
    return _Rules(
        keep=frozenset(w.lower() for w in raw["keep"]),
        join_prefixes=frozenset(w.lower() for w in raw["join_prefixes"]),
        inflections=tuple((str(a), str(b or "")) for a, b in raw["inflections"]),
        line_end_bonus=float(raw["line_end_bonus"]),
    )


@cache
def _zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "fr")


def joined_frequency(word: str) -> float:
    """Frequency of `word`, or of the best lemma guess when the form itself is missing
    (wordfreq lacks many rare inflected forms)."""
    z = _zipf(word)
    if z > 0:
        return z
    low = word.lower()
    guesses = [
        low[: -len(end)] + repl
        for end, repl in _rules().inflections
        if low.endswith(end) and len(low) - len(end) >= 3  # keep a stem to speak of
    ]
    return max((_zipf(g) for g in guesses), default=0.0)


def should_join(left: str, right: str, at_line_end: bool = False) -> bool:
    """True when "left-right" is one word broken by hyphenation, False for a compound."""
    rules = _rules()
    if f"{left}-{right}".lower() in rules.keep:
        return False
    if len(left) == 1 or len(right) == 1:
        return False
    if right[0].isupper() and not left.isupper():
        return False
    if left.lower() in rules.join_prefixes and right.islower():
        return True
    joined = joined_frequency(left + right)
    rarer_part = min(_zipf(left), _zipf(right))
    bonus = rules.line_end_bonus if at_line_end else 0.0
    return joined + bonus > rarer_part


def _address_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated tokens of `text` that look like addresses, in order.
    Found in one pass: looking around each hyphen instead costs the square of a long token."""
    return [m.span() for m in _TOKEN.finditer(text) if _URLISH.search(m.group())]


def _in_address(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _mend_line_end(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    text, start, end = match.string, match.start(), match.end()
    chained = (start > 0 and text[start - 1] == "-") or (end < len(text) and text[end] == "-")
    if not chained and should_join(left, right, at_line_end=True):
        return left + right
    return f"{left}-{right}"


def _mend_inline(match: re.Match[str], addresses: list[tuple[int, int]]) -> str:
    left, right = match.group(1), match.group(2)
    if _in_address(addresses, match.start(), match.end()) or not should_join(left, right):
        return match.group(0)
    return left + right


def mend_hyphens(text: str) -> str:
    """Join words broken by end-of-line hyphenation, at line ends ("bé-\\nnéfique")
    and already inline ("bé-néfique"); keep real compounds. A line-end break is
    removed together with its line break, whether the hyphen goes or stays."""
    text = _SOFT_HYPHEN.sub("", text)
    text = _LINE_END.sub(_mend_line_end, text)
    addresses = _address_spans(text)
    return _INLINE.sub(lambda m: _mend_inline(m, addresses), text)

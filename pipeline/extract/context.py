"""The extractor's working records: a candidate project mention and the article context every rule reads,
with the small span helpers (trimming, acronyms, word lists) that all phrasings share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract import lexicon
from pipeline.extract.segment import Line, Sentence, after_bullet
from pipeline.model import OrgMention
from pipeline.text import STOP_WORDS, fold

STOP = STOP_WORDS
WORD = re.compile(r"[^\W\d_][\w'’\-]*|\d+[\w]*", re.UNICODE)
ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9&\-]{1,9}$")
OPEN_QUOTES = "«“\"‘"
CLOSE_FOR = {"«": "»", "“": "”", '"': '"', "‘": "’"}
NP_ADP = {"de", "du", "des", "d'", "d’", "en", "à", "au", "aux", "pour", "sur", "dans", "via", "entre", "contre"}
POSSESSIVE = {"son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "ce", "cette", "ces"}
# the rules whose name is a description read around an amount ("pour la rénovation de X"):
# a real name in the same or the previous sentence names the project better (prose, anaphora)
DESCRIPTIVE_RULES = frozenset({"amount_purpose", "amount_for", "org_receives_for", "subject_phrase"})
# "sa reconstruction", "son extension": works a body's possessive points to
POSSESSIVE_BEFORE = re.compile(r"\b(?:sa|son|ses|leur|leurs)\s+$")
CONNECT = {"de", "du", "des", "d'", "d’", "la", "l'", "l’", "le", "les", "en", "et", "à", "au", "aux", "pour", "sur", "-"}


@dataclass
class Candidate:
    start: int
    end: int
    rule: str
    score: float
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    amount: object | None = None  # amounts.Amount
    carriers: list[str] = field(default_factory=list)
    scope: tuple[int, int] = (0, 0)
    sentence: int = -1  # index in ExtractionContext.sents, -1 for structure rules
    # a mention read from a bare reference ("le futur CHU de X"): the sentence's amount is
    # rarely its award (a plan's total, the building's cost), so linking gives it none
    takes_no_amount: bool = False
    # a body named as what is funded ("le CHU de X bénéficie de …", "le futur CHU de X"): an alias of
    # the article's mention of its works when there is one, a project of its own otherwise
    bare: bool = False


@dataclass
class ExtractionContext:
    article_id: str
    text: str
    folded: str
    lines: list[Line]
    sents: list[Sentence]
    orgs: list[OrgMention]
    amounts: list  # amounts.Amount
    roles: dict[int, str]  # amount index -> role
    docs: dict[int, object]  # sentence index -> spaCy Doc
    lex: lexicon.Lexicon
    suppressed: list[tuple[int, int]] = field(default_factory=list)
    struct_lines: set[int] = field(default_factory=set)
    year: int | None = None  # publication year, to tell successive names of a ministry apart
    unlisted: set[str] = field(default_factory=set)  # carriers named by layout that the gazetteer lacks
    _selection_at: int | None = field(default=None, repr=False)

    def selection_at(self) -> int:
        """Where the article first announces a selection ("lauréats", "retenus" …), len(text) if
        never: searched once per article, not once per sentence."""
        if self._selection_at is None:
            m = self.lex.selection.search(self.folded)
            self._selection_at = m.start() if m else len(self.folded)
        return self._selection_at
    institutions: list = field(default_factory=list)  # institutions.Institution: hospitals, schools, … by kind and place
    schemes: list = field(default_factory=list)  # (start, end, name) of the schemes the article introduces (schemes.py)

    def unlisted_body(self, written: str) -> str:
        """A body the gazetteer lacks, named as the article writes it (capitalised), recorded as
        unlisted so that the carriers filter keeps it."""
        name = written[:1].upper() + written[1:]
        self.unlisted.add(name)
        return name

    def org_spans(self) -> list[tuple[int, int, str]]:
        """Gazetteer organisations and institutions, as (start, end, canonical name)."""
        return [(o.start, o.end, o.name) for o in self.orgs] + [(x.start, x.end, x.name) for x in self.institutions]

    def orgs_in(self, a: int, b: int) -> list[OrgMention]:
        return [o for o in self.orgs if o.start >= a and o.end <= b]

    def amounts_in(self, a: int, b: int) -> list[int]:
        return [i for i, x in enumerate(self.amounts) if x.start >= a and x.end <= b]

    def is_suppressed(self, a: int, b: int) -> bool:
        return any(x <= a and b <= y for x, y in self.suppressed)


def content_words(s: str) -> list[str]:
    return [w for w in (fold(x) for x in WORD.findall(s)) if w not in STOP and len(w) > 1 or w.isdigit()]


def org_coverage(ctx: ExtractionContext, a: int, b: int) -> float:
    """Share of the letters of text[a:b] that lie inside organisation names."""
    letters = sum(1 for c in ctx.text[a:b] if c.isalnum())
    if not letters:
        return 0.0
    covered = 0
    for o in ctx.orgs:
        lo, hi = max(a, o.start), min(b, o.end)
        if lo < hi:
            covered += sum(1 for c in ctx.text[lo:hi] if c.isalnum())
    small = sum(len(w) for w in re.findall(r"\b(?:et|de|du|des|la|le|les|l|d|au|aux|en)\b", fold(ctx.text[a:b])))
    return min(1.0, covered / max(1, letters - small))


def strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Trim spaces, punctuation and dangling small words at both ends of a span."""
    while a < b and (text[a].isspace() or text[a] in ",;:.–—-)]"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:.–—-([«“\"'’"):
        b -= 1
    # balance a trailing ")" / "»" that closes something opened inside
    for o, c in (("(", ")"), ("«", "»"), ("“", "”")):
        seg = text[a:b]
        if seg.count(o) > seg.count(c) and b < len(text) and text[b:b + 2].lstrip().startswith(c):
            b = text.index(c, b) + 1
    year = re.match(r"(?:19|20)\d\d\s+(?=(?:le|la|les|l['’]|un|une|des)\s)", text[a:b])
    if year:
        a += year.end()  # "(a réalisé en) 2023 la première tranche de X": the year is the verb's adjunct
    while True:
        m = re.match(r"(?:(?:le|la|les|un|une|des|du|de|son|sa|ses|leur|leurs|et|ou|ainsi que)\s+|(?:l|d)['’](?=\w))", text[a:b], re.I)
        if not m or m.end() >= b - a:
            break
        if text[a:b][:1].isupper() and m.group(0).strip().lower() in ("le", "la", "les") and not _is_sentence_start(text, a):
            break  # "La Poste", "Le Louvre": a capitalised article inside a sentence belongs to the name
        a += m.end()
    while True:
        m = re.search(r"\s+(?:et|ou|de|du|des|d'|d’|la|le|les|l'|l’|en|à|au|aux|pour|sur|dans|par|avec|qui|que|dont)\s*$", text[a:b], re.I)
        if not m:
            break
        b = a + m.start()
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:.–—-("):
        b -= 1
    return a, b


def _is_sentence_start(text: str, a: int) -> bool:
    before = text[max(0, a - 3):a]
    return a == 0 or before.endswith("\n") or bool(re.search(r"[.!?:]\s*$", before)) or after_bullet(before)


def split_acronym(text: str, a: int, b: int) -> tuple[int, str | None]:
    """'Registre national des aidants (RNA)' -> end before ' (RNA)', 'RNA' when the letters fit."""
    m = re.search(r"\s*\(([A-Z0-9][A-Za-z0-9&\-]{1,9})\)\s*$", text[a:b])
    if not m:
        return b, None
    acr = m.group(1)
    if not acronym_fits(acr, text[a:a + m.start()]):
        return b, None
    return a + m.start(), acr


def acronym_fits(acr: str, name: str, strict: bool = False) -> bool:
    """Do the acronym's letters follow the initials of (a tail of) the name's words?
    `strict`: the name is the acronym's whole expansion, so a content word that gives no
    letter is allowed only in long acronyms (a call "sur l'intelligence artificielle" whose
    title starts "Appel à …" does not spell "IA": "intelligence" would be skipped)."""
    letters = [c.lower() for c in acr if c.isalpha()]
    if len(letters) < 2 or sum(c.isupper() for c in acr) < 2:
        return False
    words = [fold(w) for w in re.findall(r"[^\W\d_]+", name)]
    initials = [w[0] for w in words]  # small words may give a letter ("Service en ligne", SEL) or not (RNA)
    if not words or fold(acr[0]).lower() != words[0][0]:
        return False
    hits, pos, used = 0, 0, []
    for c in letters:
        k = next((i for i in range(pos, len(initials)) if initials[i] == c), None)
        if k is not None:
            hits, pos = hits + 1, k + 1
            used.append(k)
    if strict and used:
        skipped = [w for i, w in enumerate(words[:used[-1] + 1]) if i not in used and w not in STOP_WORDS and len(w) > 2]
        if len(skipped) > len(letters) // 4:
            return False
    return hits == len(letters) or (len(letters) >= 4 and hits >= len(letters) - 1)


def dedupe(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out

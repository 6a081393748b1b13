"""Project mentions: the funded projects one article names, with amount and carriers.

Cascade, for one article (clean text, organisations, amounts already found):

1. Roles of amounts: a range, a total or envelope (a count of projects or a total cue in
   its clause), a per-item figure ("chacun"), or a project's amount. Only the last kind,
   and per-item figures for list items, are ever given to a project.
2. Structure first, because lists of laureates carry the most reliable names:
   a. blocks "title line / carriers line / description" (ministry lists) and their
      "Porteur du projet : …" and "Montant : …" variants; the description that follows is
      the project's own text, so no other project is read from it;
   b. bulleted lists introduced by a line naming laureates or selected projects (not
      criteria or examples): the name is the item up to where its description starts;
   c. table rows: the name column, the carrier column, the amount column.
3. Prose, sentence by sentence, with spaCy POS tags to bound noun phrases:
   amount-anchored phrasings ("24,3 M€ investis dans X", "X, doté de 20 M€", "X (2 M€)",
   "ORG (X - 5,2 M€ - et Y - 4 M€)", "ORG se voit accorder 9 M€ pour son X",
   "7,9 M€ au ministère … afin de créer un X"), quoted names after a project noun
   ("le projet «Tempo»"), "le projet X" with a capitalised name, enumerations of projects
   ("d'autres projets portent sur A, B ou C"), "X, porté par ORG", and proper names the
   NER model tags (ORG/MISC) in a sentence about funding.
4. Filters: traps (the fund, programmes, events, bodies), organisations, people, names
   made of generic words only.
5. Links: amounts bound by the phrasing, else the single project amount of a sentence with
   a single name, "respectivement" lists in order, an anaphoric sentence ("L'objectif du
   financement (19,3 M€)") to the one project of its paragraph; carriers from carrier cues,
   the organisation a parenthesised list hangs from, the subject of a funding verb, the
   block's carrier line, or the next sentence's "Il est porté par …".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.extract import lexicon
from pipeline.model import Mention, OrgMention
from pipeline.extract.organizations import load_gazetteer
from pipeline.text import STOP_WORDS, fold
from pipeline.extract.segment import Line, Sentence

STOP = STOP_WORDS
_WORD = re.compile(r"[^\W\d_][\w'’\-]*|\d+[\w]*", re.UNICODE)
_ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9&\-]{1,9}$")
_OPEN_QUOTES = "«“\"‘"
_CLOSE_FOR = {"«": "»", "“": "”", '"': '"', "‘": "’"}
NP_ADP = {"de", "du", "des", "d'", "d’", "en", "à", "au", "aux", "pour", "sur", "dans", "via", "entre", "contre"}
POSSESSIVE = {"son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "ce", "cette", "ces"}
CONNECT = {"de", "du", "des", "d'", "d’", "la", "l'", "l’", "le", "les", "en", "et", "à", "au", "aux", "pour", "sur", "-"}


@dataclass
class Cand:
    start: int
    end: int
    rule: str
    score: float
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    amount: object | None = None  # amounts.Amount
    carriers: list[str] = field(default_factory=list)
    scope: tuple[int, int] = (0, 0)
    sentence: int = -1  # index in Ctx.sents, -1 for structure rules


@dataclass
class Ctx:
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

    def orgs_in(self, a: int, b: int) -> list[OrgMention]:
        return [o for o in self.orgs if o.start >= a and o.end <= b]

    def amounts_in(self, a: int, b: int) -> list[int]:
        return [i for i, x in enumerate(self.amounts) if x.start >= a and x.end <= b]

    def is_suppressed(self, a: int, b: int) -> bool:
        return any(x <= a and b <= y for x, y in self.suppressed)


# ----------------------------------------------------------------------------------
# small text helpers
def content_words(s: str) -> list[str]:
    return [w for w in (fold(x) for x in _WORD.findall(s)) if w not in STOP and len(w) > 1 or w.isdigit()]


def org_coverage(ctx: Ctx, a: int, b: int) -> float:
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
    return a == 0 or before.endswith("\n") or bool(re.search(r"[.!?:]\s*$", before)) or before.endswith("- ")


def split_acronym(text: str, a: int, b: int) -> tuple[int, str | None]:
    """'Registre national des aidants (RNA)' -> end before ' (RNA)', 'RNA' when the letters fit."""
    m = re.search(r"\s*\(([A-Z0-9][A-Za-z0-9&\-]{1,9})\)\s*$", text[a:b])
    if not m:
        return b, None
    acr = m.group(1)
    if not acronym_fits(acr, text[a:a + m.start()]):
        return b, None
    return a + m.start(), acr


def acronym_fits(acr: str, name: str) -> bool:
    """Do the acronym's letters follow the initials of (a tail of) the name's words?"""
    letters = [c.lower() for c in acr if c.isalpha()]
    if len(letters) < 2 or sum(c.isupper() for c in acr) < 2:
        return False
    words = [fold(w) for w in re.findall(r"[^\W\d_]+", name)]
    initials = [w[0] for w in words]  # small words may give a letter ("Service en ligne", SEL) or not (RNA)
    if not words or fold(acr[0]).lower() != words[0][0]:
        return False
    hits, pos = 0, 0
    for c in letters:
        k = next((i for i in range(pos, len(initials)) if initials[i] == c), None)
        if k is not None:
            hits, pos = hits + 1, k + 1
    return hits == len(letters) or (len(letters) >= 4 and hits >= len(letters) - 1)


# ----------------------------------------------------------------------------------
# amount roles
def amount_roles(text: str, folded: str, sents: list[Sentence], amounts: list, lex: lexicon.Lexicon) -> dict[int, str]:
    roles: dict[int, str] = {}
    for i, a in enumerate(amounts):
        if a.range_high is not None:
            roles[i] = "range"
            continue
        if a.each:
            roles[i] = "each"
            continue
        sent = next((s for s in sents if s.start <= a.start < s.end), None)
        lo, hi = (sent.start, sent.end) if sent else (max(0, a.start - 120), min(len(text), a.end + 120))
        # the clause: between the nearest strong separators around the amount
        left = max(folded.rfind(sep, lo, a.start) for sep in (";", ":", " dont ", "(", " - ", " – ", ", "))
        left = lo if left < 0 else left
        right_candidates = [folded.find(sep, a.end, hi) for sep in (";", ",", ")", " - ", " – ", " dont ", " et ")]
        right = min([r for r in right_candidates if r >= 0], default=hi)
        before, after = folded[left:a.start], folded[a.end:right]
        near_after = folded[a.end:min(hi, a.end + 40)]
        near_before = folded[max(lo, a.start - 80):a.start]
        if lex.total_cue.search(before[-60:]) or lex.total_cue.search(after[:60]):
            roles[i] = "total"
        elif lex.count.search(after[:45]) or lex.count.search(near_after) or lex.count.search(near_before):
            roles[i] = "total"
        elif re.search(r"\b(?:fonds|ftap|programme|plan)\s*,?\s*(?:\w+\s+){0,2}(?:dote|dotee|d'un montant|de|mobilise|represente)\s*$", before[-60:]):
            roles[i] = "total"
        else:
            roles[i] = "project"
    return roles


# ----------------------------------------------------------------------------------
# noun phrases around a position, with POS tags of the sentence's Doc
def _tokens(ctx: Ctx, si: int):
    doc = ctx.docs.get(si)
    if doc is None:
        return []
    base = ctx.sents[si].start
    return [(base + t.idx, base + t.idx + len(t.text), t) for t in doc]


def _in_np(t, prev) -> bool:
    if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "X", "SYM"):
        return True
    if (t.pos_ == "VERB" and "Part" in t.morph.get("VerbForm") and "Pres" not in t.morph.get("Tense")
            and not t.lower_.endswith("ant") and prev is not None and prev.pos_ in ("NOUN", "ADJ", "PROPN")):
        return True
    return bool(t.text[:1].isupper() and t.is_alpha and t.pos_ not in ("ADV", "VERB", "AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ"))


def np_right(ctx: Ctx, si: int, pos: int, limit: int | None = None) -> tuple[int, int] | None:
    toks = [x for x in _tokens(ctx, si) if x[0] >= pos]
    limit = ctx.sents[si].end if limit is None else limit
    m = ctx.lex.action_prefix.match(ctx.folded[pos:limit])
    if m:
        toks = [x for x in toks if x[0] >= pos + m.end()]
    i = 0
    while i < len(toks) and (toks[i][2].pos_ in ("DET", "ADP") or toks[i][2].lower_ in POSSESSIVE):
        i += 1
    if i >= len(toks) or toks[i][0] >= limit:
        return None
    first = toks[i][2]
    if first.text in _OPEN_QUOTES:
        close = _CLOSE_FOR.get(first.text, "»")
        j = ctx.text.find(close, toks[i][1], limit)
        if j > 0:
            return toks[i][1], j
    if not _in_np(first, None):
        return None
    start, end = toks[i][0], toks[i][1]
    prev = first
    j = i + 1
    n = 1
    while j < len(toks) and toks[j][0] < limit and n < 16:
        s, e, t = toks[j]
        nxt = toks[j + 1][2] if j + 1 < len(toks) else None
        if any(a.start <= s < a.end for a in ctx.amounts):
            break
        if t.text in _OPEN_QUOTES:
            close = _CLOSE_FOR.get(t.text, "»")
            k = ctx.text.find(close, e, limit)
            if k < 0 or k - e > 120:
                break
            end = k + 1
            j = next((q for q in range(j, len(toks)) if toks[q][0] >= k + 1), len(toks))
            prev = t
            continue
        if t.text == "(":
            k = ctx.text.find(")", e, limit)
            inner = ctx.text[e:k] if k > 0 else ""
            if k < 0 or len(inner.split()) > 4:
                break
            end = k + 1
            j = next((q for q in range(j, len(toks)) if toks[q][0] >= k + 1), len(toks))
            continue
        if t.lower_ in ("pour", "afin") and ctx.lex.action_prefix.match(ctx.folded[e:limit].lstrip()[:40]):
            break
        after_next = toks[j + 2][2] if j + 2 < len(toks) else None
        if t.pos_ == "VERB" and nxt is not None and (nxt.lower_ == "par" or (
                nxt.lower_ in ("à", "a", "de", "d'", "d’", "pour") and after_next is not None and after_next.pos_ == "VERB")):
            break  # "destiné à repérer …", "piloté par …": the participle starts a clause
        if _in_np(t, prev):
            end = e
        elif t.pos_ == "ADP" and t.lower_ in NP_ADP and nxt is not None and nxt.pos_ not in ("VERB", "AUX", "PRON", "NUM"):
            if t.lower_ == "en" and nxt.like_num:
                break
        elif t.pos_ == "DET" and prev is not None and (prev.pos_ in ("ADP", "CCONJ") or prev.lower_ in NP_ADP):
            pass
        elif t.pos_ == "CCONJ" and t.lower_ == "et" and nxt is not None and nxt.pos_ in ("DET", "NOUN", "ADJ", "PROPN") and (
            j + 2 >= len(toks) or toks[j + 2][2].pos_ not in ("VERB",)
        ):
            pass
        elif t.text in ("-", "'", "’"):
            pass
        else:
            break
        prev = t
        j += 1
        n += 1
    a, b = strip_span(ctx.text, start, end)
    return (a, b) if b > a else None


def np_left(ctx: Ctx, si: int, pos: int, floor: int | None = None) -> tuple[int, int] | None:
    toks = [x for x in _tokens(ctx, si) if x[1] <= pos]
    floor = ctx.sents[si].start if floor is None else floor
    toks = [x for x in toks if x[0] >= floor]
    if not toks:
        return None
    # a capitalised run ("figure Passeport Vert,") is a name on its own
    j = len(toks) - 1
    while j >= 0 and toks[j][2].is_punct and toks[j][2].text not in ")»”\"":
        j -= 1
    if j < 0:
        return None
    end = toks[j][1]
    if toks[j][2].text in ")»”\"":
        opener = {")": "(", "»": "«", "”": "“", '"': '"'}[toks[j][2].text]
        k = ctx.text.rfind(opener, floor, toks[j][0])
        if k >= 0:
            while j >= 0 and toks[j][0] > k:
                j -= 1
            j -= 0
    k = j
    run_start = None
    while k >= 0:
        t = toks[k][2]
        if (t.text[:1].isupper() and (t.is_alpha or _ACRONYM.match(t.text))) or (t.like_num and run_start is not None) or t.text in "()»«":
            run_start = k
            k -= 1
            continue
        if t.lower_ in CONNECT and k > 0 and run_start is not None and toks[k - 1][2].text[:1].isupper():
            k -= 1
            continue
        break
    if run_start is not None:
        left = toks[run_start - 1][2] if run_start > 0 else None
        run_text = ctx.text[toks[run_start][0]:end]
        complement = (left is not None and left.lower_ in CONNECT and run_start >= 2
                      and toks[run_start - 2][2].pos_ in ("NOUN", "ADJ", "ADP", "DET")
                      and (_is_place(run_text) or org_coverage(ctx, toks[run_start][0], end) >= 0.7))
        if not complement and (left is None or not left.text[:1].isupper()):
            a, b = strip_span(ctx.text, toks[run_start][0], end)
            if b > a and (left is None or left.pos_ in ("VERB", "AUX", "PUNCT", "ADP", "DET", "CCONJ", "ADV", "PRON", "SCONJ") or left.is_punct):
                return a, b
    # otherwise walk left over a noun phrase
    k = j
    start = toks[j][0]
    prev = None
    while k >= 0:
        s, e, t = toks[k]
        left = toks[k - 1][2] if k > 0 else None
        if (t.text[:1].isupper() and t.is_alpha and left is not None and left.lower_ in ("d'", "d’", "de", "du")
                and not _is_place(ctx.text[s:end]) and org_coverage(ctx, s, end) < 0.7):
            start = s  # "la montée en charge d'Agora des métiers": the name starts at the capital
            break
        if _in_np(t, left) or t.pos_ in ("DET", "CCONJ") or (t.pos_ == "ADP" and t.lower_ in NP_ADP) or t.text in ("-", "'", "’", "«", "»"):
            if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or t.text[:1].isupper() or (t.pos_ == "VERB"):
                start = s
            k -= 1
            prev = t
            continue
        break
    a, b = strip_span(ctx.text, start, end)
    return (a, b) if b > a else None


# ----------------------------------------------------------------------------------
# filters
def head_word(name: str) -> str:
    words = [fold(w) for w in _WORD.findall(name)]
    words = [w for w in words if w not in STOP]
    return words[0] if words else ""


def is_trap(ctx: Ctx, a: int, b: int, allow_org: bool = False) -> str | None:
    """Why text[a:b] is not a project name, or None when it may be one."""
    name = ctx.text[a:b].strip()
    if name[:1] in "()[]":
        return "a parenthesis"
    if re.search(r"\bfonds\b", fold(name)):
        return "names the fund"
    f = re.sub(r"\s+", " ", fold(name)).strip(" «»\"“”")
    lex = ctx.lex
    if len(f) < 2 or not re.search(r"[^\W\d_]", name):
        return "no letters"
    if len(name.split()) > 25:
        return "too long"
    if f in lex.known_traps or any((f.startswith(t + " ") and len(t) > 8) or (t.startswith(f + " ") and len(f) > 8)
                                   for t in lex.known_traps):
        return "known programme or event"
    head = head_word(name)
    two = " ".join(content_words(name)[:2])
    if head in lex.trap_heads or two in lex.trap_heads:
        return f"trap head '{head}'"
    rest = name
    for o in ctx.orgs_in(a, b):
        rest = rest.replace(ctx.text[o.start:o.end], " ")
    words = content_words(rest)
    if not words:
        return None if allow_org else "an organisation"
    if all(w in lex.generic_heads for w in words):
        return "generic words only"
    if name[:1].islower() and head in ("projet", "projets", "dossier", "laureat", "chantier") and not re.search(r"[A-Z0-9«\"]", name[1:]):
        return "a description of a project, not its name"
    if re.search(r"https?://|www\.|\.(?:fr|com|org|gouv)\b", f):
        return "a web address"
    return None


# ----------------------------------------------------------------------------------
# 2. structure
def _is_org_line(ctx: Ctx, ln: Line) -> bool:
    if ln.kind == "para" and len(ln.text) > 250:
        return False
    return bool(ctx.orgs_in(ln.start, ln.end)) and org_coverage(ctx, ln.start, ln.end) >= 0.6


_LEAD = re.compile(r"[\W\d_]*(?:(?:le|la|les|l['’])\s*)?", re.I)


def _is_carrier_line(ctx: Ctx, ln: Line) -> bool:
    """A line of carriers under a block's title: organisations from its first word.

    An item of a list of laureates ("- Name, porté par <org> ;") may be mostly organisation
    names too, but it begins with the project's name: read as the carriers of the item above
    it, it would lend that item its neighbour's carriers and take the neighbour out."""
    if not _is_org_line(ctx, ln):
        return False
    first = min(o.start for o in ctx.orgs_in(ln.start, ln.end))
    return _LEAD.fullmatch(ctx.text[ln.start:first]) is not None


_PORTEUR = re.compile(r"^(?:- )?(?:porteurs?|porteuses?|structures? porteuses?|administrations? porteuses?|pilotes?|ministères? porteurs?|ministère|entités? porteuses?)(?: du projet| de projet)?\s*:\s*", re.I)
_MONTANT = re.compile(r"^(?:- )?(?:montant|financement|subvention|dotation|aide|budget|soutien|montant accordé|montant alloué|financement ftap|financement accordé)[^:]{0,40}:\s*", re.I)


def _is_title_line(ctx: Ctx, ln: Line) -> bool:
    if ln.kind not in ("heading", "item") or len(ln.text) > 260 or len(ln.text) < 3:
        return False
    if _PORTEUR.match(ln.text) or _MONTANT.match(ln.text) or ln.text.rstrip().endswith(":"):
        return False
    return not _is_org_line(ctx, ln)


def structured(ctx: Ctx) -> list[Cand]:
    cands: list[Cand] = []
    lines = ctx.lines
    n = len(lines)
    starts = []
    for i in range(n - 1):
        if _is_title_line(ctx, lines[i]) and (_is_carrier_line(ctx, lines[i + 1]) or _PORTEUR.match(lines[i + 1].text)):
            starts.append(i)
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else n
        title = lines[i]
        carriers: list[str] = []
        amount = None
        j = i + 1
        # carrier, porteur and montant lines right after the title
        while j < stop and (j == i + 1 or _PORTEUR.match(lines[j].text) or _MONTANT.match(lines[j].text) or _is_carrier_line(ctx, lines[j])):
            ln = lines[j]
            pm = _PORTEUR.match(ln.text)
            found = layout_orgs(ctx, ln.start + pm.end(), ln.end) if pm else [o.name for o in ctx.orgs_in(ln.start, ln.end)]
            for name in found:
                if name not in carriers:
                    carriers.append(name)
            for ai in ctx.amounts_in(ln.start, ln.end):
                if ctx.roles.get(ai) in ("project", "each") and amount is None:
                    amount = ctx.amounts[ai]
            j += 1
        # the description runs until a heading that does not end with ":" (or the next block)
        last = j - 1
        while j < stop and not (lines[j].kind == "heading" and not lines[j].text.rstrip().endswith(":")):
            last = j
            ln = lines[j]
            if amount is None and _MONTANT.match(ln.text):
                for ai in ctx.amounts_in(ln.start, ln.end):
                    amount = ctx.amounts[ai]
            j += 1
        a0 = title.start + (2 if title.text.startswith("- ") else 0)
        a, b = strip_span(ctx.text, a0, title.end)
        tail_amount = [ai for ai in ctx.amounts_in(a, b) if ctx.roles.get(ai) == "project"]
        if tail_amount:
            if amount is None:
                amount = ctx.amounts[tail_amount[0]]
            a, b = strip_span(ctx.text, a, ctx.amounts[tail_amount[0]].start)
        b2, acr = split_acronym(ctx.text, a, b)
        name_end = b2 if acr else b
        if is_trap(ctx, a, name_end):
            continue
        c = Cand(a, name_end, "block", 0.9, acronym=acr, aliases=_parts(ctx.text[a:name_end]), amount=amount,
                 carriers=carriers, scope=(title.start, lines[last].end))
        cands.append(c)
        ctx.suppressed.append((title.start, lines[last].end))
        ctx.struct_lines.update(range(i, last + 1))
    cands += _lists(ctx)
    cands += _rows(ctx)
    cands += _amount_lines(ctx)
    return cands


def _amount_lines(ctx: Ctx) -> list[Cand]:
    """Consecutive lines 'Name – 13,9 M€' (a list of laureates without bullets)."""
    found: list[tuple[int, Cand]] = []
    for k, ln in enumerate(ctx.lines):
        if k in ctx.struct_lines or ln.kind not in ("heading", "para") or len(ln.text) > 220:
            continue
        ams = [ai for ai in ctx.amounts_in(ln.start, ln.end) if ctx.roles.get(ai) in ("project", "each")]
        if len(ams) != 1:
            continue
        am = ctx.amounts[ams[0]]
        if ctx.text[am.end:ln.end].strip(" .;") or not re.search(r"\s[–—:-]\s*$|\s\($", ctx.text[ln.start:am.start]):
            continue
        a, b = strip_span(ctx.text, ln.start, am.start)
        b2, acr = split_acronym(ctx.text, a, b)
        if b <= a or is_trap(ctx, a, b2 if acr else b):
            continue
        found.append((k, Cand(a, b2 if acr else b, "name_amount_line", 0.8, acronym=acr, amount=am, scope=(ln.start, ln.end))))
    out = []
    for idx, (k, c) in enumerate(found):
        near = (idx > 0 and found[idx - 1][0] == k - 1) or (idx + 1 < len(found) and found[idx + 1][0] == k + 1)
        if near:  # a lone "Enveloppe : 80 M€" is a figure, not a list
            out.append(c)
            ctx.suppressed.append(c.scope)
            ctx.struct_lines.add(k)
    return out


def _parts(name: str) -> list[str]:
    """Other names inside a name: 'A : B' -> A, B; 'A (Other Name)' -> Other Name."""
    out: list[str] = []
    for sep in (" : ", " – ", " — ", " - "):
        if sep in name:
            for p in name.split(sep):
                p = p.strip(" ,;.")
                if len(content_words(p)) >= 1 and p != name and p not in out:
                    out.append(p)
    for m in re.finditer(r"\(([^()]{3,60})\)", name):
        inner = m.group(1).strip()
        if inner[:1].isupper() and inner not in out:
            out.append(inner)
    return out


def item_name(ctx: Ctx, a: int, b: int) -> tuple[int, int, list[str]] | None:
    """Where the name of a list item or a 'Name : description' line ends."""
    seg = ctx.folded[a:b]
    raw = ctx.text[a:b]
    cut = len(raw)
    m = ctx.lex.name_end.search(seg)
    if m:
        cut = m.start()
    for ai in ctx.amounts_in(a, b):
        cut = min(cut, ctx.amounts[ai].start - a)
    aliases: list[str] = []
    found = sorted((raw.find(sep), sep) for sep in (" : ", " – ", " — ", " - ", " -- ") if 0 < raw.find(sep) < cut)
    for idx, sep in found[:1]:
        if 0 < idx < cut:
            rest_end = cut
            rest = raw[idx + len(sep):rest_end].strip(" ,;.")
            if sep == " : " and rest and rest[:1].isupper() and len(rest.split()) <= 5 and not ctx.lex.name_end.search(", " + fold(rest)):
                aliases += [raw[:idx].strip(), rest]
                break
            cut = idx
            break
    x, y = strip_span(ctx.text, a, a + cut)
    q = re.fullmatch(r"[«“\"]\s*(.+?)\s*[»”\"]", ctx.text[x:y])
    if q:
        x, y = x + q.start(1), x + q.end(1)
    if y <= x or len(ctx.text[x:y].split()) > 22:
        return None
    return x, y, aliases


def _list_intro(ctx: Ctx, li: int) -> Line | None:
    return ctx.lines[li - 1] if li > 0 and ctx.lines[li - 1].kind != "item" else None


def _lists(ctx: Ctx) -> list[Cand]:
    out: list[Cand] = []
    lines = ctx.lines
    i = 0
    while i < len(lines):
        if lines[i].kind != "item" or i in ctx.struct_lines:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind == "item" and j not in ctx.struct_lines:
            j += 1
        items = lines[i:j]
        intro = _list_intro(ctx, i)
        fi = fold(intro.text) if intro else ""
        with_amount = sum(1 for it in items if any(ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(it.start, it.end)))
        is_projects = bool(intro and ctx.lex.list_intro.search(fi) and not ctx.lex.non_project_list.search(fi)) or with_amount * 2 > len(items)
        if intro and ctx.lex.non_project_list.search(fi) and with_amount * 2 <= len(items):
            is_projects = False
        each = None
        if intro is not None:
            for ai in ctx.amounts_in(intro.start, intro.end):
                if ctx.amounts[ai].each:
                    each = ctx.amounts[ai]
        if is_projects:
            for it in items:
                got = item_name(ctx, it.start + 2, it.end)
                if not got:
                    continue
                a, b, aliases = got
                b2, acr = split_acronym(ctx.text, a, b)
                if is_trap(ctx, a, b2 if acr else b):
                    continue
                amount = None
                for ai in ctx.amounts_in(it.start, it.end):
                    if ctx.roles.get(ai) in ("project", "each"):
                        amount = ctx.amounts[ai]
                        break
                carriers = _dedupe([o.name for o in ctx.orgs_in(it.start, it.end)])
                out.append(Cand(a, b2 if acr else b, "list_item", 0.85, acronym=acr,
                                aliases=aliases + _parts(ctx.text[a:b]), amount=amount or each, carriers=carriers,
                                scope=(it.start, it.end)))
                ctx.suppressed.append((it.start, it.end))
            ctx.struct_lines.update(range(i, j))
        i = j
    return out


_HEADER_NAME = re.compile(r"\b(?:projet|projets|intitule|nom|laureat|laureats|libelle|titre)\b")
_HEADER_CARRIER = re.compile(r"\b(?:porteur|porteurs|porte par|ministere|administration|structure|entite|pilote|operateur|beneficiaire)\b")
_HEADER_AMOUNT = re.compile(r"\b(?:montant|financement|m€|meur|euros|dotation|subvention|aide|budget|€)")


def _header_unit(header: str) -> float | None:
    """Multiplier to M€ that a table's amount header states ("Montant (M€)", "en k€", "(€)")."""
    f = fold(header)
    if re.search(r"\bm€|\bmeur|\bmillions?\b|\bm euros", f):
        return 1.0
    if re.search(r"k€|\bkeur|\bmilliers", f):
        return 0.001
    if "€" in f or re.search(r"\beuros?\b", f):
        return 1e-6
    return None


def _bare_number(ctx: Ctx, a: int, b: int, unit: float):
    """A cell holding a number only ("1,8") under a header that gives the unit."""
    from pipeline.extract.amounts import Amount

    m = re.fullmatch(r"\s*(\d{1,3}(?:[ \u00a0\u202f]?\d{3})*|\d+)(?:[,.](\d+))?\s*", ctx.text[a:b])
    if not m:
        return None
    whole = re.sub(r"\D", "", m.group(1))
    value = float(f"{whole}.{m.group(2) or 0}") * unit
    lo = a + m.start(1)
    hi = a + (m.end(2) if m.group(2) else m.end(1))
    return Amount(start=lo, end=hi, value=round(value, 6), qualifier="exact", number_start=lo)


def _rows(ctx: Ctx) -> list[Cand]:
    out: list[Cand] = []
    cols: dict[str, int] | None = None
    unit: float | None = None
    for ln in ctx.lines:
        if ln.kind != "row":
            cols = None
            continue
        cells = []
        pos = ln.start
        for part in ln.text.split(" | "):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 3
        fcells = [fold(ctx.text[a:b]) for a, b in cells]
        if any(_HEADER_NAME.search(c) for c in fcells) and not ctx.amounts_in(ln.start, ln.end):
            cols = {}
            unit = None
            for k, c in enumerate(fcells):
                if _HEADER_AMOUNT.search(c) and "amount" not in cols:
                    cols["amount"] = k
                    unit = _header_unit(ctx.text[cells[k][0]:cells[k][1]])
                elif re.search(r"\bminister", c) and "ministry" not in cols:
                    cols["ministry"] = k
                elif _HEADER_CARRIER.search(c) and "carrier" not in cols:
                    cols["carrier"] = k
                elif _HEADER_NAME.search(c) and "name" not in cols:
                    cols["name"] = k
            ctx.suppressed.append((ln.start, ln.end))
            continue
        name_k = cols.get("name") if cols else None
        if cols is None and not ctx.amounts_in(ln.start, ln.end):
            continue  # a row of a table without a header and without an amount is layout, not a laureate
        if name_k is None:
            for k, (a, b) in enumerate(cells):
                if ctx.amounts_in(a, b) or org_coverage(ctx, a, b) >= 0.5 or not re.search(r"[^\W\d_]{3}", ctx.text[a:b]):
                    continue
                name_k = k
                break
        if name_k is None or name_k >= len(cells):
            continue
        a, b = strip_span(ctx.text, *cells[name_k])
        got = item_name(ctx, a, b)
        if got:
            a, b = got[0], got[1]
        b2, acr = split_acronym(ctx.text, a, b)
        if is_trap(ctx, a, b2 if acr else b):
            continue
        amount = None
        for ai in ctx.amounts_in(ln.start, ln.end):
            if ctx.roles.get(ai) in ("project", "each", "total"):
                amount = ctx.amounts[ai]
                break
        if amount is None and cols and "amount" in cols and unit and cols["amount"] < len(cells):
            amount = _bare_number(ctx, *cells[cols["amount"]], unit)
        carriers = _dedupe([o.name for o in ctx.orgs_in(ln.start, ln.end) if not (a <= o.start < b)])
        if cols and "carrier" in cols and cols["carrier"] < len(cells):
            carriers = _dedupe(layout_orgs(ctx, *cells[cols["carrier"]]) + carriers)
        if cols and "ministry" in cols and cols["ministry"] < len(cells):
            ma, mb = cells[cols["ministry"]]
            if not ctx.orgs_in(ma, mb):
                found = load_gazetteer().ministry_by_words(ctx.text[ma:mb], ctx.year)
                if found and found not in carriers:
                    carriers.append(found)
        out.append(Cand(a, b2 if acr else b, "table_row", 0.85, acronym=acr, aliases=_parts(ctx.text[a:b]),
                        amount=amount, carriers=carriers, scope=(ln.start, ln.end)))
        ctx.suppressed.append((ln.start, ln.end))
    return out


def layout_orgs(ctx: Ctx, a: int, b: int) -> list[str]:
    """Organisations of a span that layout says holds carriers (a table's carrier cell, a
    'Porteur du projet :' line): gazetteer names, and for each part the gazetteer lacks
    ("Commune de Millau", "Direction régionale … (DREAL) Provence-Alpes-Côte d'Azur"), the
    part itself, recorded as an unlisted organisation."""
    out: list[str] = []
    text = ctx.text
    parts, depth, start = [], 0, a
    i = a
    while i < b:
        c = text[i]
        depth += (c == "(") - (c == ")")
        if depth == 0:
            for sep in (" – ", " — ", ", ", " / ", " ; ", " et "):
                if text.startswith(sep, i):
                    parts.append((start, i))
                    start = i + len(sep)
                    i += len(sep) - 1
                    break
        i += 1
    parts.append((start, b))
    for x, y in parts:
        x, y = strip_span(text, x, y)
        if y <= x:
            continue
        inside = ctx.orgs_in(x, y)
        out += [o.name for o in inside]
        # what the gazetteer did not cover, without parentheses naming a known parent
        rest = text[x:y]
        for o in sorted(inside, key=lambda o: -o.start):
            rest = rest[:o.start - x] + " " * (o.end - o.start) + rest[o.end - x:]
        rest = re.sub(r"\(\s*\)", " ", rest)
        rest_words = content_words(rest)
        if inside and len(rest_words) <= 1:
            continue
        name = re.sub(r"\s*\([^()]*\)\s*$", "", text[x:y]).strip(" ,;:")
        name = re.sub(r"\s*\(\s*(?:minist|rattach)[^()]*\)", "", name).strip()
        if name[:1].isupper() and len(name.split()) >= 2 and org_coverage(ctx, x, x + len(name)) < 0.6 and not _is_place(name):
            out.append(name)
            ctx.unlisted.add(name)
    return _dedupe(out)


def _dedupe(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


# ----------------------------------------------------------------------------------
# 3. prose
def prose(ctx: Ctx) -> list[Cand]:
    out: list[Cand] = []
    for si, s in enumerate(ctx.sents):
        if ctx.is_suppressed(s.start, s.end) or si not in ctx.docs:
            continue
        found: list[Cand] = []
        found += _amount_rules(ctx, si)
        found += _quoted(ctx, si)
        found += _le_projet(ctx, si)
        found += _enumeration(ctx, si)
        found += _projet_de(ctx, si)
        found += _carrier_left(ctx, si)
        found += _subject_plans(ctx, si)
        found += _acronym_defs(ctx, si)
        found += _appositives(ctx, si)
        found += _named_entities(ctx, si)
        found = _prefer_names(found)
        for c in found:
            c.sentence = si
            if c.scope == (0, 0):
                c.scope = (s.start, s.end)
        found = _aliases_in_sentence(ctx, found)
        out += [c for c in found if not is_trap(ctx, c.start, c.end, allow_org=c.rule == "org_amount")]
    return out


_ALIAS_INTRO = re.compile(r"\b(?:sous le nom de|sous le nom d'|aussi appele|aussi appelee|egalement appele|alias|connu sous|connue sous|rebaptise|rebaptisee|surnomme|surnommee|en anglais)\s*[«“\"]?\s*$")


def _aliases_in_sentence(ctx: Ctx, found: list[Cand]) -> list[Cand]:
    """'Diplômaclé – présenté sous le nom de « Trusted Diploma » – recevra …': the quoted
    name is another name of the sentence's project, not a second project."""
    out = list(found)
    for c in found:
        if not _ALIAS_INTRO.search(ctx.folded[max(0, c.start - 40):c.start]):
            continue
        others = [o for o in out if o is not c and not (o.start < c.end and c.start < o.end)]
        if not others:
            continue
        host = min(others, key=lambda o: abs(o.start - c.start))
        host.aliases.append(ctx.text[c.start:c.end])
        out.remove(c)
    return out


_STRONG = {"quoted_name", "le_projet_name", "project_of_org", "acronym_definition", "appositive_name", "subject_receives", "named_entity"}
_DESCRIPTIVE = {"amount_purpose", "amount_for", "org_receives_for", "subject_phrase"}


def _prefer_names(found: list[Cand]) -> list[Cand]:
    """A sentence that gives a project both a description ("afin de numériser les registres …") and a
    name ("le projet de registre consulaire en ligne (RCL)") names one project: keep the name."""
    strong = [c for c in found if c.rule in _STRONG and c.amount is None]
    weak = [c for c in found if c.rule in _DESCRIPTIVE and c.amount is not None]
    if len(strong) != 1 or len(weak) != 1:
        return found
    name, desc = strong[0], weak[0]
    name.amount = desc.amount
    name.carriers = name.carriers or desc.carriers
    return [c for c in found if c is not desc]


def _clause_start(ctx: Ctx, si: int, pos: int) -> int:
    s = ctx.sents[si]
    seg = ctx.folded[s.start:pos]
    cut = max(seg.rfind(","), seg.rfind(";"), seg.rfind(":"), seg.rfind("("))
    return s.start + cut + 1 if cut >= 0 else s.start


def _amount_rules(ctx: Ctx, si: int) -> list[Cand]:
    s = ctx.sents[si]
    out: list[Cand] = []
    lex = ctx.lex
    for ai in ctx.amounts_in(s.start, s.end):
        role = ctx.roles.get(ai)
        am = ctx.amounts[ai]
        after = ctx.folded[am.end:s.end]
        before = ctx.folded[s.start:am.start]
        # "12,5 M€ revient au X", "plus de 5 M€ chacun, vont à X et à Y"
        m = re.match(r"^\s*,?\s*(?:revient|reviennent|va|vont|echoit|echoient|est attribue|sont attribues|est allouee?|sont alloues)\s+(?:a|au|aux)\s+", after)
        if m and role in ("project", "each"):
            pos = am.end + m.end()
            got = []
            while pos < s.end:
                sp = np_right(ctx, si, pos)
                if not sp:
                    break
                got.append(Cand(*sp, "amount_goes_to", 0.75, amount=am))
                nxt = re.match(r"^\s*(?:,\s*|\s+et\s+)(?:a|au|aux|a l')\s*", ctx.folded[sp[1]:s.end])
                if not nxt:
                    break
                pos = sp[1] + nxt.end()
            if got:
                out += got
                continue
        if role != "project":
            continue
        if re.search(r"\brespectivement\b", before):
            continue  # "A et B … respectivement 9,4 M€ et 8,6 M€": the linker pairs them in order
        # "24,3 M€ ont été investis dans X"
        m = lex.funding_after.match(after)
        if m:
            sp = np_right(ctx, si, am.end + m.end())
            if sp:
                out.append(Cand(*sp, "amount_invested_in", 0.8, amount=am))
                continue
        # "20 M€ pour (le projet) X"
        m = re.match(r"^\s*(?:de fonds\s+|de financement\s+|de credits\s+)?(?:pour|a|au|en faveur d[eu]s?|en faveur de la)\s+(?:le projet\s+|la plateforme\s+)?", after)
        if m and not re.match(r"^\s*(?:pour|a|au)\s+(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|\d+|plusieurs|les|des|ces|ses|l'ensemble|titre)\b", after):
            sp = np_right(ctx, si, am.end + m.end())
            if sp and not ctx.lex.funder_subject.match(fold(ctx.text[sp[0]:sp[1]])):
                carriers = [o.name for o in ctx.orgs_in(s.start, am.start)]
                if org_coverage(ctx, *sp) >= 0.7:
                    pass  # "9 M€ au ministère X ... afin de créer Y": handled below
                else:
                    out.append(Cand(*sp, "amount_for", 0.7, amount=am, carriers=_dedupe(carriers)))
                    continue
        # "X … grâce aux 4 M€ accordés à ORG": the clause's subject, carried by the recipient
        m = re.search(r"\bgrace (?:aux|au|a)\s*$", before)
        if m:
            d = lex.discourse.match(before)
            sp = np_right(ctx, si, s.start + (d.end() if d else 0), limit=s.start + m.start())
            if sp:
                stop = min([k for k in (ctx.folded.find(",", am.end, s.end), ctx.folded.find(";", am.end, s.end)) if k >= 0], default=s.end)
                out.append(Cand(*sp, "thanks_to_amount", 0.7, amount=am, carriers=[o.name for o in ctx.orgs_in(am.end, stop)]))
                continue
        # "X, doté de 20 M€" / "X, soutenue à hauteur de 4 M€"
        m = lex.funding_before.search(before)
        if m:
            sp = np_left(ctx, si, s.start + m.start())
            if sp:
                out.append(Cand(*sp, "endowed_with", 0.8, amount=am))
                continue
        # "X (2,9 M€)" and "ORG (X - 5,2 M€ - et Y - 4 M€)"
        m = re.search(r"\(\s*$", before)
        if m and re.match(r"^\s*\)", after):
            p = s.start + m.start()
            sp = np_left(ctx, si, p)
            if sp:
                is_org = org_coverage(ctx, *sp) >= 0.7
                orgs = [o.name for o in ctx.orgs_in(*sp)]
                out.append(Cand(*sp, "org_amount" if is_org else "name_amount", 0.75, amount=am, carriers=orgs))
                continue
        m = re.search(r"\s[-–—]\s*$", ctx.text[s.start:am.start])
        if m:
            open_paren = ctx.text.rfind("(", s.start, am.start)
            close_paren = ctx.text.rfind(")", s.start, am.start)
            prev_dash = max(ctx.text.rfind(" - ", s.start, s.start + m.start()), ctx.text.rfind(" – ", s.start, s.start + m.start()))
            left = max(open_paren, close_paren, prev_dash + 2 if prev_dash >= 0 else -1)
            if left >= 0:
                a, b = strip_span(ctx.text, left + 1, s.start + m.start())
                a2 = re.match(r"(?:et|ou|,)\s+", ctx.text[a:b])
                if a2:
                    a += a2.end()
                if b > a:
                    carriers = []
                    if open_paren > close_paren:
                        lo = max(ctx.text.rfind(")", s.start, open_paren), ctx.text.rfind(",", s.start, open_paren), s.start)
                        carriers = [o.name for o in ctx.orgs_in(lo, open_paren)]
                    out.append(Cand(a, b, "name_dash_amount", 0.75, amount=am, carriers=_dedupe(carriers)))
                    continue
        # "ORG se voit accorder 9,6 M€ pour son X"; "Le fonds attribue 7,9 M€ au ministère … afin de créer un X"
        m = lex.purpose.search(after)
        if m:
            sp = np_right(ctx, si, am.end + m.end())
            if sp:
                carriers = [o.name for o in ctx.orgs_in(am.end, am.end + m.start())]
                if not carriers:
                    carriers = [o.name for o in ctx.orgs_in(_clause_start(ctx, si, am.start), am.start)]
                out.append(Cand(*sp, "amount_purpose", 0.7, amount=am, carriers=_dedupe(carriers)))
                continue
        # "X … disposera de 19,3 M€" / "X bénéficie de 5 M€": the subject of a funding verb
        vm = None
        for vm in lex.funding_verb.finditer(before):
            pass
        if vm is not None and len(before) - vm.end() <= 40 and "," not in before[vm.end():]:
            verb_at = s.start + vm.start()
            clause_a = s.start + max(before.rfind(":", 0, vm.start()), before.rfind(";", 0, vm.start())) + 1
            rel = re.search(r",\s*qui\s*$", before[:vm.start()])
            subj = None
            if rel:
                # "la saisine en ligne portée par la Chancellerie, qui a obtenu …"
                head_end = s.start + rel.start()
                cue = None
                for cue in ctx.lex.carrier_cue.finditer(ctx.folded[clause_a:head_end]):
                    pass
                sp = np_left(ctx, si, clause_a + cue.start() if cue else head_end, floor=clause_a)
                if sp and org_coverage(ctx, *sp) < 0.7:
                    subj = (sp, False, bool(re.match(r"[A-Z]", ctx.text[sp[0]])))
            if subj is None:
                subj = _subject(ctx, si, clause_a, verb_at)
            if subj is not None:
                sp, is_org, proper = subj
                if is_org:
                    carriers = [o.name for o in ctx.orgs if o.start < sp[1] and sp[0] < o.end]
                    pm = re.match(r"^\s*(?:pour|afin de)\s+", after)
                    if pm:
                        sp2 = np_right(ctx, si, am.end + pm.end())
                        if sp2:
                            out.append(Cand(*sp2, "org_receives_for", 0.7, amount=am, carriers=carriers))
                else:
                    out.append(Cand(*sp, "subject_receives" if proper else "subject_phrase", 0.65, amount=am))
    return out


_FUNCTION_POS = {"ADV", "ADJ", "VERB", "AUX", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "PUNCT", "NUM"}


def _incises(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans set off inside a clause: ' – … – ', '( … )', '« … »'."""
    seg = text[a:b]
    out = []
    for m in re.finditer(r"\s[–—-]\s.*?\s[–—-]\s|\([^()]*\)|«[^«»]*»|“[^“”]*”"
                         r"|,\s(?:qui|dont|que|où)\b[^,]*,"
                         r"|,\s\w+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues)\s+(?:par|à|au|aux|de|du|des|sur|avec|en)\b[^,]*,", seg):
        out.append((a + m.start(), a + m.end()))
    return out


def capital_runs(ctx: Ctx, si: int, a: int, b: int) -> list[tuple[int, int]]:
    """Runs of capitalised words in text[a:b] ("Voix Directe", "Diplômaclé", "Agence de l'eau")."""
    toks = [x for x in _tokens(ctx, si) if a <= x[0] and x[1] <= b]
    out = []
    i = 0
    while i < len(toks):
        t = toks[i][2]
        if not (t.text[:1].isupper() and (t.is_alpha or _ACRONYM.match(t.text) or re.match(r"^\w+['’\-]\w+", t.text))):
            i += 1
            continue
        j = i
        while j + 1 < len(toks):
            n = toks[j + 1][2]
            if n.text[:1].isupper() or (n.like_num and not n.text.isdigit() or (n.like_num and len(n.text) <= 2)):
                j += 1
                continue
            if n.lower_ in CONNECT and j + 2 < len(toks) and toks[j + 2][2].text[:1].isupper():
                j += 2
                continue
            break
        out.append((toks[i][0], toks[j][1], toks[i][2]))
        i = j + 1
    return [(x, y) for x, y, _ in out] if out else []


def _proper_name_ok(ctx: Ctx, si: int, a: int, b: int, trust_ner: bool = True) -> bool:
    """A capitalised run that can be a project's name: not a sentence-initial common word, a body,
    a person, a place or a trap."""
    toks = [x for x in _tokens(ctx, si) if a <= x[0] and x[1] <= b]
    if not toks:
        return False
    first = toks[0][2]
    if len(toks) == 1 and first.pos_ in _FUNCTION_POS:
        return False
    before = ctx.text[max(0, a - 3):a]
    starts = a == 0 or before.endswith("\n") or before.endswith("- ") or bool(re.search(r"[.!?]\s*$", before))
    if len(toks) == 1 and starts and _zipf(first.text) >= 3.0:
        return False  # "Viennent ensuite …": a capital that only starts the sentence
    if first.pos_ in ("DET", "ADP", "PRON", "CCONJ", "SCONJ"):
        return False
    if first.pos_ in ("ADV", "VERB", "AUX") and not (len(toks) >= 2 and toks[-1][2].text[:1].isupper()):
        return False  # a capitalised verb or adverb alone is a sentence start; "Alerte Nuisance" is a name
    if head_word(ctx.text[a:b]) in ctx.lex.org_heads or org_coverage(ctx, a, b) >= 0.5:
        return False
    if _is_place(ctx.text[a:b]):
        return False
    doc = ctx.docs.get(si) if trust_ner else None
    if doc is not None:
        base = ctx.sents[si].start
        if any(e.label_ in ("PER", "LOC") and base + e.start_char <= a and b <= base + e.end_char for e in doc.ents):
            return False
    return is_trap(ctx, a, b) is None


def _subject(ctx: Ctx, si: int, clause_a: int, verb_at: int) -> tuple[tuple[int, int], bool, bool] | None:
    """The subject of a funding verb: (span, is_organisation, is_proper_name)."""
    inc = _incises(ctx.text, clause_a, verb_at)
    for a, b in capital_runs(ctx, si, clause_a, verb_at):
        if any(x <= a and b <= y for x, y in inc):
            continue
        if org_coverage(ctx, a, b) >= 0.7:
            return (a, b), True, True
        # no NER veto here: invented project names are often tagged PER, and people are not
        # the subject of "reçoit 2 M€" in these articles
        if _proper_name_ok(ctx, si, a, b, trust_ner=False):
            return (a, b), False, True
    d = ctx.lex.discourse.match(ctx.folded[clause_a:verb_at])
    a0 = clause_a + (d.end() if d else 0)
    sp = np_right(ctx, si, a0, limit=verb_at)
    if not sp or ctx.lex.funder_subject.match(fold(ctx.text[sp[0]:sp[1]])):
        return None
    return sp, org_coverage(ctx, *sp) >= 0.7, False


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """French word frequency (zipf scale): 3 is a common word, 4 a very common one."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "fr")


@lru_cache(maxsize=1)
def _places() -> frozenset:
    """Folded names of departments and regions (the gazetteer's place data) and a few others."""
    from pipeline.extract.organizations import place_names

    names = {re.sub(r"\s+", " ", fold(n)).strip() for n in place_names()}
    names |= {"france", "paris", "europe", "outre mer", "metropole", "etats unis", "royaume uni", "allemagne"}
    return frozenset(names)


def _is_place(name: str) -> bool:
    f = re.sub(r"\s+", " ", fold(name)).strip()
    f = re.sub(r"^(?:en|dans|le|la|les|l'|de|du|des)\s+", "", f)
    return f in _places()


def _appositives(ctx: Ctx, si: int) -> list[Cand]:
    """'Hélios, une chaîne de calcul …', 'Atlas, un logiciel …': a name before a project noun."""
    s = ctx.sents[si]
    out = []
    for a, b in capital_runs(ctx, si, s.start, s.end):
        if not ctx.lex.appositive.match(ctx.folded[b:min(s.end, b + 60)]):
            continue
        if not _proper_name_ok(ctx, si, a, b, trust_ner=False):
            continue
        left = [t for st, en, t in _tokens(ctx, si) if en <= a]
        if left and (left[-1].pos_ == "DET" or left[-1].lower_ in ("de", "du", "des", "d'", "d’")):
            continue  # "… dans les Ehpad, un projet …": a complement, not a name
        out.append(Cand(a, b, "appositive_name", 0.75, carriers=_carriers_near(ctx, si, a, b)))
    return out


_NAMING = re.compile(r"\b(?:s'appelle|s'appellera|s'appelait|baptise|baptisee|nomme|nommee|intitule|intitulee|denomme|denommee|sous le nom de|au nom de|appele|appelee)\s*$")


def _quoted(ctx: Ctx, si: int) -> list[Cand]:
    s = ctx.sents[si]
    out: list[Cand] = []
    lex = ctx.lex
    text = ctx.text
    reported = bool(lex.reporting.search(ctx.folded[s.start:s.end]))
    for m in re.finditer(r"«\s*([^«»]{2,90}?)\s*»|“([^“”]{2,90}?)”|\"([^\"]{2,90}?)\"", text[s.start:s.end]):
        g = next(k for k in (1, 2, 3) if m.group(k) is not None)
        a, b = s.start + m.start(g), s.start + m.end(g)
        a, b = strip_span(text, a, b)
        if b <= a:
            continue
        inner = text[a:b]
        before = ctx.folded[max(s.start, s.start + m.start() - 60):s.start + m.start()]
        after = ctx.folded[s.start + m.end():min(s.end, s.start + m.end() + 40)]
        if re.search(r"[»”\"]\s*,?\s*$", before):
            continue  # a quote right after another one is a gloss ("X", "auto-apprenant…")
        named = bool(lex.project_noun_before.search(before)) or bool(_NAMING.search(before))
        carried = bool(re.match(r"^\s*,?\s*(?:porte|portee|pilote|pilotee|du ministere|de la direction|de l'agence|lance|developpe)", after))
        listed = _enumerated(ctx, si, s.start + m.start())
        if not (named or carried or listed):
            continue
        if reported and not named:
            continue
        if len(inner.split()) > 9 or re.search(r"\b(?:nous|vous|je|on|est|sont|sera|doit|peut)\b", fold(inner)):
            continue
        if is_trap(ctx, a, b):
            continue
        out.append(Cand(a, b, "quoted_name", 0.8 if named else 0.6, carriers=_carriers_near(ctx, si, a, b)))
    return out


def _enumerated(ctx: Ctx, si: int, pos: int) -> bool:
    """Is pos inside an enumeration of projects (before a ':' that announces laureates, or after 'portent sur')?"""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    rel = pos - s.start
    colon = f.find(":")
    if colon > rel and ctx.lex.list_intro.search(f[colon:]):
        return True
    m = ctx.lex.enumeration.search(f)
    return bool(m and m.end() <= rel and ctx.lex.list_intro.search(f[:m.start()]))


def _carriers_near(ctx: Ctx, si: int, a: int, b: int) -> list[str]:
    """Organisations tied to the name at a..b by a carrier cue or a 'du ministère' complement."""
    s = ctx.sents[si]
    f = ctx.folded
    # the name's segment and the segments after it that carry a carrier cue
    seg_end = s.end
    for sep in (",", ";", "(", ":"):
        k = f.find(sep, b + 1, s.end)
        if k >= 0:
            seg_end = min(seg_end, k)
    out = []
    right = f[b:seg_end]
    if re.match(r"^[\s»”\"]*(?:du|de la|de l'|des)\s", right):
        out += [o.name for o in ctx.orgs_in(b, seg_end)]
    # appositive or participle clauses right after the name: ", porté par …"
    pos = b
    while True:
        k = f.find(",", pos, s.end)
        nxt = f.find(",", k + 1, s.end) if k >= 0 else -1
        chunk_end = nxt if nxt >= 0 else s.end
        if k < 0 or k - pos > 140:
            break
        cm = ctx.lex.carrier_cue.search(f[k:chunk_end])
        if cm:
            out += [o.name for o in ctx.orgs_in(k + cm.end(), chunk_end)]
            break
        pos = chunk_end
        if nxt < 0:
            break
    return _dedupe(out)


def _le_projet(ctx: Ctx, si: int) -> list[Cand]:
    """'le projet Orion', 'les projets Alpha et Beta': a capitalised name after a project noun."""
    s = ctx.sents[si]
    out: list[Cand] = []
    nouns = r"(?:projets?|application|plateforme|dispositif|outil|logiciel|service|portail|téléservice|chatbot|assistant|programme)"
    naming = r"(?:[Bb]aptisée?|[Nn]ommée?|[Aa]ppelée?|[Dd]énommée?|[Ii]ntitulée?|[Ss]urnommée?)"
    for m in re.finditer(r"(?:\b(?:le|du|au|ce|les|des|aux|la|l'|l’|une?|son|sa|cette)\s*" + nouns + r"|\b" + naming + r")\s+(?=[A-Z0-9ÉÈÀ])", ctx.text[s.start:s.end]):
        pos = s.start + m.end()
        names = re.match(r"((?:[A-Z0-9ÉÈÀÂÎÔ][\w'’\-\.]*)(?:\s+(?:de|du|des|d'|d’|la|l'|l’|en|et|pour|[A-Z0-9ÉÈÀÂÎÔ][\w'’\-\.]*))*)", ctx.text[pos:s.end])
        if not names:
            continue
        chunk = names.group(1)
        parts = re.split(r"\s+et\s+", chunk) if "projets" in m.group(0).lower() else [chunk]
        if ("projet" not in m.group(0).lower() and not re.search(r"(?i)baptis|nomm|appel|intitul|surnomm", m.group(0))
                and len(chunk.split()) == 1 and _zipf(chunk) >= 4.0 and not re.search(r"[A-Z].*[A-Z]|\d", chunk)):
            continue  # "la plateforme Internet": a common word, not a name
        off = pos
        for p in parts:
            a = ctx.text.find(p, off, s.end)
            a, b = strip_span(ctx.text, a, a + len(p))
            off = b
            if b > a and not is_trap(ctx, a, b):
                out.append(Cand(a, b, "le_projet_name", 0.75, carriers=_carriers_near(ctx, si, a, b)))
    return out


def _projet_de(ctx: Ctx, si: int) -> list[Cand]:
    """'l'ARS …, dont le projet de numérisation des archives médicales doit …': named after an organisation."""
    s = ctx.sents[si]
    out = []
    for m in re.finditer(r"\b(?:dont le|son|leur) projet d(?:e |'|’)\s*", ctx.text[s.start:s.end]):
        pos = s.start + m.end()
        owners = [o for o in ctx.orgs if s.start <= o.end <= s.start + m.start() and s.start + m.start() - o.end < 80]
        if not owners:
            continue
        sp = np_right(ctx, si, pos)
        if sp and not is_trap(ctx, *sp):
            out.append(Cand(*sp, "project_of_org", 0.55, carriers=[owners[-1].name]))
    return out


def _enumeration(ctx: Ctx, si: int) -> list[Cand]:
    """'D'autres projets portent sur A, B ou un «C»': each item a project."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    m = ctx.lex.enumeration.search(f)
    if not m or not ctx.lex.list_intro.search(f[:m.start()]):
        return []
    rest = f[m.end():]
    if ":" in rest:
        return []  # "portent sur un thème : …" announces examples of a theme, not projects
    out: list[Cand] = []
    base = s.start + m.end()
    end = s.end
    rep = ctx.lex.reporting.search(f, m.end())
    if rep:
        end = s.start + rep.start()  # ", a souligné le ministre" closes the enumeration
    pieces = re.split(r",\s+(?:ou encore\s+|ou\s+|et\s+|ainsi que\s+)?|\s+ou encore\s+|\s+ou\s+|\s+ainsi que\s+|\s+et\s+(?=(?:la|le|les|l'|un|une|des|du)\b)", ctx.folded[base:end])
    off = base
    for p in pieces:
        a = ctx.folded.find(p, off, end)
        if a < 0:
            continue
        b = a + len(p)
        off = b
        if "«" in ctx.text[a:b]:
            continue  # quoted items are read by the quote rule
        if not re.match(r"(?:la|le|les|l'|un|une|des|du|de la|d')\s*\w|[A-ZÉ]", ctx.folded[a:b] if ctx.text[a:a + 1].islower() else ctx.text[a:b]):
            continue  # an item of an enumeration is a noun phrase
        a, b = strip_span(ctx.text, a, b)
        if b <= a or len(content_words(ctx.text[a:b])) < 2 or is_trap(ctx, a, b):
            continue
        out.append(Cand(a, b, "enumerated", 0.6))
    quoted = len(re.findall(r"«", ctx.text[base:end]))
    return out if len(out) + quoted >= 2 else []  # "concernent les collectivités" is no enumeration


def _carrier_left(ctx: Ctx, si: int) -> list[Cand]:
    """'X, porté par ORG': the noun phrase before the cue."""
    s = ctx.sents[si]
    out: list[Cand] = []
    for m in ctx.lex.carrier_cue.finditer(ctx.folded[s.start:s.end]):
        if m.group(0).startswith("porteur") or m.group(0).startswith("il ") or m.group(0).startswith("elle "):
            continue
        pos = s.start + m.start()
        comma = re.search(r",\s*$", ctx.folded[s.start:pos])
        if not comma:
            continue
        sp = np_left(ctx, si, s.start + comma.start())
        if not sp or org_coverage(ctx, *sp) >= 0.5:
            continue
        left = [t for st, en, t in _tokens(ctx, si) if en <= sp[0]]
        while left and left[-1].pos_ == "DET":
            left.pop()
        if left and left[-1].pos_ in ("VERB", "AUX"):
            continue  # "… visant les personnes âgées, pilotée par": the object of a verb, not the name
        end_cue = s.start + m.end()
        stop = min([k for k in (ctx.folded.find(",", end_cue, s.end), ctx.folded.find(";", end_cue, s.end)) if k >= 0], default=s.end)
        carriers = [o.name for o in ctx.orgs_in(end_cue, stop)]
        if carriers:
            out.append(Cand(*sp, "carried_by", 0.6, carriers=_dedupe(carriers)))
    return out


_PLANS = re.compile(r"\b(?:prevoit|lance|lancera|va lancer|compte|entend|souhaite|met en place|mettra en place|developpe|deploie|cree|va|engage|conduit)\b[^.;:]{0,40}?\b(la mise en place d'|la mise en place de|la creation d'|la creation de|le developpement d'|le deploiement d'|recevoir une aide au|recevoir une aide a la|recevoir une aide pour|une aide au|une aide a la)\s*")


def _subject_plans(ctx: Ctx, si: int) -> list[Cand]:
    """'ORG prévoit la mise en place d'un X', 'ORG va recevoir une aide au X' (no amount)."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    d = ctx.lex.discourse.match(f)
    lead = d.end() if d else 0
    subj = [o for o in ctx.orgs if s.start + lead <= o.start <= s.start + lead + 4]
    if not subj:
        return []
    m = _PLANS.search(f, subj[0].end - s.start)
    if not m or m.start() - (subj[0].end - s.start) > 60:
        return []
    sp = np_right(ctx, si, s.start + m.end())
    if not sp or is_trap(ctx, *sp):
        return []
    return [Cand(*sp, "org_plans", 0.55, carriers=[subj[0].name])]


def _acronym_defs(ctx: Ctx, si: int) -> list[Cand]:
    """'Plateforme d'échange des greffes (PEG)' in a sentence about projects."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    if not (ctx.lex.list_intro.search(f) or ctx.amounts_in(s.start, s.end) or ctx.lex.carrier_cue.search(f)):
        return []
    out = []
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&]{1,9})\)", ctx.text[s.start:s.end]):
        acr = m.group(1)
        p = s.start + m.start()
        if any(o.start <= p <= o.end + 2 for o in ctx.orgs):
            continue
        sp = np_left(ctx, si, p)
        if not sp:
            continue
        a, b = sp
        # shrink to the words whose initials spell the acronym
        words = list(re.finditer(r"[^\W\d_][\w\-]*", ctx.text[a:b]))
        for k in range(len(words)):
            cand = ctx.text[a + words[k].start():b]
            if acronym_fits(acr, cand) and fold(cand[0]) == fold(acr[0]):
                a = a + words[k].start()
                break
        else:
            continue
        if is_trap(ctx, a, b) or head_word(ctx.text[a:b]) in ("direction", "agence", "office", "institut", "caisse", "centre", "service", "etablissement", "etablissements", "conseil", "commission", "mission", "delegation", "secretariat", "inspection", "autorite", "observatoire", "universite", "ecole"):
            continue
        out.append(Cand(a, b, "acronym_definition", 0.6, acronym=acr, carriers=_carriers_near(ctx, si, a, b)))
    return out


_PROJECT_CONTEXT = re.compile(r"\b(?:projets?|laureats?|porte|portee|portes|financement|finance|dote|dotee|retenus?|selectionnes?|parmi eux|parmi elles|beneficier\w*|investi\w*)\b")
_COMMON_CAPS = {"etat", "état", "premier", "ministre", "publicite", "credit", "commentaire", "numerique", "cloud", "gouvernement", "france", "paris", "europe"}


def _named_entities(ctx: Ctx, si: int) -> list[Cand]:
    """Proper names the NER tags ORG or MISC, in a sentence about funded projects."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    if not (_PROJECT_CONTEXT.search(f) or any(ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(s.start, s.end))):
        return []
    doc = ctx.docs[si]
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "MISC"):
            continue
        a, b = strip_span(ctx.text, s.start + ent.start_char, s.start + ent.end_char)
        name = ctx.text[a:b]
        if b <= a or not name[:1].isupper():
            continue
        words = name.split()
        camel = bool(re.search(r"[a-zé][A-Z]", name))
        if len(words) < 2 and not camel:
            continue
        if fold(words[0]) in _COMMON_CAPS and len(words) < 2:
            continue
        if any(o.start < b and a < o.end for o in ctx.orgs):
            continue
        if head_word(name) in ctx.lex.org_heads or _is_place(name) or fold(words[0]) in STOP | {"dans", "chez", "selon", "apres", "avant", "depuis", "pendant", "vers", "parmi"}:
            continue
        if re.search(r"\b(?:ministre|ministere|secretaire d'etat|secretariat|charge|chargee|delegue|deleguee)\b[^,;.]{0,40}$", ctx.folded[max(s.start, a - 60):a]):
            continue  # part of an office's title: "ministre de l'Action et des Comptes publics"
        if any(e.label_ == "PER" and e.start_char <= ent.start_char < e.end_char for e in doc.ents):
            continue
        if is_trap(ctx, a, b):
            continue
        out.append(Cand(a, b, "named_entity", 0.45, carriers=_carriers_near(ctx, si, a, b)))
    return out


# ----------------------------------------------------------------------------------
# 5. links
def link(ctx: Ctx, cands: list[Cand]) -> None:
    by_sent: dict[int, list[Cand]] = {}
    for c in cands:
        if c.sentence >= 0:
            by_sent.setdefault(c.sentence, []).append(c)
    bound = {id(c.amount) for c in cands if c.amount is not None}
    for si, cs in by_sent.items():
        s = ctx.sents[si]
        free = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end)
                if ctx.roles.get(ai) == "project" and id(ctx.amounts[ai]) not in bound]
        f = ctx.folded[s.start:s.end]
        rm = re.search(r"\brespectivement\b", f)
        if rm:
            after = [x for x in free if x.start >= s.start + rm.start()]
            before = sorted([c for c in cs if c.end <= s.start + rm.start() and c.amount is None], key=lambda c: c.start)
            if after and len(before) >= len(after):
                for c, x in zip(before[-len(after):], after):
                    c.amount = x
                    bound.add(id(x))
                continue
        names = {fold(ctx.text[c.start:c.end]) for c in cs}
        if len(names) == 1 and len(free) == 1:
            for c in cs:
                if c.amount is None:
                    c.amount = free[0]
            bound.add(id(free[0]))
        # carriers cued anywhere in the sentence ("A et B, portés par ORG")
        cue = ctx.lex.carrier_cue.search(f)
        if cue:
            stop = min([k for k in (f.find(",", cue.end()), f.find(";", cue.end()), f.find(".", cue.end())) if k >= 0], default=len(f))
            cued = [o.name for o in ctx.orgs_in(s.start + cue.end(), s.start + stop)]
            for c in cs:
                if not c.carriers and c.end <= s.start + cue.start():
                    c.carriers = _dedupe(cued)
    # next sentence "Il est porté par ORG" / anaphoric amount
    for si, s in enumerate(ctx.sents):
        prev = by_sent.get(si - 1)
        if not prev or si in by_sent or ctx.sents[si - 1].line != s.line:
            continue
        f = ctx.folded[s.start:s.end]
        if re.match(r"^\s*(?:(?:il|elle|celui-ci|celle-ci|ce projet|le projet|ce dispositif|cet outil|cette plateforme|ce service)\b[^.]{0,30}?\b(?:porte|portee|pilote|pilotee|conduit|mene|menee|developpe|developpee)\s+par\b"
                    r"|(?:porte|portee|pilote|pilotee|developpe|developpee|concu|concue|incube|incubee|ne|nee|mene|menee)\s+(?:par|au|a la|a l'|aux|au sein d))", f):
            orgs = [o.name for o in ctx.orgs_in(s.start, s.end)]
            for c in prev[-1:]:
                c.carriers = _dedupe(c.carriers + orgs)
            by_sent.setdefault(si, [])
    for ln in ctx.lines:
        in_line = [c for c in cands if ln.start <= c.start < ln.end and c.rule not in ("block", "list_item", "table_row")]
        names = {fold(ctx.text[c.start:c.end]) for c in in_line}
        if len(names) != 1:
            continue
        for ai in ctx.amounts_in(ln.start, ln.end):
            am = ctx.amounts[ai]
            if ctx.roles.get(ai) != "project" or id(am) in bound:
                continue
            if any(c.sentence >= 0 and ctx.sents[c.sentence].start <= am.start < ctx.sents[c.sentence].end for c in in_line):
                continue
            if not re.search(r"\b(?:financement|ce projet|le projet|cette somme|ce montant|l'enveloppe|la subvention|l'aide|il|elle|celui-ci|celle-ci)\b", ctx.folded[max(ln.start, am.start - 80):am.start]):
                continue
            for c in in_line:
                if c.amount is None and c.start < am.start:
                    c.amount = am
            bound.add(id(am))


def resolve_overlaps(ctx: Ctx, cands: list[Cand]) -> list[Cand]:
    kept: list[Cand] = []
    for c in sorted(cands, key=lambda c: (-c.score, -(c.end - c.start))):
        clash = next((k for k in kept if k.start < c.end and c.start < k.end), None)
        if clash is None:
            kept.append(c)
            continue
        if clash.amount is None and c.amount is not None:
            clash.amount = c.amount
        if not clash.carriers and c.carriers:
            clash.carriers = c.carriers
        if clash.acronym is None and c.acronym:
            clash.acronym = c.acronym
    kept.sort(key=lambda c: c.start)
    return kept


def to_mentions(ctx: Ctx, cands: list[Cand]) -> list[Mention]:
    out = []
    for c in cands:
        a = c.amount
        out.append(Mention(
            article_id=ctx.article_id,
            name=ctx.text[c.start:c.end],
            start=c.start,
            end=c.end,
            rule=c.rule,
            score=c.score,
            acronym=c.acronym,
            aliases=_dedupe([x for x in c.aliases if x and x != ctx.text[c.start:c.end]]),
            amount_m_eur=round(a.value, 6) if a is not None else None,
            amount_qualifier=a.qualifier if a is not None else None,
            amount_span=(a.start, a.end) if a is not None else None,
            carriers=_dedupe(c.carriers),
            context=ctx.text[c.scope[0]:c.scope[1]][:2000],
            context_span=c.scope,
            occurrences=[(c.start, c.end)],
        ))
    return out


def find_mentions(ctx: Ctx, parse_needed=None) -> list[Mention]:
    """All project mentions of one article. `parse_needed` fills ctx.docs once the
    structured lists are known, so the model never reads what the layout already gave."""
    cands = structured(ctx)
    if parse_needed is not None:
        parse_needed()
    return finish_mentions(ctx, cands)


def finish_mentions(ctx: Ctx, cands: list[Cand]) -> list[Mention]:
    """The second half of `find_mentions`, once ctx.docs holds the parsed sentences:
    prose rules, overlaps, links. Split so that a batch of articles can send all its
    sentences through the model in one `nlp.pipe` call (extract.extract_batch)."""
    cands = list(cands) + prose(ctx)
    cands = resolve_overlaps(ctx, cands)
    link(ctx, cands)
    gaz = load_gazetteer()
    for c in cands:
        c.carriers = [x for x in _dedupe(c.carriers) if gaz.get(x) is not None or x in ctx.unlisted]
    return to_mentions(ctx, cands)

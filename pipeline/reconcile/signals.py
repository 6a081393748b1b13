"""Pair signals: how alike two mentions are (name similarity, one name inside the other's
description, carriers in common) and the vetoes (two names of one article, amounts that differ,
two funding rounds)."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.institutions import find_institutions
from pipeline.extract.lexicon import load
from pipeline.model import CallInfo, Mention
from pipeline.reconcile.names import glossary, joined, name_tokens, split_camel
from pipeline.reconcile.nodes import Node
from pipeline.text import STOP_WORDS, fold


def name_similarity(a: Node, b: Node) -> tuple[float, str]:
    _trans, weak = glossary()
    if a.joins & b.joins:
        return 1.0, "same name"
    for x, y in ((a, b), (b, a)):
        if x.host and tuple(name_tokens(y.m.name)) == x.host:
            return 0.85, "named just before"
    if a.acronym and b.acronym and a.acronym.upper() == b.acronym.upper() and len(a.acronym) >= 3:
        return 0.95, "same acronym"
    for x, y in ((a, b), (b, a)):
        if x.acronym and len(x.acronym) >= 3 and any(fold(x.acronym) in t for t in y.toks):
            return 0.9, "acronym named"
        acronyms = {x.acronym} if x.acronym else set()
        acronyms |= {w for n in x.names for w in re.findall(r"\b[A-Z]{3,8}\b", n)}
        words = [w for w in re.findall(r"[^\W\d_]+", fold(split_camel(y.m.name))) if w not in STOP_WORDS]
        for acr in acronyms:
            letters = fold(acr)
            if len(words) == len(letters) and "".join(w[0] for w in words) == letters:
                return 0.9, "acronym spells the name"
    best, why = 0.0, ""
    for na, ta in zip(a.names, a.toks):
        for nb, tb in zip(b.names, b.toks):
            if not ta or not tb:
                continue
            inter = ta & tb
            jac = len(inter) / len(ta | tb)
            if jac > best and any(w not in weak and not w.isdigit() for w in inter):
                best, why = jac, "shared words"
            small, small_name = (ta, na) if len(ta) <= len(tb) else (tb, nb)
            strong = [w for w in small if w not in weak and not w.isdigit()]
            # one word names a project when written as a name ("Orion", "e-Permis"); a lone
            # word all in lower case ("sociaux", "partagé") is a fragment a rule cut out of a name
            one_word = len(small) == 1 and strong and len(strong[0]) >= 6 and any(c.isupper() for c in small_name)
            if inter == small and strong and (len(small) >= 2 or one_word):
                if 0.85 > best:
                    best, why = 0.85, "name contained"
    # one description in other word forms ("détection des X irréguliers" / "détecter les
    # irrégularités de X"): most of the words share their first letters
    stem = stem_similarity(a.m.name, b.m.name)
    if stem > best:
        best, why = stem, "same word stems"
    # a shared distinctive beginning ("contrôle des abattoirs …")
    la, lb = name_tokens(a.m.name), name_tokens(b.m.name)
    generic = load().generic_heads  # "futur CHU de A" / "futur CHU de B": two hospitals
    if len(la) >= 2 and len(lb) >= 2 and la[:2] == lb[:2] and not all(w in weak or w in generic for w in la[:2]):
        if 0.66 > best:
            best, why = 0.66, "same beginning"
    return best, why


STEM = 5  # letters kept of a word: French derivations differ after them (detect-ion/-er, irregul-ier/-arite)


@lru_cache(maxsize=65536)
def _stems(name: str) -> frozenset:
    _trans, weak = glossary()
    return frozenset(w[:STEM] for w in name_tokens(name) if len(w) >= 4 and w not in weak)


def stem_similarity(x: str, y: str) -> float:
    """0.7 when two names of three or more distinctive words share at least three stems and
    three quarters of the stems of the shorter one and 60 % of all; else 0."""
    sx, sy = _stems(x), _stems(y)
    if len(sx) < 3 or len(sy) < 3:
        return 0.0
    inter = sx & sy
    if len(inter) >= 3 and len(inter) >= 0.75 * min(len(sx), len(sy)) and len(inter) / len(sx | sy) >= 0.6:
        return 0.7
    return 0.0


@lru_cache(maxsize=65536)
def _bodies(carrier: str) -> tuple[str, str] | None:
    """(family, place) of a carrier that is a hospital or a school named by its place (see
    extract/institutions.py), None for any other carrier."""
    found = [x for x in find_institutions(carrier) if not x.authority]
    if len(found) != 1 or found[0].end - found[0].start < len(carrier.strip()) - 2:
        return None
    family = "hospital" if "hospital" in found[0].kind else found[0].kind
    place = fold(carrier[found[0].start:found[0].end]).split(" de ")[-1].strip()
    return family, place


def same_body(a: Mention, b: Mention) -> bool:
    """Two articles about the works on one hospital or school ("le futur CHU de X", "la
    reconstruction complète du CHU … de X"): each name holds the place of a body they both
    name as carrier, and they name no different works (a rebuilding and an extension are
    two projects)."""
    ba = {_bodies(c) for c in a.carriers} - {None}
    bb = {_bodies(c) for c in b.carriers} - {None}
    shared = ba & bb
    if not shared:
        return False
    def named(m: Mention, place: str) -> bool:
        # the body may be an alias: "la construction de son nouveau bâtiment" is the CHU's
        return any(place in fold(n) for n in (m.name, *m.aliases))

    if not any(named(a, place) and named(b, place) for _family, place in shared):
        return False
    wa, wb = works_nouns(a.name), works_nouns(b.name)
    return not (wa and wb and not wa & wb)


def works_nouns(name: str) -> frozenset:
    return frozenset(load().works_word.findall(fold(name)))


def amount_conflict(a: Mention, b: Mention) -> bool:
    if a.amount_m_eur is None or b.amount_m_eur is None:
        return False
    qa, qb = a.amount_qualifier or "exact", b.amount_qualifier or "exact"
    va, vb = a.amount_m_eur, b.amount_m_eur
    if qa in ("exact", "approx") and qb in ("exact", "approx"):
        tol = 0.01 if qa == qb == "exact" else 0.15
        return abs(va - vb) > tol * max(va, vb)
    for (v1, q1), (v2, q2) in (((va, qa), (vb, qb)), ((vb, qb), (va, qa))):
        if q1 in ("exact", "approx") and q2 == "min" and v1 < v2 * 0.99:
            return True
        if q1 in ("exact", "approx") and q2 == "max" and v1 > v2 * 1.01:
            return True
    return False


def calls_conflict(x: CallInfo, y: CallInfo) -> bool:
    if x.fund and y.fund and x.fund != y.fund:
        return True
    if x.year and y.year and x.year != y.year:
        return True
    if x.ordinal and y.ordinal and x.ordinal != y.ordinal and (x.unit == y.unit or not (x.unit and y.unit)):
        return True
    if x.ordinal and y.ordinal and x.unit and y.unit and x.unit != y.unit:
        return True  # "2e appel à projets" (2018) and "2e session" (2019) are two rounds
    if x.n_laureates and y.n_laureates and x.n_laureates != y.n_laureates:
        return True
    return False



@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset:
    t = name_tokens(text)
    return frozenset(f"{a} {b}" for a, b in zip(t, t[1:]))


@lru_cache(maxsize=65536)
def _line_heads(text: str) -> frozenset:
    """The first two to four name words of each line of a text. A name that begins a line is
    an item of its own (a list item, a block's title, a table row), not a description of
    another item that the same context happens to hold."""
    out = set()
    for line in text.split("\n"):
        t = name_tokens(line)
        out.update(tuple(t[:k]) for k in (2, 3, 4) if len(t) >= k)
    return frozenset(out)


ITEM_LINE = re.compile(r"\s*(?:[-–—•*▪◦]|\d+[.)])\s|.*\|")


@lru_cache(maxsize=65536)
def _own_lines(context: str, name: str) -> str:
    """The context without the other items of a list or table it spans: a line that is a list
    item or a table row and does not hold the name is another project's line."""
    if "\n" not in context:
        return context
    key = joined(name)[:16]
    return "\n".join(line for line in context.split("\n") if not ITEM_LINE.match(line) or key in joined(line))


PROSE_RULES = {"amount_for", "org_receives_for", "amount_purpose", "subject_phrase"}
LISTED_RULES = {"block", "list_item", "table_row", "name_amount_line"}


def describes(x: Node, y: Node) -> bool:
    """In one article, a prose summary ("2,8 M€ pour un nouveau système d'information") of a
    project its list names ("Système d'information de suivi des apprentis"):
    a carrier in common and two words of the summary in the listed name."""
    if x.m.rule not in PROSE_RULES or y.m.rule not in LISTED_RULES:
        return False
    if not set(x.m.carriers) & set(y.m.carriers):
        return False
    if x.m.amount_m_eur is not None and y.m.amount_m_eur is not None:
        return False
    return len(set(name_tokens(x.m.name)) & set(name_tokens(y.m.name))) >= 2


def pair_signals(a: Node, b: Node) -> tuple[float, dict, str | None]:
    """Score in [0, 1], the signals behind it, and a veto reason (or None)."""
    sim, why = name_similarity(a, b)
    signals: dict = {"name": round(sim, 3), "name_why": why}
    veto = None
    if a.m.article_id == b.m.article_id:
        if describes(a, b) or describes(b, a):
            sim = max(sim, 0.7)
            signals["name"], signals["name_why"] = sim, "summary of a listed project"
        elif sim < 0.85:
            veto = "two names in one article"
    if amount_conflict(a.m, b.m):
        veto = veto or "amounts differ"
    if calls_conflict(a.call, b.call):
        # the round an article reports on is read from noisy cues (an article cites several
        # funds and rounds): it only vetoes a merge that the names alone do not make certain
        signals["rounds_differ"] = True
    # one name inside the other's description ("portail numérique" in "… au profit d'un portail numérique …")
    inside = 0.0
    _trans, weak = glossary()
    for x, y in ((a, b), (b, a)):
        t = name_tokens(x.m.name)
        pairs = {f"{p} {q}" for p, q in zip(t, t[1:])}
        if 2 <= len(t) <= 4 and x.m.article_id != y.m.article_id and pairs <= _bigrams(_own_lines(y.m.context, y.m.name)) \
                and tuple(t) not in _line_heads(y.m.context):
            inside = max(inside, 0.7)
    signals["name_in_description"] = inside
    ca, cb = set(a.m.carriers), set(b.m.carriers)
    if ca and cb:
        signals["carriers"] = round(len(ca & cb) / len(ca | cb), 3)
    ctx = len(a.ctx_toks & b.ctx_toks) / max(1, len(a.ctx_toks | b.ctx_toks))
    signals["description"] = round(ctx, 3)
    if a.m.article_id != b.m.article_id and sim < 0.8 and same_body(a.m, b.m):
        sim = 0.8
        signals["name"], signals["name_why"] = sim, "works on the same body"
    score = max(sim, inside)
    if signals.get("rounds_differ"):
        score -= 0.1
    if "carriers" in signals:
        score += 0.1 * signals["carriers"] - (0.1 if signals["carriers"] == 0 else 0.0)
    if sim >= 0.66 or inside:
        # similar descriptions support a name that is already close, never a mere word overlap:
        # press releases describe different projects in the same words
        score += 0.2 * min(ctx, 0.5)
    if a.m.amount_m_eur is not None and b.m.amount_m_eur is not None and not amount_conflict(a.m, b.m):
        score += 0.03
    return round(min(score, 1.0), 3), signals, veto


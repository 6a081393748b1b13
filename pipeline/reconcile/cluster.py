"""Reconcile: group mentions from all articles into real-world projects.

Steps:
1. name keys per mention: folded content words (CamelCase split, English words
   translated by data/name_glossary.yaml), the words joined ("Data Lake" ==
   "DataLake"), the acronym;
2. blocking: only mentions that share a distinctive word, a joined key or an acronym are
   compared (no all-pairs comparison: the cost grows with the number of mentions, not
   its square); mentions written alike are linked per amount they give, through the
   block's usual amount, and other names are compared with that usual mention of each form
   (a misread amount must not cut a name cited by a hundred articles in two); a generic
   name ("phase 2") is compared with the name its sentence gives just before it;
3. pair signals: name similarity (equal, contained, acronym, shared distinctive prefix,
   word overlap), one name inside the other's description, carriers in common, and
   vetoes: two different mentions of one article, two exact amounts that differ, a bound
   the exact amount breaks, two different funding rounds;
4. clustering: pairs by decreasing score, union-find, a merge refused when any veto holds
   between the two clusters (so A~B and B~C never force A with a C it contradicts); then
   the pairs whose names agree and amounts do not: merged when the amount in dispute is
   read by at most MAX_DISSENT mentions against CONSENSUS times as many (a misreading),
   the overruled amount set aside;
5. one project per cluster: the most frequent name, an exact amount over a bound, the
   carriers of its mentions, the announcement date of its round, the articles it cites;
   its id is inherited from the previous run's project that shares most mentions, so ids
   stay stable as articles arrive, else derived from its earliest mention.

`links` records, for each pair compared above a floor, the signals and the decision
(merged, near miss, vetoed), for the review report.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import ArticleResult, CallInfo, Mention, Project
from pipeline.text import STOP_WORDS, fold
from pipeline.paths import DATA_DIR

DATA = DATA_DIR
STOP = STOP_WORDS
MERGE_AT = 0.62
NEAR_MISS_AT = 0.35
MAX_BLOCK = 50  # a word shared by more mentions than this is no evidence of identity
CONSENSUS = 3  # mentions agreeing on an amount that outweigh each mention reading another
MAX_DISSENT = 2  # at most this many mentions may be outweighed: more is another project


@lru_cache(maxsize=1)
def _glossary() -> tuple[dict[str, str], frozenset]:
    with open(DATA / "name_glossary.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {fold(k): v for k, v in (raw.get("translate") or {}).items()}, frozenset(raw.get("weak_tokens") or [])


def split_camel(s: str) -> str:
    return re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", " ", s)


@lru_cache(maxsize=262144)
def name_tokens(name: str) -> list[str]:
    trans, _weak = _glossary()
    f = fold(split_camel(name))
    f = re.sub(r"[^\w']+", " ", f)
    for k in sorted((k for k in trans if " " in k), key=len, reverse=True):
        f = re.sub(rf"\b{re.escape(k)}\b", trans[k], f)
    out = []
    for w in re.split(r"[\s']+", f):
        if not w or w in STOP or (len(w) == 1 and not w.isdigit()):
            continue
        out.extend(trans.get(w, w).split())
    return out


@lru_cache(maxsize=262144)
def joined(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


@dataclass
class Node:
    """A mention with its precomputed keys."""

    idx: int
    m: Mention
    names: list[str]
    toks: list[set[str]]
    joins: set[str]
    acronym: str | None
    ctx_toks: set[str]
    call: CallInfo
    published: str | None
    host: tuple[str, ...] | None = None  # a generic name's project, named just before it (see _hosts)
    host_idx: int | None = None


@dataclass
class Link:
    a: int
    b: int
    score: float
    signals: dict
    decision: str = "near_miss"


def generic(name: str) -> bool:
    """A name made of weak words and numbers only ("phase 2"): it names no project by itself."""
    _trans, weak = _glossary()
    return all(w in weak or w.isdigit() for w in name_tokens(name))


def _nodes(results: list[ArticleResult]) -> list[Node]:
    nodes = []
    for r in results:
        for m in r.mentions:
            # an alias such as "phase 2" ("X – phase 2") is shared by many projects' names:
            # as a key or a name it would join them all
            names = [m.name, *(a for a in m.aliases if not generic(a))]
            toks = [set(name_tokens(n)) for n in names]
            acr = m.acronym
            if not acr and re.fullmatch(r"[A-Z][A-Z0-9]{2,9}", m.name):
                acr = m.name
            ctx = set(w for w in name_tokens(m.context) if len(w) > 3)
            nodes.append(Node(len(nodes), m, names, toks, {joined(n) for n in names if joined(n)}, acr, ctx,
                              r.call, r.article.published_on))
    _hosts(nodes)
    return nodes


def _hosts(nodes: list[Node]) -> None:
    """A mention named by a generic name alone ("phase 2") belongs to the project whose name its
    own sentence gives just before it ("… accorde 1,6 M€ à <name> – phase 2, porté par …"),
    when another mention bears that name: it is compared with that mention and not chained
    with the other "phase 2" of other projects. A generic name without such a name before it
    (a headline's "Modernisation publique") stays chained with the mentions written alike."""
    by_tokens: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for n in nodes:
        if not generic(n.m.name):
            by_tokens[tuple(name_tokens(n.m.name))].append(n.idx)
    for n in nodes:
        g = name_tokens(n.m.name)
        if not g or not generic(n.m.name):
            continue
        ct = name_tokens(n.m.context)
        for p in range(len(ct) - len(g) + 1):
            if ct[p:p + len(g)] != g:
                continue
            host = next((t for k in range(min(p, 12), 0, -1) if (t := tuple(ct[p - k:p])) in by_tokens), None)
            if host:
                n.host, n.host_idx, n.joins = host, _anchor(nodes, by_tokens[host]), set()
                break


def name_similarity(a: Node, b: Node) -> tuple[float, str]:
    _trans, weak = _glossary()
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
        words = [w for w in re.findall(r"[^\W\d_]+", fold(split_camel(y.m.name))) if w not in STOP]
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
    # a shared distinctive beginning ("contrôle des abattoirs …")
    la, lb = name_tokens(a.m.name), name_tokens(b.m.name)
    if len(la) >= 2 and len(lb) >= 2 and la[:2] == lb[:2] and not all(w in weak for w in la[:2]):
        if 0.66 > best:
            best, why = 0.66, "same beginning"
    return best, why


def _amount_conflict(a: Mention, b: Mention) -> bool:
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


def _describes(x: Node, y: Node) -> bool:
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
        if _describes(a, b) or _describes(b, a):
            sim = max(sim, 0.7)
            signals["name"], signals["name_why"] = sim, "summary of a listed project"
        elif sim < 0.85:
            veto = "two names in one article"
    if _amount_conflict(a.m, b.m):
        veto = veto or "amounts differ"
    if calls_conflict(a.call, b.call):
        # the round an article reports on is read from noisy cues (an article cites several
        # funds and rounds): it only vetoes a merge that the names alone do not make certain
        signals["rounds_differ"] = True
    # one name inside the other's description ("portail numérique" in "… au profit d'un portail numérique …")
    inside = 0.0
    _trans, weak = _glossary()
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
    score = max(sim, inside)
    if signals.get("rounds_differ"):
        score -= 0.1
    if "carriers" in signals:
        score += 0.1 * signals["carriers"] - (0.1 if signals["carriers"] == 0 else 0.0)
    if sim >= 0.66 or inside:
        # similar descriptions support a name that is already close, never a mere word overlap:
        # press releases describe different projects in the same words
        score += 0.2 * min(ctx, 0.5)
    if a.m.amount_m_eur is not None and b.m.amount_m_eur is not None and not _amount_conflict(a.m, b.m):
        score += 0.03
    return round(min(score, 1.0), 3), signals, veto


def _candidate_pairs(nodes: list[Node]) -> set[tuple[int, int]]:
    """Pairs worth comparing, by blocking (no all-pairs comparison).

    - the same written name (joined) or acronym: linked through one anchor per block, since
      every pair of such a block is alike (see _written_alike);
    - a distinctive word, the initials of a name: all pairs of blocks of at most
      MAX_BLOCK mentions (a word more common than that is no evidence of identity);
    - a short name's word pairs against the word pairs of other mentions' descriptions.
    """
    _trans, weak = _glossary()
    chained: dict[str, list[int]] = defaultdict(list)
    index: dict[str, list[int]] = defaultdict(list)
    described: dict[str, list[int]] = defaultdict(list)
    for n in nodes:
        keys = set()
        for t in n.toks:
            keys |= {f"w:{w}" for w in t if w not in weak and len(w) > 2}
        for t in name_tokens(n.m.name)[:1]:
            keys.add(f"w:{t}")
        words = [w for w in re.findall(r"[^\W\d_]+", fold(split_camel(n.m.name))) if w not in STOP]
        if 3 <= len(words) <= 6:
            keys.add(f"w:{''.join(w[0] for w in words)}")  # "Open Data Lab" meets "ODL"
        for k in keys:
            index[k].append(n.idx)
        for j in n.joins:
            chained[f"j:{j}"].append(n.idx)
        if n.acronym:
            chained[f"a:{fold(n.acronym)}"].append(n.idx)
            index[f"w:{fold(n.acronym)}"].append(n.idx)
        ct = name_tokens(n.m.context)
        for x, y in set(zip(ct, ct[1:])):
            described[f"{x} {y}"].append(n.idx)
    pairs: set[tuple[int, int]] = {(min(n.idx, n.host_idx), max(n.idx, n.host_idx)) for n in nodes if n.host_idx is not None}
    for ids in chained.values():
        pairs.update(_written_alike(nodes, sorted(set(ids))))

    form = [min(n.joins) if n.joins else str(n.idx) for n in nodes].__getitem__

    # mentions written alike are linked above: other names are compared with one of each
    # written form, the one holding the form's usual amount (a mention with a misread amount
    # ends apart from its form's cluster, and its links would reach that cluster no more)
    by_form: dict[str, list[int]] = defaultdict(list)
    for n in nodes:
        by_form[form(n.idx)].append(n.idx)
    form_rep = {f: _anchor(nodes, ids) for f, ids in by_form.items()}

    def representatives(ids: list[int]) -> list[int]:
        return sorted({form_rep[form(i)] for i in ids})

    def describing(ids: list[int]) -> list[int]:
        # one mention of each written form whose own description holds the words: the form's
        # usual one when it does
        reps: dict[str, int] = {}
        for i in sorted(set(ids)):
            f = form(i)
            if f not in reps or i == form_rep[f]:
                reps[f] = i
        return sorted(reps.values())

    for ids in index.values():
        ids = representatives(ids)
        if len(ids) > MAX_BLOCK:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                pairs.add((ids[x], ids[y]))
    described = {k: describing(v) for k, v in described.items()}
    for n in representatives(list(range(len(nodes)))):
        n = nodes[n]
        nt = name_tokens(n.m.name)
        if not 2 <= len(nt) <= 4:
            continue
        for x, y in zip(nt, nt[1:]):
            peers = described.get(f"{x} {y}", [])
            if len(peers) > MAX_BLOCK:
                continue
            pairs.update((min(n.idx, j), max(n.idx, j)) for j in peers if j != n.idx)
    return pairs


def _amount_key(m: Mention) -> tuple:
    return (m.amount_m_eur, m.amount_qualifier or "exact") if m.amount_m_eur is not None else (None, None)


def _amount_groups(nodes: list[Node], ids: list[int]) -> list[list[int]]:
    """The mentions of `ids` grouped by the amount they give: exact amounts, then approximate
    ones, bounds, no amount; the larger group first within each, then the earlier."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i in ids:
        groups[_amount_key(nodes[i].m)].append(i)
    rank = {"exact": 0, "approx": 1, "min": 2, "max": 2, None: 3}
    return sorted(groups.values(), key=lambda g: (rank.get(_amount_key(nodes[g[0]].m)[1], 2), -len(g), g[0]))


def _anchor(nodes: list[Node], ids: list[int], groups: list[list[int]] | None = None) -> int:
    """The first mention of the largest group that gives an exact amount (else any amount, else none)."""
    groups = groups or _amount_groups(nodes, ids)
    stated = [g for g in groups if _amount_key(nodes[g[0]].m)[0] is not None]
    exact = [g for g in stated if _amount_key(nodes[g[0]].m)[1] == "exact"]
    pool = exact or stated or groups
    return min(pool, key=lambda g: (-len(g), g[0]))[0]


def _written_alike(nodes: list[Node], ids: list[int]) -> list[tuple[int, int]]:
    """Links for mentions written alike (ids sorted): a chain through each group of mentions
    giving one amount, and each group's first mention linked to the anchor.

    A plain chain in mention order breaks at a mention whose amount was misread: both its
    links are vetoed and the mentions after it lose every link to those before it, so a
    name cited by many articles ends split in two rows. Chained per amount, no link of a
    group is vetoed; a group that contradicts the anchor stays apart, as it should."""
    if len(ids) < 2:
        return []
    groups = _amount_groups(nodes, ids)
    anchor = _anchor(nodes, ids, groups)
    out = []
    for g in groups:
        out += zip(g, g[1:])
        if g[0] != anchor:
            out.append((min(g[0], anchor), max(g[0], anchor)))
    return out


def _same_written_name(a: Mention, b: Mention) -> bool:
    """The names themselves are one: a name or a name-like alias (capitalised: not a description
    a rule left in the aliases) of each, written alike or one inside the other with a
    distinctive word, or an acronym of one in the other. Only then may a disagreement on
    the amount be read as a misreading."""
    def names(m: Mention) -> list[str]:
        return [n for n in (m.name, *m.aliases, m.acronym or "") if n and not generic(n) and (n is m.name or n[:1].isupper())]

    _trans, weak = _glossary()
    for x in names(a):
        for y in names(b):
            if joined(x) == joined(y):
                return True
            tx, ty = set(name_tokens(x)), set(name_tokens(y))
            if not (tx <= ty or ty <= tx):
                continue
            small, small_name = (tx, x) if len(tx) <= len(ty) else (ty, y)
            if len(small) >= 2 and any(w not in weak and not w.isdigit() for w in small):
                return True
            if len(small) == 1 and re.fullmatch(r"[A-Z][A-Z0-9]{2,9}", small_name.strip()):
                return True
    return False


class _Clusters:
    """Union-find whose merges keep every cluster free of contradictions.

    Each cluster keeps a summary (its mentions per article, its exact amounts and bounds)
    so that a merge is checked against the summaries, not every pair of members."""

    def __init__(self, nodes: list[Node]):
        self.parent = list(range(len(nodes)))
        self.nodes = nodes
        self.size = [1] * len(nodes)
        self.by_article: dict[int, dict[str, list[int]]] = {i: {n.m.article_id: [i]} for i, n in enumerate(nodes)}
        self.amounts: dict[int, list[Mention]] = {i: [n.m] if n.m.amount_m_eur is not None else [] for i, n in enumerate(nodes)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def members(self, r: int) -> list[int]:
        return [i for ids in self.by_article[r].values() for i in ids]

    def can_merge(self, ra: int, rb: int) -> bool:
        return self._articles_agree(ra, rb) and not self._amount_conflicts(ra, rb)

    def _articles_agree(self, ra: int, rb: int) -> bool:
        arts_a, arts_b = self.by_article[ra], self.by_article[rb]
        for aid in arts_a.keys() & arts_b.keys():
            for i in arts_a[aid]:
                for j in arts_b[aid]:
                    a, b = self.nodes[i], self.nodes[j]
                    if name_similarity(a, b)[0] < 0.85 and not (_describes(a, b) or _describes(b, a)):
                        return False
        return True

    def _amount_conflicts(self, ra: int, rb: int) -> list[tuple[Mention, Mention]]:
        return [(x, y) for x in _distinct(self.amounts[ra]) for y in _distinct(self.amounts[rb]) if _amount_conflict(x, y)]

    def overruled(self, ra: int, rb: int) -> list[Mention] | None:
        """The amounts to set aside for merging two clusters whose names are one project's but
        whose amounts conflict, when one side's conflicting amounts are read in at most
        MAX_DISSENT mentions and CONSENSUS times as many mentions of the other side agree
        against them: a few readings against a consensus are misread amounts (a figure taken
        from the neighbouring item of a list), not another project. None when the conflict is
        not that one-sided."""
        if not self._articles_agree(ra, rb):
            return None
        conflicts = self._amount_conflicts(ra, rb)
        if not conflicts:
            return []
        keys_a = {_amount_key(x) for x, _ in conflicts}
        keys_b = {_amount_key(y) for _, y in conflicts}
        held_a = [m for m in self.amounts[ra] if _amount_key(m) in keys_a]
        held_b = [m for m in self.amounts[rb] if _amount_key(m) in keys_b]
        for lone, many in ((held_a, held_b), (held_b, held_a)):
            if len(lone) <= MAX_DISSENT and len(many) >= CONSENSUS * len(lone):
                return lone
        return None

    def union(self, ra: int, rb: int, set_aside: list[Mention] = ()) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        for aid, ids in self.by_article.pop(rb).items():
            self.by_article[ra].setdefault(aid, []).extend(ids)
        self.amounts[ra] += self.amounts.pop(rb)
        if set_aside:
            # an overruled amount no longer speaks for the cluster: it must not veto later merges
            drop = {id(m) for m in set_aside}
            self.amounts[ra] = [m for m in self.amounts[ra] if id(m) not in drop]


def _distinct(ms: list[Mention]) -> list[Mention]:
    """One mention per distinct (amount, qualifier): conflicts depend on nothing else."""
    seen, out = set(), []
    for m in ms:
        k = _amount_key(m)
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


@dataclass
class Reconciled:
    projects: list[Project]
    mentions: list[tuple[Mention, str]]  # (collapsed mention, project id)
    links: list[dict] = field(default_factory=list)


def _project_id(keys: list[tuple[str, str]]) -> str:
    k = min(keys)
    return "p" + hashlib.sha1(f"{k[0]}|{k[1]}".encode()).hexdigest()[:11]


def mention_key(m: Mention) -> tuple[str, str]:
    return (m.article_id, joined(m.name))


def reconcile(results: list[ArticleResult], previous: dict[str, set[tuple[str, str]]] | None = None) -> Reconciled:
    """Group mentions into projects. `previous`: project id -> its mention keys in the last run."""
    nodes = _nodes(results)
    pairs = sorted(_candidate_pairs(nodes))
    scored: list[Link] = []
    for i, j in pairs:
        score, signals, veto = pair_signals(nodes[i], nodes[j])
        if veto:
            signals["veto"] = veto
            if score >= NEAR_MISS_AT:
                scored.append(Link(i, j, score, signals, "vetoed"))
            continue
        if score >= NEAR_MISS_AT:
            scored.append(Link(i, j, score, signals))
    scored.sort(key=lambda lk: (-lk.score, lk.a, lk.b))
    cl = _Clusters(nodes)
    disputed: list[Link] = []
    for lk in scored:
        if lk.score < MERGE_AT:
            continue
        if lk.decision == "vetoed":
            if lk.signals["veto"] == "amounts differ" and _same_written_name(nodes[lk.a].m, nodes[lk.b].m):
                disputed.append(lk)
            continue
        ra, rb = cl.find(lk.a), cl.find(lk.b)
        if ra == rb:
            lk.decision = "merged"
            continue
        if cl.can_merge(ra, rb):
            cl.union(ra, rb)
            lk.decision = "merged"
        else:
            lk.decision = "blocked"
    # names that are one project's but amounts that differ: decided once every agreeing merge is
    # made, when a cluster shows whether its amount is a consensus or a single reading
    for lk in disputed:
        ra, rb = cl.find(lk.a), cl.find(lk.b)
        if ra == rb:
            continue
        set_aside = cl.overruled(ra, rb)
        if set_aside is not None:
            cl.union(ra, rb, set_aside)
            lk.decision = "merged"
            lk.signals["amount_overruled"] = [(m.article_id, m.amount_m_eur, m.amount_qualifier) for m in set_aside]
    roots = {cl.find(i) for i in range(len(nodes))}
    groups = sorted((sorted(cl.members(r)) for r in roots), key=lambda g: min(mention_key(nodes[i].m) for i in g))
    call_dates = _round_dates(results, nodes, groups)
    stated = _stated_round_dates(results)
    projects: list[Project] = []
    out_mentions: list[tuple[Mention, str]] = []
    taken: set[str] = set()
    node_project: dict[int, str] = {}
    for g in groups:
        ms = [nodes[i].m for i in g]
        keys = [mention_key(m) for m in ms]
        pid = _inherit(keys, previous, taken) or _project_id(keys)
        while pid in taken:
            pid = "p" + hashlib.sha1(pid.encode()).hexdigest()[:11]
        taken.add(pid)
        collapsed = _collapse(ms)
        proj = _project(pid, collapsed, [nodes[i] for i in g], call_dates, stated)
        projects.append(proj)
        out_mentions += [(m, pid) for m in collapsed]
        for i in g:
            node_project[i] = pid
    links = []
    for lk in scored:
        a, b = nodes[lk.a].m, nodes[lk.b].m
        links.append({
            "project_a": node_project[lk.a], "project_b": node_project[lk.b],
            "article_a": a.article_id, "article_b": b.article_id, "name_a": a.name, "name_b": b.name,
            "score": lk.score, "decision": lk.decision, "signals": lk.signals,
        })
    return Reconciled(projects, out_mentions, links)


def _inherit(keys, previous, taken) -> str | None:
    if not previous:
        return None
    ks = set(keys)
    best, best_n = None, 0
    for pid, pkeys in previous.items():
        n = len(ks & pkeys)
        if n > best_n and pid not in taken:
            best, best_n = pid, n
    return best


def _collapse(ms: list[Mention]) -> list[Mention]:
    """One mention per article: the best-evidenced one, holding every span of the project there."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in ms:
        by_article[m.article_id].append(m)
    out = []
    for aid in sorted(by_article):
        group = by_article[aid]
        best = sorted(group, key=lambda m: (m.amount_m_eur is None, -m.score, m.start))[0]
        occ = sorted({o for m in group for o in (m.occurrences or [(m.start, m.end)])})
        carriers = []
        for m in group:
            carriers += [c for c in m.carriers if c not in carriers]
        aliases = []
        for m in group:
            for n in [m.name, *m.aliases]:
                if n != best.name and n not in aliases:
                    aliases.append(n)
        acr = best.acronym or next((m.acronym for m in group if m.acronym), None)
        out.append(Mention(**{**best.__dict__, "occurrences": occ, "carriers": carriers, "aliases": aliases, "acronym": acr}))
    return out


# how strongly an article's own date says when its round was announced: a date given in full
# (or a day and month whose year its round completes) against a release's publication date,
# which may come out the day after
DATE_WEIGHT = {"day": 2, "daymonth": 2, "published": 1}


def _most_said(votes: Counter) -> str | None:
    """The date with most votes; ties go to the earliest (an announcement precedes its coverage)."""
    return min(votes, key=lambda d: (-votes[d], d)) if votes else None


def _round_dates(results: list[ArticleResult], nodes: list[Node], groups: list[list[int]]) -> dict[str, str]:
    """Announcement date per article, completed across the articles of one funding round.

    Articles that share a project and do not contradict each other's round report on the
    same round: a date one of them gives in full completes one that gives only a day and
    month, or none.
    """
    by_id = {r.article.id: r for r in results}
    parent = {aid: aid for aid in by_id}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in groups:
        arts = sorted({nodes[i].m.article_id for i in g})
        for a, b in zip(arts, arts[1:]):
            if not calls_conflict(by_id[a].call, by_id[b].call):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[rb] = ra
    full: dict[str, Counter] = defaultdict(Counter)
    for aid, r in by_id.items():
        c = r.call
        if c.announced_on and c.announced_precision in ("day", "published"):
            full[find(aid)][c.announced_on] += DATE_WEIGHT[c.announced_precision]
    out: dict[str, str] = {}
    for aid, r in by_id.items():
        c = r.call
        if c.announced_on and c.announced_precision == "day":
            out[aid] = c.announced_on
            continue
        cands = full.get(find(aid))
        if c.announced_on and c.announced_precision == "daymonth":
            if cands:
                fit = [d for d in cands if d[4:] == c.announced_on[1:]]
                if fit:
                    out[aid] = sorted(fit, key=lambda d: -cands[d])[0]
                    continue
        if cands:
            out[aid] = _most_said(cands)
        elif c.announced_on and c.announced_precision == "published":
            out[aid] = c.announced_on
    return out


def pick_amount(ms: list[Mention]) -> tuple[float | None, str | None]:
    exact = [m.amount_m_eur for m in ms if m.amount_m_eur is not None and (m.amount_qualifier or "exact") == "exact"]
    if exact:
        return Counter(exact).most_common(1)[0][0], "exact"
    approx = [m.amount_m_eur for m in ms if m.amount_qualifier == "approx" and m.amount_m_eur is not None]
    if approx:
        return Counter(approx).most_common(1)[0][0], "approx"
    mins = [m.amount_m_eur for m in ms if m.amount_qualifier == "min" and m.amount_m_eur is not None]
    if mins:
        return max(mins), "min"
    maxs = [m.amount_m_eur for m in ms if m.amount_qualifier == "max" and m.amount_m_eur is not None]
    if maxs:
        return min(maxs), "max"
    return None, None


def _round_key(c: CallInfo) -> tuple | None:
    """A round named fully enough to be told from every other: fund, year and ordinal."""
    return (c.fund, c.year, c.ordinal, c.unit) if c.fund and c.year and c.ordinal else None


def _stated_round_dates(results: list[ArticleResult]) -> dict[tuple, str]:
    """The announcement date of each fully named round, by a vote of the articles naming it:
    a date said in full counts twice, a release's publication date once; ties go to the
    earliest (the first release of a round is the announcement, the others follow it)."""
    said: dict[tuple, Counter] = defaultdict(Counter)
    for r in results:
        key = _round_key(r.call)
        if key and r.call.announced_on and r.call.announced_precision in ("day", "published"):
            said[key][r.call.announced_on] += DATE_WEIGHT[r.call.announced_precision]
    return {k: _most_said(c) for k, c in said.items()}


def _announced(ms: list[Mention], group: list[Node], call_dates: dict[str, str], stated: dict[tuple, str]) -> str | None:
    """The project's announcement date: a vote of its articles, each on what it says itself.

    An article that dates its round votes twice (in full, or a day and month whose year its
    round completes), a release dated only by its publication once (it may come out the day
    after, and then votes for the date other articles state for its round when it names the
    round in full); ties go to the earliest date (an announcement precedes its coverage). Dates
    carried over from other articles of a round (`_round_dates`) only decide when no article
    of the project dates anything: a project cited by eighty articles has a few that misdate
    it (a retrospective's own date, a neighbouring round), and taking the earliest date, or
    the date a chain of rounds spread over all of them, lets those few decide."""
    calls = {n.m.article_id: n.call for n in group}
    votes: Counter = Counter()
    for aid in sorted({m.article_id for m in ms}):
        c = calls.get(aid)
        if c is None or not c.announced_on:
            continue
        if c.announced_precision == "day":
            said = c.announced_on
        elif c.announced_precision == "published":
            # a release dated only by its publication: the date its round is said to be
            # announced on elsewhere, when the round is named in full
            said = stated.get(_round_key(c), c.announced_on)
        else:  # "le 10 avril": the day is said, the year completed from its round
            said = call_dates.get(aid)
        if said:
            votes[said] += DATE_WEIGHT.get(c.announced_precision, 2)
    if not votes:
        votes.update(call_dates[aid] for aid in {m.article_id for m in ms} if aid in call_dates)
    return _most_said(votes)


def _project(pid: str, ms: list[Mention], group: list[Node], call_dates: dict[str, str],
             stated: dict[tuple, str] | None = None) -> Project:
    forms = Counter()
    surface: dict[str, Counter] = defaultdict(Counter)
    rank = {"block": 0, "list_item": 0, "table_row": 0}
    for m in ms:
        for n in [m.name]:
            j = joined(n)
            forms[j] += 1
            surface[j][n] += 1
    # the most frequent name; ties: a name read from a list of laureates, then the shortest
    def order(j):
        n = surface[j].most_common(1)[0][0]
        from_list = any(joined(m.name) == j and m.rule in rank for m in ms)
        return (-forms[j], not from_list, len(n), n)

    best_j = sorted(forms, key=order)[0]
    name = surface[best_j].most_common(1)[0][0]
    aliases = []
    for m in ms:
        for n in [m.name, *m.aliases]:
            if n != name and n not in aliases and joined(n) != best_j:
                aliases.append(n)
    acr = Counter(m.acronym for m in ms if m.acronym).most_common(1)
    amount, qualifier = pick_amount(ms)
    carriers = Counter()
    for m in ms:
        for c in m.carriers:
            carriers[c] += 1
    announced = _announced(ms, group, call_dates, stated or {})
    calls = [n.call for n in group]
    label = Counter(c.label() for c in calls if c.label()).most_common()
    call = sorted(label, key=lambda kv: (-len(kv[0]), -kv[1]))[0][0] if label else None
    return Project(
        id=pid,
        name=name,
        acronym=acr[0][0] if acr else None,
        aliases=aliases,
        amount_m_eur=amount,
        amount_qualifier=qualifier,
        carriers=[c for c, _ in sorted(carriers.items(), key=lambda kv: (-kv[1], kv[0]))],
        announced_on=announced,
        call=call,
        sources=sorted({m.article_id for m in ms}),
        mentions=ms,
    )

"""The mentions as reconciliation compares them: one Node per mention with its name keys, the
project a generic name belongs to, and the amount groups and anchor of a set of mentions."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.model import ArticleResult, CallInfo, Mention
from pipeline.reconcile.names import generic, joined, name_tokens


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
    host: tuple[str, ...] | None = None  # a generic name's project, named just before it (see nodes._hosts)
    host_idx: int | None = None



def build_nodes(results: list[ArticleResult]) -> list[Node]:
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
                n.host, n.host_idx, n.joins = host, anchor(nodes, by_tokens[host]), set()
                break



def amount_key(m: Mention) -> tuple:
    return (m.amount_m_eur, m.amount_qualifier or "exact") if m.amount_m_eur is not None else (None, None)


def amount_groups(nodes: list[Node], ids: list[int]) -> list[list[int]]:
    """The mentions of `ids` grouped by the amount they give: exact amounts, then approximate
    ones, bounds, no amount; the larger group first within each, then the earlier."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i in ids:
        groups[amount_key(nodes[i].m)].append(i)
    rank = {"exact": 0, "approx": 1, "min": 2, "max": 2, None: 3}
    return sorted(groups.values(), key=lambda g: (rank.get(amount_key(nodes[g[0]].m)[1], 2), -len(g), g[0]))


def anchor(nodes: list[Node], ids: list[int], groups: list[list[int]] | None = None) -> int:
    """The first mention of the largest group that gives an exact amount (else any amount, else none)."""
    groups = groups or amount_groups(nodes, ids)
    stated = [g for g in groups if amount_key(nodes[g[0]].m)[0] is not None]
    exact = [g for g in stated if amount_key(nodes[g[0]].m)[1] == "exact"]
    pool = exact or stated or groups
    return min(pool, key=lambda g: (-len(g), g[0]))[0]


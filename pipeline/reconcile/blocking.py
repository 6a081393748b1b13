"""Blocking: which pairs of mentions are compared at all (no all-pairs comparison: the cost
grows with the number of mentions, not its square)."""

from __future__ import annotations

import re
from collections import defaultdict

from pipeline.reconcile.names import glossary, name_tokens, split_camel
from pipeline.reconcile.nodes import Node, amount_groups, anchor
from pipeline.text import STOP_WORDS, fold

MAX_BLOCK = 50  # a word shared by more mentions than this is no evidence of identity


def candidate_pairs(nodes: list[Node]) -> set[tuple[int, int]]:
    """Pairs worth comparing, by blocking (no all-pairs comparison).

    - the same written name (joined) or acronym: linked through one anchor per block, since
      every pair of such a block is alike (see _written_alike);
    - a distinctive word, the initials of a name: all pairs of blocks of at most
      MAX_BLOCK mentions (a word more common than that is no evidence of identity);
    - a short name's word pairs against the word pairs of other mentions' descriptions.
    """
    _trans, weak = glossary()
    chained: dict[str, list[int]] = defaultdict(list)
    index: dict[str, list[int]] = defaultdict(list)
    described: dict[str, list[int]] = defaultdict(list)
    for n in nodes:
        keys = set()
        for t in n.toks:
            keys |= {f"w:{w}" for w in t if w not in weak and len(w) > 2}
        for t in name_tokens(n.m.name)[:1]:
            keys.add(f"w:{t}")
        words = [w for w in re.findall(r"[^\W\d_]+", fold(split_camel(n.m.name))) if w not in STOP_WORDS]
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
    form_rep = {f: anchor(nodes, ids) for f, ids in by_form.items()}

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



def _written_alike(nodes: list[Node], ids: list[int]) -> list[tuple[int, int]]:
    """Links for mentions written alike (ids sorted): a chain through each group of mentions
    giving one amount, and each group's first mention linked to the anchor.

    A plain chain in mention order breaks at a mention whose amount was misread: both its
    links are vetoed and the mentions after it lose every link to those before it, so a
    name cited by many articles ends split in two rows. Chained per amount, no link of a
    group is vetoed; a group that contradicts the anchor stays apart, as it should."""
    if len(ids) < 2:
        return []
    groups = amount_groups(nodes, ids)
    first = anchor(nodes, ids, groups)
    out = []
    for g in groups:
        out += zip(g, g[1:])
        if g[0] != first:
            out.append((min(g[0], first), max(g[0], first)))
    return out


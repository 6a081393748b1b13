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
from dataclasses import dataclass

from pipeline.model import ArticleResult, Mention, Project, Reconciled
from pipeline.reconcile.blocking import candidate_pairs
from pipeline.reconcile.fields import build_project, collapse, round_dates, stated_round_dates
from pipeline.reconcile.ids import inherit, mention_key, project_id
from pipeline.reconcile.names import joined, same_written_name  # joined: also read from here by store.database
from pipeline.reconcile.nodes import Node, amount_key, build_nodes
from pipeline.reconcile.signals import amount_conflict, describes, name_similarity, pair_signals

MERGE_AT = 0.62
NEAR_MISS_AT = 0.35
CONSENSUS = 3  # mentions agreeing on an amount that outweigh each mention reading another
MAX_DISSENT = 2  # at most this many mentions may be outweighed: more is another project


@dataclass
class Link:
    a: int
    b: int
    score: float
    signals: dict
    decision: str = "near_miss"


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
                    if name_similarity(a, b)[0] < 0.85 and not (describes(a, b) or describes(b, a)):
                        return False
        return True

    def _amount_conflicts(self, ra: int, rb: int) -> list[tuple[Mention, Mention]]:
        return [(x, y) for x in _distinct(self.amounts[ra]) for y in _distinct(self.amounts[rb]) if amount_conflict(x, y)]

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
        keys_a = {amount_key(x) for x, _ in conflicts}
        keys_b = {amount_key(y) for _, y in conflicts}
        held_a = [m for m in self.amounts[ra] if amount_key(m) in keys_a]
        held_b = [m for m in self.amounts[rb] if amount_key(m) in keys_b]
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
        k = amount_key(m)
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out



def reconcile(results: list[ArticleResult], previous: dict[str, set[tuple[str, str]]] | None = None) -> Reconciled:
    """Group mentions into projects. `previous`: project id -> its mention keys in the last run."""
    nodes = build_nodes(results)
    pairs = sorted(candidate_pairs(nodes))
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
            if lk.signals["veto"] == "amounts differ" and same_written_name(nodes[lk.a].m, nodes[lk.b].m):
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
    call_dates = round_dates(results, nodes, groups)
    stated = stated_round_dates(results)
    projects: list[Project] = []
    out_mentions: list[tuple[Mention, str]] = []
    taken: set[str] = set()
    node_project: dict[int, str] = {}
    for g in groups:
        ms = [nodes[i].m for i in g]
        keys = [mention_key(m) for m in ms]
        pid = inherit(keys, previous, taken) or project_id(keys)
        while pid in taken:
            pid = "p" + hashlib.sha1(pid.encode()).hexdigest()[:11]
        taken.add(pid)
        collapsed = collapse(ms)
        proj = build_project(pid, collapsed, [nodes[i] for i in g], call_dates, stated)
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


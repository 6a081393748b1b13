"""One project per cluster: its mentions collapsed per article, and the name, amount, carriers,
funding round and announcement date chosen from them."""

from __future__ import annotations

from collections import Counter, defaultdict

from pipeline.model import ArticleResult, CallInfo, Mention, Project
from pipeline.reconcile.names import joined
from pipeline.reconcile.nodes import Node
from pipeline.reconcile.signals import calls_conflict


def collapse(ms: list[Mention]) -> list[Mention]:
    """One mention per article: the best-evidenced one, holding every span of the project there."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in ms:
        by_article[m.article_id].append(m)
    out = []
    for aid in sorted(by_article):
        group = by_article[aid]
        # an exact figure over a bound: a headline's "rallonge de 90 M€" (at least 90) and the
        # body's "l'aide de l'État sera de 165 M€" are one award, the body's being the figure
        best = sorted(group, key=lambda m: (m.amount_m_eur is None, m.amount_qualifier in ("min", "max"), -m.score, m.start))[0]
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


def round_dates(results: list[ArticleResult], nodes: list[Node], groups: list[list[int]]) -> dict[str, str]:
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


def stated_round_dates(results: list[ArticleResult]) -> dict[tuple, str]:
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
    carried over from other articles of a round (`round_dates`) only decide when no article
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


def build_project(pid: str, ms: list[Mention], group: list[Node], call_dates: dict[str, str],
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

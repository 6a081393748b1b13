"""The evaluation's figures: a pipeline database compared with a gold file.

Projects are paired one-to-one with gold projects by name (names, aliases, acronym); a
paired row's amount, carriers, date and sources are then compared. Mentions are paired
per article the same way, before reconciliation; B-cubed says whether the mentions of one
real project share one project id and no other. Grounding, publication dates and the
cleaning checks read the articles' texts. Every figure is rounded to four decimals.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.db import read_only
from pipeline.evaluate.gold import Gold, GoldProject
from pipeline.evaluate.names import (SAME, Organisations, acronym_named, best_similarity, pair_up, plain, similarity,
                                     word_overlap)

REQUIRED_COLUMNS = {
    "articles": {"id", "path", "published_on", "text"},
    "projects": {"id", "name", "aliases", "amount_m_eur", "amount_qualifier", "carriers", "announced_on", "sources"},
    "mentions": {"id", "article_id", "project_id", "name", "amount_m_eur", "amount_qualifier", "start", "end"},
}
ACRONYM_MATCH = 0.95  # a row naming the gold's acronym is that project
TRAP = 0.8  # word overlap with a trap name above which an unpaired row is that trap
GROUNDED = 0.85  # the span shows the name when this similar to it (or holds it)


class ScoreError(ValueError):
    """The database cannot be scored (not found, not readable, missing columns)."""


@dataclass
class Tally:
    """Counts behind one precision / recall / F1 triple."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp, self.fp, self.fn)


@dataclass
class Rows:
    """What the scorer reads from the database."""

    articles: dict[str, dict]
    projects: list[dict]
    mentions: list[dict]
    file_of: dict[str, str] = field(default_factory=dict)  # article id -> file name


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def ratio(ok: int, n: int) -> float:
    return round(ok / n, 4) if n else 0.0


def json_list(value) -> list:
    """A JSON list column as a list (a bare value as a list of one; NULL as empty)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    try:
        out = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return out if isinstance(out, list) else [out]


def same_amount(got, want) -> bool:
    """Equal to half a thousandth of the gold figure (of 1 M€ for figures below it)."""
    if got is None or want is None:
        return got is None and want is None
    return abs(float(got) - float(want)) <= 0.005 * max(1.0, abs(float(want)))


def searchable(text: str | None) -> str:
    """Text as the cleaning checks search it: NFC, straight apostrophes, plain spaces, single-spaced."""
    text = unicodedata.normalize("NFC", text or "").replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def read_rows(db_path: str | os.PathLike) -> Rows:
    if not os.path.exists(db_path):
        raise ScoreError(f"no database at {db_path}")
    try:
        with read_only(db_path, row_factory=sqlite3.Row) as conn:
            for table, cols in REQUIRED_COLUMNS.items():
                have = {r[0] for r in conn.execute("select name from pragma_table_info(?)", (table,))}
                if cols - have:
                    raise ScoreError(f"{db_path}: table {table} lacks columns {sorted(cols - have)} (see CONTRACT.md)")
            articles = {r["id"]: dict(r) for r in conn.execute("select id, path, published_on, text from articles")}
            projects = [dict(r) for r in conn.execute("select * from projects order by rowid")]
            mentions = [dict(r) for r in conn.execute("select * from mentions order by rowid")]
    except sqlite3.Error as exc:
        raise ScoreError(f"cannot read {db_path}: {exc}") from None
    file_of = {aid: os.path.basename(a["path"] or "") for aid, a in articles.items()}
    return Rows(articles, projects, mentions, file_of)


def project_names(row: dict) -> list[str]:
    names = [row["name"], *map(str, json_list(row.get("aliases")))]
    return names + [row["acronym"]] if row.get("acronym") else names


def name_score(names: list[str], g: GoldProject) -> float:
    s = best_similarity(names, g.names)
    return max(s, ACRONYM_MATCH) if acronym_named(g.acronym, names) else s


def score_projects(rows: Rows, gold: Gold, notes: list[str] | None) -> dict:
    """The reconciled table: rows paired with gold projects, then each pair's fields."""
    out: dict = {}
    names = [project_names(p) for p in rows.projects]
    scores = {(i, j): s for i in range(len(names)) for j, g in enumerate(gold.projects)
              if (s := name_score(names[i], g)) >= SAME}
    paired = pair_up(scores)
    paired_gold = set(paired.values())
    unpaired = [i for i in range(len(names)) if i not in paired]
    duplicates = {i for i in unpaired if any(scores.get((i, j), 0) >= SAME for j in paired_gold)}
    traps = {i for i in unpaired if any(word_overlap(n, t) >= TRAP for n in names[i] for t in gold.traps)}
    out["projects_p"], out["projects_r"], out["projects_f1"] = prf(
        len(paired), len(rows.projects) - len(paired), len(gold.projects) - len(paired))
    out["projects_predicted"], out["projects_gold"] = len(rows.projects), len(gold.projects)
    out["duplicate_rows"], out["trap_rows"] = len(duplicates), len(traps)
    if notes is not None:
        notes += [f"extra project: {rows.projects[i]['name']!r}" + (" (duplicate)" if i in duplicates else "")
                  + (" (trap)" if i in traps else "") for i in unpaired]
        notes += [f"missed project: {g.label!r}" for j, g in enumerate(gold.projects) if j not in paired_gold]
    out.update(score_paired_fields(rows, gold, paired, notes))
    return out


def score_paired_fields(rows: Rows, gold: Gold, paired: dict[int, int], notes: list[str] | None) -> dict:
    """Amount, carriers, announcement date and sources of each paired project."""
    organisations = Organisations(gold.organizations)
    amount_ok = amount_n = spurious = dated_ok = dated_n = 0
    carriers, sources = Tally(), Tally()
    for i, j in paired.items():
        p, g = rows.projects[i], gold.projects[j]
        qualifier = p.get("amount_qualifier") or "exact"
        if g.amount_m_eur is not None:
            amount_n += 1
            if same_amount(p.get("amount_m_eur"), g.amount_m_eur) and qualifier == (g.qualifier or "exact"):
                amount_ok += 1
            elif notes is not None:
                notes.append(f"amount {g.label!r}: got {p.get('amount_m_eur')} {qualifier}, "
                             f"want {g.amount_m_eur} {g.qualifier}")
        elif p.get("amount_m_eur") is not None:
            spurious += 1
            if notes is not None:
                notes.append(f"amount {g.label!r}: got {p.get('amount_m_eur')}, want none")
        got = {organisations(str(c)) or f"?{c}" for c in json_list(p.get("carriers"))}
        carriers.tp += len(got & g.carriers)
        carriers.fp += len(got - g.carriers)
        carriers.fn += len(g.carriers - got)
        if notes is not None and got != g.carriers:
            notes.append(f"carriers {g.label!r}: extra {sorted(got - g.carriers)} missing {sorted(g.carriers - got)}")
        if g.announced_on != [None]:
            dated_n += 1
            dated_ok += (p.get("announced_on") or None) in g.announced_on
        cited = {rows.file_of.get(s, f"?{s}") for s in json_list(p.get("sources"))}
        required = set(g.mentions)
        sources.tp += len(cited & required)
        sources.fp += len(cited - required - g.optional_mentions)
        sources.fn += len(required - cited)
        if notes is not None and (required - cited or cited - required - g.optional_mentions):
            notes.append(f"sources {g.label!r}: extra {sorted(cited - required - g.optional_mentions)} "
                         f"missing {sorted(required - cited)}")
    out: dict = {"amount_acc": ratio(amount_ok, amount_n), "amount_spurious": spurious}
    out["carriers_p"], out["carriers_r"], out["carriers_f1"] = carriers.prf()
    out["announced_acc"] = ratio(dated_ok, dated_n)
    out["sources_p"], out["sources_r"], out["sources_f1"] = sources.prf()
    return out


def score_mentions(rows: Rows, gold: Gold, notes: list[str] | None) -> dict:
    """Mentions per article, paired with the gold projects that article names; then B-cubed."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for x in rows.mentions:
        by_file[rows.file_of.get(x["article_id"], "?")].append(x)
    found = Tally()
    amount_ok = amount_n = 0
    clusters: list[tuple[str, str]] = []  # (predicted project id, gold key) of each paired mention
    for f in sorted(gold.articles):
        preds = by_file.get(f, [])
        required = [j for j, g in enumerate(gold.projects) if f in g.mentions]
        optional = [j for j, g in enumerate(gold.projects) if f in g.optional_mentions]
        scores = {}
        for i, x in enumerate(preds):
            for j in required + optional:
                s = name_score([x["name"]], gold.projects[j])
                if s >= SAME:
                    scores[i, j] = s
        paired = pair_up(scores)
        hit = {j for j in paired.values() if j in required}
        found.tp += len(hit)
        found.fp += sum(1 for i in range(len(preds)) if i not in paired)
        found.fn += len(set(required) - hit)
        if notes is not None:
            notes += [f"{f[:3]}: extra mention {x['name']!r}" for i, x in enumerate(preds) if i not in paired]
            notes += [f"{f[:3]}: missed mention {gold.projects[j].label!r}" for j in sorted(set(required) - hit)]
        for i, j in paired.items():
            g, x = gold.projects[j], preds[i]
            clusters.append((x["project_id"], g.key))
            fact = g.mentions.get(f)
            if fact is None or fact.amount_m_eur is None:
                continue
            amount_n += 1
            qualifier = x.get("amount_qualifier") or "exact"
            if same_amount(x.get("amount_m_eur"), fact.amount_m_eur) and qualifier == (fact.qualifier or "exact"):
                amount_ok += 1
            elif notes is not None:
                notes.append(f"{f[:3]}: mention amount {g.label!r}: got {x.get('amount_m_eur')} {qualifier}, "
                             f"want {fact.amount_m_eur} {fact.qualifier}")
    out: dict = {}
    out["mentions_p"], out["mentions_r"], out["mentions_f1"] = found.prf()
    out["mention_amount_acc"] = ratio(amount_ok, amount_n)
    out.update(bcubed(clusters))
    return out


def bcubed(clusters: list[tuple[str, str]]) -> dict:
    """B-cubed precision and recall of (predicted cluster, gold cluster) per item, and their F1."""
    if not clusters:
        return {"bcubed_p": 0.0, "bcubed_r": 0.0, "bcubed_f1": 0.0}
    precision = recall = 0.0
    for pid, key in clusters:
        same_pred = [k for q, k in clusters if q == pid]
        same_gold = [q for q, k in clusters if k == key]
        precision += sum(1 for k in same_pred if k == key) / len(same_pred)
        recall += sum(1 for q in same_gold if q == pid) / len(same_gold)
    n = len(clusters)
    f1 = prf(precision, n - precision, n - recall)[2] if precision and recall else 0.0
    return {"bcubed_p": round(precision / n, 4), "bcubed_r": round(recall / n, 4), "bcubed_f1": f1}


def score_grounding(rows: Rows, notes: list[str] | None) -> dict:
    """Mentions whose span in the clean text shows their name."""
    ok = n = 0
    for x in rows.mentions:
        article = rows.articles.get(x["article_id"])
        if not article:
            continue
        n += 1
        if x["start"] is None or x["end"] is None:
            continue
        span = (article["text"] or "")[int(x["start"]):int(x["end"])]
        if span and (similarity(span, x["name"]) >= GROUNDED or plain(x["name"]) in plain(span)):
            ok += 1
        elif notes is not None:
            notes.append(f"ungrounded mention {x['name']!r}: span {span[:60]!r}")
    return {"grounded": ratio(ok, n)}


def score_articles(rows: Rows, gold: Gold, notes: list[str] | None) -> dict:
    """Publication dates, and the cleaning: content kept, boilerplate dropped, hyphenation mended."""
    by_file = {rows.file_of[aid]: a for aid, a in rows.articles.items()}
    checks = {"published": [0, 0], "kept": [0, 0], "dropped": [0, 0], "hyphens": [0, 0]}

    def check(kind: str, ok: bool, miss: str) -> None:
        checks[kind][0] += ok
        checks[kind][1] += 1
        if notes is not None and not ok:
            notes.append(miss)

    for f, facts in gold.articles.items():
        article = by_file.get(f)
        if not article:
            checks["published"][1] += 1
            if notes is not None:
                notes.append(f"article missing: {f}")
            continue
        got = article["published_on"] or None
        check("published", got in facts.published_on, f"{f[:3]}: published_on {got!r}, want one of {facts.published_on}")
        text = searchable(article["text"])
        for s in facts.must_keep:
            check("kept", searchable(s) in text, f"{f[:3]}: dropped content {s!r}")
        for s in facts.must_drop:
            check("dropped", searchable(s) not in text, f"{f[:3]}: kept boilerplate {s!r}")
        for broken, whole in facts.broken_hyphens.items():
            check("hyphens", broken not in text and whole in text, f"{f[:3]}: hyphen {broken!r} not mended")
        for s in facts.hyphen_kept:
            check("hyphens", searchable(s) in text, f"{f[:3]}: hyphen wrongly removed in {s!r}")
    return {"published_acc": ratio(*checks["published"]), "content_kept": ratio(*checks["kept"]),
            "boilerplate_dropped": ratio(*checks["dropped"]), "hyphens_ok": ratio(*checks["hyphens"])}


def score(db_path: str | os.PathLike, gold: Gold | Callable[[], Gold], explain: bool = False) -> tuple[dict, list[str]]:
    """(metrics in a fixed order, notes: every miss, extra and wrong value when `explain`).

    `gold` may be a function that loads it: the database is then checked first, so that a
    wrong database path is the error reported when both paths are wrong."""
    rows = read_rows(db_path)
    gold = gold() if callable(gold) else gold
    notes: list[str] | None = [] if explain else None
    metrics = score_projects(rows, gold, notes)
    metrics.update(score_mentions(rows, gold, notes))
    metrics.update(score_grounding(rows, notes))
    metrics.update(score_articles(rows, gold, notes))
    return metrics, notes or []

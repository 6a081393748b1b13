"""The review report's data: the pipeline database read once, and what the report flags in it
(sources that disagree, near misses)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.db import read_only
from pipeline.reconcile.cluster import MERGE_AT

BORDERLINE = 0.1  # a merge scored within this of MERGE_AT is shown as borderline
SEVERITY = {"amounts differ": 0, "bound contradicted": 0, "exact vs bound": 1, "exact vs approx": 2, "bounds differ": 2,
            "only a bound": 3, "dates differ": 4, "carriers differ": 5}


class ReportError(Exception):
    """The report cannot be made (no database, not a pipeline database)."""


def json_list(x) -> list:
    if not x:
        return []
    try:
        v = json.loads(x)
    except (TypeError, ValueError):
        return [x]
    return v if isinstance(v, list) else [v]


def fmt_amount(value, qualifier) -> str:
    if value is None:
        return ""
    v = f"{value:,.3f}".rstrip("0").rstrip(".").replace(",", "\u202f")
    sign = {"min": "≥ ", "max": "≤ ", "approx": "≈ "}.get(qualifier or "", "")
    return f"{sign}{v} M€"


# --- data ---------------------------------------------------------------------------------


@dataclass
class Data:
    db_path: str
    articles: dict[str, dict]
    projects: list[dict]
    mentions: list[dict]
    by_project: dict[str, list[dict]]
    links: list[dict]
    calls: dict[str, dict]
    amounts: Counter
    errors: list[dict]
    decisions: list[dict] | None  # None: the database has no decisions table
    run: dict | None = None


def load(db_path: str | os.PathLike) -> Data:
    path = Path(db_path)
    if not path.is_file():
        raise ReportError(f"database not found: {db_path}")
    try:
        with read_only(path, row_factory=sqlite3.Row) as conn:
            return _read(conn, str(db_path))
    except sqlite3.Error as exc:
        raise ReportError(f"cannot read {db_path}: {exc}") from None


def _read(conn: sqlite3.Connection, db_path: str) -> Data:
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    need = {"articles", "projects", "mentions"}
    if not need <= tables:
        raise ReportError(f"{db_path} is not a pipeline database (missing: {', '.join(sorted(need - tables))})")

    def rows(sql: str, table: str | None = None) -> list[dict]:
        if table and table not in tables:
            return []
        return [dict(r) for r in conn.execute(sql)]

    articles = {a["id"]: a for a in rows("select * from articles order by path, id")}
    projects = rows("select * from projects order by name collate nocase, id")
    mentions = rows("select * from mentions order by project_id, article_id, start")
    links = rows("select * from links", "links")
    calls = {c["article_id"]: c for c in rows("select * from calls", "calls")}
    amounts = Counter(r["article_id"] for r in rows("select article_id from amounts", "amounts"))
    errors = rows("select * from ingest_errors order by path", "ingest_errors")
    decisions = rows("select * from decisions order by seq", "decisions") if "decisions" in tables else None
    run = (rows("select * from runs order by rowid desc limit 1", "runs") or [None])[0]
    by_project: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        by_project[m["project_id"]].append(m)
    return Data(db_path, articles, projects, mentions, by_project, links, calls, amounts, errors, decisions, run)


# --- analysis -----------------------------------------------------------------------------


def written(data: Data, m: dict) -> str:
    """The amount as the article writes it ("plus de 2 millions d'euros")."""
    a, b = m.get("amount_start"), m.get("amount_end")
    text = (data.articles.get(m["article_id"]) or {}).get("text") or ""
    if a is None or b is None or not (0 <= a < b <= len(text)):
        return ""
    return text[a:b]


def dates_compatible(x: str, y: str) -> bool:
    if x.startswith("--") or y.startswith("--"):
        return x[-5:] == y[-5:]
    return x == y


def amount_kind(ms: list[dict]) -> tuple[str, str] | None:
    """(kind, verdict) when the sources' amounts disagree, else None.

    Tolerances as in reconciliation: 1 % between exact figures, 15 % when one is approximate.
    """
    given = [(m["amount_m_eur"], m["amount_qualifier"] or "exact") for m in ms if m["amount_m_eur"] is not None]
    if len({(round(v, 6), q) for v, q in given}) < 2:
        return None
    exact = [v for v, q in given if q == "exact"]
    approx = [v for v, q in given if q == "approx"]
    points = exact + approx
    lows = [v for v, q in given if q == "min"]
    highs = [v for v, q in given if q == "max"]
    if exact and max(exact) - min(exact) > 0.01 * max(exact):
        return "amounts differ", "the sources give different figures"
    if points and max(points) - min(points) > 0.15 * max(points):
        return "amounts differ", "the sources give figures too far apart to be one rounded"
    if points and (lows or highs):
        broken = [v for v in points if any(v < lo * 0.99 for lo in lows) or any(v > hi * 1.01 for hi in highs)]
        if broken:
            return "bound contradicted", "a figure breaks another source's bound"
        return "exact vs bound", "one source gives the figure, another only a bound (consistent)"
    if approx and len(set(points)) > 1:
        return "exact vs approx", "one source gives a rounded figure (consistent)"
    if lows or highs:
        return "bounds differ", "the sources give different bounds"
    return None


def conflicts(data: Data) -> list[dict]:
    """Projects whose sources disagree, and projects known only by a bound; worst first."""
    out = []
    for p in data.projects:
        ms = data.by_project.get(p["id"], [])
        got = amount_kind(ms)
        if got:
            kind, verdict = got
            parts = []
            for m in ms:
                if m["amount_m_eur"] is None:
                    continue
                w = written(data, m)
                parts.append({"article_id": m["article_id"], "value": fmt_amount(m["amount_m_eur"], m["amount_qualifier"]),
                              "written": w, "qualifier": m["amount_qualifier"] or "exact"})
            out.append({"project": p, "kind": kind, "verdict": verdict, "sources": parts})
        elif p["amount_qualifier"] in ("min", "max"):
            parts = [{"article_id": m["article_id"], "value": fmt_amount(m["amount_m_eur"], m["amount_qualifier"]),
                      "written": written(data, m), "qualifier": m["amount_qualifier"]}
                     for m in ms if m["amount_m_eur"] is not None]
            out.append({"project": p, "kind": "only a bound",
                        "verdict": "no source gives the exact figure", "sources": parts})
        arts = sorted({m["article_id"] for m in ms})
        dated = [(a, data.calls[a]["announced_on"], data.calls[a].get("announced_precision"))
                 for a in arts if a in data.calls and data.calls[a].get("announced_on")]
        if any(not dates_compatible(x[1], y[1]) for i, x in enumerate(dated) for y in dated[i + 1:]):
            out.append({"project": p, "kind": "dates differ", "verdict": "the articles date the announcement differently",
                        "sources": [{"article_id": a, "value": d, "written": "", "qualifier": prec or ""}
                                    for a, d, prec in dated]})
        carried = [(m["article_id"], set(json_list(m["carriers"]))) for m in ms if json_list(m["carriers"])]
        # a source naming fewer carriers is less detailed, not contradicting: flag only when neither contains the other
        if any(not (x[1] <= y[1] or y[1] <= x[1]) for i, x in enumerate(carried) for y in carried[i + 1:]):
            out.append({"project": p, "kind": "carriers differ", "verdict": "the sources name different carriers",
                        "sources": [{"article_id": a, "value": ", ".join(sorted(c)), "written": "", "qualifier": ""}
                                    for a, c in carried]})
    out.sort(key=lambda c: (SEVERITY[c["kind"]], c["project"]["name"].lower(), c["project"]["id"]))
    return out


def near_misses(data: Data) -> list[dict]:
    """Pairs of projects almost merged, and projects whose merge was borderline; best first.

    `links` holds one row per pair of mentions: a pair of projects is shown once, by its
    best-scored mention pair (a borderline merge by its weakest), with how many pairs
    stand behind it.
    """
    groups: dict[tuple, dict] = {}
    for lk in data.links:
        borderline = lk["decision"] == "merged" and lk["score"] < MERGE_AT + BORDERLINE
        if lk["decision"] == "merged" and not borderline:
            continue
        key = (*sorted((lk["project_a"] or "", lk["project_b"] or "")), borderline)
        g = groups.get(key)
        if g is not None:
            g["n_pairs"] += 1
            g["kinds"][lk["decision"]] += 1
            if (lk["score"] >= g["score"]) if borderline else (lk["score"] <= g["score"]):
                continue
        try:
            signals = json.loads(lk["signals"] or "{}")
        except ValueError:
            signals = {"raw": lk["signals"]}
        kind = "borderline merge" if borderline else lk["decision"].replace("_", " ")
        groups[key] = {**lk, "signals": signals, "kind": kind, "n_pairs": g["n_pairs"] if g else 1,
                       "kinds": g["kinds"] if g else Counter([lk["decision"]])}
    out = list(groups.values())
    out.sort(key=lambda x: (-x["score"], x["name_a"], x["name_b"], x["project_a"] or "", x["project_b"] or ""))
    return out


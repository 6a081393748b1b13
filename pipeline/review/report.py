"""The review report: one self-contained HTML file and CSV files, read from the database.

    python -m pipeline report [--db extracted/projects.db] [--out extracted/report]

`report.html` opens from disk (no server, no network: inline CSS, one small inline
script for sorting and the filter box, a Content-Security-Policy that lets only that
script run). Every piece of article text goes through `html.escape`, so an article
holding markup shows it as text. Sections: conflicts first (sources that disagree on
amount, carriers or date; projects whose amount is only a bound), then every project
with the sentence each source gives, near misses, articles with their counts, ingest
errors, decisions and their outcomes, and the articles' texts (anchors `#a-<id>`) with
names and amounts highlighted. CSV files beside it hold the same tables.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from pipeline.reconcile.cluster import MERGE_AT

TEMPLATES = Path(__file__).parent / "templates"
BORDERLINE = 0.1  # a merge scored within this of MERGE_AT is shown as borderline
MAX_NEAR_MISSES = 500  # in the HTML; near_misses.csv holds them all
SEVERITY = {"amounts differ": 0, "bound contradicted": 0, "exact vs bound": 1, "exact vs approx": 2, "bounds differ": 2,
            "only a bound": 3, "dates differ": 4, "carriers differ": 5}


class ReportError(Exception):
    """The report cannot be made (no database, not a pipeline database)."""


def h(x) -> str:
    return escape("" if x is None else str(x), quote=True)


def _list(x) -> list:
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
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    except sqlite3.Error as exc:
        raise ReportError(f"cannot read {db_path}: {exc}") from None
    need = {"articles", "projects", "mentions"}
    if not need <= tables:
        conn.close()
        raise ReportError(f"{db_path} is not a pipeline database (missing: {', '.join(sorted(need - tables))})")

    def rows(sql: str, table: str | None = None) -> list[dict]:
        if table and table not in tables:
            return []
        return [dict(r) for r in conn.execute(sql)]

    try:
        articles = {a["id"]: a for a in rows("select * from articles order by path, id")}
        projects = rows("select * from projects order by name collate nocase, id")
        mentions = rows("select * from mentions order by project_id, article_id, start")
        links = rows("select * from links", "links")
        calls = {c["article_id"]: c for c in rows("select * from calls", "calls")}
        amounts = Counter(r["article_id"] for r in rows("select article_id from amounts", "amounts"))
        errors = rows("select * from ingest_errors order by path", "ingest_errors")
        decisions = rows("select * from decisions order by seq", "decisions") if "decisions" in tables else None
        run = (rows("select * from runs order by rowid desc limit 1", "runs") or [None])[0]
    except sqlite3.Error as exc:
        raise ReportError(f"cannot read {db_path}: {exc}") from None
    finally:
        conn.close()
    by_project: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        by_project[m["project_id"]].append(m)
    return Data(str(db_path), articles, projects, mentions, by_project, links, calls, amounts, errors, decisions, run)


# --- analysis -----------------------------------------------------------------------------


def written(data: Data, m: dict) -> str:
    """The amount as the article writes it ("plus de 2 millions d'euros")."""
    a, b = m.get("amount_start"), m.get("amount_end")
    text = (data.articles.get(m["article_id"]) or {}).get("text") or ""
    if a is None or b is None or not (0 <= a < b <= len(text)):
        return ""
    return text[a:b]


def _dates_compatible(x: str, y: str) -> bool:
    if x.startswith("--") or y.startswith("--"):
        return x[-5:] == y[-5:]
    return x == y


def _amount_kind(ms: list[dict]) -> tuple[str, str] | None:
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
        got = _amount_kind(ms)
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
        if any(not _dates_compatible(x[1], y[1]) for i, x in enumerate(dated) for y in dated[i + 1:]):
            out.append({"project": p, "kind": "dates differ", "verdict": "the articles date the announcement differently",
                        "sources": [{"article_id": a, "value": d, "written": "", "qualifier": prec or ""}
                                    for a, d, prec in dated]})
        carried = [(m["article_id"], set(_list(m["carriers"]))) for m in ms if _list(m["carriers"])]
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


# --- HTML pieces --------------------------------------------------------------------------


def highlight(text: str, lo: int, hi: int, spans: list[tuple[int, int, str, str | None]]) -> str:
    """Escaped text[lo:hi] with <mark> around spans (start, end, class, link or None); overlaps skipped."""
    lo, hi = max(0, lo), min(len(text), hi)
    out, pos = [], lo
    for a, b, cls, href in sorted((s for s in spans if s[0] is not None and s[1] is not None), key=lambda s: (s[0], -s[1])):
        a, b = max(a, lo), min(b, hi)
        if a < pos or a >= b:
            continue
        out.append(h(text[pos:a]))
        inner = f'<mark class="{h(cls)}">{h(text[a:b])}</mark>'
        out.append(f'<a href="{h(href)}">{inner}</a>' if href else inner)
        pos = b
    out.append(h(text[pos:hi]))
    return "".join(out)


def _sentence(text: str, a: int, b: int, reach: int = 240) -> tuple[int, int]:
    """Bounds of the sentence or line around [a, b), for an amount read outside the name's sentence."""
    lo = max(0, a - reach)
    cut = max(text.rfind(". ", lo, a), text.rfind("\n", lo, a))
    lo = cut + 1 if cut >= 0 else lo
    ends = [i for i in (text.find(". ", b, b + reach), text.find("\n", b, b + reach)) if i >= 0]
    hi = min(ends) + 1 if ends else min(len(text), b + reach)
    return lo, hi


def evidence(data: Data, m: dict) -> str:
    art = data.articles.get(m["article_id"]) or {}
    text = art.get("text") or ""
    spans = [(m["start"], m["end"], "name", None), (m.get("amount_start"), m.get("amount_end"), "amt", None)]
    for o in _list(m.get("occurrences")):
        if isinstance(o, list) and len(o) == 2 and tuple(o) != (m["start"], m["end"]):
            spans.append((o[0], o[1], "other", None))
    lo, hi = m.get("context_start"), m.get("context_end")
    if lo is None or hi is None or not (0 <= lo < hi <= len(text)):
        lo, hi = _sentence(text, m["start"], m["end"])
    quote = f"<blockquote>{highlight(text, lo, hi, spans)}</blockquote>"
    a, b = m.get("amount_start"), m.get("amount_end")
    if a is not None and b is not None and (b <= lo or a >= hi) and 0 <= a < b <= len(text):
        s, e = _sentence(text, a, b)
        quote += f'<blockquote><span class="muted">amount read at:</span> {highlight(text, s, e, spans)}</blockquote>'
    return quote


def _article_link(data: Data, aid: str) -> str:
    art = data.articles.get(aid) or {}
    label = os.path.basename(art.get("path") or aid)
    title = art.get("title")
    tip = f' title="{h(title)}"' if title else ""
    return f'<a href="#a-{h(aid)}"{tip}>{h(label)}</a>'


def _project_link(data: Data, pid: str | None, names: dict[str, str]) -> str:
    if not pid:
        return ""
    if pid in names:
        return f'<a href="#p-{h(pid)}">{h(names[pid])}</a> <span class="id">{h(pid)}</span>'
    return f'<span class="id">{h(pid)}</span> <span class="tag">removed</span>'


def _table(cls: str, headers: list[str], rows: list[str], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{h(empty)}</p>'
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def section_conflicts(data: Data, found: list[dict]) -> str:
    names = {p["id"]: p["name"] for p in data.projects}
    rows = []
    for c in found:
        p = c["project"]
        srcs = []
        for s in c["sources"]:
            w = f' <span class="muted">« {h(s["written"])} »</span>' if s["written"] else ""
            q = f' <span class="tag">{h(s["qualifier"])}</span>' if s["qualifier"] else ""
            srcs.append(f"<li>{_article_link(data, s['article_id'])}: {h(s['value'])}{q}{w}</li>")
        tag = "bad" if SEVERITY[c["kind"]] == 0 else "warn"
        rows.append(
            f'<tr><td data-sort="{SEVERITY[c["kind"]]}"><span class="tag {tag}">{h(c["kind"])}</span></td>'
            f"<td>{_project_link(data, p['id'], names)}</td>"
            f'<td class="num" data-sort="{h(p["amount_m_eur"] if p["amount_m_eur"] is not None else "")}">'
            f"{h(fmt_amount(p['amount_m_eur'], p['amount_qualifier']))}</td>"
            f"<td>{h(c['verdict'])}<ul class=\"src\">{''.join(srcs)}</ul></td></tr>"
        )
    return (
        f'<section id="conflicts"><h2>Conflicts <small>{len(found)}</small></h2>'
        '<p class="lead">Sources that disagree on a project\'s amount, carriers or announcement date, and projects '
        "whose amount is only a bound. Check the sources; fix with <code>python -m pipeline decide amount</code> "
        "(or merge / split).</p>"
        + _table("sortable filterable conflicts", ["Conflict", "Project", "Reconciled amount", "What the sources say"], rows,
                 "No conflict: every project's sources agree.")
        + "</section>"
    )


def section_projects(data: Data) -> str:
    head = "".join(f"<th>{h(x)}</th>" for x in
                   ["Project", "Amount", "Each source's figure", "Carriers", "Announced", "Funding round", "Sources"])
    bodies = []
    for p in data.projects:
        ms = data.by_project.get(p["id"], [])
        aliases = _list(p["aliases"])
        names = f'<span class="pname">{h(p["name"])}</span>'
        if p["acronym"]:
            names += f' <span class="tag">{h(p["acronym"])}</span>'
        names += f'<br><span class="id">{h(p["id"])}</span>'
        if aliases:
            names += f'<br><span class="muted">also: {h("; ".join(map(str, aliases)))}</span>'
        figures = "".join(
            f"<li>{h(fmt_amount(m['amount_m_eur'], m['amount_qualifier']))} "
            f"<span class=\"muted\">{_article_link(data, m['article_id'])}</span></li>"
            for m in ms if m["amount_m_eur"] is not None
        )
        sources = "".join(
            f"<li>{_article_link(data, m['article_id'])}: <em>{h(m['name'])}</em>"
            f"{' — ' + h(fmt_amount(m['amount_m_eur'], m['amount_qualifier'])) if m['amount_m_eur'] is not None else ''}"
            f"{evidence(data, m)}</li>"
            for m in ms
        )
        amount = p["amount_m_eur"]
        bodies.append(
            f'<tbody class="item project" id="p-{h(p["id"])}"><tr class="head">'
            f'<td data-sort="{h(p["name"])}">{names}</td>'
            f'<td class="num" data-sort="{h(amount if amount is not None else "")}">'
            f"{h(fmt_amount(amount, p['amount_qualifier']))}</td>"
            f'<td><ul class="src">{figures}</ul></td>'
            f"<td>{h('; '.join(map(str, _list(p['carriers']))))}</td>"
            f"<td>{h(p['announced_on'])}</td><td>{h(p['call'])}</td>"
            f'<td class="num">{len(_list(p["sources"]))}</td></tr>'
            f'<tr class="evidence"><td colspan="7"><ul class="src">{sources}</ul></td></tr></tbody>'
        )
    table = (f'<table class="sortable filterable projects"><thead><tr>{head}</tr></thead>{"".join(bodies)}</table>'
             if bodies else '<p class="muted">No project.</p>')
    return (
        f'<section id="projects"><h2>Projects <small>{len(data.projects)}</small></h2>'
        '<p class="lead">Every reconciled project with the sentence each source gives: '
        '<mark>name</mark>, <mark class="amt">amount</mark>, <mark class="other">other mention</mark>. '
        "Click a column to sort; article links open the text below.</p>"
        f"{table}</section>"
    )


def _signals(sig: dict) -> str:
    parts = []
    for k, v in sig.items():
        cls = ' class="tag bad"' if k == "veto" else ' class="tag"'
        parts.append(f"<span{cls}>{h(k)}: {h(v)}</span>")
    return " ".join(parts)


def section_near_misses(data: Data, found: list[dict]) -> str:
    names = {p["id"]: p["name"] for p in data.projects}
    rows = []
    for lk in found[:MAX_NEAR_MISSES]:
        same = lk["project_a"] == lk["project_b"]
        now = '<span class="tag ok">same project now</span>' if same else '<span class="tag">separate</span>'
        more = (f'<br><span class="muted">best of {lk["n_pairs"]} mention pairs: '
                f'{h(", ".join(f"{n} {k}" for k, n in sorted(lk["kinds"].items())))}</span>' if lk["n_pairs"] > 1 else "")
        rows.append(
            f'<tr><td class="num">{lk["score"]:.3f}</td><td><span class="tag warn">{h(lk["kind"])}</span><br>{now}</td>'
            f"<td><em>{h(lk['name_a'])}</em><br>{_article_link(data, lk['article_a'])}<br>"
            f"{_project_link(data, lk['project_a'], names)}</td>"
            f"<td><em>{h(lk['name_b'])}</em><br>{_article_link(data, lk['article_b'])}<br>"
            f"{_project_link(data, lk['project_b'], names)}</td>"
            f"<td>{_signals(lk['signals'])}{more}</td></tr>"
        )
    cut = (f'<p class="muted">The {MAX_NEAR_MISSES} best-scored of {len(found)} are shown; near_misses.csv beside '
           "this report lists them all.</p>" if len(found) > MAX_NEAR_MISSES else "")
    return (
        f'<section id="near-misses"><h2>Near misses <small>{len(found)}</small></h2>'
        f'<p class="lead">Pairs of projects that were almost merged (near miss: score below {MERGE_AT}; blocked: a '
        "veto between the two groups; vetoed: a veto on the pair) and merges scored within "
        f"{BORDERLINE} of the threshold, each with the mention pair and the signals behind its score.</p>"
        + _table("sortable filterable", ["Score", "Decision", "Mention A", "Mention B", "Signals"], rows,
                 "No near miss.")
        + cut + "</section>"
    )


def section_articles(data: Data) -> str:
    projects_per = defaultdict(set)
    for m in data.mentions:
        projects_per[m["article_id"]].add(m["project_id"])
    mentions_per = Counter(m["article_id"] for m in data.mentions)
    rows = []
    for aid, a in data.articles.items():
        call = data.calls.get(aid) or {}
        err = f'<span class="tag bad">{h(a.get("error"))}</span>' if a.get("error") else ""
        rows.append(
            f"<tr><td>{_article_link(data, aid)}<br><span class=\"id\">{h(aid)}</span></td><td>{h(a.get('title'))}</td>"
            f"<td>{h(a.get('published_on'))}</td><td>{h(call.get('label'))}</td><td>{h(call.get('announced_on'))}</td>"
            f'<td class="num">{mentions_per[aid]}</td><td class="num">{len(projects_per[aid])}</td>'
            f'<td class="num">{data.amounts[aid]}</td><td class="num">{len(a.get("text") or "")}</td><td>{err}</td></tr>'
        )
    return (
        f'<section id="articles"><h2>Articles <small>{len(data.articles)}</small></h2>'
        + _table("sortable filterable", ["Article", "Title", "Published", "Funding round", "Announced", "Mentions",
                                         "Projects", "Amounts", "Characters", "Error"], rows, "No article.")
        + "</section>"
    )


def section_errors(data: Data) -> str:
    rows = [f"<tr><td>{h(e.get('path'))}</td><td>{h(e.get('error'))}</td></tr>" for e in data.errors]
    return (
        f'<section id="errors"><h2>Ingest errors <small>{len(data.errors)}</small></h2>'
        + _table("sortable filterable", ["File", "Why it was not read"], rows, "Every input file was read.")
        + "</section>"
    )


def section_decisions(data: Data) -> str:
    if data.decisions is None:
        body = '<p class="muted">This database records no decisions (it was written without them).</p>'
    else:
        rows = []
        for d in data.decisions:
            cls = d["status"] if d["status"] in ("stale", "invalid") else ""
            tag = "ok" if d["status"] == "applied" else "bad"
            rows.append(
                f'<tr class="{h(cls)}"><td><code class="nowrap">{h(d["id"])}</code></td><td>{h(d["action"])}</td>'
                f'<td><code>{h(d["target"])}</code></td><td><span class="tag {tag}">{h(d["status"])}</span></td>'
                f"<td>{h(d.get('reason') or d.get('detail'))}</td><td>{h(d.get('note'))}</td></tr>"
            )
        body = _table("sortable filterable", ["Id", "Action", "Target", "Status", "Outcome", "Note"], rows,
                      "No decision in the decisions file.")
    stale = sum(1 for d in data.decisions or [] if d["status"] != "applied")
    warn = f' <span class="tag bad">{stale} not applied</span>' if stale else ""
    return (
        f'<section id="decisions"><h2>Decisions <small>{len(data.decisions or [])}</small>{warn}</h2>'
        '<p class="lead">The analysts\' corrections (reconciliation.yaml) and what became of them in this run. '
        "A stale decision no longer fits the data (a project id or mention is gone): review or delete it.</p>"
        f"{body}</section>"
    )


def section_texts(data: Data) -> str:
    names = {p["id"]: p["name"] for p in data.projects}
    by_article = defaultdict(list)
    for m in data.mentions:
        by_article[m["article_id"]].append(m)
    parts = []
    for aid, a in data.articles.items():
        text = a.get("text") or ""
        spans = []
        for m in by_article[aid]:
            href = f"#p-{m['project_id']}"
            occ = [tuple(o) for o in _list(m.get("occurrences")) if isinstance(o, list) and len(o) == 2]
            for s, e in occ or [(m["start"], m["end"])]:
                spans.append((s, e, "name", href))
            spans.append((m.get("amount_start"), m.get("amount_end"), "amt", href))
        listed = ", ".join(_project_link(data, pid, names) for pid in dict.fromkeys(m["project_id"] for m in by_article[aid]))
        parts.append(
            f'<section class="article" id="a-{h(aid)}"><h3>{h(a.get("title") or os.path.basename(a.get("path") or aid))}</h3>'
            f'<p class="muted">{h(a.get("path"))} · <span class="id">{h(aid)}</span> · published {h(a.get("published_on") or "?")}'
            f"{' · projects: ' + listed if listed else ''}</p>"
            f'<div class="articletext">{highlight(text, 0, len(text), spans)}</div></section>'
        )
    return f'<section id="texts"><h2>Article texts <small>{len(data.articles)}</small></h2>{"".join(parts)}</section>'


def render(data: Data, found: list[dict] | None = None, misses: list[dict] | None = None) -> str:
    found = conflicts(data) if found is None else found
    misses = near_misses(data) if misses is None else misses
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    stale = sum(1 for d in data.decisions or [] if d["status"] != "applied")
    nav = [("conflicts", f"Conflicts ({len(found)})"), ("projects", f"Projects ({len(data.projects)})"),
           ("near-misses", f"Near misses ({len(misses)})"), ("articles", f"Articles ({len(data.articles)})"),
           ("errors", f"Ingest errors ({len(data.errors)})"),
           ("decisions", f"Decisions ({len(data.decisions or [])}{', ' + str(stale) + ' stale' if stale else ''})"),
           ("texts", "Texts")]
    run = data.run or {}
    summary = (f'<p class="lead">Database <code>{h(data.db_path)}</code>'
               f"{', run finished ' + h(run.get('finished_at')) if run.get('finished_at') else ''}: "
               f"{len(data.articles)} articles, {len(data.projects)} projects, {len(data.mentions)} mentions.</p>")
    body = "\n".join([
        summary, section_conflicts(data, found), section_projects(data), section_near_misses(data, misses),
        section_articles(data), section_errors(data), section_decisions(data), section_texts(data),
    ])
    page = Template((TEMPLATES / "report.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=h("Reconciliation review"),
        nav="".join(f'<a href="#{k}">{h(v)}</a>' for k, v in nav),
        body=body,
        script=script,
        script_hash=f"sha256-{digest}",
    )


# --- CSV ----------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if x is None else x for x in r])
    os.replace(tmp, path)


def write_csvs(data: Data, out: Path, found: list[dict], misses: list[dict]) -> list[Path]:
    paths = []

    def put(name, header, rows):
        p = out / name
        _write_csv(p, header, rows)
        paths.append(p)

    def source_figures(pid):
        return "; ".join(f"{m['article_id']}: {fmt_amount(m['amount_m_eur'], m['amount_qualifier'])}"
                         for m in data.by_project.get(pid, []) if m["amount_m_eur"] is not None)

    pcols = ["id", "name", "acronym", "aliases", "amount_m_eur", "amount_qualifier", "carriers", "announced_on", "call",
             "sources", "n_sources"]
    put("projects.csv", pcols + ["source_amounts"],
        ([p.get(c) for c in pcols] + [source_figures(p["id"])] for p in data.projects))
    mcols = ["id", "article_id", "project_id", "name", "amount_m_eur", "amount_qualifier", "start", "end", "acronym",
             "carriers", "rule", "score", "amount_start", "amount_end", "context_start", "context_end"]

    def sentence(m):
        text = (data.articles.get(m["article_id"]) or {}).get("text") or ""
        a, b = m.get("context_start"), m.get("context_end")
        return text[a:b] if a is not None and b is not None else ""

    put("mentions.csv", mcols + ["article_path", "amount_text", "sentence"],
        ([m.get(c) for c in mcols] + [(data.articles.get(m["article_id"]) or {}).get("path"), written(data, m), sentence(m)]
         for m in data.mentions))
    put("conflicts.csv", ["project_id", "project_name", "kind", "verdict", "project_amount_m_eur",
                          "project_amount_qualifier", "sources"],
        ([c["project"]["id"], c["project"]["name"], c["kind"], c["verdict"], c["project"]["amount_m_eur"],
          c["project"]["amount_qualifier"],
          " | ".join(f"{s['article_id']}: {s['value']}" + (f" «{s['written']}»" if s["written"] else "") for s in c["sources"])]
         for c in found))
    put("near_misses.csv", ["score", "kind", "decision", "project_a", "name_a", "article_a", "project_b", "name_b",
                            "article_b", "signals", "n_mention_pairs"],
        ([x["score"], x["kind"], x["decision"], x["project_a"], x["name_a"], x["article_a"], x["project_b"], x["name_b"],
          x["article_b"], json.dumps(x["signals"], ensure_ascii=False), x["n_pairs"]] for x in misses))
    projects_per = defaultdict(set)
    for m in data.mentions:
        projects_per[m["article_id"]].add(m["project_id"])
    mentions_per = Counter(m["article_id"] for m in data.mentions)
    put("articles.csv", ["id", "path", "title", "published_on", "funding_round", "announced_on", "n_mentions",
                         "n_projects", "n_amounts", "n_chars", "error"],
        ([aid, a.get("path"), a.get("title"), a.get("published_on"), (data.calls.get(aid) or {}).get("label"),
          (data.calls.get(aid) or {}).get("announced_on"), mentions_per[aid], len(projects_per[aid]), data.amounts[aid],
          len(a.get("text") or ""), a.get("error")] for aid, a in data.articles.items()))
    put("ingest_errors.csv", ["path", "error"], ([e.get("path"), e.get("error")] for e in data.errors))
    put("decisions.csv", ["id", "action", "target", "status", "reason", "detail", "note"],
        ([d["id"], d["action"], d["target"], d["status"], d.get("reason"), d.get("detail"), d.get("note")]
         for d in data.decisions or []))
    return paths


def build(db_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Write report.html and the CSV files into out_dir; returns the HTML path."""
    data = load(db_path)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        found, misses = conflicts(data), near_misses(data)
        html_path = out / "report.html"
        tmp = out / f".report.html.tmp-{os.getpid()}"
        tmp.write_text(render(data, found, misses), encoding="utf-8")
        os.replace(tmp, html_path)
        write_csvs(data, out, found, misses)
    except OSError as exc:
        raise ReportError(f"cannot write the report in {out}: {exc.strerror or exc}") from None
    return html_path


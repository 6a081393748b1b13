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
import hashlib
import os
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from string import Template

from pipeline.reconcile.cluster import MERGE_AT
from pipeline.review.report_csv import write_csvs
from pipeline.review.report_data import BORDERLINE, SEVERITY, Data, ReportError, conflicts, fmt_amount, json_list, load, near_misses

TEMPLATES = Path(__file__).parent / "templates"
MAX_NEAR_MISSES = 500  # in the HTML; near_misses.csv holds them all


def h(x) -> str:
    return escape("" if x is None else str(x), quote=True)


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
    for o in json_list(m.get("occurrences")):
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
        aliases = json_list(p["aliases"])
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
            f"<td>{h('; '.join(map(str, json_list(p['carriers']))))}</td>"
            f"<td>{h(p['announced_on'])}</td><td>{h(p['call'])}</td>"
            f'<td class="num">{len(json_list(p["sources"]))}</td></tr>'
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


def decisions_source(data: Data) -> str:
    """Which decisions file the run that wrote the database applied, as the report says it."""
    run = data.run or {}
    if "decisions_file" not in run:  # a database whose run did not record it
        return "from the decisions file given to the run (this database does not record which)"
    if not run["decisions_file"]:
        return "none: the run applied no decisions file"
    return f"read from <code>{h(run['decisions_file'])}</code>"


def section_decisions(data: Data) -> str:
    if data.decisions is None:
        body = '<p class="muted">This database records no decisions (it was written without them).</p>'
    else:
        rows = []
        for d in data.decisions:
            cls = d["status"] if d["status"] in ("stale", "invalid") else ""
            tag = {"applied": "ok", "skipped": "warn"}.get(d["status"], "bad")
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
        f"<p class=\"lead\">The analysts' corrections ({decisions_source(data)}) and what became of them in this "
        "run, applied in file order. A stale decision no longer fits the data (a project id or mention is gone): "
        "review or delete it. A skipped one is marked <code>skip: true</code> in the file.</p>"
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
            occ = [tuple(o) for o in json_list(m.get("occurrences")) if isinstance(o, list) and len(o) == 2]
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


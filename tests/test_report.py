"""The review report: structure, conflicts, near misses, escaping, CSV files, and a real browser.

The database is made from the seeds plus a hostile article (markup and script in its title
and body) and an unreadable file whose name holds markup, through the same functions the
flow calls (test_decisions.run_pipeline).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import unicodedata

import pytest
from bs4 import BeautifulSoup

from pipeline.review import cli as cli_review
from pipeline.review import report, report_data
from test_decisions import run_pipeline

HOSTILE = (
    "Lauréats <script>document.documentElement.setAttribute('data-pwned','title');alert(1)</script> du fonds\n\n"
    "Le ministère de l'Intérieur obtient 3 millions d'euros pour le projet « Vigie "
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\"> numérique ».\n"
    "Un texte avec <script>alert(1)</script> et des balises </div></td></table> qui doivent rester du texte.\n"
)
EVIL_NAME = "evil<img src=x onerror=alert(2)>.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def built(seeds_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    raw = base / "raw"
    raw.mkdir()
    for p in seeds_dir.iterdir():
        shutil.copy(p, raw / p.name)
    (raw / "zz_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (raw / EVIL_NAME).write_bytes(b"")
    db = base / "projects.db"
    decisions = base / "reconciliation.yaml"
    run_pipeline(raw, db, decisions)
    [(pid,)] = sqlite3.connect(db).execute("select id from projects order by id limit 1").fetchall()
    decisions.write_text(
        "decisions:\n"
        f"- {{id: d-ok, action: rename, project: {pid}, name: 'Renamed <b>bold</b>'}}\n"
        "- {id: d-gone, action: not_project, project: p00000000000, note: 'old <i>note</i>'}\n",
        encoding="utf-8")
    run_pipeline(raw, db, decisions)
    out = base / "report"
    html_path = report.build(db, out)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    tables = {t: [dict(r) for r in conn.execute(f"select * from {t}")] for t in
              ("projects", "mentions", "articles", "links", "ingest_errors", "decisions")}
    conn.close()
    html = html_path.read_text(encoding="utf-8")
    return {"db": db, "out": out, "path": html_path, "html": html, "soup": BeautifulSoup(html, "html.parser"), **tables}


def section(built, sid):
    got = built["soup"].find("section", id=sid)
    assert got is not None, sid
    return got


@pytest.mark.slow
def test_sections_come_in_review_order(built):
    ids = [s["id"] for s in built["soup"].select("main > section")]
    assert ids == ["conflicts", "projects", "near-misses", "articles", "errors", "decisions", "texts"]


@pytest.mark.slow
def test_every_project_is_listed_with_its_fields_and_sources(built):
    for p in built["projects"]:
        body = built["soup"].find("tbody", id=f"p-{p['id']}")
        assert body is not None, p["name"]
        assert body.select_one(".pname").get_text() == p["name"]
        text = body.get_text(" ")
        for carrier in json.loads(p["carriers"]):
            assert carrier in text
        ms = [m for m in built["mentions"] if m["project_id"] == p["id"]]
        links = {a["href"] for a in body.select("tr.evidence a[href^='#a-']")}
        assert links == {f"#a-{m['article_id']}" for m in ms}
        assert len(body.select("tr.evidence mark.name")) >= len(ms)
        if p["call"]:
            assert p["call"] in text


@pytest.mark.slow
def test_the_evidence_sentence_highlights_name_and_amount(built):
    for m in built["mentions"]:
        art = next(a for a in built["articles"] if a["id"] == m["article_id"])
        body = built["soup"].find("tbody", id=f"p-{m['project_id']}")
        marks = [x.get_text() for x in body.select("mark.name")]
        assert art["text"][m["start"]:m["end"]] in marks
        if m["amount_start"] is not None:
            assert art["text"][m["amount_start"]:m["amount_end"]] in [x.get_text() for x in body.select("mark.amt")]


@pytest.mark.slow
def test_every_internal_link_has_its_target(built):
    ids = {t["id"] for t in built["soup"].find_all(id=True)}
    hrefs = {a["href"][1:] for a in built["soup"].find_all("a", href=True) if a["href"].startswith("#")}
    assert hrefs and hrefs <= ids
    assert {f"a-{a['id']}" for a in built["articles"]} <= ids


@pytest.mark.slow
def test_conflicts_show_an_exact_amount_against_a_bound(built):
    rows = section(built, "conflicts").select("tbody tr")
    kinds = [r.select_one("td .tag").get_text() for r in rows]
    assert kinds == sorted(kinds, key=lambda k: report_data.SEVERITY[k])  # worst first
    exact_vs_bound = [r for r in rows if r.select_one("td .tag").get_text() == "exact vs bound"]
    assert exact_vs_bound
    for r in exact_vs_bound:
        items = [li.get_text(" ") for li in r.select("li")]
        assert any("exact" in i for i in items)
        assert any("min" in i and re.search(r"plus de 5 millions", i) for i in items)


@pytest.mark.parametrize("given, kind", [
    ([(9.6, "exact"), (5.0, "min")], "exact vs bound"),
    ([(4.0, "exact"), (5.0, "min")], "bound contradicted"),
    ([(7.0, "approx"), (5.0, "max")], "bound contradicted"),
    ([(2.0, "exact"), (2.5, "exact")], "amounts differ"),
    ([(2.0, "exact"), (2.0, None)], None),  # no qualifier is exact
    ([(5.0, "min"), (3.0, "min")], "bounds differ"),
    ([(1.0, "exact"), (None, None)], None),  # a source without amount does not disagree
    ([(100.0, "exact"), (100.5, "exact")], None),  # within rounding
    ([(3.7, "exact"), (4.0, "approx")], "exact vs approx"),  # "environ 4 M€" rounds 3.7
    ([(3.0, "exact"), (4.0, "approx")], "amounts differ"),
    ([(3.7, "exact"), (4.0, "approx"), (4.0, "max")], "exact vs bound"),
])
def test_amount_disagreements(given, kind):
    ms = [{"amount_m_eur": v, "amount_qualifier": q} for v, q in given]
    got = report_data.amount_kind(ms)
    assert (got[0] if got else None) == kind


@pytest.mark.parametrize("x, y, same", [
    ("2018-06-20", "2018-06-20", True), ("2018-06-20", "--06-20", True), ("--06-20", "2019-06-21", False),
    ("2018-06-20", "2019-06-20", False),
])
def test_announcement_dates_compatible(x, y, same):
    assert report_data.dates_compatible(x, y) is same


@pytest.mark.slow
def test_near_misses_one_row_per_pair_of_projects_with_signals(built):
    rows = section(built, "near-misses").select("tbody tr")
    border = report_data.MERGE_AT + report_data.BORDERLINE
    pairs = {(*sorted((lk["project_a"], lk["project_b"])), lk["decision"] == "merged")
             for lk in built["links"] if lk["decision"] != "merged" or lk["score"] < border}
    assert rows and len(rows) == len(pairs)
    shown = set()
    for r in rows:
        ids = tuple(sorted(x.get_text() for x in r.select("span.id")))
        shown.add((ids, "borderline" in r.select("td")[1].get_text()))
    assert len(shown) == len(rows)  # no pair twice
    scores = [float(r.select_one("td.num").get_text()) for r in rows]
    assert scores == sorted(scores, reverse=True)
    for r in rows:
        if "vetoed" in r.select("td")[1].get_text():
            assert "veto:" in r.select("td")[4].get_text()
        assert r.select("td")[4].select(".tag")  # every row shows its signals


def test_near_misses_keep_the_best_pair_of_each_project_pair():
    link = {"project_a": "p1", "project_b": "p2", "article_a": "a", "article_b": "b", "name_a": "x", "name_b": "y",
            "signals": "{}"}
    data = report_data.Data("db", {}, [], [], {}, [
        {**link, "score": 0.5, "decision": "near_miss"}, {**link, "score": 0.58, "decision": "vetoed", "name_a": "z"},
        {**link, "project_a": "p2", "project_b": "p1", "score": 0.4, "decision": "near_miss"},
        {**link, "project_b": "p1", "score": 0.7, "decision": "merged"}, {**link, "project_b": "p1", "score": 0.65,
                                                                          "decision": "merged"},
        {**link, "project_b": "p1", "score": 0.95, "decision": "merged"},
    ], {}, {}, [], None)
    got = [(x["project_a"], x["project_b"], x["kind"], x["score"], x["n_pairs"]) for x in report_data.near_misses(data)]
    assert got == [("p1", "p1", "borderline merge", 0.65, 2), ("p1", "p2", "vetoed", 0.58, 3)]


@pytest.mark.slow
def test_articles_and_ingest_errors_are_listed(built):
    text = section(built, "articles").get_text(" ")
    for a in built["articles"]:
        assert a["id"] in text
    errors = section(built, "errors").select("tbody tr")
    assert [r.select("td")[0].get_text() for r in errors] == [e["path"] for e in built["ingest_errors"]]
    assert any(EVIL_NAME in e["path"] for e in built["ingest_errors"])


@pytest.mark.slow
def test_decisions_and_their_outcomes_stale_highlighted(built):
    rows = section(built, "decisions").select("tbody tr")
    status = {r.select("td")[0].get_text(): (r.get("class") or [], r.select("td")[3].get_text()) for r in rows}
    assert status["d-ok"] == ([], "applied")
    assert status["d-gone"] == (["stale"], "stale")
    assert "1 not applied" in section(built, "decisions").h2.get_text()
    assert "Renamed <b>bold</b>" in [p.get_text() for p in built["soup"].select(".pname")]


@pytest.mark.slow
def test_hostile_text_is_shown_never_run(built):
    html = built["html"]
    assert html.count("<script") == 1  # the report's own script, nothing from the articles
    assert "<img" not in html and "<b>bold" not in html and "<i>note" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    hostile = next(a for a in built["articles"] if a["path"].endswith("zz_hostile.txt"))
    shown = built["soup"].find("section", id=f"a-{hostile['id']}").select_one(".articletext").get_text()
    assert shown == hostile["text"]  # the whole text, as text
    assert any(EVIL_NAME in td.get_text() for td in section(built, "errors").select("td"))


@pytest.mark.slow
def test_only_the_report_script_may_run(built):
    script = built["soup"].find("script").string
    csp = built["soup"].find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


@pytest.mark.slow
def test_csv_files_beside_the_report(built):
    out = built["out"]

    def read(name):
        with open(out / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    assert {r["id"] for r in read("projects.csv")} == {p["id"] for p in built["projects"]}
    assert len(read("mentions.csv")) == len(built["mentions"])
    assert {r["id"] for r in read("articles.csv")} == {a["id"] for a in built["articles"]}
    assert [r["path"] for r in read("ingest_errors.csv")] == [e["path"] for e in built["ingest_errors"]]
    assert any(r["kind"] == "exact vs bound" and "plus de 5 millions" in r["sources"] for r in read("conflicts.csv"))
    assert all(json.loads(r["signals"]) for r in read("near_misses.csv"))
    assert {r["status"] for r in read("decisions.csv")} == {"applied", "stale"}
    hostile = next(r for r in read("mentions.csv") if r["article_path"].endswith("zz_hostile.txt"))
    assert "<img src=x" in hostile["sentence"]  # CSV is data: the text as it is


@pytest.mark.parametrize("text, lo, hi, spans, expect", [
    ("a <b> c", 0, 7, [(2, 5, "name", None)], 'a <mark class="name">&lt;b&gt;</mark> c'),
    ("abcdef", 1, 5, [(0, 3, "name", None), (2, 4, "amt", None)], '<mark class="name">bc</mark>de'),  # clipped; overlap skipped
    ("x & y", 0, 5, [(4, 5, "amt", "#p-1")], 'x &amp; <a href="#p-1"><mark class="amt">y</mark></a>'),
    ("abc", 0, 3, [(None, None, "amt", None)], "abc"),
])
def test_highlight_escapes_and_marks(text, lo, hi, spans, expect):
    assert report.highlight(text, lo, hi, spans) == expect


@pytest.mark.slow
def test_cli_report(built, tmp_path, capsys):
    assert cli_review.main(["report", "--db", str(built["db"]), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.html").is_file() and (tmp_path / "r" / "conflicts.csv").is_file()
    assert "report.html" in capsys.readouterr().out


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "database not found"),
    (lambda p: p.write_text("not sqlite"), "cannot read"),
    (lambda p: sqlite3.connect(p).execute("create table t (x)").connection.commit(), "not a pipeline database"),
])
def test_cli_report_bad_database_is_one_line(tmp_path, capsys, make, message):
    db = tmp_path / "x.db"
    make(db)
    assert cli_review.main(["report", "--db", str(db), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# --- in a real browser ---------------------------------------------------------------------


def headless(target, tmp_path) -> tuple[str, list[str]]:
    """(the DOM after scripts ran, console lines) from headless Chromium."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
           "--enable-logging=stderr", "--v=0", "--dump-dom", target.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    # every console message (log, error, uncaught exception, CSP violation) is an INFO:CONSOLE line
    return out.stdout, [ln for ln in out.stderr.splitlines() if ":CONSOLE" in ln]


@pytest.mark.slow
def test_browser_detects_console_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>", encoding="utf-8")
    _, console = headless(page, tmp_path)
    assert any("undefinedFunction" in ln for ln in console)


@pytest.mark.slow
def test_report_runs_in_a_browser_without_console_errors(built, tmp_path):
    dom, console = headless(built["path"], tmp_path)
    assert console == []
    root = BeautifulSoup(dom, "html.parser").html
    assert root.get("data-report-ready") == "1"  # the script ran to its end
    assert root.get("data-pwned") is None


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


@pytest.mark.slow
def test_sorting_and_filter_work_in_a_browser(built, tmp_path):
    """The report's own script, driven by a test script added with its hash to the policy."""
    probe = (
        "(function(){var t=document.querySelector('table.projects'),th=t.tHead.rows[0].cells[1],o={};"
        "function ids(){return Array.prototype.map.call(t.querySelectorAll(':scope > tbody.item'),function(b){return b.id;});}"
        "th.click();o.asc=ids();th.click();o.desc=ids();"
        "var box=document.getElementById('filter');box.value=QUERY;box.dispatchEvent(new Event('input'));"
        "o.visible=ids().filter(function(i){return !document.getElementById(i).classList.contains('hidden');});"
        "o.shown=document.getElementById('shown').textContent;"
        "document.documentElement.setAttribute('data-probe',JSON.stringify(o));})();"
    )
    target = max(built["projects"], key=lambda p: (len(p["name"]), p["id"]))
    query = fold(target["name"])[:30].upper()
    probe = probe.replace("QUERY", json.dumps(query))
    digest = base64.b64encode(hashlib.sha256(probe.encode()).digest()).decode()
    html = built["html"].replace("script-src '", f"script-src 'sha256-{digest}' '", 1)
    html = html.replace("</body>", f"<script>{probe}</script></body>")
    page = tmp_path / "probe.html"
    page.write_text(html, encoding="utf-8")
    dom, console = headless(page, tmp_path)
    assert console == []
    got = json.loads(BeautifulSoup(dom, "html.parser").html["data-probe"])
    projects = built["projects"]
    amount = {f"p-{p['id']}": p["amount_m_eur"] for p in projects}
    order = [b["id"] for b in built["soup"].select("table.projects > tbody.item")]  # as written; sorting is stable
    asc = sorted(order, key=lambda i: (amount[i] is None, amount[i] or 0))
    assert got["asc"] == asc
    assert got["desc"] == sorted(asc, key=lambda i: (amount[i] is None, -(amount[i] or 0)))
    assert f"p-{target['id']}" in got["visible"] and len(got["visible"]) < len(projects)
    assert got["shown"].endswith("rows")


@pytest.mark.slow
def test_screenshot_renders(built, tmp_path):
    """A laptop-sized screenshot is made (looked at by eye when the report changes)."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    shot = tmp_path / "report.png"
    out = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1366,900",
                          f"--screenshot={shot}", built["path"].as_uri()], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0 and shot.stat().st_size > 10_000  # not a blank page

"""Hostile input never loses data or stops the run.

A corpus built in a temporary folder: the bundled articles of raw/ plus one file per
case of HOSTILE below (binary bytes under an .html name, 10,000 nested <div>s, a
50 MB page, a FIFO, a link loop...). For each case the run completes, the file is
either processed or listed in `ingest_errors` with a one-line reason, and the rows of
every other article are the ones a run without the hostile files gives.

Most of it runs the stages as plain functions (clean_batch, extract_batch,
reconcile, write_database, as the flow's tasks do); one test runs the real command
over the whole folder. Time and memory are measured apart, not asserted here.
"""

from __future__ import annotations

import ast
import codecs
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.run.batch import clean_batch, extract_batch
from pipeline.clean.cleaner import clean_text
from pipeline.ingest import DEFAULT_MAX_BYTES, list_sources, scan_sources
from pipeline.model import Article
from pipeline.extract.organizations import load_gazetteer
from pipeline.reconcile.cluster import reconcile
from pipeline.store.database import write_database

ROOT = Path(__file__).resolve().parents[1]

# A made-up article: no seed text, names, amounts or dates.
SENTENCE = (
    "Le comité interministériel a retenu le projet « Guichet unique des aides agricoles », porté par la "
    "direction départementale des territoires, qui reçoit 1,2 million d'euros."
)
ARTICLE = SENTENCE + " Le dispositif doit être généralisé d'ici 2022 dans toutes les préfectures, a indiqué le ministère."
TEXT = f"Aides agricoles : un guichet unique\n\nPublié le 12 mars 2019\n\n{ARTICLE}\n"
ENGLISH = (
    "The government said on Tuesday that seventeen projects will share $126 million from the public "
    "transformation fund. The largest grant, 24 million pounds, goes to a cloud platform."
)
MONEY = (
    "Le programme américain a reçu 5 millions de dollars ($5M), le britannique £3m, soit 3 millions de livres, "
    "l'ancien fonds 10 millions de francs et 250 000 francs suisses ; le taux de réussite atteint 15 %, en hausse "
    "de 2,5 %, et 40 % des 12 millions d'habitants sont concernés. Le projet « Registre des aides » reçoit 2 M€."
)
MARKUP = "&lt;script&gt;alert('x')&lt;/script&gt;"  # written as text on the page: the text holds <script>


def page(body: str, title: str = "Aides agricoles : un guichet unique", published: str = "2019-03-12") -> str:
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}T10:00:00+01:00"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return make


def _link(target: str) -> Callable[[Path], None]:
    return lambda path: os.symlink(target, path)


def _sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with open(path, "wb") as fh:
            fh.write(b"<html><body><p>")
            fh.truncate(size)  # no 50 MB on the disk: only its size matters

    return make


def _bloated_page(path: Path) -> None:
    # ~4 MB of script, style and navigation around one paragraph: what a scraper saves of a heavy site.
    script = "<script>var x=[" + "1," * 1_000_000 + "0];</script>"
    style = "<style>" + ".a{color:red}" * 100_000 + "</style>"
    nav = "<nav><ul>" + "".join(f"<li><a href='/r/{i}'>Rubrique {i}</a></li>" for i in range(20_000)) + "</ul></nav>"
    path.write_text(page(script + style + nav + f"<p>{ARTICLE}</p>"), encoding="utf-8")


def _many_projects(n: int) -> str:
    items = "".join(f"<li>Projet « Plateforme territoriale numéro {i} » : {1 + i % 9},{i % 10} M€</li>" for i in range(n))
    return page(f"<p>Le fonds a retenu {n} projets lauréats, dont voici la liste complète.</p><ul>{items}</ul>")


@dataclass(frozen=True)
class Case:
    name: str  # file name in the folder
    make: Callable[[Path], None]
    outcome: str  # "processed", or what the recorded reason must match
    check: Callable[[dict], None] | None = None  # on the stored article, when processed
    cli: bool = True  # also in the folder given to the real command


def _text_is(expected: str) -> Callable[[dict], None]:
    def check(row: dict) -> None:
        assert row["text"] == expected

    return check


def _text_has(*pieces: str) -> Callable[[dict], None]:
    def check(row: dict) -> None:
        for piece in pieces:
            assert piece in row["text"]

    return check


def _amounts_are(*values: float) -> Callable[[dict], None]:
    def check(row: dict) -> None:
        assert sorted(a["value_m_eur"] for a in row["amounts"]) == sorted(values)

    return check


def _no_date(row: dict) -> None:
    assert row["published_on"] is None
    assert row["call"]["announced_on"] is None


def _many(row: dict) -> None:
    assert len(row["mentions"]) == 500
    assert len(row["amounts"]) == 500


REFERENCE = clean_text(TEXT).text  # what every re-encoded copy of TEXT must clean to

HOSTILE = [
    Case("empty.html", _write(b""), r"^empty file$"),
    Case("blank.txt", _write(b"  \n\t\r\n   \n"), r"^empty file"),
    Case("fake.pdf.html", _write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" * 50), r"\(PDF document\)"),
    Case("fake_png.html", _write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20), r"\(PNG image\)"),
    Case("fake_gzip.html", _write(gzip.compress(page(f"<p>{ARTICLE}</p>").encode())), r"\(gzip archive\)"),
    Case("nul_bytes.txt", _write(b"Titre\x00\x00\x00" + ARTICLE.encode()), r"NUL bytes"),
    Case("lying_bom.txt", _write(codecs.BOM_UTF16_LE + b"abc"), r"^undecodable text"),
    Case("truncated.html", _write(page(f"<p>{ARTICLE}</p><p>{ARTICLE}</p>")[:420]), "processed",
         _text_has("Le comité interministériel")),
    Case("truncated_utf8.txt", _write((TEXT + "Mis à jour : déjà").encode()[:-1]), "processed",
         _text_has(ARTICLE, "Mis à jour : déj")),
    Case("malformed.html",
         _write(f"<html><head><title>Aides <b>agricoles</title><body><div><p>{ARTICLE}</div></span><p class=\"x\" "
                f"id='a><table><tr><td>{ARTICLE}<td></tr></table></i></b><<>>&&#xZZ;&nbsp"),
         "processed", _text_has("Guichet unique des aides agricoles")),
    Case("deep.html", _write(page("<div>" * 10_000 + f"<p>{ARTICLE}</p>" + "</div>" * 10_000)), "processed",
         _text_has(ARTICLE)),
    Case("deep_unclosed.html", _write("<html><body>" + "<span>" * 10_000 + ARTICLE), "processed", _text_has(ARTICLE)),
    Case("no_text.html", _write("<html><head><title></title></head><body><div></div></body></html>"), "processed",
         _text_is("")),
    Case("big_5mb.html", _bloated_page, "processed", _text_has(ARTICLE)),
    Case("huge_50mb.html", _sparse(50 * 1024 * 1024), r"^file too large: 52,428,800 bytes"),
    Case("utf16.txt", _write(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")), "processed", _text_is(REFERENCE)),
    Case("utf8_bom.txt", _write(codecs.BOM_UTF8 + TEXT.encode()), "processed", _text_is(REFERENCE)),
    Case("cp1252.txt", _write((TEXT + "Coût : 5 € – « œuvre »\n").encode("cp1252")), "processed",
         _text_has(ARTICLE, "Coût : 5 € – « œuvre »")),
    Case("latin1.html",
         _write(page(f"<p>{ARTICLE}</p>").replace('charset="utf-8"', 'charset="iso-8859-1"').encode("latin-1")),
         "processed", _text_has(ARTICLE)),
    Case("crlf.txt", _write(TEXT.replace("\n", "\r\n")), "processed", _text_is(REFERENCE)),
    Case("cr.txt", _write(TEXT.replace("\n", "\r")), "processed", _text_is(REFERENCE)),
    Case("mixed_eol.txt", _write(TEXT.replace("\n\n", "\r\n\r\n", 1).replace("\n\n", "\r\r", 1)), "processed",
         _text_is(REFERENCE)),
    Case("english.html", _write(page(f"<p>{ENGLISH}</p><p>{ENGLISH}</p>", title="Fund shares out $126 million")),
         "processed", _amounts_are()),
    Case("many_projects.html", _write(_many_projects(500)), "processed", _many),
    Case("currencies.html", _write(page(f"<p>{MONEY}</p>")), "processed", _amounts_are(2.0)),
    Case("impossible_dates.txt",
         _write("Registre des aides\n\nPublié le 31/02/2019\n\nLe comité réuni le 32 juin a retenu le projet "
                "« Registre des aides » le 31/02/2019 parmi les lauréats, pour 2 M€.\n"),
         "processed", _no_date),
    Case("impossible_meta.html", _write(page(f"<p>{ARTICLE}</p>", published="2019-02-31")), "processed", _no_date),
    Case("markup.html", _write(page(f"<p>{MARKUP} {ARTICLE}</p>", title=MARKUP)), "processed",
         _text_has("<script>alert('x')</script>")),
    Case("nom avec espaces.html", _write(page(f"<p>{ARTICLE} Espaces.</p>")), "processed"),
    Case("guillemets \"doubles\" et 'simples'.txt", _write(TEXT + "Guillemets.\n"), "processed"),
    Case("<img src=x onerror=alert(1)>.txt", _write(TEXT + "Balise.\n"), "processed"),
    Case("статья_проект.html", _write(page(f"<p>{ARTICLE} Cyrillique.</p>")), "processed"),
    Case("記事.txt", _write(TEXT + "Japonais.\n"), "processed"),
    Case("naïve été.htm", _write(page(f"<p>{ARTICLE} Accents.</p>")), "processed"),
    Case("loop_a.html", _link("loop_b.html"), r"^cannot read: Too many levels of symbolic links$"),
    Case("loop_b.html", _link("loop_a.html"), r"^cannot read: Too many levels of symbolic links$"),
    Case("dangling.html", _link("nowhere.html"), r"^cannot read: No such file or directory$"),
    Case("zero.html", _link("/dev/zero"), r"^not a regular file: a character device$"),
    # The flow hashes every file before cleaning it, and pipeline/run/hashing.py opens a FIFO
    # blocking: through the command it would wait for a writer forever (see the report).
    Case("pipe.html", lambda path: os.mkfifo(path), r"^not a regular file: a named pipe \(FIFO\)$", cli=False),
    # Tests run as root in CI, where chmod 000 does not stop a read: opening it fails here instead.
    Case("unreadable.html", _write(page(f"<p>{ARTICLE}</p>")), r"^cannot read: Permission denied$", cli=False),
]
# Not article files: never listed, never followed.
NOT_FILES = {"sub/up": lambda d: os.symlink("..", d / "sub" / "up"), "dir.html": lambda d: (d / "dir.html").mkdir()}
UNREADABLE = "unreadable.html"


def build(folder: Path, cli: bool = False) -> list[Case]:
    """Write the hostile cases into folder (those for the command only when cli); the cases written."""
    (folder / "sub").mkdir(exist_ok=True)
    cases = [c for c in HOSTILE if c.cli or not cli]
    for case in cases:
        case.make(folder / case.name)
    for make in NOT_FILES.values():
        make(folder)
    return cases


def copy_normal(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted((ROOT / "raw").iterdir()):
        shutil.copy(src, folder / src.name)
    return sorted(str(folder / p.name) for p in (ROOT / "raw").iterdir())


def run_stages(folder: Path, db: Path) -> None:
    """The flow's stages as plain functions, as /tmp/quick.py runs them."""
    articles, errors = clean_batch(list_sources(folder))
    results = extract_batch(articles)
    write_database(db, results, errors, reconcile(results, {}), load_gazetteer().rows())


def read_db(db: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in conn.execute(f"select * from [{t}]")]
                for t in ("articles", "mentions", "amounts", "calls", "projects", "ingest_errors")}
    finally:
        conn.close()


def per_article(db: dict[str, list[dict]], article_id: str) -> dict:
    """Every row of one article; mention ids left out (they number the whole table)."""
    return {
        "article": next(a for a in db["articles"] if a["id"] == article_id),
        "mentions": sorted(({k: v for k, v in m.items() if k != "id"} for m in db["mentions"]
                            if m["article_id"] == article_id), key=lambda m: (m["start"], m["end"], m["name"])),
        "amounts": sorted((a for a in db["amounts"] if a["article_id"] == article_id), key=lambda a: a["start"]),
        "calls": [c for c in db["calls"] if c["article_id"] == article_id],
    }


@dataclass
class Run:
    folder: Path
    normal: list[str]
    listed: list[str]
    baseline: dict[str, list[dict]]
    hostile: dict[str, list[dict]]
    db: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("hostile") / "raw"
    normal = copy_normal(folder)
    base_db = folder.parent / "baseline.db"
    run_stages(folder, base_db)
    build(folder)
    db = folder.parent / "hostile.db"
    real_open = os.open

    def refuse_one(path, flags, *args, **kwargs):
        if os.path.basename(os.fsdecode(path)) == UNREADABLE:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "open", refuse_one)
        run_stages(folder, db)
    return Run(folder, normal, list_sources(folder), read_db(base_db), read_db(db), db)


def _stored(run: Run, name: str) -> dict:
    path = str(run.folder / name)
    [article] = [a for a in run.hostile["articles"] if a["path"] == path]
    rows = per_article(run.hostile, article["id"])
    return {**article, "mentions": rows["mentions"], "amounts": rows["amounts"], "call": (rows["calls"] or [{}])[0]}


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_each_hostile_file_is_processed_or_recorded(run: Run, case: Case) -> None:
    path = str(run.folder / case.name)
    errors = [e["error"] for e in run.hostile["ingest_errors"] if e["path"] == path]
    if case.outcome == "processed":
        assert errors == []
        row = _stored(run, case.name)
        assert row["error"] is None
        if case.check:
            case.check(row)
    else:
        assert len(errors) == 1 and re.search(case.outcome, errors[0]), errors


@pytest.mark.slow
def test_every_listed_file_is_an_article_or_an_ingest_error(run: Run) -> None:
    articles = {a["path"] for a in run.hostile["articles"]}
    errors = {e["path"] for e in run.hostile["ingest_errors"]}
    assert articles | errors == set(run.listed) and not articles & errors
    assert set(run.listed) == set(run.normal) | {str(run.folder / c.name) for c in HOSTILE}


@pytest.mark.slow
def test_links_to_folders_and_folders_named_like_articles_are_not_listed(run: Run) -> None:
    assert not {str(run.folder / name) for name in NOT_FILES} & set(run.listed)


@pytest.mark.slow
def test_reasons_are_one_line(run: Run) -> None:
    for error in run.hostile["ingest_errors"]:
        assert error["error"] and "\n" not in error["error"] and len(error["error"]) <= 300, error


@pytest.mark.slow
def test_the_other_articles_rows_do_not_change(run: Run) -> None:
    for path in run.normal:
        [article_id] = [a["id"] for a in run.baseline["articles"] if a["path"] == path]
        assert per_article(run.hostile, article_id) == per_article(run.baseline, article_id), path


@pytest.mark.slow
def test_the_other_articles_projects_do_not_change(run: Run) -> None:
    after = {p["id"]: p for p in run.hostile["projects"]}
    for project in run.baseline["projects"]:
        assert after.get(project["id"]) == project, project["name"]


@pytest.mark.slow
def test_the_review_report_shows_article_markup_as_text(run: Run, tmp_path: Path) -> None:
    from pipeline.review import report

    html = report.render(report.load(run.db))
    assert "<script>alert('x')" not in html and "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_article_over_a_million_characters_is_extracted() -> None:
    paragraph = "La commune a présenté son bilan annuel devant le conseil, qui a voté le budget de la voirie."
    text = "\n".join([paragraph] * (1_000_001 // len(paragraph) + 1))
    [result] = extract_batch([Article(id="long", path="long.txt", text=text)])
    assert result.error is None


# ---------------------------------------------------------------- the real command


@pytest.mark.slow
def test_the_command_completes_over_the_whole_hostile_folder(prefect_server, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    folder = tmp_path / "raw"
    copy_normal(folder)
    build(folder, cli=True)
    locked = folder / "locked.html"  # unreadable for a user, read anyway by root: accounted for both ways
    locked.write_text(page(f"<p>{ARTICLE} Verrouillé.</p>"), encoding="utf-8")
    locked.chmod(0)
    db = tmp_path / "out" / "projects.db"
    # The small model: this run is about input that breaks things, not about what the model finds.
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "WARNING",
           "PIPELINE_SPACY_MODEL": "fr_core_news_sm"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder), "--db", str(db)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    stored = read_db(db)
    articles = {a["path"] for a in stored["articles"]}
    errors = {e["path"]: e["error"] for e in stored["ingest_errors"]}
    found, skipped = scan_sources(folder)  # stored relative to the folder, files of other types included
    listed = {os.path.relpath(p, folder) for p in found + [s.path for s in skipped]}
    assert articles | set(errors) == listed and not articles & set(errors)
    assert all("\n" not in reason for reason in errors.values())
    assert re.search(r"^cannot read: Permission denied$", errors.get("locked.html", "")) or "locked.html" in articles


# ---------------------------------------------------------------- no SQL from data

SQL_CALLS = {"execute", "executemany", "executescript", "query", "rows_where", "create_view", "count_where",
             "delete_where", "update_where"}
PLACEHOLDERS = re.compile(r"""^['"],?['"]\.join\(['"]\?['"] \* len\(\w+\)\)$""")  # ",".join("?" * len(ids))


def _built_sql(node: ast.expr) -> list[str]:
    """The pieces of a string built at run time, as source; [] for a literal or a name."""
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return [ast.unparse(node)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return [ast.unparse(node)]
    return []


def test_no_sql_is_built_from_data_strings() -> None:
    built = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")) + [ROOT / "flows.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                sql = node.args[:1] + [k.value for k in node.keywords if k.arg in ("sql", "where")]
                built += [f"{path.name}:{node.lineno}: {piece}" for arg in sql for piece in _built_sql(arg)
                          if not PLACEHOLDERS.match(piece)]
    assert built == []


def test_the_sql_check_sees_a_built_query() -> None:
    tree = ast.parse("conn.execute(f\"select * from t where name = '{name}'\")")
    [call] = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert _built_sql(call.args[0]) == ["name"]
    assert PLACEHOLDERS.match("','.join('?' * len(ids))")


def test_default_limit_sits_between_the_two_big_pages() -> None:
    # The cases above assume it: the 5 MB page is read, the 50 MB one is not.
    assert 5 * 1024 * 1024 < DEFAULT_MAX_BYTES < 50 * 1024 * 1024

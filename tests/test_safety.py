"""Nothing lost to a user's mistake (issue #16): what is at --db, an empty folder, a damaged
database, a killed run, and the smaller guards (relative paths, dated calls, typed runs).

Quick tests check the guards as functions; the slow ones run the real command line.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.ingest import scan_sources
from pipeline.model import Article, ArticleResult, CallInfo, Mention
from pipeline.reconcile.cluster import reconcile
from pipeline.store.database import full_date, write_database
from pipeline.store.guard import NotPipelineDatabase, check_existing
from test_cli import cli, one_error_line

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "dev"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_database(path: Path) -> Path:
    """A pipeline database of one article, written without spaCy or Prefect."""
    text = "Le projet Plateforme Vigie reçoit 1,2 M€."
    art = Article(id="a1", path="a.txt", text=text, published_on="2021-03-04")
    m = Mention(article_id="a1", name="Plateforme Vigie", start=10, end=26, rule="prose")
    results = [ArticleResult(article=art, mentions=[m])]
    write_database(path, results, [], reconcile(results, {}), [])
    return path


def damage(db: Path, tables=("articles", "projects", "mentions")) -> None:
    """Random bytes over the root pages of these tables; the header page stays valid."""
    conn = sqlite3.connect(db)
    size = conn.execute("pragma page_size").fetchone()[0]
    roots = conn.execute(f"select rootpage from sqlite_master where name in ({','.join('?' * len(tables))})",
                         tables).fetchall()
    conn.close()
    rng = random.Random(16)
    with open(db, "r+b") as fh:
        for (root,) in roots:
            fh.seek((root - 1) * size + 8)
            fh.write(bytes(rng.randrange(256) for _ in range(400)))


def other_application(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("create table contacts (name text, phone text)")
    conn.execute("insert into contacts values ('Agnès', '01 02 03 04 05')")
    conn.commit()
    conn.close()
    return path


NOT_OURS = {
    "random bytes": lambda p: p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(70_000))),
    "a text file": lambda p: p.write_text("Notes de réunion du mardi : relancer la DITP.\n", encoding="utf-8"),
    "another application's database": other_application,
}


# --- guards as functions ------------------------------------------------------------------------

@pytest.mark.parametrize("make, expected", [
    (NOT_OURS["random bytes"], "not an SQLite database (70,000 bytes of binary data)"),
    (NOT_OURS["a text file"], "not an SQLite database (a text file)"),
    (NOT_OURS["another application's database"], "another application (tables: contacts)"),
], ids=list(NOT_OURS))
def test_a_file_that_is_not_a_pipeline_database_is_refused_untouched(tmp_path, make, expected):
    db = tmp_path / "projects.db"
    make(db)
    before = digest(db)
    with pytest.raises(NotPipelineDatabase, match=expected.replace("(", r"\(").replace(")", r"\)")):
        check_existing(db)
    assert digest(db) == before and [p.name for p in tmp_path.iterdir()] == ["projects.db"]


@pytest.mark.parametrize("make, articles", [
    (lambda p: None, 0),  # nothing there yet
    (lambda p: p.write_bytes(b""), 0),  # an empty file is an empty SQLite database
    (lambda p: sqlite3.connect(p).execute("create table t (x)").execute("drop table t").connection.commit(), 0),
    (small_database, 1),
])
def test_a_new_or_healthy_database_is_accepted_with_its_article_count(tmp_path, make, articles):
    db = tmp_path / "projects.db"
    make(db)
    got = check_existing(db)
    assert (got.articles, got.set_aside, got.damage) == (articles, None, None)


def test_a_damaged_database_is_set_aside_not_deleted(tmp_path):
    db = small_database(tmp_path / "projects.db")
    damage(db)
    before = digest(db)
    seen = check_existing(db, set_aside_damaged=False)  # the command line's look, before the lock
    assert seen.damage and seen.set_aside is None and digest(db) == before
    got = check_existing(db)
    assert not db.exists() and got.damage
    aside = Path(got.set_aside)
    assert aside.name.startswith("projects.db.corrupt-") and aside.name.endswith("Z") and digest(aside) == before


def test_files_of_other_types_are_listed_with_their_reason(tmp_path):
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "photo.PNG").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "LISEZMOI").write_text("x", encoding="utf-8")
    found, skipped = scan_sources(tmp_path)
    assert found == [str(tmp_path / "a.html")]
    assert [(Path(s.path).name, s.error) for s in skipped] == [
        ("photo.PNG", "not read: a .png file, not an article (only .html, .htm, .txt files are read)"),
        ("LISEZMOI", "not read: a file without extension, not an article (only .html, .htm, .txt files are read)"),
    ]


@pytest.mark.parametrize("value, published, expected", [
    ("2021-09-23", None, "2021-09-23"),  # already a date
    (None, "2021-09-01", None),
    ("--09-23", None, None),  # no year anywhere: unknown, not half a date
    ("--09-23", "2021-09-30", "2021-09-23"),
    ("--12-18", "2022-01-05", "2021-12-18"),  # an article of early January reports December's award
    ("--01-10", "2021-12-20", "2022-01-10"),  # ... and one of late December, January's
    ("--02-29", "2023-03-01", "2024-02-29"),  # only a leap year has it
    ("--13-40", "2021-09-30", None),
])
def test_a_call_date_without_year_takes_the_nearest_year_or_none(value, published, expected):
    assert full_date(value, published) == expected


def test_stored_calls_never_hold_a_year_less_date_and_runs_are_typed(tmp_path):
    art = Article(id="a1", path="a.txt", text="x", published_on=None)
    results = [ArticleResult(article=art, call=CallInfo(fund="F", announced_on="--09-23", announced_precision="daymonth"))]
    db = tmp_path / "p.db"
    write_database(db, results, [], reconcile(results, {}), [], {"extract_rate": None, "articles": 1})
    conn = sqlite3.connect(db)
    assert conn.execute("select announced_on, announced_precision from calls").fetchall() == [(None, None)]
    declared = {r[1]: r[2] for r in conn.execute("pragma table_info(runs)")}
    assert declared["extract_rate"] == "REAL" and declared["articles"] == "INTEGER"
    conn.close()
    assert (tmp_path / "p.metadata.json").exists() and not (tmp_path / "metadata.json").exists()


def test_processes_minus_one_is_accepted_as_one_per_cpu():
    from pipeline.cli import build_parser
    from pipeline.run.config import Settings

    args = build_parser().parse_args(["run", "--processes", "-1"])
    assert args.processes == -1
    assert Settings(processes=-1).worker_processes >= 1


# --- the command line -----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("what", list(NOT_OURS))
def test_run_refuses_a_db_that_is_not_a_pipeline_database(tmp_path, what):
    db = tmp_path / "notes.db"
    NOT_OURS[what](db)
    before = digest(db)
    proc = cli("run", str(DEV), "--db", str(db))
    assert proc.returncode == 2
    assert "left untouched" in one_error_line(proc)
    assert digest(db) == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


@pytest.mark.slow
@pytest.mark.parametrize("contents", [{}, {"photo.png": b"\x89PNG\r\n\x1a\n" + bytes(200)}], ids=["empty", "image only"])
def test_run_over_a_folder_without_articles_leaves_a_full_database(tmp_path, contents):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, data in contents.items():
        (raw / name).write_bytes(data)
    db = small_database(tmp_path / "p.db")
    before = digest(db)
    proc = cli("run", str(raw), "--db", str(db))
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "no article file" in line and "holds 1 articles" in line and "--allow-empty" in line
    assert digest(db) == before


@pytest.mark.slow
def test_unreachable_dask_scheduler_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    proc = cli("run", str(DEV), "--db", str(tmp_path / "p.db"), "--dask-address", f"tcp://127.0.0.1:{port}")
    assert proc.returncode == 2
    assert f"could not start: no Dask scheduler answers at tcp://127.0.0.1:{port}" in one_error_line(proc)


@pytest.mark.slow
def test_dead_prefect_api_url_is_exit_2_could_not_start(tmp_path):
    proc = cli("run", str(DEV), "--db", str(tmp_path / "p.db"),
               env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert proc.returncode == 2
    assert "could not start: no Prefect server answers at http://127.0.0.1:9/api" in one_error_line(proc)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """The dev corpus with a photo in it, run once from the project root: (raw folder, database, output)."""
    base = tmp_path_factory.mktemp("first")
    raw = base / "raw"
    shutil.copytree(DEV, raw)
    (raw / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    db = base / "out" / "projects.db"
    proc = cli("run", os.path.relpath(raw, ROOT), "--db", str(db), "--processes", "0",
               env={"PREFECT_LOGGING_LEVEL": "INFO"}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return raw, db, proc


def projects(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select id, name, amount_m_eur, carriers, sources from projects order by id").fetchall()
    finally:
        conn.close()


@pytest.mark.slow
def test_a_run_records_skipped_files_relative_paths_and_cleaning_progress(first_run):
    raw, db, proc = first_run
    assert "1 other files skipped (1 .png), listed in ingest_errors" in proc.stderr
    assert f"clean: {len(list(DEV.iterdir()))}/{len(list(DEV.iterdir()))} articles" in proc.stderr
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select path, error from ingest_errors").fetchall() == [
            ("photo.png", "not read: a .png file, not an article (only .html, .htm, .txt files are read)")]
        paths = [r[0] for r in conn.execute("select path from articles")]
        assert sorted(paths) == sorted(p.name for p in DEV.iterdir())  # relative to the raw folder
        assert conn.execute("select typeof(extract_rate), skipped from runs").fetchall() == [("real", 1)]
    finally:
        conn.close()
    assert (db.parent / "projects.metadata.json").exists()


@pytest.mark.slow
def test_a_run_from_another_directory_is_up_to_date(first_run, tmp_path):
    raw, db, _ = first_run
    before = digest(db)
    proc = cli("run", str(raw.resolve()), "--db", str(db), cwd=tmp_path)  # absolute path, other working dir
    assert proc.returncode == 0 and proc.stdout.startswith("up to date:"), proc.stdout + proc.stderr[-2000:]
    assert digest(db) == before


@pytest.mark.slow
def test_a_damaged_database_is_rebuilt_whole_and_kept_aside(first_run, tmp_path):
    raw, original, _ = first_run
    db = tmp_path / "projects.db"
    shutil.copy(original, db)
    damage(db)
    broken = digest(db)
    proc = cli("run", str(raw), "--db", str(db), "--processes", "0")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "is damaged" in proc.stderr and "moved to" in proc.stderr
    [aside] = list(tmp_path.glob("projects.db.corrupt-*"))
    assert digest(aside) == broken
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert projects(db) == projects(original)


@pytest.mark.slow
def test_allow_empty_replaces_the_database_with_an_empty_one(first_run, tmp_path):
    _, original, _ = first_run
    db = tmp_path / "projects.db"
    shutil.copy(original, db)
    raw = tmp_path / "raw"
    raw.mkdir()
    proc = cli("run", str(raw), "--db", str(db), "--allow-empty", "--processes", "0")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert projects(db) == []


# --- a killed run takes its processes with it ---------------------------------------------------

def _descendants(proc: subprocess.Popen) -> list:
    import psutil

    try:
        return psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(processes: list) -> list:
    import psutil

    out = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _started_everything(run: subprocess.Popen) -> bool:
    import psutil

    commands = {}
    for p in _alive(_descendants(run)):
        try:
            commands[p.pid] = (p.ppid(), " ".join(p.cmdline()))
        except psutil.Error:
            pass
    server = any("pipeline.run.tether" in cmd for _, cmd in commands.values())
    forkservers = {pid for pid, (parent, cmd) in commands.items() if parent == run.pid and "forkserver" in cmd}
    return server and any(parent in forkservers for parent, _ in commands.values())


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_killing_a_run_leaves_no_process_behind(tmp_path, sig):
    raw = tmp_path / "raw"
    shutil.copytree(DEV, raw)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(raw), "--db", str(tmp_path / "p.db"),
                            "--processes", "1"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # once the run has started everything it starts: the temporary server and a worker (a
        # child of the fork server); not after a fixed delay, which a fast start would outlive
        while run.poll() is None and not _started_everything(run):
            time.sleep(0.2)
        assert run.poll() is None, "the run ended before it could be killed"
        children = _descendants(run)
        assert len(children) >= 3  # the server, the fork server, a worker
        run.send_signal(sig)
        run.wait(timeout=60)
        import psutil

        psutil.wait_procs(_alive(children), timeout=10)
        left = [(p.pid, " ".join(p.cmdline())[:80]) for p in _alive(children)]
        assert left == []
        if sig != signal.SIGKILL:
            assert run.returncode == 128 + sig
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()

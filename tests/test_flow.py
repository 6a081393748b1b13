"""The flow end to end: incremental re-runs, changed/deleted/renamed files, --full, retries,
locking, the decisions hook, and crash recovery (a real run killed with SIGKILL)."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from pipeline.run import batch, fingerprint, flow, hashing, launch
from pipeline.run.checkpoint import checkpoint_path
from pipeline.run.lock import DatabaseBusy

pytestmark = pytest.mark.slow  # every test here runs the flow

ROOT = Path(__file__).resolve().parents[1]
DERIVED = {"runs"}  # the run's own timings: the one table two equal runs do not share


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        return {t: sorted(conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables if t not in DERIVED}
    finally:
        conn.close()


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture()
def corpus(tmp_path, seeds_dir) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(seeds_dir, raw)
    return raw


def run(raw: Path, db: Path, **kw) -> dict:
    return flow.pipeline_flow(raw_dir=str(raw), db_path=str(db), batch_size=2, **kw)


def forbid_extraction(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("cleaned or extracted an article that was already done")

    monkeypatch.setattr(batch, "clean_batch", refuse)
    monkeypatch.setattr(batch, "extract_batch", refuse)


def test_rerun_over_the_same_files_extracts_nothing(prefect_server, corpus, tmp_path, monkeypatch, caplog):
    db = tmp_path / "p.db"
    first = run(corpus, db)
    assert (first["new"], first["unchanged"]) == (5, 0)
    before = dump(db)
    forbid_extraction(monkeypatch)
    caplog.set_level(logging.INFO, logger="prefect.flow_runs")
    again = run(corpus, db)
    assert (again["new"], again["unchanged"], again["articles"]) == (0, 5, 5)
    assert again.get("up_to_date") and "up to date: 5 files unchanged" in caplog.text
    assert dump(db) == before


def test_rerun_after_a_change_outside_extraction_loads_results_and_rewrites(prefect_server, corpus, tmp_path,
                                                                            monkeypatch, caplog):
    # reconcile.py or the decisions changed: stored extractions are still valid, the database is rebuilt
    db = tmp_path / "p.db"
    run(corpus, db)
    before = dump(db)
    forbid_extraction(monkeypatch)
    monkeypatch.setattr(fingerprint, "OUTPUT_HASH", "another-reconcile")
    caplog.set_level(logging.INFO, logger="prefect.flow_runs")
    again = run(corpus, db)
    assert (again["new"], again["unchanged"], again.get("up_to_date")) == (0, 5, None)
    assert "extract: 0 new, 5 unchanged" in caplog.text
    assert dump(db) == before


def test_changed_file_is_processed_again_and_other_ids_stay(prefect_server, corpus, tmp_path):
    db = tmp_path / "p.db"
    run(corpus, db)
    kept = dict(rows(db, "select article_id || ':' || start, project_id from mentions"))
    [edited, *_] = sorted(corpus.iterdir())
    old_id = rows(db, f"select id from articles where path = '{edited}'")[0][0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nMis à jour.\n", encoding="utf-8")
    summary = run(corpus, db)
    assert (summary["new"], summary["unchanged"]) == (1, 4)
    assert rows(db, f"select count(*) from articles where id = '{old_id}'") == [(0,)]
    now = dict(rows(db, "select article_id || ':' || start, project_id from mentions"))
    untouched = {k: v for k, v in kept.items() if not k.startswith(old_id)}
    assert {k: now[k] for k in untouched} == untouched


def test_deleted_file_leaves_articles_mentions_and_projects(prefect_server, corpus, tmp_path):
    db = tmp_path / "p.db"
    run(corpus, db)
    [gone, *_] = sorted(corpus.iterdir())
    [(gone_id,)] = rows(db, f"select id from articles where path = '{gone}'")
    gone.unlink()
    summary = run(corpus, db)
    assert (summary["new"], summary["unchanged"]) == (0, 4)
    assert rows(db, f"select count(*) from articles where id = '{gone_id}'") == [(0,)]
    assert rows(db, f"select count(*) from mentions where article_id = '{gone_id}'") == [(0,)]
    assert rows(db, f"select count(*) from processed where content_id = '{gone_id}'") == [(0,)]
    assert all(gone_id not in src for (src,) in rows(db, "select sources from projects"))


def test_renamed_file_keeps_its_results_under_the_new_name(prefect_server, corpus, tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    run(corpus, db)
    [old, *_] = sorted(corpus.iterdir())
    [(aid,)] = rows(db, f"select id from articles where path = '{old}'")
    new = corpus / "renamed.txt"
    old.rename(new)
    forbid_extraction(monkeypatch)
    assert run(corpus, db)["unchanged"] == 5
    assert rows(db, f"select path from articles where id = '{aid}'") == [(str(new),)]


def test_full_extracts_everything_and_keeps_the_same_rows(prefect_server, corpus, tmp_path):
    db = tmp_path / "p.db"
    run(corpus, db)
    before = dump(db)
    summary = run(corpus, db, full=True)
    assert (summary["new"], summary["unchanged"]) == (5, 0)
    assert dump(db) == before


@pytest.mark.parametrize("second_run", [False, True])
def test_same_content_under_two_names_is_kept_once(prefect_server, corpus, tmp_path, second_run):
    db = tmp_path / "p.db"
    [src, *_] = sorted(corpus.iterdir())
    if second_run:
        run(corpus, db)
    shutil.copy(src, corpus / "zz-copy.txt")
    summary = run(corpus, db)
    assert summary["articles"] == 5
    assert rows(db, "select path, error from ingest_errors") == [(str(corpus / "zz-copy.txt"),
                                                                  f"same content as {src} (kept once)")]


def test_transient_read_error_is_retried(prefect_server, corpus, tmp_path, monkeypatch):
    [flaky_path, *_] = sorted(str(p) for p in corpus.iterdir())
    calls = []
    real_read = hashing.read_bytes

    def flaky(path, *a, **k):
        if path == flaky_path:
            calls.append(path)
            if len(calls) == 1:
                raise OSError(errno.EIO, "Input/output error")
        return real_read(path, *a, **k)

    monkeypatch.setattr(hashing, "read_bytes", flaky)
    monkeypatch.setattr(flow.hash_task, "retry_delay_seconds", [0])
    db = tmp_path / "p.db"
    summary = run(corpus, db)
    assert len(calls) == 2
    assert (summary["articles"], summary["failed"]) == (5, 0)


def test_permanent_read_error_is_recorded(prefect_server, corpus, tmp_path):
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    db = tmp_path / "p.db"
    summary = run(corpus, db)
    assert summary["failed"] == 1
    [(path, error)] = rows(db, "select path, error from ingest_errors")
    assert path.endswith("dangling.txt") and error.startswith("cannot read")


def test_failed_extraction_is_tried_again_next_run(prefect_server, corpus, tmp_path, monkeypatch):
    real = batch.extract_batch

    def one_fails(articles):
        out = real(articles)
        for r in out:
            if r.article.path.endswith(".txt") and r is out[0]:
                r.error = "cannot extract: simulated"
        return out

    db = tmp_path / "p.db"
    monkeypatch.setattr(batch, "extract_batch", one_fails)
    failed = run(corpus, db)["extract_errors"]
    assert failed >= 1
    monkeypatch.setattr(batch, "extract_batch", real)
    summary = run(corpus, db)
    assert (summary["new"], summary["extract_errors"]) == (failed, 0)


def test_run_crashed_before_store_resumes_from_its_checkpoint(prefect_server, corpus, tmp_path, monkeypatch):
    reference = tmp_path / "ref.db"
    run(corpus, reference)
    db = tmp_path / "p.db"

    def crash(*_a, **_k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(flow, "write_database", crash)
    with pytest.raises(RuntimeError):
        run(corpus, db)
    monkeypatch.undo()
    assert not db.exists() and checkpoint_path(db).exists()
    forbid_extraction(monkeypatch)
    summary = run(corpus, db)
    assert (summary["new"], summary["unchanged"]) == (0, 5)
    assert dump(db) == dump(reference)
    assert not checkpoint_path(db).exists()


def test_run_stops_when_another_holds_the_database(prefect_server, corpus, tmp_path):
    db = tmp_path / "p.db"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pipeline.run.lock import db_lock
        with db_lock({str(db)!r}):
            print("held", flush=True)
            time.sleep(600)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy):
            run(corpus, db, wait_for_lock=False)
        assert not db.exists()
    finally:
        holder.kill()
        holder.wait()


def test_decisions_hook_gets_the_reconciled_projects(prefect_server, corpus, tmp_path, monkeypatch):
    seen = []

    def apply_decisions(reconciled, path):
        seen.append((len(reconciled.projects), path))
        return reconciled

    fake = types.SimpleNamespace(apply_decisions=apply_decisions, base_previous=lambda previous, db: previous)
    monkeypatch.setitem(sys.modules, "pipeline.review.decisions", fake)
    db = tmp_path / "p.db"
    summary = run(corpus, db, decisions_path="decisions.yaml")
    assert seen == [(summary["projects"], "decisions.yaml")]
    seen.clear()
    run(corpus, db)
    assert seen == []


# --- SIGKILL at any point, then a re-run ------------------------------------------------------

def make_corpus(dst: Path, seeds: Path, copies: int) -> Path:
    """Seeds and raw/ samples, each copied `copies` times with a small change (a new content id)."""
    for i in range(copies):
        sub = dst / f"copy{i:02d}"
        sub.mkdir(parents=True)
        for src in sorted(seeds.iterdir()) + sorted((ROOT / "raw").iterdir()):
            data = src.read_bytes()
            tag = f"copie {i}".encode()
            data = data.replace(b"</body>", b"<!-- " + tag + b" --></body>") if src.suffix != ".txt" else data + b"\n" + tag
            (sub / src.name).write_bytes(data)
    return dst


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory, seeds_dir):
    return make_corpus(tmp_path_factory.mktemp("big") / "raw", seeds_dir, copies=3)


@pytest.fixture(scope="module")
def big_reference(big_corpus, tmp_path_factory, prefect_server):
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    flow.pipeline_flow(raw_dir=str(big_corpus), db_path=str(db), batch_size=3)
    return dump(db)


def cli_env(prefect_server_url: str | None = None) -> dict:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    if prefect_server_url:
        env["PREFECT_API_URL"] = prefect_server_url
    return env


@pytest.fixture()
def server_url(prefect_server) -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def kill_when(cmd: list[str], env: dict, marker: str, deadline_s: float = 120) -> str:
    """Start cmd, SIGKILL it as soon as a line containing marker appears; its output so far."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    seen = []
    end = time.monotonic() + deadline_s
    try:
        for line in proc.stdout:
            seen.append(line)
            if marker in line or time.monotonic() > end:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    out = "".join(seen)
    assert marker in out, out[-2000:]
    return out


@pytest.mark.parametrize(
    "with_previous",
    [False, True],  # a first run; an incremental run over an existing database
)
def test_sigkill_then_rerun_gives_the_uninterrupted_database(big_corpus, big_reference, server_url, tmp_path,
                                                            with_previous):
    # Killed mid-extraction, once some batches are checkpointed; a kill once everything is
    # extracted is test_run_crashed_before_store_resumes_from_its_checkpoint, one while
    # writing is test_incremental's test_crash_while_writing_leaves_the_previous_database.
    db = tmp_path / "p.db"
    reference = big_reference
    if with_previous:
        subset = tmp_path / "subset"
        shutil.copytree(big_corpus / "copy00", subset / "copy00")
        flow.pipeline_flow(raw_dir=str(subset), db_path=str(db), batch_size=3)
        previous = dump(db)
        # the same history without the kill: ids are inherited from the subset's run
        ref_db = tmp_path / "ref.db"
        shutil.copy(db, ref_db)
        flow.pipeline_flow(raw_dir=str(big_corpus), db_path=str(ref_db), batch_size=3)
        reference = dump(ref_db)
    cmd = [sys.executable, "-m", "pipeline", "run", str(big_corpus), "--db", str(db), "--batch-size", "3"]
    kill_when(cmd, cli_env(server_url), "extract: 6/")
    if with_previous:
        assert dump(db) == previous  # the killed run left the last database as it was
    else:
        assert not db.exists()
    summary = flow.pipeline_flow(raw_dir=str(big_corpus), db_path=str(db), batch_size=3)
    assert dump(db) == reference
    assert summary["unchanged"] >= 6 + (13 if with_previous else 0)  # it reused what the killed run had done
    assert not checkpoint_path(db).exists()


def test_worker_processes_give_the_same_database(prefect_server, corpus, tmp_path):
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    run(corpus, here)
    from pipeline.run import workers

    try:
        summary = launch.flow_for(processes=2)(raw_dir=str(corpus), db_path=str(there), batch_size=2, processes=2)
    finally:
        workers.stop()
    assert (summary["new"], summary["extract_errors"]) == (5, 0)
    assert dump(there) == dump(here)

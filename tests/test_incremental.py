"""Incremental runs: result codec, pipeline version, read retries, checkpoint, lock, store."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.run import fingerprint, hashing, lock
from pipeline.run.checkpoint import Checkpoint, checkpoint_path
from pipeline.run.fingerprint import is_final, run_fingerprint, up_to_date
from pipeline.run.hashing import TransientReadError, read_content_ids
from pipeline.run.lock import DatabaseBusy, db_lock, lock_path
from pipeline.run.version import PIPELINE_VERSION, output_code_hash, rules_hash
from pipeline.store import database as store
from pipeline.store.codec import result_from_json, result_to_json
from pipeline.model import Article, ArticleResult, CallInfo, Mention, OrgMention
from pipeline.reconcile.cluster import reconcile

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def extracted(seeds_dir):
    from pipeline.run.batch import clean_batch, extract_batch
    from pipeline.ingest import list_sources

    articles, errors = clean_batch(list_sources(seeds_dir) + list_sources(ROOT / "raw"))
    assert not errors
    return extract_batch(articles)


# --- codec ---------------------------------------------------------------------------------

def test_every_extracted_result_survives_the_json_round_trip(extracted):
    for r in extracted:
        back = result_from_json(result_to_json(r), r.article.text)
        assert back == r, r.article.path
        assert result_from_json(result_to_json(r, with_text=True)) == r


def _result(**mention) -> ArticleResult:
    m = Mention(article_id="a1", name="Plateforme X", start=3, end=15, rule="list", **mention)
    art = Article(id="a1", path="x.txt", text="...Plateforme X...", published_span=(0, 3))
    return ArticleResult(article=art, mentions=[m], orgs=[OrgMention(0, 3, "Org", "O")],
                         call=CallInfo(fund="F", year=2020, announced_span=(1, 2)),
                         amounts=[{"start": 1, "end": 2, "value_m_eur": 0.2, "each": False}])


@pytest.mark.parametrize(
    "mention",
    [
        {},
        {"amount_span": (20, 30), "context_span": (0, 40), "occurrences": [(3, 15), (50, 62)]},
        {"amount_m_eur": 1.1, "amount_qualifier": "approx", "aliases": ["X"], "carriers": ["Ministère"]},
        {"score": 1, "acronym": "PX"},
    ],
)
def test_spans_come_back_as_tuples_and_values_unchanged(mention):
    r = _result(**mention)
    back = result_from_json(result_to_json(r, with_text=True))
    assert back == r
    assert isinstance(back.article.published_span, tuple)
    assert all(isinstance(o, tuple) for o in back.mentions[0].occurrences)


def test_stored_result_leaves_the_text_to_the_articles_table():
    r = _result()
    assert "...Plateforme X..." not in result_to_json(r)
    assert result_from_json(result_to_json(r), "...Plateforme X...").article.text == "...Plateforme X..."


def test_unknown_keys_from_another_model_version_are_ignored():
    raw = result_to_json(_result(), with_text=True).replace('"error": null', '"error": null, "later_field": 1')
    assert result_from_json(raw) == _result()


# --- pipeline version ----------------------------------------------------------------------

@pytest.fixture()
def pkg_copy(tmp_path):
    dst = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


@pytest.mark.parametrize(
    "edited, changes",
    [
        ("data/amounts.yaml", True),  # a rule
        ("data/projects.yaml", True),
        ("extract/article.py", True),  # extraction code
        ("clean/cleaner.py", True),
        ("store/database.py", False),  # writes results, does not make them
        ("reconcile/cluster.py", False),  # re-run over every result anyway
        ("cli.py", False),
    ],
)
def test_version_follows_extraction_rules_and_code(pkg_copy, edited, changes):
    assert (pkg_copy / edited).is_file()  # a moved module must not pass by editing a new file
    before = rules_hash(pkg_copy)
    with open(pkg_copy / edited, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert (rules_hash(pkg_copy) != before) is changes


def test_new_data_file_changes_the_version(pkg_copy):
    before = rules_hash(pkg_copy)
    (pkg_copy / "data" / "new_rules.yaml").write_text("a: 1\n", encoding="utf-8")
    assert rules_hash(pkg_copy) != before


def test_pipeline_version_names_package_and_rules():
    assert PIPELINE_VERSION.split("+")[0]
    assert len(PIPELINE_VERSION.split("+")[1]) == 12


# --- hashing with retries ------------------------------------------------------------------

def test_content_ids_match_ingest(tmp_path):
    from pipeline.ingest import read_source

    p = tmp_path / "a.txt"
    p.write_text("Un article.", encoding="utf-8")
    [(path, cid)] = read_content_ids([str(p)], 1000)
    assert cid == read_source(str(p)).id


@pytest.mark.parametrize("make", ["missing", "directory", "too_large"])
def test_permanent_problems_give_no_id_and_no_exception(tmp_path, make):
    p = tmp_path / "x.txt"
    if make == "directory":
        p.mkdir()
    elif make == "too_large":
        p.write_bytes(b"x" * 100)
    assert read_content_ids([str(p)], 10, last_attempt=False) == [(str(p), None)]


@pytest.mark.parametrize("code", [errno.EIO, errno.EAGAIN, errno.ESTALE])
def test_transient_error_raises_until_the_last_attempt(tmp_path, monkeypatch, code):
    p = tmp_path / "a.txt"
    p.write_text("texte", encoding="utf-8")

    def flaky(*_a, **_k):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(hashing, "read_bytes", flaky)
    with pytest.raises(TransientReadError):
        read_content_ids([str(p)], 1000, last_attempt=False)
    assert read_content_ids([str(p)], 1000, last_attempt=True) == [(str(p), None)]


# --- checkpoint ----------------------------------------------------------------------------

def test_checkpoint_keeps_batches_until_discarded(tmp_path, extracted):
    db = tmp_path / "p.db"
    ck = Checkpoint(db)
    assert ck.ids() == set()
    ck.add(extracted[:2])
    ck.close()
    again = Checkpoint(db)  # as after a crash: a new process opens it
    assert again.ids() == {r.article.id for r in extracted[:2]}
    loaded = again.load({extracted[0].article.id})
    assert list(loaded.values()) == [extracted[0]]
    again.discard()
    assert not checkpoint_path(db).exists()


def test_checkpoint_ignores_another_pipeline_version(tmp_path, extracted):
    db = tmp_path / "p.db"
    old = Checkpoint(db, version="0+old")
    old.add(extracted[:1])
    old.close()
    assert Checkpoint(db).ids() == set()


def test_checkpoint_skips_failed_extractions(tmp_path):
    ck = Checkpoint(tmp_path / "p.db")
    failed = _result()
    failed.error = "cannot extract: boom"
    ck.add([failed])
    assert ck.ids() == set()


def test_corrupt_checkpoint_is_discarded(tmp_path):
    db = tmp_path / "p.db"
    checkpoint_path(db).write_bytes(b"not a database at all" * 100)
    ck = Checkpoint(db)
    assert ck.ids() == set()
    ck.add([_result()])
    assert ck.ids() == {"a1"}


# --- lock ----------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys, time
    from pipeline.run.lock import db_lock
    with db_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
        print("releasing", flush=True)
""")


@pytest.fixture()
def holder(tmp_path):
    """Another process holding the lock of tmp_path/p.db until killed."""
    procs = []

    def start(seconds: float = 600):
        p = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "p.db"), str(seconds)],
                             stdout=subprocess.PIPE, cwd=ROOT)
        line = b""
        while not line.endswith(b"\n"):  # unbuffered: what follows stays in the pipe
            line += os.read(p.stdout.fileno(), 1)
        assert line == b"held\n"
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def test_second_run_stops_at_once_while_the_lock_is_held(tmp_path, holder):
    holder()
    with pytest.raises(DatabaseBusy, match="another run"):
        with db_lock(tmp_path / "p.db"):
            pass


def test_killed_holder_releases_the_lock(tmp_path, holder):
    p = holder()
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    with db_lock(tmp_path / "p.db"):
        pass


def test_waiting_run_gets_the_lock_when_the_holder_ends(tmp_path, holder):
    p = holder(seconds=1)
    with db_lock(tmp_path / "p.db", wait=True):
        os.set_blocking(p.stdout.fileno(), False)
        assert os.read(p.stdout.fileno(), 100) == b"releasing\n"  # we only got in once it had let go


def test_lock_is_reentrant_within_a_process(tmp_path):
    db = tmp_path / "p.db"
    with db_lock(db):
        with db_lock(db):
            pass
        with db_lock(db):  # still held by the outer block
            pass
    assert lock_path(db) not in lock._held


# --- store -----------------------------------------------------------------------------------

def _write(db, results, version=None):
    store.write_database(db, results, [], reconcile(results, store.read_previous(db)), [], {}, version=version)


def test_store_records_what_it_holds_for_this_version(tmp_path, extracted):
    db = tmp_path / "p.db"
    failed = ArticleResult(article=Article(id="bad1", path="bad.txt", text="x"), error="cannot extract: boom")
    _write(db, extracted + [failed])
    ids = {r.article.id for r in extracted}
    assert store.known_results(db, PIPELINE_VERSION) == ids  # not the failed one: it is tried again
    assert store.known_results(db, "0+other") == set()
    loaded = store.load_results(db, ids)
    assert sorted(loaded.values(), key=lambda r: r.article.id) == sorted(extracted, key=lambda r: r.article.id)


def test_known_results_of_a_database_without_the_tables(tmp_path):
    db = tmp_path / "old.db"
    sqlite3.connect(db).execute("create table articles (id text)").connection.close()
    assert store.known_results(db, PIPELINE_VERSION) == set()
    assert store.known_results(tmp_path / "none.db", PIPELINE_VERSION) == set()


def test_crash_while_writing_leaves_the_previous_database(tmp_path, extracted, monkeypatch):
    db = tmp_path / "p.db"
    _write(db, extracted[:2])
    before = db.read_bytes()

    def crash(*_a, **_k):
        raise KeyboardInterrupt  # like a kill between two tables

    monkeypatch.setattr(store, "_write_incremental", crash)
    with pytest.raises(KeyboardInterrupt):
        _write(db, extracted)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_stale_temp_files_are_removed(tmp_path):
    db = tmp_path / "p.db"
    (tmp_path / ".p.db.tmp-12345").write_bytes(b"half")
    (tmp_path / "other.db").write_bytes(b"keep")
    assert store.remove_stale_temp(db) == [str(tmp_path / ".p.db.tmp-12345")]
    assert (tmp_path / "other.db").exists()


def test_organizations_reused_only_from_the_same_version(tmp_path, extracted):
    db = tmp_path / "p.db"
    rows = [{"name": "Agence B", "acronym": "AB", "kind": "agency", "parent": None},
            {"name": "Agence A", "acronym": None, "kind": "agency", "parent": "Agence B"}]
    res = extracted[:1]
    store.write_database(db, res, [], reconcile(res, {}), rows, {"pipeline_version": PIPELINE_VERSION})
    assert store.previous_organizations(db, PIPELINE_VERSION) == sorted(rows, key=lambda o: o["name"])
    assert store.previous_organizations(db, "0+other") is None


# --- up to date: the no-op run ------------------------------------------------------------------

HASHED = [("raw/a.html", "1" * 16), ("raw/b.txt", "2" * 16)]


@pytest.mark.parametrize("change", [
    lambda h, d: ([(p, "3" * 16 if p.endswith("a.html") else c) for p, c in h], d),  # a file's content
    lambda h, d: ([(p.replace("b.txt", "c.txt"), c) for p, c in h], d),  # a file renamed
    lambda h, d: (h + [("raw/d.txt", "4" * 16)], d),  # a file added
    lambda h, d: (h[:1], d),  # a file deleted
    lambda h, d: (h, d.write_text("merge: [[p1, p2]]\n") and d),  # an analyst's decision
])
def test_fingerprint_follows_every_input_of_the_output(tmp_path, change):
    decisions = tmp_path / "reconciliation.yaml"
    decisions.write_text("merge: []\n")
    before = run_fingerprint(HASHED, decisions, 1000)
    hashed, dec = change(list(HASHED), decisions)
    assert run_fingerprint(hashed, dec, 1000) != before


def test_fingerprint_ignores_order_and_follows_code_and_limits(tmp_path, monkeypatch):
    base = run_fingerprint(HASHED, None, 1000)
    assert run_fingerprint(HASHED[::-1], None, 1000) == base
    assert run_fingerprint(HASHED, None, 2000) != base  # a file over the limit is read differently
    monkeypatch.setattr(fingerprint, "OUTPUT_HASH", "other-code")
    assert run_fingerprint(HASHED, None, 1000) != base


def test_unreadable_file_means_never_up_to_date():
    # its read may succeed next time: such a run is never skipped
    assert run_fingerprint(HASHED + [("raw/locked.txt", None)], None, 1000) is None


def test_output_hash_covers_modules_outside_extraction(tmp_path):
    pkg = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = output_code_hash(pkg)
    assert rules_hash(pkg) == rules_hash(pkg)
    module = pkg / "reconcile" / "cluster.py"
    module.write_text(module.read_text() + "\n# changed\n")
    rules = rules_hash(pkg)
    assert output_code_hash(pkg) != before
    assert rules_hash(pkg) == rules  # stored extractions stay valid all the same


def test_up_to_date_reads_the_last_run_of_the_database(tmp_path, extracted):
    raw = tmp_path / "raw"
    raw.mkdir()
    for r in extracted[:2]:
        (raw / f"{r.article.id}.txt").write_text(r.article.text, encoding="utf-8")
    paths = sorted(str(p) for p in raw.iterdir())
    db = tmp_path / "p.db"
    assert up_to_date(paths, db, None, 10_000_000) is None  # no database yet
    fp = run_fingerprint(read_content_ids(paths, 10_000_000), None, 10_000_000)
    res = extracted[:2]
    store.write_database(db, res, [], reconcile(res, {}), [], {"articles": 2, "input_fingerprint": fp})
    assert up_to_date(paths, db, None, 10_000_000)["articles"] == 2
    Path(paths[0]).write_text("changed", encoding="utf-8")
    assert up_to_date(paths, db, None, 10_000_000) is None
    store.write_database(db, res, [], reconcile(res, {}), [], {"articles": 2})  # a run from before fingerprints
    assert up_to_date(paths, db, None, 10_000_000) is None


@pytest.mark.parametrize("run, final", [
    ({"extract_errors": 0, "retryable": 0}, True),
    ({"extract_errors": 2, "retryable": 0}, False),  # failed extractions are tried again on every run
    ({"extract_errors": 0, "retryable": 1}, False),  # a worker died on a file: it may not next time
    ({}, True),
])
def test_runs_with_something_to_retry_are_never_up_to_date(run, final):
    assert is_final(run) is final

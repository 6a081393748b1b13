"""End to end: the real command on real articles, scored by the project's own scorer.

The figures are gates: a change that lowers one of them fails here. Seeds: the five
real articles of ../shared/seeds against ../shared/gold/seeds.json (skipped, with the
reason, when ../shared is not beside the project). Development set: articles written for
this project (tests/data/dev) with their own gold file, the measure of how the rules
generalise. Samples: raw/ with tests/data/raw_gold.json. The scorer is
`pipeline/evaluate` (`python -m pipeline score`), which gives the external referee's
figures (tests/test_score_agreement.py), so these gates run in a clone without ../shared.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import GOLD, ROOT, SEEDS, SHARED
from pipeline.evaluate import gold as gold_files
from pipeline.evaluate.metrics import score as score_database

pytestmark = pytest.mark.slow

SEED_GATES = {
    "projects_f1": 0.95, "mentions_f1": 0.95, "amount_acc": 1.0, "mention_amount_acc": 0.95,
    "carriers_f1": 0.90, "bcubed_f1": 0.97, "sources_f1": 0.95, "announced_acc": 0.9,
    "published_acc": 1.0, "grounded": 1.0, "content_kept": 1.0, "boilerplate_dropped": 0.9, "hyphens_ok": 0.9,
}
SEED_CEILINGS = {"trap_rows": 0, "duplicate_rows": 0, "amount_spurious": 0}
# The development set is held to the seeds' standard (the accuracy issue's thresholds).
DEV_GATES = {k: v for k, v in SEED_GATES.items() if k not in ("boilerplate_dropped", "hyphens_ok")}
DEV_CEILINGS = {"trap_rows": 0, "duplicate_rows": 0, "amount_spurious": 0}
# The samples and the held-out set (written blind, see the README) are held at what the
# rules reach today, to catch regressions; they are below the seeds' standard.
RAW_GATES = {
    "projects_f1": 0.93, "mentions_f1": 0.9, "amount_acc": 0.93, "carriers_f1": 0.85, "bcubed_f1": 0.97,
    "grounded": 1.0, "published_acc": 1.0, "content_kept": 1.0,
}
HELDOUT_GATES = {
    "projects_f1": 0.92, "mentions_f1": 0.88, "amount_acc": 0.94, "carriers_f1": 0.88, "bcubed_f1": 0.97,
    "grounded": 1.0, "published_acc": 1.0, "content_kept": 1.0,
}
# The blind set (tests/data/blind): 18 articles a teammate wrote from the genre alone, without
# seeing the rules or the shared pages. Scored once before any rule was written from it
# (projects_f1 0.52, mentions_f1 0.50: an honest estimate for unseen text), then read and
# worked on; held here just below what the rules reach now (0.87 / 0.84), to catch regressions.
# The second blind set (tests/data/blind2): 16 articles by another teammate, same method. Scored
# first with the fifth round's code: 0.56 / 0.52 (the code before that round: 0.52 / 0.48); then
# read and worked on (0.86 / 0.80 now). A third set, never read, is scored outside the project
# after each round (README, Accuracy): the honest figure lives there, not here.
BLIND2_GATES = {
    "projects_f1": 0.84, "mentions_f1": 0.77, "amount_acc": 0.95, "carriers_f1": 0.70,
    "bcubed_f1": 0.97, "grounded": 1.0, "published_acc": 0.9, "content_kept": 1.0,
}
# The fourth set (tests/data/blind4): 18 articles by another teammate, same method, written with
# more projects in running prose. Scored first with the code of the start of the seventh round:
# 0.72 / 0.69 (carriers 0.54); then read and worked on (0.92 / 0.89, carriers 0.66 now).
BLIND4_GATES = {
    "projects_f1": 0.90, "mentions_f1": 0.86, "amount_acc": 0.93, "mention_amount_acc": 0.9, "carriers_f1": 0.62,
    "bcubed_f1": 0.95, "grounded": 1.0, "published_acc": 0.9, "content_kept": 1.0,
}
BLIND_GATES = {
    "projects_f1": 0.85, "mentions_f1": 0.82, "amount_acc": 0.95, "mention_amount_acc": 0.95, "carriers_f1": 0.79,
    "bcubed_f1": 0.97, "grounded": 1.0, "published_acc": 0.9, "content_kept": 1.0,
}


def run_cli(raw_dir, db, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_API_URL": os.environ.get("PREFECT_API_URL", "")}
    if not env["PREFECT_API_URL"]:
        env.pop("PREFECT_API_URL")
    return subprocess.run([sys.executable, "-m", "pipeline", "run", str(raw_dir), "--db", str(db)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def score(db, gold) -> dict:
    metrics, _ = score_database(db, gold_files.load(gold))
    return metrics


def check(metrics: dict, gates: dict, ceilings: dict | None = None) -> list[str]:
    low = [f"{k}={metrics[k]} < {v}" for k, v in gates.items() if metrics[k] < v]
    high = [f"{k}={metrics[k]} > {v}" for k, v in (ceilings or {}).items() if metrics[k] > v]
    return low + high


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    if not SEEDS.is_dir() or not GOLD.is_file():
        pytest.skip("../shared/seeds and ../shared/gold/seeds.json are not beside the project")
    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "seeds.db"
    proc = run_cli(SEEDS, db, tmp)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return db, proc


def test_cli_run_on_seeds_meets_the_gates(seeds_db):
    db, proc = seeds_db
    assert "done: 5 articles read, 0 unreadable" in proc.stdout
    problems = check(score(db, GOLD), SEED_GATES, SEED_CEILINGS)
    assert not problems, problems


def test_second_run_keeps_rows_and_ids(seeds_db, tmp_path):
    import sqlite3

    db, _ = seeds_db
    def snapshot():
        conn = sqlite3.connect(db)
        rows = {t: conn.execute(f"select * from [{t}] order by 1").fetchall()  # noqa: S608 - fixed table names
                for t in ("articles", "projects", "mentions", "organizations", "ingest_errors")}
        conn.close()
        return rows
    before = snapshot()
    proc = run_cli(SEEDS, db, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert snapshot() == before


def _build_in_process(raw, db) -> None:
    """The stages the flow runs, in this process (no Prefect server), from a folder to a database."""
    from pipeline.run.batch import clean_batch, extract_batch
    from pipeline.ingest import list_sources
    from pipeline.extract.organizations import load_gazetteer
    from pipeline.reconcile.cluster import reconcile
    from pipeline.store.database import write_database

    arts, errs = clean_batch(list_sources(raw))
    results = extract_batch(arts)
    assert not [r.error for r in results if r.error]
    write_database(db, results, errs, reconcile(results), load_gazetteer().rows())


@pytest.mark.parametrize(
    "raw, gold, gates, ceilings",
    [
        (ROOT / "tests" / "data" / "dev", ROOT / "tests" / "data" / "dev_gold.json", DEV_GATES, DEV_CEILINGS),
        (ROOT / "raw", ROOT / "tests" / "data" / "raw_gold.json", RAW_GATES, {"trap_rows": 0}),
        (ROOT / "tests" / "data" / "heldout", ROOT / "tests" / "data" / "heldout_gold.json", HELDOUT_GATES, {"trap_rows": 0}),
        (ROOT / "tests" / "data" / "blind", ROOT / "tests" / "data" / "blind_gold.json", BLIND_GATES, {"trap_rows": 3}),
        (ROOT / "tests" / "data" / "blind2", ROOT / "tests" / "data" / "blind2_gold.json", BLIND2_GATES, {"trap_rows": 0}),
        (ROOT / "tests" / "data" / "blind4", ROOT / "tests" / "data" / "blind4_gold.json", BLIND4_GATES, {"trap_rows": 3}),
    ],
    ids=["dev", "raw", "heldout", "blind", "blind2", "blind4"],
)
def test_generalisation_sets(raw, gold, gates, ceilings, tmp_path):
    """In-process: the same stages the flow runs, on articles the rules were not written from."""
    db = tmp_path / "out.db"
    _build_in_process(raw, db)
    problems = check(score(db, gold), gates, ceilings)
    assert not problems, problems


# Real press pages nobody on the team wrote (../shared/pages, issue 12), held just below what
# the rules reach on all 35 (projects_f1 0.93, mentions_f1 0.91, amount_acc 0.94,
# mention_amount_acc 0.84, carriers_f1 0.91, bcubed_f1 1.0). The 8 pages left out while the
# rules were written (every fourth page by name) scored projects_f1 0.59 each time they were
# measured before their misses were read: the honest estimate for unseen pages.
PAGES = SHARED / "pages"
PAGES_GOLD = SHARED / "gold" / "pages.json"
PAGES_GATES = {
    "projects_f1": 0.90, "mentions_f1": 0.90, "amount_acc": 0.95, "mention_amount_acc": 0.90,
    "carriers_f1": 0.88, "bcubed_f1": 0.97, "grounded": 1.0,
}
PAGES_CEILINGS = {"trap_rows": 0}


def test_shared_real_pages(tmp_path):
    if not PAGES.is_dir() or not PAGES_GOLD.is_file():
        pytest.skip("../shared/pages is not beside the project")
    db = tmp_path / "pages.db"
    _build_in_process(PAGES, db)
    problems = check(score(db, PAGES_GOLD), PAGES_GATES, PAGES_CEILINGS)
    assert not problems, problems

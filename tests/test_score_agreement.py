"""The project's scorer and the external referee (../shared/eval/score.py) give the same
figures, metric by metric, on databases the pipeline builds from the shared articles.

The referee stays the referee: this test only checks that `python -m pipeline score`
measures what it measures. Skipped, with the reason, when ../shared is not beside the project.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SCORER, SHARED
from pipeline.evaluate import gold as gold_files
from pipeline.evaluate.metrics import score

SETS = {"seeds": (SHARED / "seeds", SHARED / "gold" / "seeds.json"),
        "pages": (SHARED / "pages", SHARED / "gold" / "pages.json")}

pytestmark = pytest.mark.slow


def build_database(raw_dir, db) -> None:
    """The flow's stages in this process (no Prefect server): what `run` writes from raw_dir."""
    from pipeline.extract.organizations import load_gazetteer
    from pipeline.ingest import list_sources
    from pipeline.reconcile.cluster import reconcile
    from pipeline.run.batch import clean_batch, extract_batch
    from pipeline.store.database import write_database

    articles, errors = clean_batch(list_sources(str(raw_dir)))
    results = extract_batch(articles)
    write_database(db, results, errors, reconcile(results), load_gazetteer().rows())


@pytest.fixture(scope="session")
def shared_databases(tmp_path_factory):
    """One database per shared set, built once per session."""
    missing = [str(p) for raw, gold in SETS.values() for p in (raw, gold, SCORER) if not p.exists()]
    if missing:
        pytest.skip(f"../shared is not beside the project (no {missing[0]}): nothing to compare with the referee")
    out = tmp_path_factory.mktemp("agreement")
    dbs = {}
    for name, (raw, gold) in SETS.items():
        dbs[name] = (out / f"{name}.db", gold)
        build_database(raw, dbs[name][0])
    return dbs


def referee(db, gold, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCORER), str(db), str(gold), *args], capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(SETS))
def test_both_scorers_give_the_same_figures(shared_databases, name):
    db, gold = shared_databases[name]
    ours, _ = score(db, gold_files.load(gold))
    theirs = json.loads(referee(db, gold, "--json").stdout)
    assert list(ours) == list(theirs)
    assert {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]} == {}


@pytest.mark.parametrize("name", sorted(SETS))
def test_both_scorers_explain_the_same_misses(shared_databases, name):
    db, gold = shared_databases[name]
    _, ours = score(db, gold_files.load(gold), explain=True)
    theirs = [line[4:] for line in referee(db, gold, "--explain").stdout.splitlines() if line.startswith("  - ")]
    # the same notes; a gold amount is quoted as the file writes it ("200" rather than "200.0")
    assert sorted(ours) == sorted(theirs)


def test_the_command_and_the_referee_print_the_same_json(shared_databases):
    db, gold = shared_databases["seeds"]
    ours = subprocess.run([sys.executable, "-m", "pipeline", "score", str(db), str(gold), "--json"],
                          capture_output=True, text=True, check=True)
    assert json.loads(ours.stdout) == json.loads(referee(db, gold, "--json").stdout)

"""Worker processes for clean and extract (pipeline/workers.py) and batch extraction."""

from __future__ import annotations

import os

import pytest

from pipeline.run import workers
from pipeline.run.batch import WORKER_DIED, clean_batch, extract_batch
from pipeline.extract.article import extract_article, extract_many
from pipeline.ingest import list_sources
from pipeline.model import Article, ArticleResult


def double_all(items: list[int]) -> list[int]:
    """Kills its worker on 13, like a C extension crashing on one input."""
    if 13 in items:
        os._exit(70)
    return [2 * x for x in items]


@pytest.fixture(scope="module")
def pool():
    workers.start(2)
    yield
    workers.stop()


@pytest.mark.slow
def test_batch_runs_in_a_worker_process(pool):
    assert workers.run_batch(double_all, [1, 2, 3], 2, merge=lambda ps: sum(ps, []), on_crash=lambda x: [None]) == [2, 4, 6]
    assert workers.REHEARSAL not in os.environ  # set for the fork server's start only


@pytest.mark.slow
def test_input_that_kills_a_worker_is_recorded_and_the_rest_kept(pool):
    got = workers.run_batch(double_all, [1, 13, 3], 2, merge=lambda ps: sum(ps, []), on_crash=lambda x: [f"died on {x}"])
    assert got == [2, "died on 13", 6]
    # the pool was replaced and still works
    assert workers.run_batch(double_all, [5], 2, merge=lambda ps: sum(ps, []), on_crash=lambda x: [None]) == [10]


@pytest.mark.slow
def test_worker_results_equal_in_process_results(pool, seeds_dir):
    paths = list_sources(seeds_dir)
    arts, errs = clean_batch(paths)
    assert not errs
    here = extract_batch(arts)
    there = workers.run_batch(extract_batch, arts, 2, merge=lambda ps: sum(ps, []),
                              on_crash=lambda a: [ArticleResult(article=a, error=WORKER_DIED.format(stage="extract"))])
    assert there == here


def test_cpus_available_to_this_process():
    assert 1 <= workers.available_cpus() <= (os.cpu_count() or 1)


# --- extraction of a batch: one model call for every article --------------------------------

def test_batch_extraction_equals_article_by_article(seeds_dir):
    arts, _ = clean_batch(list_sources(seeds_dir))
    calls = []

    def parse(texts):
        from pipeline.extract.nlp import parse_sentences

        calls.append(len(texts))
        return parse_sentences(texts)

    assert extract_many(arts, parse) == [extract_article(a) for a in arts]
    assert len(calls) == 1 and calls[0] > 0


def test_one_bad_article_is_recorded_and_the_batch_goes_on(seeds_dir):
    arts, _ = clean_batch(list_sources(seeds_dir)[:2])
    bad = Article(id="bad", path="bad.txt", text="Un texte.", published_on="2021-13-45")  # impossible date
    got = extract_batch([arts[0], bad, arts[1]])
    assert [r.article.id for r in got] == [arts[0].id, "bad", arts[1].id]
    assert got[1].error.startswith("cannot extract: ValueError") and not got[0].error and got[0].mentions


def test_model_failing_on_the_batch_is_retried_article_by_article(seeds_dir):
    arts, _ = clean_batch(list_sources(seeds_dir)[:2])
    from pipeline.extract.nlp import parse_sentences

    poisoned = Article(id="p", path="p.txt", text="Le projet Zyxwv est financé par le fonds.", published_on="2021-03-02")

    def parse(texts):
        if any("Zyxwv" in t for t in texts):
            raise RuntimeError("the model cannot read this one")
        return parse_sentences(texts)

    got = extract_many([arts[0], poisoned, arts[1]], parse, on_error=lambda a, e: ArticleResult(article=a, error=str(e)))
    assert [r.error for r in got] == [None, "the model cannot read this one", None]
    assert got[0] == extract_article(arts[0]) and got[2] == extract_article(arts[1])


@pytest.mark.slow
def test_workers_exit_when_their_owner_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    owner = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import time
        from pipeline.run import workers
        pool = workers.start(2)
        workers.run_batch(sorted, [2, 1], 2, merge=lambda ps: ps, on_crash=lambda x: x)
        print(*pool._processes, flush=True)
        time.sleep(600)
    """)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in owner.stdout.readline().split()]
    assert len(pids) == 2
    owner.send_signal(signal.SIGKILL)
    owner.wait()

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().split()[2] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 60
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in pids)


# --- the fork server's load, lowered while a temporary server starts -------------------------

def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.parametrize("asked, lowered_by", [("", 0), ("0", 0), ("5", 5), ("not a number", 0)])
def test_preload_runs_the_warm_up_lowered_as_asked_and_leaves_the_caller_as_it_was(monkeypatch, asked, lowered_by):
    base = _own_niceness()
    seen: list[int] = []
    monkeypatch.setattr(workers, "warm_up", lambda: seen.append(_own_niceness()))
    monkeypatch.setenv(workers.PRELOAD_NICENESS, asked)
    workers.preload()
    assert seen == [min(base + lowered_by, 19)]
    assert _own_niceness() == base  # the thread that forks the workers keeps the run's priority


LOWERED_POOL = """
import os
from pipeline.run import workers

def niceness(_items):
    return os.getpriority(os.PRIO_PROCESS, 0)

if __name__ == "__main__":
    workers.start(1, rehearse=(), niceness=7)
    assert workers.PRELOAD_NICENESS not in os.environ  # set for the fork server's start only
    print(workers.run_batch(niceness, [0], 1, merge=lambda ps: ps[0], on_crash=lambda x: None))
    workers.stop()
"""


@pytest.mark.slow
def test_workers_of_a_lowered_fork_server_run_at_the_run_s_priority(tmp_path):
    """In a process of its own: a fork server is started once per process, with the environment of then."""
    import subprocess
    import sys

    script = tmp_path / "lowered_pool.py"
    script.write_text(LOWERED_POOL, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) == _own_niceness()

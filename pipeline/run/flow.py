"""The Prefect flow: ingest -> hash -> clean -> extract -> reconcile -> store.

One task per stage and per batch of articles (a Prefect task costs ~5 ms and ~20 KB of
server database, and ten thousand of them overflow its event queue), plain functions
from `pipeline/` inside. The spaCy model is loaded once per process by the extract
function itself and never passed as an argument.

Incremental: files are hashed first; an article whose content id the database (or the
checkpoint of an interrupted run) already holds for this PIPELINE_VERSION is loaded, not
cleaned or extracted again. Reconciliation always runs over every current article, and
only the flow's own process writes SQLite (the checkpoint per batch, the database at the
end): Dask workers return results and write nothing.

The command line (`pipeline/cli.py`) and the top-level `flows.py` are the entry points;
nothing in the package imports `flows.py`.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.ingest import DEFAULT_MAX_BYTES, scan_sources
from pipeline.model import Article, ArticleResult, SourceFile
from pipeline.run import batch
from pipeline.run.checkpoint import Checkpoint
from pipeline.run.fingerprint import is_final, last_run, run_fingerprint
from pipeline.run.hashing import read_content_ids
from pipeline.run.lock import db_lock
from pipeline.run.timeline import mark
from pipeline.run.version import PIPELINE_VERSION
from pipeline.store.database import (known_results, load_results, previous_organizations, read_previous,
                                     remove_stale_temp, write_database)
from pipeline.store.guard import EmptyInput, check_existing, empty_message

FLOW_NAME = "press-funding-pipeline"
READ_RETRIES = 2
# No Prefect caching: its default policy hashes every task's inputs to make a cache key,
# and hashing a batch of articles (or every result, for reconcile and store) cost seconds
# per run for nothing; what is done is recorded by content hash in the output database
# (`processed`), written in the same transaction as the results.
# For the same reason, large arguments go in `quote(...)`: Prefect otherwise walks every
# field of every article and result looking for futures to track.
TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}


def _quoter():
    """`quote` under Prefect's threads; nothing on Dask, whose workers get the arguments
    serialised (no introspection to spare) and where a quoted list arrived mangled."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if ctx is not None and isinstance(ctx.task_runner, ThreadPoolTaskRunner):
        return quote
    return lambda x: x


@task(name="ingest", retries=READ_RETRIES, retry_delay_seconds=1, **TASK_OPTIONS)
def ingest_task(raw_dir: str) -> tuple[list[str], list[SourceFile]]:
    return scan_sources(raw_dir)


@task(name="hash", retries=READ_RETRIES, retry_delay_seconds=1, **TASK_OPTIONS)
def hash_task(paths: list[str], max_bytes: int) -> list[tuple[str, str | None]]:
    from prefect.runtime import task_run

    # A transient read error raises (and Prefect retries) except on the last attempt,
    # where the file goes on to `clean`, which records the error in ingest_errors.
    return read_content_ids(paths, max_bytes, last_attempt=task_run.run_count > READ_RETRIES)


@task(name="clean", retries=1, retry_delay_seconds=1, **TASK_OPTIONS)
def clean_task(paths: list[str], max_bytes: int, processes: int = 0) -> tuple[list[Article], list[SourceFile]]:
    if processes < 1:
        return batch.clean_batch(paths, max_bytes)
    from functools import partial

    from pipeline.run import workers

    return workers.run_batch(partial(batch.clean_batch, max_bytes=max_bytes), paths, processes,
                             merge=lambda parts: ([a for p in parts for a in p[0]], [e for p in parts for e in p[1]]),
                             on_crash=lambda path: ([], [SourceFile(path=path, error=batch.WORKER_DIED.format(stage="clean"))]))


_WARM = threading.Lock()


def _warm_up() -> None:
    """Load the spaCy model and the gazetteer once per process before extracting.

    Their lru_caches do not stop two threads that miss at the same time from each
    building a copy: with Prefect's thread pool, the first batches would all load the
    model at once (three copies, four times slower to start).
    """
    with _WARM:
        from pipeline.extract.nlp import get_nlp
        from pipeline.extract.organizations import load_gazetteer
        from pipeline.run.regex_cache import kept

        with kept():  # the French tokenizer's patterns, compiled once per machine, not per load
            get_nlp()
        load_gazetteer()
        mark("model loaded in the flow's process")


@task(name="extract", **TASK_OPTIONS)
def extract_task(articles: list[Article], processes: int = 0) -> list[ArticleResult]:
    if processes < 1:
        if articles:
            _warm_up()
        return batch.extract_batch(articles)
    from pipeline.run import workers

    return workers.run_batch(batch.extract_batch, articles, processes, merge=lambda parts: [r for p in parts for r in p],
                             on_crash=lambda a: [ArticleResult(article=a, error=batch.WORKER_DIED.format(stage="extract"))])


@task(name="reconcile", **TASK_OPTIONS)
def reconcile_task(results: list[ArticleResult], previous: dict):
    from pipeline.reconcile.cluster import reconcile

    return reconcile(results, previous)


@task(name="store", **TASK_OPTIONS)
def store_task(db_path: str, results, errors, reconciled, run_info: dict) -> None:
    from pipeline.extract.organizations import load_gazetteer

    orgs = previous_organizations(db_path, PIPELINE_VERSION)
    if orgs is None:
        orgs = load_gazetteer().rows()
    write_database(db_path, results, errors, reconciled, orgs, run_info)


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class _Progress:
    """One log line per finished batch: done/total, rate, time left."""

    def __init__(self, log, stage: str, total: int):
        self.log, self.stage, self.total, self.done, self.t0 = log, stage, total, 0, time.perf_counter()

    def step(self, n: int) -> None:
        self.done += n
        dt = max(1e-6, time.perf_counter() - self.t0)
        rate = self.done / dt
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        self.log.info("%s: %d/%d articles (%.1f articles/s, ~%.0f s left)", self.stage, self.done, self.total, rate, left)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.t0


# In-process (processes=0), one batch at a time: extraction holds the GIL, so more threads
# would not go faster. With a pool of worker processes, `flow_for` gives as many threads as
# workers: each thread's task waits on its batch in a worker.
@flow(name=FLOW_NAME, log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=1))
def pipeline_flow(raw_dir: str = "raw", db_path: str = "extracted/projects.db", batch_size: int = 25,
                  max_bytes: int = DEFAULT_MAX_BYTES, full: bool = False, wait_for_lock: bool = True,
                  decisions_path: str | None = None, processes: int = 0, allow_empty: bool = False) -> dict:
    """Run once over `raw_dir` into `db_path`; only new or changed articles are extracted.

    full: ignore stored results and extract everything again (ids stay stable all the same).
    wait_for_lock: wait for a run already writing `db_path`, else raise DatabaseBusy.
    decisions_path: analysts' decisions applied after reconciliation (pipeline/review/decisions.py).
    processes: 0 cleans and extracts in this process; N in a pool of N worker processes
    (`pipeline/run/workers.py`), with as many batches in flight (see `pipeline/run/launch.py`).
    allow_empty: replace a database that holds articles even when no article file is found
    (otherwise EmptyInput, and the database is left as it is).
    Paths are stored relative to `raw_dir`: the same folder reached from elsewhere is the same input.
    """
    with db_lock(db_path, wait=wait_for_lock):
        return _run(raw_dir, db_path, batch_size, max_bytes, full, decisions_path, processes, allow_empty)


def _run(raw_dir, db_path, batch_size, max_bytes, full, decisions_path, processes, allow_empty=False) -> dict:
    mark("flow began")
    log = get_run_logger()
    q = _quoter()
    t0 = time.perf_counter()
    for tmp in remove_stale_temp(db_path):
        log.warning("removed %s, left by an interrupted run", tmp)
    existing = check_existing(db_path)  # NotPipelineDatabase: not ours, left untouched
    if existing.set_aside:
        log.warning("%s is damaged (%s): moved to %s; rebuilding it in full from the inputs and the decisions",
                    db_path, existing.damage, existing.set_aside)
    checkpoint = Checkpoint(db_path)
    if full:
        checkpoint.discard()

    def rel(path: str) -> str:
        return os.path.relpath(path, raw_dir)

    full_paths, skipped = ingest_task(raw_dir)
    for s in skipped:
        s.path = rel(s.path)
    log.info("ingest: %s", ingest_line(len(full_paths), skipped, raw_dir))
    if not full_paths and existing.articles and not allow_empty:
        raise EmptyInput(empty_message(raw_dir, skipped, db_path, existing.articles))

    # hash: which files are already done (same content id, same pipeline version)
    hashed: list[tuple[str, str | None]] = []
    for fut in [hash_task.submit(b, max_bytes) for b in chunks(full_paths, batch_size)]:
        hashed += [(rel(p), cid) for p, cid in fut.result()]
    fingerprint = run_fingerprint(hashed, decisions_path, max_bytes, skipped=[s.path for s in skipped])
    last = None if full else last_run(db_path)
    if fingerprint and last and is_final(last) and last.get("input_fingerprint") == fingerprint:
        # same files, code, rules and decisions as the database's last run: it would be rewritten identically
        summary = {"articles": last.get("articles", 0), "new": 0, "unchanged": last.get("articles", 0), "failed": last.get("failed", 0),
                   "skipped": last.get("skipped", 0),
                   "extract_errors": last.get("extract_errors", 0), "mentions": last.get("mentions", 0),
                   "projects": last.get("projects", 0), "extract_rate": None, "up_to_date": True,
                   "seconds": round(time.perf_counter() - t0, 2)}
        log.info("up to date: %d files unchanged since the run of %s, nothing to write", len(hashed), last.get("finished_at"))
        return summary
    in_db = set() if full else known_results(db_path, PIPELINE_VERSION)
    in_ckpt = set() if full else checkpoint.ids()
    done = in_db | in_ckpt
    first_path: dict[str, str] = {}  # content id -> first path (sorted) holding it
    dupes: list[SourceFile] = []
    for path, cid in sorted(hashed):
        if cid is not None and cid in done:
            if cid in first_path:
                dupes.append(SourceFile(path=path, id=cid, error=f"same content as {first_path[cid]} (kept once)"))
            else:
                first_path[cid] = path
    loaded = load_results(db_path, set(first_path) & in_db)
    loaded.update(checkpoint.load(set(first_path) - set(loaded)))
    for cid, r in loaded.items():
        r.article.path = first_path[cid]  # a renamed file keeps its results under its new name
    unchanged = {cid: first_path[cid] for cid in loaded}
    dupe_paths = {d.path for d in dupes}
    # what could not be loaded back is simply processed again
    new_paths = [p for p, cid in sorted(hashed) if p not in dupe_paths and cid not in unchanged]
    t1 = time.perf_counter()
    log.info("hash: %d files, %d already processed, %d to read (%.1f s)", len(hashed), len(unchanged) + len(dupes),
             len(new_paths), t1 - t0)

    # clean: new or changed files only
    from prefect.futures import as_completed

    articles: list[Article] = []
    errors: list[SourceFile] = list(dupes)
    cleaning = _Progress(log, "clean", len(new_paths))
    full_new = [os.path.join(raw_dir, p) for p in new_paths]
    # Untrusted pages are parsed in the workers even for one batch, never here: a parser that
    # crashes the interpreter (lxml is C) costs a worker that batch, here it would end the run.
    for fut in as_completed([clean_task.submit(b, max_bytes, processes) for b in chunks(full_new, batch_size)]):
        arts, errs = fut.result()
        for item in arts + errs:
            item.path = rel(item.path)
        articles += arts
        errors += errs
        cleaning.step(len(arts) + len(errs))
    errors.sort(key=lambda e: e.path)
    articles, more_dupes = _unique(articles, taken=unchanged)
    errors += more_dupes
    t2 = time.perf_counter()
    mark("articles read and cleaned")
    log.info("clean: %d new articles, %d unreadable (%.1f s)", len(articles), len(errors), t2 - t1)

    # extract: new articles only; each finished batch is checkpointed
    log.info("extract: %d new, %d unchanged", len(articles), len(unchanged))
    progress = _Progress(log, "extract", len(articles))
    extracted: list[ArticleResult] = []
    for fut in as_completed([extract_task.submit(q(b), processes) for b in chunks(articles, batch_size)]):
        got = fut.result()
        checkpoint.add(got)
        extracted += got
        progress.step(len(got))
    results = sorted(extracted + list(loaded.values()), key=lambda r: (r.article.path, r.article.id))
    failed = [r for r in results if r.error]
    for r in failed:
        log.warning("extract failed for %s: %s", r.article.path, r.error)
    t3 = time.perf_counter()
    mark("articles extracted")

    # ids stay stable across a damaged database when its mentions can still be read
    previous = read_previous(existing.set_aside or db_path)
    if decisions_path:
        # ids are inherited from reconcile's own last output, not from what decisions made of it
        from pipeline.review.decisions import base_previous

        previous = base_previous(previous, db_path)
    reconciled = reconcile_task(q(results), q(previous))
    if decisions_path:
        # Hook for the review engineer: apply_decisions(reconciled, path) -> Reconciled.
        from pipeline.review.decisions import apply_decisions

        reconciled = apply_decisions(reconciled, decisions_path)
    t4 = time.perf_counter()
    log.info("reconcile: %d mentions -> %d projects (%.1f s)", len(reconciled.mentions), len(reconciled.projects),
             t4 - t3)

    summary = {
        "articles": len(results),
        "new": len(articles),
        "unchanged": len(unchanged),
        "failed": len(errors),
        "skipped": len(skipped),
        "extract_errors": len(failed),
        "mentions": len(reconciled.mentions),
        "projects": len(reconciled.projects),
        "extract_rate": round(len(articles) / progress.seconds, 2) if articles else None,
        "seconds": 0.0,
    }
    store_task(db_path, q(results), q(errors + skipped), q(reconciled),
               {**summary, "raw_dir": os.path.abspath(raw_dir), "pipeline_version": PIPELINE_VERSION, "full": full,
                "input_fingerprint": fingerprint,
                # the report names the decisions file this run applied (None: none was given or found)
                "decisions_file": os.path.abspath(decisions_path) if decisions_path else None,
                # a crashed worker may not crash again: such a run is never the last word
                "retryable": sum(1 for e in errors if e.error and e.error == batch.WORKER_DIED.format(stage="clean"))})
    checkpoint.discard()  # everything it held is in the database now
    mark("database written")
    for e in errors:
        log.warning("unreadable: %s: %s", e.path, e.error)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    log.info("store: %s written (%.1f s)", db_path, time.perf_counter() - t4)
    log.info("done: %s", format_summary(summary, db_path))
    return summary


def format_summary(s: dict, db_path: str) -> str:
    rate = f", {s['extract_rate']} articles/s" if s.get("extract_rate") else ""
    skipped = f", {s['skipped']} other files skipped" if s.get("skipped") else ""
    return (f"{s['articles']} articles read, {s['failed']} unreadable{skipped}, {s['extract_errors']} failed extraction, "
            f"{s['mentions']} mentions, {s['projects']} projects in {s['seconds']} s "
            f"({s['new']} new, {s['unchanged']} unchanged{rate}) -> {db_path}")


def ingest_line(n_articles: int, skipped: list[SourceFile], raw_dir: str) -> str:
    """'12 article files under raw' and, when there are any, the other files skipped, by type."""
    line = f"{n_articles} article files under {raw_dir}"
    if skipped:
        kinds = Counter(os.path.splitext(s.path)[1].lower() or "no extension" for s in skipped)
        line += (f"; {len(skipped)} other files skipped (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
                 + "), listed in ingest_errors")
    return line


def _unique(articles: list[Article], taken: dict[str, str] | None = None) -> tuple[list[Article], list[SourceFile]]:
    """Same bytes, same id: keep the first path, account for the others."""
    seen: dict[str, str] = dict(taken or {})
    keep, dupes = [], []
    for a in sorted(articles, key=lambda a: a.path):
        if a.id in seen:
            dupes.append(SourceFile(path=a.path, id=a.id, error=f"same content as {seen[a.id]} (kept once)"))
            continue
        seen[a.id] = a.path
        keep.append(a)
    return keep, dupes

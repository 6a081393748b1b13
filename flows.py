"""The Prefect flow: ingest -> clean -> extract -> reconcile -> store.

One task per stage and per batch of articles (a Prefect task costs ~5 ms and ~20 KB of
server database, and ten thousand of them overflow its event queue), plain functions
from `pipeline/` inside. The spaCy model is loaded once per process by the extract
function itself and never passed as an argument.

    python flows.py                      # run once on raw/ (same as `python -m pipeline run`)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from prefect import flow, get_run_logger, task

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline import batch as B  # noqa: E402
from pipeline.ingest import DEFAULT_MAX_BYTES, list_sources  # noqa: E402
from pipeline.model import Article, ArticleResult, SourceFile  # noqa: E402


@task(name="ingest", retries=2, retry_delay_seconds=1)
def ingest_task(raw_dir: str) -> list[str]:
    return list_sources(raw_dir)


@task(name="clean", retries=1, retry_delay_seconds=1)
def clean_task(paths: list[str], max_bytes: int) -> tuple[list[Article], list[SourceFile]]:
    return B.clean_batch(paths, max_bytes)


@task(name="extract")
def extract_task(articles: list[Article]) -> list[ArticleResult]:
    return B.extract_batch(articles)


@task(name="reconcile")
def reconcile_task(results: list[ArticleResult], previous: dict):
    from pipeline.reconcile import reconcile

    return reconcile(results, previous)


@task(name="store")
def store_task(db_path: str, results, errors, reconciled, run_info: dict) -> None:
    from pipeline.organizations import load_gazetteer
    from pipeline.store import write_database

    write_database(db_path, results, errors, reconciled, load_gazetteer().rows(), run_info)


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or []


@flow(name="press-funding-pipeline", log_prints=False)
def pipeline_flow(raw_dir: str = "raw", db_path: str = "extracted/projects.db", batch_size: int = 25,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    from pipeline.store import read_previous

    log = get_run_logger()
    t0 = time.perf_counter()
    paths = ingest_task(raw_dir)
    log.info("ingest: %d article files under %s", len(paths), raw_dir)
    batches = chunks(paths, batch_size)
    cleaned = [clean_task.submit(b, max_bytes) for b in batches]
    articles: list[Article] = []
    errors: list[SourceFile] = []
    for fut in cleaned:
        arts, errs = fut.result()
        articles += arts
        errors += errs
    articles, dupes = _unique(articles)
    errors += dupes
    t1 = time.perf_counter()
    log.info("clean: %d articles, %d unreadable (%.1f s)", len(articles), len(errors), t1 - t0)
    extracted = [extract_task.submit(b) for b in chunks(articles, batch_size)]
    results: list[ArticleResult] = []
    for k, fut in enumerate(extracted, 1):
        results += fut.result()
        done = len(results)
        rate = done / max(1e-6, time.perf_counter() - t1)
        log.info("extract: %d/%d articles (%.1f articles/s)", done, len(articles), rate)
    t2 = time.perf_counter()
    failed = [r for r in results if r.error]
    for r in failed:
        log.warning("extract failed for %s: %s", r.article.path, r.error)
    previous = read_previous(db_path)
    reconciled = reconcile_task(results, previous)
    t3 = time.perf_counter()
    n_mentions = len(reconciled.mentions)
    log.info("reconcile: %d mentions -> %d projects (%.1f s)", n_mentions, len(reconciled.projects), t3 - t2)
    summary = {
        "articles": len(articles),
        "failed": len(errors),
        "extract_errors": len(failed),
        "mentions": n_mentions,
        "projects": len(reconciled.projects),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    store_task(db_path, results, errors, reconciled, {**summary, "raw_dir": str(raw_dir)})
    for e in errors:
        log.warning("unreadable: %s: %s", e.path, e.error)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    log.info("store: %s written", db_path)
    return summary


def _unique(articles: list[Article]) -> tuple[list[Article], list[SourceFile]]:
    """Same bytes, same id: keep the first path, account for the others."""
    seen: dict[str, str] = {}
    keep, dupes = [], []
    for a in sorted(articles, key=lambda a: a.path):
        if a.id in seen:
            dupes.append(SourceFile(path=a.path, id=a.id, error=f"same content as {seen[a.id]} (kept once)"))
            continue
        seen[a.id] = a.path
        keep.append(a)
    return keep, dupes


if __name__ == "__main__":
    from pipeline.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))

"""Store: write the contract's SQLite database with sqlite-utils.

The database is built whole in a temporary file beside the target, in one transaction,
and moved over the target with an atomic rename: a run that crashes or is killed at any
point leaves the previous database as it was. Rows are written in a stable order, so
the same inputs give the same rows and the same ids.

Tables (CONTRACT.md, plus): `articles`, `projects`, `mentions`, `organizations`,
`ingest_errors`; `links` (reconciliation signals and decisions), `amounts` (every
amount read, with its role), `calls` (funding round per article), `runs` (the run that
wrote the database), and for incremental runs (pipeline/run/version.py, store/codec.py):
`article_results` (each article's extraction before reconciliation, as JSON without the
text, which `articles` holds) and `processed` (content id -> pipeline version and
outcome). They are written in the same transaction as everything else, so the database
never claims work that it does not hold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from pipeline.db import read_only
from pipeline.model import ArticleResult, Reconciled, SourceFile
from pipeline.reconcile.names import joined
from pipeline.run.version import PIPELINE_VERSION
from pipeline.store import publish
from pipeline.store.codec import result_from_json, result_to_json

SCHEMA_VERSION = 2


def _json(x) -> str:
    return json.dumps(x, ensure_ascii=False)


def read_previous(db_path: str | os.PathLike) -> dict[str, set[tuple[str, str]]]:
    """Project id -> mention keys (article id, joined name) of the last run, for stable ids."""
    if not os.path.exists(db_path):
        return {}
    try:
        with read_only(db_path) as conn:
            rows = conn.execute("select project_id, article_id, name from mentions").fetchall()
    except sqlite3.Error:
        return {}
    out: dict[str, set[tuple[str, str]]] = {}
    for pid, aid, name in rows:
        out.setdefault(pid, set()).add((aid, joined(name or "")))
    return out


def known_results(db_path: str | os.PathLike, version: str) -> set[str]:
    """Content ids whose extraction the database holds for this pipeline version."""
    if not os.path.exists(db_path):
        return set()
    try:
        with read_only(db_path) as conn:
            rows = conn.execute(
                "select p.content_id from processed p join article_results r on r.article_id = p.content_id "
                "where p.status = 'extracted' and p.pipeline_version = ? and r.pipeline_version = ?",
                (version, version),
            ).fetchall()
    except sqlite3.Error:  # an older schema or not a database: nothing to reuse
        return set()
    return {r[0] for r in rows}


def load_results(db_path: str | os.PathLike, ids: set[str]) -> dict[str, ArticleResult]:
    """The stored extraction of these articles, with their clean text from `articles`."""
    if not ids or not os.path.exists(db_path):
        return {}
    with read_only(db_path) as conn:
        rows = conn.execute(
            "select r.article_id, r.result, a.text from article_results r join articles a on a.id = r.article_id"
        ).fetchall()
    out: dict[str, ArticleResult] = {}
    for aid, raw, text in rows:
        if aid in ids:
            try:
                out[aid] = result_from_json(raw, text)
            except (ValueError, TypeError, KeyError, AttributeError):
                pass  # unreadable record: the article is processed again
    return out


def previous_organizations(db_path: str | os.PathLike, version: str) -> list[dict] | None:
    """The gazetteer rows of the last run when it ran this pipeline version, else None.

    The gazetteer's data and code are part of the version, so the rows are the same; a
    run with nothing new then needs neither spaCy nor the matcher that building it costs.
    """
    if not os.path.exists(db_path):
        return None
    try:
        with read_only(db_path) as conn:
            [(last,)] = conn.execute("select pipeline_version from runs").fetchall()
            if last != version:
                return None
            # unlisted organisations are the last run's carriers, recomputed by every run
            cur = conn.execute("select name, acronym, kind, parent from organizations where kind != 'unlisted' order by id")
            return [dict(zip(("name", "acronym", "kind", "parent"), row)) for row in cur]
    except (sqlite3.Error, ValueError):
        return None


def remove_stale_temp(db_path: str | os.PathLike) -> list[str]:
    """Temp files left by a killed run (call it while holding the database lock)."""
    db_path = Path(db_path)
    gone = []
    for tmp in db_path.parent.glob(f".{db_path.name}.tmp-*"):
        try:
            tmp.unlink()
            gone.append(str(tmp))
        except OSError:
            pass
    return gone


def write_database(
    db_path: str | os.PathLike,
    results: list[ArticleResult],
    errors: list[SourceFile],
    reconciled: Reconciled,
    organizations: Iterable[dict],
    run_info: dict | None = None,
    version: str | None = None,
) -> None:
    """Build the database in a temp file and rename it over `db_path`.

    `version` is the pipeline version recorded in `processed` (default: the current one).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    try:
        conn = sqlite3.connect(tmp)
        # No journal and no syncs while building: a half-written temp file is never used (a
        # crash leaves it to remove_stale_temp); the file is synced once before the rename.
        conn.execute("pragma journal_mode = off")
        conn.execute("pragma synchronous = off")
        db = sqlite_utils.Database(conn)
        with conn:
            _write(db, results, errors, reconciled, organizations, run_info or {})
            _write_incremental(db, results, version or PIPELINE_VERSION)
            # search, the project_sources view, decisions, Datasette metadata
            publish.finish(db, db_path.parent, getattr(reconciled, "outcomes", ()))
        conn.close()
        _fsync(tmp)  # the rename must never expose a file whose pages are not on disk yet
        os.replace(tmp, db_path)
        _fsync(db_path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_incremental(db, results: list[ArticleResult], version: str) -> None:
    results = sorted(results, key=lambda r: r.article.id)
    db["processed"].insert_all(
        (
            {"content_id": r.article.id, "path": r.article.path, "pipeline_version": version,
             "status": "extract_error" if r.error else "extracted"}
            for r in results
        ),
    )
    db["article_results"].insert_all(
        ({"article_id": r.article.id, "pipeline_version": version, "result": result_to_json(r)}
         for r in results if not r.error),
    )


SCHEMA: dict[str, tuple[dict, str | None]] = {
    "articles": ({"id": str, "path": str, "published_on": str, "text": str, "title": str, "kind": str,
                  "encoding": str, "n_mentions": int, "error": str}, "id"),
    "projects": ({"id": str, "name": str, "acronym": str, "aliases": str, "amount_m_eur": float,
                  "amount_qualifier": str, "carriers": str, "announced_on": str, "call": str, "sources": str,
                  "n_sources": int}, "id"),
    "mentions": ({"id": int, "article_id": str, "project_id": str, "name": str, "amount_m_eur": float,
                  "amount_qualifier": str, "start": int, "end": int, "acronym": str, "carriers": str, "rule": str,
                  "score": float, "amount_start": int, "amount_end": int, "context_start": int, "context_end": int,
                  "occurrences": str}, "id"),
    "organizations": ({"id": int, "name": str, "acronym": str, "kind": str, "parent": str}, "id"),
    "ingest_errors": ({"path": str, "error": str, "content_id": str}, None),
    "links": ({"project_a": str, "project_b": str, "article_a": str, "article_b": str, "name_a": str,
               "name_b": str, "score": float, "decision": str, "signals": str}, None),
    "amounts": ({"article_id": str, "start": int, "end": int, "value_m_eur": float, "qualifier": str,
                 "role": str, "range_high": float, "each": int}, None),
    "calls": ({"article_id": str, "fund": str, "year": int, "ordinal": int, "unit": str, "n_laureates": int,
               "announced_on": str, "announced_precision": str, "label": str}, "article_id"),
    # declared whole: a column typed from its first value would be TEXT for an extract_rate of NULL
    "runs": ({"finished_at": str, "schema_version": int, "articles": int, "new": int, "unchanged": int, "failed": int,
              "skipped": int, "extract_errors": int, "mentions": int, "projects": int, "extract_rate": float,
              "seconds": float, "raw_dir": str, "pipeline_version": str, "full": int, "input_fingerprint": str,
              "retryable": int, "decisions_file": str}, None),
    "processed": ({"content_id": str, "path": str, "pipeline_version": str, "status": str}, "content_id"),
    "article_results": ({"article_id": str, "pipeline_version": str, "result": str}, "article_id"),
}


def full_date(value: str | None, published_on: str | None) -> str | None:
    """An ISO date or None, never a day and month without a year (`--09-23`).

    Such a date takes the year that puts it nearest the article's publication date (an
    announcement is reported around when it happens); without a publication date it is NULL.
    """
    if not value or not value.startswith("--"):
        return value
    try:
        month, day = int(value[2:4]), int(value[5:7])
        published = dt.date.fromisoformat((published_on or "")[:10])
    except ValueError:
        return None
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 29 February of a common year
            pass
    return min(candidates, key=lambda d: abs((d - published).days)).isoformat() if candidates else None


def _write(db, results, errors, reconciled: Reconciled, organizations, run_info) -> None:
    for table, (cols, pk) in SCHEMA.items():
        fks = [("article_id", "articles", "id"), ("project_id", "projects", "id")] if table == "mentions" else None
        db[table].create(cols, pk=pk, foreign_keys=fks)
    results = sorted(results, key=lambda r: (r.article.path, r.article.id))
    counts: dict[str, int] = {}
    for m, _pid in reconciled.mentions:
        counts[m.article_id] = counts.get(m.article_id, 0) + 1
    db["articles"].insert_all(
        (
            {
                "id": r.article.id,
                "path": r.article.path,
                "published_on": r.article.published_on,
                "text": r.article.text,
                "title": r.article.title,
                "kind": r.article.kind,
                "encoding": r.article.encoding,
                "n_mentions": counts.get(r.article.id, 0),
                "error": r.error,
            }
            for r in results
        ),
    )
    projects = sorted(reconciled.projects, key=lambda p: p.id)
    db["projects"].insert_all(
        (
            {
                "id": p.id,
                "name": p.name,
                "acronym": p.acronym,
                "aliases": _json(p.aliases),
                "amount_m_eur": p.amount_m_eur,
                "amount_qualifier": p.amount_qualifier,
                "carriers": _json(p.carriers),
                "announced_on": p.announced_on,
                "call": p.call,
                "sources": _json(p.sources),
                "n_sources": len(p.sources),
            }
            for p in projects
        ),
    )
    mentions = sorted(reconciled.mentions, key=lambda mp: (mp[0].article_id, mp[0].start, mp[0].end))
    db["mentions"].insert_all(
        (
            {
                "id": i + 1,
                "article_id": m.article_id,
                "project_id": pid,
                "name": m.name,
                "amount_m_eur": m.amount_m_eur,
                "amount_qualifier": m.amount_qualifier,
                "start": m.start,
                "end": m.end,
                "acronym": m.acronym,
                "carriers": _json(m.carriers),
                "rule": m.rule,
                "score": m.score,
                "amount_start": m.amount_span[0] if m.amount_span else None,
                "amount_end": m.amount_span[1] if m.amount_span else None,
                "context_start": m.context_span[0] if m.context_span else None,
                "context_end": m.context_span[1] if m.context_span else None,
                "occurrences": _json(m.occurrences),
            }
            for i, (m, pid) in enumerate(mentions)
        ),
    )
    organizations = list(organizations)
    known = {o["name"] for o in organizations}
    carried = {c for p in reconciled.projects for c in p.carriers} | {c for m, _ in reconciled.mentions for c in m.carriers}
    # carriers named by an article's layout that the gazetteer lacks: every carrier is an organizations.name
    organizations += [{"name": c, "acronym": None, "kind": "unlisted", "parent": None} for c in sorted(carried - known)]
    db["organizations"].insert_all(
        ({"id": i + 1, **o} for i, o in enumerate(sorted(organizations, key=lambda o: o["name"]))),
    )
    db["ingest_errors"].insert_all(
        ({"path": e.path, "error": e.error, "content_id": e.id or None} for e in sorted(errors, key=lambda e: e.path)),
    )
    db["links"].insert_all(
        ({**lk, "signals": _json(lk["signals"])} for lk in reconciled.links),
    )
    db["amounts"].insert_all(
        ({"article_id": r.article.id, **a} for r in results for a in r.amounts),
    )
    db["calls"].insert_all(
        (
            {"article_id": r.article.id, "fund": r.call.fund, "year": r.call.year, "ordinal": r.call.ordinal,
             "unit": r.call.unit, "n_laureates": r.call.n_laureates,
             "announced_on": full_date(r.call.announced_on, r.article.published_on),
             "announced_precision": r.call.announced_precision if full_date(r.call.announced_on,
                                                                            r.article.published_on) else None,
             "label": r.call.label()}
            for r in results
        ),
    )
    db["runs"].insert(
        {"finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "schema_version": SCHEMA_VERSION, **run_info},
        alter=True,
    )
    for table, cols in (("mentions", ["article_id"]), ("mentions", ["project_id"]), ("amounts", ["article_id"]),
                        ("links", ["project_a"]), ("links", ["project_b"]), ("articles", ["path"])):
        db[table].create_index(cols, if_not_exists=True)

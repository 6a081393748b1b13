"""The up-to-date check: would running again over these files change nothing?

A run whose inputs, code, rules and decisions are all those of the database's last run
would write the same rows again. The CLI checks this before starting Prefect (whose
temporary server alone costs more than the whole check), so a scheduled run over
unchanged files costs the reading of those files and no more.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from pipeline.db import read_only
from pipeline.run.hashing import read_content_ids
from pipeline.run.version import OUTPUT_HASH


def run_fingerprint(hashed: list[tuple[str, str | None]], decisions_path: str | os.PathLike | None,
                    max_bytes: int, skipped: Iterable[str] = ()) -> str | None:
    """One hash over what a run's output depends on, or None when it cannot be known.

    The inputs (path relative to the raw folder and content id of every file; the other
    files, skipped and listed in `ingest_errors`), the code and rules, the analysts'
    decisions file and the size limit. A file that could not be hashed gives None: its
    read may succeed next time, so such a run is never skipped.
    """
    if any(cid is None for _, cid in hashed):
        return None
    h = hashlib.sha256(f"{OUTPUT_HASH}\0{max_bytes}\0".encode())
    for path, cid in sorted(hashed):
        h.update(f"{path}\0{cid}\n".encode())
    for path in sorted(skipped):
        h.update(f"{path}\0skipped\n".encode())
    if decisions_path and os.path.exists(decisions_path):
        h.update(b"decisions\0" + Path(decisions_path).read_bytes())
    return h.hexdigest()[:32]


def last_run(db_path: str | os.PathLike) -> dict | None:
    """The `runs` row of the database's last completed run, or None."""
    if not os.path.exists(db_path):
        return None
    try:
        with read_only(db_path, row_factory=sqlite3.Row) as conn:
            row = conn.execute("select * from runs order by rowid desc limit 1").fetchone()
    except sqlite3.Error:
        return None
    return dict(row) if row is not None else None


def is_final(run: dict) -> bool:
    """A run whose output another run over the same inputs would only repeat: no failed
    extraction (tried again on every run) and no input lost to a crashed worker."""
    return not run.get("extract_errors") and not run.get("retryable")


def up_to_date(paths: list[str], db_path: str | os.PathLike, decisions_path: str | os.PathLike | None,
               max_bytes: int, raw_dir: str | os.PathLike | None = None, skipped: Iterable[str] = ()) -> dict | None:
    """The last run's row when running again over `paths` would change nothing, else None.

    raw_dir: the folder `paths` (and `skipped`) were found in; the flow records paths
    relative to it, so they are compared that way.
    """
    last = last_run(db_path)
    if not last or not last.get("input_fingerprint") or not is_final(last):
        return None
    hashed = read_content_ids(paths, max_bytes)
    if raw_dir is not None:
        hashed = [(os.path.relpath(p, raw_dir), cid) for p, cid in hashed]
        skipped = [os.path.relpath(p, raw_dir) for p in skipped]
    now = run_fingerprint(hashed, decisions_path, max_bytes, skipped)
    return last if now is not None and now == last["input_fingerprint"] else None

"""The checkpoint of a run in progress: its results, committed batch by batch beside the database.

A run killed half-way resumes from there instead of starting over.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from pipeline.model import ArticleResult
from pipeline.run.version import PIPELINE_VERSION
from pipeline.store.codec import result_from_json, result_to_json


def checkpoint_path(db_path: str | os.PathLike) -> Path:
    p = Path(db_path)
    return p.with_name(f".{p.name}.checkpoint")


class Checkpoint:
    """Results of the current run, committed batch by batch beside the database.

    Written only by the process that runs the flow (never by Dask workers), removed once
    the database is written. Rows of another pipeline version are ignored; a checkpoint
    that SQLite cannot open (a disk fault) is discarded: it only ever saves time.
    """

    def __init__(self, db_path: str | os.PathLike, version: str | None = None):
        self.path = checkpoint_path(db_path)
        self.version = version or PIPELINE_VERSION
        self.conn: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self.conn is None:
            try:
                self.conn = self._connect()
            except sqlite3.DatabaseError:
                self.discard()
                self.conn = self._connect()
        return self.conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False)
        conn.execute("create table if not exists results (id text primary key, version text, result text)")
        conn.execute("delete from results where version != ?", (self.version,))
        conn.commit()
        return conn

    def ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        return {r[0] for r in self._open().execute("select id from results")}

    def add(self, results: list[ArticleResult]) -> None:
        rows = [(r.article.id, self.version, result_to_json(r, with_text=True)) for r in results if not r.error]
        if not rows:
            return
        conn = self._open()
        with conn:
            conn.executemany("insert or replace into results values (?, ?, ?)", rows)

    def load(self, ids: set[str]) -> dict[str, ArticleResult]:
        if not ids or not self.path.exists():
            return {}
        out: dict[str, ArticleResult] = {}
        for i, raw in self._open().execute("select id, result from results"):
            if i in ids:
                try:
                    out[i] = result_from_json(raw)
                except (ValueError, TypeError, KeyError, AttributeError):
                    pass  # processed again
        return out

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def discard(self) -> None:
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

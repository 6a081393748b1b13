"""Looking at the file a run is about to replace: a pipeline database, healthy, or set aside.

A run rebuilds its database whole and renames it over `--db`, so whatever is at that path
is gone afterwards. Before that, `check_existing` opens it:
- nothing there, an empty file or an SQLite file without tables: a new database;
- not SQLite (random bytes, a text file), or SQLite with another application's tables:
  `NotPipelineDatabase`, the file untouched (the command line exits 2);
- a pipeline database whose pages are damaged (`PRAGMA quick_check` fails, or a read
  fails with "database disk image is malformed"): renamed to `<db>.corrupt-<UTC time>`
  and reported; the run then rebuilds everything from the inputs and the decisions file,
  which hold all that the database held;
- a healthy pipeline database: how many articles it holds, so that a run over an empty
  folder does not replace them with nothing (see `pipeline/cli.py`, `--allow-empty`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.db import read_only

SQLITE_HEADER = b"SQLite format 3\x00"
# the tables `report` needs too: a file without them is not one of ours
PIPELINE_TABLES = frozenset({"articles", "projects", "mentions"})


class NotPipelineDatabase(Exception):
    """The file at the database path is not a pipeline database: one line saying what it is."""


class EmptyInput(RuntimeError):
    """No article file where the database holds articles: the run would empty it."""


def empty_message(raw_dir: str, skipped: list, db_path: str, articles: int) -> str:
    """Why a run over a folder without article files stops (`skipped`: the other files found there)."""
    found = f"only {len(skipped)} other files, not articles" if skipped else "nothing"
    return (f"no article file under {raw_dir} ({found}) while {db_path} holds {articles} articles: "
            "the database is left as it is (pass --allow-empty to empty it)")


@dataclass(frozen=True)
class Existing:
    """What was found at the database path."""

    articles: int = 0  # articles the database holds (0: new, empty or set aside)
    set_aside: str | None = None  # where a damaged database was moved
    damage: str | None = None  # why it was judged damaged


# Files found healthy by this process, keyed by what would change if they were rewritten:
# the command line checks before Prefect starts and the flow checks again inside its lock.
_healthy: dict[tuple, int] = {}


def _identity(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)


def check_existing(db_path: str | os.PathLike, set_aside_damaged: bool = True) -> Existing:
    """Existing(...) for a usable path; NotPipelineDatabase otherwise.

    A damaged database is set aside (call it holding the database's lock), or only
    reported with `set_aside_damaged=False`.
    """
    path = Path(db_path)
    if not path.exists() or path.stat().st_size == 0:
        return Existing()
    key = _identity(path)
    if key in _healthy:
        return Existing(articles=_healthy[key])
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise NotPipelineDatabase(f"{db_path} is not an SQLite database ({_looks_like(path)}): left untouched; "
                                  "give another --db, or move the file away")
    try:
        with read_only(path) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
            if not tables:
                return Existing()
            if not PIPELINE_TABLES <= tables:
                shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
                raise NotPipelineDatabase(f"{db_path} is an SQLite database of another application (tables: {shown}): "
                                          "left untouched; give another --db, or move the file away")
            problems = [r[0] for r in conn.execute("pragma quick_check")]
            if problems != ["ok"]:
                return _damaged(path, problems[0], set_aside_damaged)
            [(articles,)] = conn.execute("select count(*) from articles").fetchall()
    except sqlite3.DatabaseError as exc:
        return _damaged(path, str(exc), set_aside_damaged)
    _healthy[key] = articles
    return Existing(articles=articles)


def _damaged(path: Path, damage: str, move: bool) -> Existing:
    damage = damage.splitlines()[0] if damage else "damaged"
    return set_aside(path, damage) if move else Existing(damage=damage)


def set_aside(path: Path, damage: str) -> Existing:
    """Rename a damaged database to `<name>.corrupt-<UTC time>` beside it."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():  # two damaged files in one second: keep both
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    return Existing(set_aside=str(target), damage=damage)


def _looks_like(path: Path) -> str:
    with open(path, "rb") as fh:
        sample = fh.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not merely a character cut by the sample's end
            return f"{path.stat().st_size:,} bytes of binary data"
    return "a text file"

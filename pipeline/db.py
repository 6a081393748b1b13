"""Opening an existing pipeline database for reading: one helper for every stage that reads it.

Read-only by URI (`mode=ro`), so that a reader can never create an empty database where
the path was wrong, nor take a write lock on the file a run is replacing; closed on exit
whatever happens inside.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def read_only(db_path: str | os.PathLike, row_factory=None) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an existing database file, closed on exit.

    Raises sqlite3.Error as sqlite3 does (missing file: "unable to open database file").
    """
    # as_uri() percent-encodes the path: a "?" or "#" in a folder name must not end it
    conn = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if row_factory is not None:
            conn.row_factory = row_factory
        yield conn
    finally:
        conn.close()

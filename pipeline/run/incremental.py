"""Incremental runs: what is already done, what is new, and who may write the database.

- `PIPELINE_VERSION` names the rules that produced a result: a hash of the rule data
  files, of the modules that clean and extract, of the package version and of the spaCy
  model version. A stored result counts as done only for the same content id *and* the
  same version, so changing a rule re-processes everything on the next run.
- Results are stored as JSON (`result_to_json` / `result_from_json`): an exact round trip
  of `model.ArticleResult`, so a re-run that loads them builds the same database as a run
  that extracts again.
- `read_content_ids` hashes files (reading is cheap; cleaning and extracting are not).
  A transient read error (EIO, EAGAIN, ...) raises `TransientReadError` so that the
  Prefect task retries; on its last attempt the file goes on to the clean stage, which
  records the error in `ingest_errors`.
- `Checkpoint` keeps the results of a run in progress beside the database, one
  transaction per batch: a run killed half-way resumes from there instead of starting over.
- `db_lock` serialises runs on one database (`fcntl.flock` on `DB.lock`).
- `run_fingerprint` / `up_to_date`: a run whose inputs, code, rules and decisions are all
  those of the database's last run would write the same rows again; the CLI checks this
  before starting Prefect (whose temporary server alone costs more than the whole check),
  so a scheduled run over unchanged files costs the reading of those files and no more.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import types
import typing
from functools import lru_cache
from pathlib import Path

from pipeline.ingest import content_id, Refused, read_bytes
from pipeline.model import ArticleResult
from pipeline.paths import PACKAGE_DIR

PKG = PACKAGE_DIR

# What cleans and extracts an article: editing anything else (reconciliation, storage, the
# review, the run's machinery) must not invalidate stored results.
PER_ARTICLE = ("clean", "extract", "ingest.py", "model.py", "text.py", "paths.py", "run/batch.py")


def rules_hash(pkg: Path = PKG) -> str:
    """12 hex digits over the data files and the per-article modules of a package folder."""
    h = hashlib.sha256()
    code = []
    for part in PER_ARTICLE:
        target = pkg / part
        code += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for path in sorted((pkg / "data").rglob("*")) + code:
        if path.is_file():
            h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """`<package version>+<12 hex digits>` over the extraction rules, code and spaCy model."""
    from importlib import metadata

    from pipeline.extract.nlp import model_name

    model = model_name()
    try:
        model_version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        model_version = "?"
    try:
        own = metadata.version("ftap-pipeline")
    except metadata.PackageNotFoundError:
        own = "0"
    digest = hashlib.sha256(f"{rules_hash()} {model}=={model_version}".encode()).hexdigest()[:12]
    return f"{own}+{digest}"


PIPELINE_VERSION = pipeline_version()


def output_code_hash(pkg: Path = PKG) -> str:
    """Hash of everything that shapes the database, not only extraction: every module and
    data file of the package (the flow included), and the pipeline version (model included).
    A change to the reconciliation or the storage keeps stored extractions valid (PIPELINE_VERSION)
    but must still rebuild the database."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in sorted((pkg / "data").rglob("*")) + sorted(pkg.rglob("*.py")):
        if path.is_file():
            h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


OUTPUT_HASH = output_code_hash()  # at import: the code this process runs, not what is on disk later


def run_fingerprint(hashed: list[tuple[str, str | None]], decisions_path: str | os.PathLike | None,
                    max_bytes: int) -> str | None:
    """One hash over what a run's output depends on, or None when it cannot be known.

    The inputs (path and content id of every file), the code and rules, the analysts'
    decisions file and the size limit. A file that could not be hashed gives None: its
    read may succeed next time, so such a run is never skipped.
    """
    if any(cid is None for _, cid in hashed):
        return None
    h = hashlib.sha256(f"{OUTPUT_HASH}\0{max_bytes}\0".encode())
    for path, cid in sorted(hashed):
        h.update(f"{path}\0{cid}\n".encode())
    if decisions_path and os.path.exists(decisions_path):
        h.update(b"decisions\0" + Path(decisions_path).read_bytes())
    return h.hexdigest()[:32]


def last_run(db_path: str | os.PathLike) -> dict | None:
    """The `runs` row of the database's last completed run, or None."""
    if not os.path.exists(db_path):
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            row = conn.execute("select * from runs order by rowid desc limit 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return dict(row) if row is not None else None


def is_final(run: dict) -> bool:
    """A run whose output another run over the same inputs would only repeat: no failed
    extraction (tried again on every run) and no input lost to a crashed worker."""
    return not run.get("extract_errors") and not run.get("retryable")


def up_to_date(paths: list[str], db_path: str | os.PathLike, decisions_path: str | os.PathLike | None,
               max_bytes: int) -> dict | None:
    """The last run's row when running again over `paths` would change nothing, else None."""
    last = last_run(db_path)
    if not last or not last.get("input_fingerprint") or not is_final(last):
        return None
    now = run_fingerprint(read_content_ids(paths, max_bytes), decisions_path, max_bytes)
    return last if now is not None and now == last["input_fingerprint"] else None


# --- results <-> JSON -------------------------------------------------------------------

def _encode(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_encode(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    return obj


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _decode(tp, value):
    """JSON value -> the annotated type: dataclasses rebuilt, tuples made tuples again."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        # Unknown keys are dropped and missing ones take their defaults: a result written
        # by another version of model.py still loads (it is not reused anyway: the version differs).
        return tp(**{k: _decode(hints[k], v) for k, v in value.items() if k in hints})
    if origin is list:
        (arg,) = typing.get_args(tp) or (typing.Any,)
        return [_decode(arg, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value)) if args else tuple(value)
    if origin is dict:
        args = typing.get_args(tp)
        return {k: _decode(args[1], v) for k, v in value.items()} if args else dict(value)
    return value


def result_to_json(result: ArticleResult, with_text: bool = False) -> str:
    """Everything extracted from one article; the text is left out when `articles` holds it."""
    data = _encode(result)
    if not with_text:
        data["article"]["text"] = None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def result_from_json(raw: str, text: str | None = None) -> ArticleResult:
    data = json.loads(raw)
    if text is not None:
        data["article"]["text"] = text
    return _decode(ArticleResult, data)


# --- reading files to know what changed ---------------------------------------------------

TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT,
                              errno.ESTALE, errno.ENOLCK, errno.EMFILE, errno.ENFILE})


class TransientReadError(OSError):
    """A read failed in a way that a second try may not: the task is retried."""


def read_content_ids(paths: list[str], max_bytes: int, last_attempt: bool = True) -> list[tuple[str, str | None]]:
    """(path, content id) per file; None when it cannot be hashed (the clean stage records why)."""
    out: list[tuple[str, str | None]] = []
    for path in paths:
        try:
            data = read_bytes(path, max_bytes)  # refuses FIFOs and devices without blocking
        except Refused:
            out.append((path, None))
            continue
        except OSError as exc:
            if exc.errno in TRANSIENT_ERRNOS and not last_attempt:
                raise TransientReadError(exc.errno, f"{path}: {exc.strerror} (will retry)") from exc
            out.append((path, None))
            continue
        out.append((path, content_id(data)))
    return out


# --- checkpoint of a run in progress ------------------------------------------------------

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


# --- one run at a time per database -------------------------------------------------------

EXIT_BUSY = 3


class DatabaseBusy(RuntimeError):
    """Another run holds the database's lock."""


_held: dict[str, list] = {}  # lock path -> [fd, depth]: the lock is re-entrant within a process
_held_guard = threading.Lock()


def lock_path(db_path: str | os.PathLike) -> str:
    return os.path.realpath(f"{db_path}.lock")


@contextlib.contextmanager
def db_lock(db_path: str | os.PathLike, wait: bool = False):
    """Hold `DB.lock` for the block; raise DatabaseBusy at once unless `wait`.

    flock locks belong to the open file, so the kernel drops one held by a killed
    process: a crash never leaves a stale lock behind. The CLI takes the lock before the
    flow does, hence the re-entrancy within one process.
    """
    key = lock_path(db_path)
    with _held_guard:
        if key in _held:
            _held[key][1] += 1
            fd = None
        else:
            os.makedirs(os.path.dirname(key), exist_ok=True)
            fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    if fd is None:
        try:
            yield
        finally:
            with _held_guard:
                _held[key][1] -= 1
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        raise DatabaseBusy(f"another run is writing {db_path} (lock {key}); retry later or pass --wait") from None
    except BaseException:
        os.close(fd)
        raise
    with _held_guard:
        _held[key] = [fd, 1]
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a person looking
        yield
    finally:
        with _held_guard:
            entry = _held[key]
            entry[1] -= 1
            release = entry[1] == 0
            if release:
                del _held[key]
        if release:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

"""One run at a time per database: `fcntl.flock` on `DB.lock`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading

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

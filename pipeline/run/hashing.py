"""Content ids of the input files, to know what changed since the last run.

Reading is cheap; cleaning and extracting are not. A transient read error (EIO, EAGAIN,
...) raises `TransientReadError` so that the Prefect task retries; on its last attempt the
file goes on to the clean stage, which records the error in `ingest_errors`.
"""

from __future__ import annotations

import errno

from pipeline.ingest import Refused, content_id, read_bytes

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

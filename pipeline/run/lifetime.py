"""A run's processes end with it: on SIGTERM, SIGINT or SIGHUP, every process it started is ended first.

Python's default SIGTERM ends the interpreter without running `finally` blocks or
`atexit`, so the temporary Prefect server and the worker processes outlived the run.
The handler ends every descendant (the tethered server, the worker pool and its fork
server, Dask's nannies and workers): SIGTERM, a short grace, then SIGKILL; and exits
with 128 + the signal's number. Nothing is lost: the database is only ever replaced by
an atomic rename, the checkpoint keeps the batches already extracted, and the lock
(`flock`) goes with the process. SIGKILL cannot be caught: for that case each child
watches its parent itself (`pipeline/run/tether.py`, `pipeline/run/workers.py`; Dask's
workers watch their nanny's pipe).
"""

from __future__ import annotations

import os
import signal
import sys

GRACE_S = 3.0
NAMES = {signal.SIGTERM: "terminated", signal.SIGINT: "interrupted", signal.SIGHUP: "hung up"}


def end_descendants(grace: float = GRACE_S) -> list[int]:
    """SIGTERM to every descendant of this process, SIGKILL to those still alive after `grace`; their pids."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    for child in children:
        try:
            child.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return [c.pid for c in children]


def _on_signal(signum, _frame) -> None:
    # further signals while ending the children would only interrupt this
    for sig in NAMES:
        signal.signal(sig, signal.SIG_IGN)
    print(f"{NAMES.get(signum, 'stopped')}: ending the run and the processes it started", file=sys.stderr)
    end_descendants()
    sys.stderr.flush()
    # not sys.exit: Prefect's threads would go on reporting to the server just ended
    os._exit(128 + signum)


def end_children_on_signals() -> None:
    """Install the handler (main thread only, as Python requires)."""
    for sig in NAMES:
        signal.signal(sig, _on_signal)

"""Worker processes for the per-article stages (clean, extract).

Why processes: extraction is pure Python and spaCy, both holding the GIL, so threads share
one core; a pool of processes uses every core. Why a pool kept for the life of the
process: each worker pays the spaCy model load once (seconds of regex compilation in the
French tokenizer, then the weights) and then serves batch after batch; a `serve` process
keeps its warm workers from one scheduled run to the next. `start()` is called by the CLI
before the flow begins, so the workers load the model while Prefect starts its server.

Why "forkserver" with the model preloaded: the flow's process runs Prefect's threads and
event loops, which a child forked from it would inherit in whatever state they were in.
The fork server is a fresh interpreter that never imports Prefect; it imports
`pipeline.run.preload`, which loads the model and the gazetteer once, and every worker is
then forked from it, already warm, sharing those pages copy-on-write: N workers cost one
model load, not N. Where there is no fork server (not POSIX), workers are spawned and
each loads the model in its initialiser. Nothing but plain data crosses the boundary
(paths, `Article`s, `ArticleResult`s): the model never leaves the workers.

A worker that dies (out of memory, a crash in a C extension) breaks the whole pool
(`BrokenProcessPool`): `run_batch` starts a new pool, runs the batch again one item at a
time and records the item that kills a worker a second time as that item's error. Bad
input never stops the run.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from pipeline.run.timeline import mark

T = TypeVar("T")
R = TypeVar("R")

# In the fork server's environment: the stages it rehearses, comma-separated (see `start`)
REHEARSAL = "PIPELINE_WORKER_REHEARSAL"
# and how much lower than the run's own its priority is while it loads (see `preload`)
PRELOAD_NICENESS = "PIPELINE_WORKER_PRELOAD_NICENESS"

_lock = threading.Lock()
_pool: cf.ProcessPoolExecutor | None = None
_size = 0


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pool_size(wanted: int, files: int, batch_size: int) -> int:
    """Worker processes worth starting for `files` articles in batches of `batch_size`.

    No more workers than batches: a batch is one task, run by one worker, so a run of
    1-25 articles (one batch by default) gets one worker, not one per CPU. One worker
    rather than none: its fork server loads the model on another core while this process
    imports Prefect and waits for its server.
    """
    if wanted < 1 or files < 1:
        return 0
    return min(wanted, -(-files // batch_size))


def _watch(owner: int) -> None:
    """Exit when the process that owns the pool is gone.

    A pool's workers hold both ends of its queues (and the fork server's liveness pipe),
    so a SIGKILLed owner would leave them waiting forever, a model's worth of memory each.
    """
    while True:
        time.sleep(1.0)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # alive, under another user: not ours to judge
            pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def die_with_parent() -> None:
    """Exit as soon as the parent process is gone (it is re-parented: its parent id changes).

    For the fork server, a child of the owner: it loads the model before it ever looks at
    its liveness pipe, which under load takes longer than a killed owner should wait.
    """
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()


def warm_up(owner: int | None = None) -> None:
    """Worker initialiser: the model and the gazetteer's matcher, before any batch arrives.

    It never raises: an initialiser that fails kills the worker and breaks the pool, and
    every batch would then be retried item by item for nothing. A missing model fails
    again inside `extract_batch`, which records the error against each article.
    """
    if owner is not None:
        threading.Thread(target=_watch, args=(owner,), name="owner-watch", daemon=True).start()
    from pipeline.run import collector

    collector.pause()  # resumed, the loaded objects frozen, before any worker is forked
    try:
        from pipeline.extract.nlp import get_nlp
        from pipeline.extract.organizations import load_gazetteer
        from pipeline.run.regex_cache import kept

        with kept():  # the French tokenizer's patterns, compiled once per machine, not per load
            get_nlp()
        load_gazetteer()._ensure_matcher()
        mark(f"model loaded in process {os.getpid()}")
        # what the first batch would load on first use: in the fork server, once for every worker
        # every worker cleans and extracts: the stages' modules now, with the collector paused,
        # even unrehearsed (the clean stage's imports are ~0.4 s a process)
        from pipeline.clean import cleaner, markup, metadata  # noqa: F401
        from pipeline.extract import article  # noqa: F401
        from pipeline.run.warmup import STAGES, rehearse

        stages = os.environ.get(REHEARSAL)
        if rehearse(STAGES if stages is None else tuple(s for s in stages.split(",") if s)):
            mark(f"articles rehearsed in process {os.getpid()}")
    except Exception:  # noqa: BLE001 - see above
        pass
    finally:
        collector.resume()


def preload() -> None:
    """The fork server's warm-up, at a lower priority when the run asked for one (`start`).

    Why: when the run starts a temporary Prefect server, three processes want the machine's
    cores at once (the server's start, ~5 s of CPU; the run importing Prefect; this model
    load and rehearsal), and the server's start is the one everything waits for: the model is
    ready seconds before the server answers. Lowered, the load takes what the other two
    leave (measured, 2 cores: a one-article run 6.9 -> 6.0 s, median of 6 in turns).
    Only a thread of this process is lowered, and it ends with the load: the workers are
    forked by the main thread, at the run's own priority, so the batches are not slowed.
    """
    try:
        niceness = int(os.environ.get(PRELOAD_NICENESS) or 0)
    except ValueError:
        niceness = 0
    if niceness <= 0 or not hasattr(os, "setpriority"):
        warm_up()
        return

    def lowered() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + niceness)
        except OSError:  # not allowed here: load at the run's priority
            pass
        warm_up()

    loader = threading.Thread(target=lowered, name="preload", daemon=True)
    loader.start()
    loader.join()


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.run.preload"])  # read when the fork server starts
        return ctx
    return multiprocessing.get_context("spawn")


def _ready() -> int:
    return os.getpid()


def start(n: int, rehearse: tuple[str, ...] = ("clean", "extract"), niceness: int = 0) -> cf.ProcessPoolExecutor:
    """The pool of `n` workers, started (and warming up) now if it is not already.

    rehearse: the stages the fork server, if this starts it, rehearses once the model is
    loaded (`pipeline/run/warmup.py`, rehearsal_stages); its workers inherit the result.
    niceness: how much lower the fork server's load runs (`preload`); 0: at the run's priority.
    """
    global _pool, _size
    with _lock:
        if _pool is not None and _size == n:
            return _pool
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=_context(), initializer=warm_up,
                                       initargs=(os.getpid(),))
        _size = n
        # the executor spawns a worker per submitted call: n calls start all n now (and the
        # fork server, on the first call, with this process's environment as it is then)
        before = {name: os.environ.get(name) for name in (REHEARSAL, PRELOAD_NICENESS)}
        os.environ[REHEARSAL] = ",".join(rehearse)
        os.environ[PRELOAD_NICENESS] = str(niceness)
        try:
            for _ in range(n):
                _pool.submit(_ready)
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        mark(f"worker pool of {n} starting")
        return _pool


def start_in_background(n: int, rehearse: tuple[str, ...] = ("clean", "extract"), niceness: int = 0) -> None:
    """start(n) without waiting: the fork server loads the model while the caller goes on
    (the CLI starts Prefect meanwhile); the first batch waits for it through the lock."""
    threading.Thread(target=start, args=(n, rehearse, niceness), name="worker-pool-start", daemon=True).start()


def stop() -> None:
    global _pool, _size
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            mark("worker pool stopped")
        _pool, _size = None, 0


def _restart(broken: cf.ProcessPoolExecutor, n: int) -> cf.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is broken:  # another thread may have restarted it already
            _pool = None
    return start(n)


def run_batch(fn: Callable[[list[T]], R], items: list[T], n: int,
              merge: Callable[[list[R]], R], on_crash: Callable[[T], R]) -> R:
    """fn(items) in a worker; if a worker dies, item by item in a new pool.

    merge: joins the per-item results of the second pass into one result of fn's shape.
    on_crash: the result to record for an item that kills a worker again.
    """
    pool = start(n)
    try:
        return pool.submit(fn, items).result()
    except BrokenProcessPool:
        pool = _restart(pool, n)
    parts: list[R] = []
    for item in items:
        try:
            parts.append(pool.submit(fn, [item]).result())
        except BrokenProcessPool:
            pool = _restart(pool, n)
            parts.append(on_crash(item))
    return merge(parts)

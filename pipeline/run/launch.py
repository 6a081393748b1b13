"""Where the flow's tasks run, and running it once: Prefect's threads, worker processes or Dask.

In-process (processes=0), one batch at a time: extraction holds the GIL, so more threads
would not go faster. With a pool of worker processes, as many threads as workers: each
thread's task waits on its batch in a worker. On Dask, the workers are the processes and
they need a real Prefect server. Either way the run starts the temporary server
itself (`pipeline/run/server.py`) so that it dies with the run.
"""

from __future__ import annotations

import logging

from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.ingest import DEFAULT_MAX_BYTES
from pipeline.run import collector, heartbeat
from pipeline.run.flow import pipeline_flow
from pipeline.run.server import prefect_api
from pipeline.run.timeline import mark
from pipeline.run.warmup import prepare_flow_process


def task_runner(dask_address: str = "", workers: int = 0):
    """None (Prefect's threads) or a DaskTaskRunner on a scheduler or a local cluster."""
    if not dask_address and not workers:
        return None
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    # One thread per worker: spaCy holds the GIL, so threads would only share one core.
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": None})


def flow_for(dask_address: str = "", workers: int = 0, processes: int = 0):
    """The flow with its task runner: Dask, or threads, one per worker process."""
    runner = task_runner(dask_address, workers)
    if runner is None:
        return pipeline_flow if processes <= 1 else pipeline_flow.with_options(
            task_runner=ThreadPoolTaskRunner(max_workers=processes))
    # Tasks reach the workers pickled by reference: a worker imports `pipeline.run.flow`
    # itself (the package is installed; a remote worker runs from a checkout of the project
    # installed the same way, see the README).
    return pipeline_flow.with_options(task_runner=runner)


def run(raw_dir: str, db_path: str, batch_size: int = 25, max_bytes: int = DEFAULT_MAX_BYTES, full: bool = False,
        wait_for_lock: bool = True, dask_address: str = "", workers: int = 0, decisions_path: str | None = None,
        processes: int = 0, log=None, allow_empty: bool = False, server=None) -> dict:
    """Run the flow once, on Dask when asked, with a real Prefect server (a temporary one if none is set).

    processes: worker processes for clean and extract when Dask is not used (0: in this process).
    server: a `TemporaryServer` already starting, used when no Prefect server is configured.
    """
    mark("flow and Prefect imported")
    dask = bool(dask_address or workers)
    processes = 0 if dask else processes  # on Dask, its workers are the processes
    f = flow_for(dask_address, workers, processes)
    params = dict(raw_dir=raw_dir, db_path=db_path, batch_size=batch_size, max_bytes=max_bytes, full=full,
                  wait_for_lock=wait_for_lock, decisions_path=decisions_path, processes=processes,
                  allow_empty=allow_empty)
    if dask:
        quiet_dask_logs()
    # while the temporary server boots (or the worker pool loads the model): what the flow's
    # process would otherwise load once the flow has begun
    prepare_flow_process(in_process=not dask and processes < 1)
    collector.resume()  # paused by the command line while Prefect and the flow were imported
    heartbeat.not_joined()
    with prefect_api(log if dask else None, server=server):
        summary = f(**params)
        mark("flow returned")
        return summary


def quiet_dask_logs() -> None:
    # The scheduler's and nannies' INFO lines (workers joining, leaving) would drown the progress lines.
    for name in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.core", "distributed.http"):
        logging.getLogger(name).setLevel(logging.WARNING)

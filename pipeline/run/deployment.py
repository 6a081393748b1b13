"""The scheduled deployment that `serve` runs: the flow, its cron schedule and its parameters."""

from __future__ import annotations

import os

from pipeline.paths import PROJECT_ROOT
from pipeline.run.launch import flow_for


def build_deployment(settings, full: bool = False):
    """The deployment `serve` runs: the flow, its cron schedule and its parameters."""
    from prefect.schedules import Cron

    settings.check_schedule()
    dask = bool(settings.dask_address or settings.workers)
    processes = 0 if dask else settings.worker_processes
    f = flow_for(settings.dask_address, settings.workers, processes)
    return f.to_deployment(
        name=settings.name,
        schedules=[Cron(settings.cron, timezone=settings.timezone)],
        parameters={
            "raw_dir": os.path.abspath(settings.raw_dir),
            "db_path": os.path.abspath(settings.db),
            "batch_size": settings.batch_size,
            "max_bytes": settings.max_bytes,
            "full": full,
            "wait_for_lock": True,  # a scheduled run waits for a manual one rather than failing
            # analysts' decisions apply to scheduled runs too, when the file exists
            "decisions_path": str(PROJECT_ROOT / "reconciliation.yaml") if (PROJECT_ROOT / "reconciliation.yaml").exists() else None,
            "processes": processes,
        },
        description="Reads new press articles and updates the projects database.",
    )


def serve(settings) -> None:
    from prefect import serve as prefect_serve

    prefect_serve(build_deployment(settings))

"""Scale-out: the per-article stages on a local Dask cluster of 2 worker processes give
the same database as a run in one process, with every task reported to one Prefect server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import flow, launch

ROOT = Path(__file__).resolve().parents[1]


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        return {t: sorted(conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables if t != "runs"}
    finally:
        conn.close()


@pytest.mark.slow
def test_two_dask_workers_build_the_same_database(tmp_path, seeds_dir, prefect_server):
    local = tmp_path / "local.db"
    flow.pipeline_flow(raw_dir=str(seeds_dir), db_path=str(local), batch_size=2)

    on_dask = tmp_path / "dask.db"
    # No PREFECT_API_URL: the command starts one server and points the workers at it.
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_LOGGING_LEVEL="INFO", PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(seeds_dir), "--db", str(on_dask), "--workers", "2",
         "--batch-size", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert dump(on_dask) == dump(local)
    # one server for the flow and both workers: none started a temporary one of its own
    assert out.count("Starting temporary server") == 1, out[-3000:]
    assert "started a temporary Prefect server" in out
    assert "LocalCluster" in out


def test_task_runner_choice():
    from prefect_dask import DaskTaskRunner

    assert launch.task_runner() is None
    local = launch.task_runner(workers=3)
    assert isinstance(local, DaskTaskRunner)
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["threads_per_worker"] == 1
    remote = launch.task_runner(dask_address="tcp://127.0.0.1:8786")
    assert remote.address == "tcp://127.0.0.1:8786"


@pytest.mark.parametrize("workers, address", [(2, ""), (0, "tcp://127.0.0.1:8786")])
def test_flow_for_dask_keeps_the_flow_and_swaps_the_runner(workers, address):
    f = launch.flow_for(address, workers)
    assert f.name == flow.pipeline_flow.name and f is not flow.pipeline_flow
    assert f.task_runner.__class__.__name__ == "DaskTaskRunner"

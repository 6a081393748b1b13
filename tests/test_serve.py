"""The scheduled deployment: its schedule and parameters, the settings file, and one real
run through a Prefect server on loopback (bounded: SERVER_TEST_BUDGET_S in all)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.run import config, deployment, launch, workers

ROOT = Path(__file__).resolve().parents[1]
SERVER_TEST_BUDGET_S = 150  # ~40 s on an idle 2-core machine; the rest is headroom for a loaded one


def test_default_deployment_runs_daily_at_six_paris_time():
    dep = deployment.build_deployment(config.Settings())
    [sched] = dep.schedules
    assert (sched.schedule.cron, sched.schedule.timezone, sched.active) == ("0 6 * * *", "Europe/Paris", True)
    assert (dep.flow_name, dep.name) == ("press-funding-pipeline", "daily")
    assert dep.parameters == {"raw_dir": str(ROOT / "raw"), "db_path": str(ROOT / "extracted" / "projects.db"),
                              "batch_size": 25, "max_bytes": config.DEFAULT_MAX_BYTES, "full": False,
                              "wait_for_lock": True,
                              "decisions_path": str(ROOT / "reconciliation.yaml"),
                              "processes": workers.available_cpus()}


@pytest.mark.parametrize(
    "start_utc, first_run_utc",
    [
        (dt.datetime(2026, 1, 10, 12, 0), dt.datetime(2026, 1, 11, 5, 0)),  # winter: Paris is UTC+1
        (dt.datetime(2026, 7, 10, 3, 0), dt.datetime(2026, 7, 10, 4, 0)),  # summer: UTC+2, same day
    ],
)
def test_schedule_fires_at_six_in_paris_whatever_the_season(start_utc, first_run_utc):
    from prefect.server.schemas.schedules import CronSchedule

    sched = deployment.build_deployment(config.Settings()).schedules[0].schedule
    server_side = CronSchedule(cron=sched.cron, timezone=sched.timezone)
    [first] = asyncio.run(server_side.get_dates(1, start=start_utc.replace(tzinfo=dt.timezone.utc)))
    assert first.astimezone(dt.timezone.utc).replace(tzinfo=None) == first_run_utc


def test_settings_file_sets_schedule_paths_and_dask(tmp_path):
    cfg = tmp_path / "pipeline.toml"
    cfg.write_text(
        '[serve]\nraw_dir = "in"\ndb = "/data/out.db"\ncron = "30 22 * * 1-5"\ntimezone = "America/Cayenne"\n'
        'name = "weekdays"\n[run]\nbatch_size = 10\n[dask]\naddress = "tcp://10.0.0.5:8786"\n',
        encoding="utf-8",
    )
    s = config.load(cfg)
    assert (s.raw_dir, s.db) == (str(tmp_path / "in"), "/data/out.db")  # relative to the file
    assert (s.cron, s.timezone, s.name, s.batch_size, s.dask_address, s.workers) == (
        "30 22 * * 1-5", "America/Cayenne", "weekdays", 10, "tcp://10.0.0.5:8786", 0)
    dep = deployment.build_deployment(s.updated(dask_address="", workers=0))
    assert dep.schedules[0].schedule.cron == "30 22 * * 1-5"
    assert dep.parameters["batch_size"] == 10


def test_command_line_options_override_the_file(tmp_path):
    cfg = tmp_path / "pipeline.toml"
    cfg.write_text('[serve]\ncron = "0 1 * * *"\n[dask]\nworkers = 2\n', encoding="utf-8")
    s = config.load(cfg).updated(cron="0 2 * * *", dask_address="tcp://127.0.0.1:8786", workers=0)
    assert (s.cron, s.workers, s.dask_address) == ("0 2 * * *", 0, "tcp://127.0.0.1:8786")


def test_environment_names_the_settings_file(tmp_path, monkeypatch):
    cfg = tmp_path / "other.toml"
    cfg.write_text('[serve]\nname = "from-env"\n', encoding="utf-8")
    monkeypatch.setenv("PIPELINE_CONFIG", str(cfg))
    assert config.load().name == "from-env"


def test_served_flow_on_dask_keeps_its_task_runner():
    from prefect_dask import DaskTaskRunner

    dep = deployment.build_deployment(config.Settings(workers=2))
    runner = launch.flow_for(workers=2).task_runner
    assert isinstance(runner, DaskTaskRunner)
    assert dep.flow_name == "press-funding-pipeline"


# --- a real server, a served deployment, one triggered run ---------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def spawn(tmp_path):
    """Start processes in their own session; on teardown, stop each group (TERM, then KILL)."""
    procs: list[subprocess.Popen] = []

    def start(name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")
        p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(p)
        return p

    yield start
    for p in reversed(procs):
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue


def _until(what: str, probe, deadline: float, logs: Path, every: float = 0.5):
    last = None
    while time.monotonic() < deadline:
        try:
            got = probe()
            if got is not None:
                return got
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(every)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in sorted(logs.glob("*.log")))
    pytest.fail(f"timed out waiting for {what} ({last!r})\n{tails}")


@pytest.mark.slow
def test_served_deployment_runs_on_a_real_server(tmp_path, seeds_dir, spawn):
    import httpx

    deadline = time.monotonic() + SERVER_TEST_BUDGET_S
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "INFO",
           "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    spawn("server", [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
                     "--no-ui"], env)
    _until("the server", lambda: httpx.get(f"{api}/health", timeout=2).raise_for_status() and True, deadline,
           tmp_path)

    db = tmp_path / "out" / "projects.db"
    spawn("serve", [sys.executable, "-m", "pipeline", "serve", str(seeds_dir), "--db", str(db), "--name", "test",
                    "--cron", "0 6 * * *", "--timezone", "Europe/Paris"], env)

    def deployment():
        r = httpx.get(f"{api}/deployments/name/press-funding-pipeline/test", timeout=30)
        return r.json() if r.status_code == 200 else None

    dep = _until("the deployment", deployment, deadline, tmp_path)
    [sched] = dep["schedules"]
    assert (sched["schedule"]["cron"], sched["schedule"]["timezone"]) == ("0 6 * * *", "Europe/Paris")
    assert dep["parameters"]["db_path"] == str(db)

    # Not retried after a timeout (the run may have been created): on a loaded 2-core machine the
    # server, busy with the serve process's polling, may take seconds to answer. Retried on 503
    # only, as Prefect's own client does: the server answers 503 when the request raised a
    # retryable error (its SQLite database locked or timing out), so nothing was committed.
    for attempt in range(6):
        answer = httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run", json={}, timeout=90)
        if answer.status_code != 503 or attempt == 5:
            break
        time.sleep(2)
    run = answer.raise_for_status().json()

    def finished():
        state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=30).json()["state"]["type"]
        return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    assert _until("the flow run", finished, deadline, tmp_path, every=1) == "COMPLETED"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select count(*) from articles").fetchone() == (5,)
        assert conn.execute("select new, unchanged from runs").fetchone() == (5, 0)
    finally:
        conn.close()


@pytest.mark.parametrize("setting, processes, threads", [
    (-1, None, None),  # one per CPU
    (0, 0, 1),  # in the flow's own process, one batch at a time
    (3, 3, 3),  # as many batches in flight as workers
])
def test_worker_processes_setting_reaches_the_flow(tmp_path, setting, processes, threads):
    cfg = tmp_path / "pipeline.toml"
    cfg.write_text(f"[run]\nprocesses = {setting}\n", encoding="utf-8")
    s = config.load(cfg)
    want = workers.available_cpus() if processes is None else processes
    assert s.worker_processes == want
    assert deployment.build_deployment(s).parameters["processes"] == want
    assert launch.flow_for(processes=want).task_runner._max_workers == (threads or max(1, want))


def test_worker_processes_are_not_used_on_dask():
    assert deployment.build_deployment(config.Settings(workers=2, processes=4)).parameters["processes"] == 0

"""The Prefect server a run reports to: the configured one, checked, or a temporary one tied to the run.

Prefect, left to itself, starts a temporary server (uvicorn, ~200 MB) when no
PREFECT_API_URL is set and stops it at exit; a run killed by SIGTERM or SIGKILL never
reaches that exit, and the server lived on, re-parented to PID 1. So the run starts the
temporary server itself, through `pipeline/run/tether.py`, which stops it as soon as the
run's process is gone, however it went. One server also serves the flow and every Dask
worker: without it, each would start its own and the task runs would be scattered.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import socket
import sys
from typing import Any


class ServerUnavailable(RuntimeError):
    """The configured Prefect server does not answer: one line saying where and why."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_api(url: str, timeout: float = 10.0) -> None:
    """ServerUnavailable unless `url` answers Prefect's health check."""
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=timeout).raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise ServerUnavailable(f"the Prefect server at {url} answers {exc.response.status_code} to its health "
                                "check (PREFECT_API_URL)") from None
    except httpx.HTTPError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ServerUnavailable(f"no Prefect server answers at {url} (PREFECT_API_URL): {reason}") from None


def tethered_server(port: int):
    """Prefect's own temporary server, its uvicorn process run under `pipeline.run.tether`."""
    import subprocess

    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    class TetheredServer(SubprocessASGIServer):
        # Prefect 3.8.8's command and environment, with the tether in front of uvicorn
        def _run_uvicorn_command(self) -> Any:
            env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1", **get_current_settings().to_environment_variables(exclude_unset=True)}
            return subprocess.Popen(
                [sys.executable, "-m", "pipeline.run.tether", str(os.getpid()),
                 "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "error", "--lifespan", "on"],
                env=env,
            )

    return TetheredServer(port=port)


@contextlib.contextmanager
def prefect_api(log=None):
    """Make sure a real Prefect server is configured; start one on loopback if not.

    The URL goes both into Prefect's settings (serialised with each task) and into the
    environment (read by worker processes that a local cluster starts).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield PREFECT_API_URL.value()
        return
    server = tethered_server(_free_port())
    server.start()
    if log:
        log(f"started a temporary Prefect server at {server.api_url}")
    old = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url
            finally:
                _drain_prefect_workers()  # queued logs and events go now, not later to a dead port
    finally:
        if old is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = old
        server.stop()


def _drain_prefect_workers() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain():
        with contextlib.suppress(RuntimeError):  # never started
            got = APILogWorker.instance().drain()
            if inspect.isawaitable(got):
                await got
        got = EventsWorker.drain_all()
        if inspect.isawaitable(got):
            await got

    run_coro_as_sync(drain())

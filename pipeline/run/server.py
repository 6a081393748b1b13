"""The Prefect server that Dask workers report to: the configured one, or a temporary one on loopback."""

from __future__ import annotations

import contextlib
import inspect
import os
import socket


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def prefect_api_for_workers(log=None):
    """Make sure a real Prefect server is configured; start one on loopback if not.

    Without one, the flow and every Dask worker would each start a temporary server of
    their own, and the task runs would be scattered over them. The URL goes both into
    Prefect's settings (serialised with each task) and into the environment (read by
    worker processes that a local cluster starts).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield PREFECT_API_URL.value()
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer(port=_free_port())
    server.start(timeout=120)
    if log:
        log(f"started a Prefect server for the Dask workers at {server.api_url}")
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

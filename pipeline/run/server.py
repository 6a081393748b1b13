"""The Prefect server a run reports to: the configured one, checked, or a temporary one tied to the run.

Prefect, left to itself, starts a temporary server (uvicorn, ~200 MB) when no
PREFECT_API_URL is set and stops it at exit; a run killed by SIGTERM or SIGKILL never
reaches that exit, and the server lived on, re-parented to PID 1. So the run starts the
temporary server itself, through `pipeline/run/tether.py`, which stops it as soon as the
run's process is gone, however it went. One server also serves the flow and every Dask
worker: without it, each would start its own and the task runs would be scattered.

Why it is started without importing Prefect: the server's own start (importing Prefect's
server, ~5 s of CPU) is the longest part of a small run. `TemporaryServer` launches
Prefect's command itself (that of Prefect 3.8.8's `SubprocessASGIServer`, Prefect's app built
by `create_app` below), so the command line can start it first thing, and the run imports
Prefect and loads the model meanwhile; the flow waits for its health check only when it is about to begin (`prefect_api`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import os
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from pipeline.run.timeline import mark

PORT_TAKEN = 3  # uvicorn's exit code when the port was taken between choosing and binding it
# Off for the temporary server only (never for a configured one), unless the user set them: the
# registration of block types at start-up, which first imports every installed Prefect collection
# (prefect-dask, hence Dask and NumPy, ~0.3 s of CPU) to hash its blocks. A run uses no block; a
# server started later on the same Prefect home registers them then. Setting -> its other names.
ONE_SHOT_SETTINGS = {
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": ("PREFECT_API_BLOCKS_REGISTER_ON_START",),
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": ("PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION",),
}


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


def configured_without_prefect() -> bool:
    """Whether a Prefect server is configured, as far as can be told without importing Prefect
    (2 s): the environment, then the active profile of Prefect's profiles file. Prefect's
    other sources (prefect.toml, .env) are seen only once it is imported: `prefect_api`
    then stops a temporary server started for nothing."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        with open(path, "rb") as fh:
            profiles = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    profile = profiles.get("profiles", {}).get(active, {})
    return isinstance(profile, dict) and bool(profile.get("PREFECT_API_URL"))


def create_app():
    """uvicorn's factory for the temporary server: Prefect's own app
    (`prefect.server.api.server:create_app`), built with the cyclic garbage collector paused.

    Importing Prefect's server creates some hundred thousand objects (its models, schemas
    and routes), and the collector scanned them again and again while they were created:
    about 15 % of the import's CPU. They live as long as the server: once built, they are
    moved out of the collector's sight (`gc.freeze`).
    """
    import gc

    gc.disable()
    try:
        from prefect.server.api.server import create_app as prefect_app

        app = prefect_app()
    finally:
        gc.enable()
    gc.freeze()
    return app


class TemporaryServer:
    """Prefect's temporary server, its uvicorn process run under `pipeline.run.tether`."""

    def __init__(self, port: int | None = None):
        self.port = port or _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _command(self) -> list[str]:
        spec = importlib.util.find_spec("prefect")  # finds the package without importing it
        site = Path(spec.origin).parent.parent
        return [sys.executable, "-m", "pipeline.run.tether", str(os.getpid()),
                "uvicorn", "--app-dir", str(site), "--factory", f"{__name__}:create_app",
                "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        for name, aliases in ONE_SHOT_SETTINGS.items():
            if not any(a in os.environ for a in (name, *aliases)):  # a choice of the user's stands
                env[name] = "false"
        if "prefect.settings" in sys.modules:  # settings changed in this process (temporary_settings) go too
            from prefect.settings import get_current_settings

            env.update(get_current_settings().to_environment_variables(exclude_unset=True))
        return env

    def start(self) -> "TemporaryServer":
        self.process = subprocess.Popen(self._command(), env=self._environment())
        mark("temporary Prefect server process started")
        return self

    def wait_ready(self, timeout: float | None = None) -> None:
        """Until the server answers its health check; RuntimeError if it exits or takes longer than `timeout`."""
        import httpx
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        if self.process is None:
            self.start()
        seconds = timeout or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        limit = time.monotonic() + seconds
        with httpx.Client() as client:
            while time.monotonic() < limit:
                code = self.process.poll()
                if code == PORT_TAKEN:
                    self.port = _free_port()
                    self.start()
                    continue
                if code is not None:
                    raise RuntimeError(f"the temporary Prefect server exited with code {code} before it answered")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                        mark("temporary Prefect server ready")
                        return
                time.sleep(0.05)
        raise RuntimeError(f"the temporary Prefect server did not answer within {seconds} s "
                           "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

    def stop(self, wait: bool = True) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
        if wait:
            self.join()

    def join(self, grace: float = 5.0) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        mark("temporary Prefect server stopped")


def configured_api() -> str | None:
    """The Prefect server's URL configured in Prefect's settings (environment, profile, prefect.toml), or None."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


@contextlib.contextmanager
def prefect_api(log=None, server: TemporaryServer | None = None):
    """Make sure a real Prefect server is configured; start one on loopback if not.

    server: a temporary server already starting (the command line starts it before
    importing Prefect); stopped unused if a server is configured after all, and otherwise
    only signalled to stop at the end: its caller waits for it (`TemporaryServer.join`)
    while it ends its other processes.
    The URL goes both into Prefect's settings (serialised with each task) and into the
    environment (read by worker processes that a local cluster starts).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        if server is not None:
            server.stop()
        yield PREFECT_API_URL.value()
        return
    from prefect.logging import get_logger

    owned = server is None
    server = server or TemporaryServer().start()
    # Prefect's own lines about its temporary server, as when Prefect started it
    get_logger().info(f"Starting temporary server on {server.api_url.removesuffix('/api')}\nSee "
                      "https://docs.prefect.io/v3/concepts/server#how-to-guides for more information on "
                      "running a dedicated Prefect server.")
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
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
        get_logger().info(f"Stopping temporary server on {server.api_url.removesuffix('/api')}")
        server.stop(wait=owned)


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
    mark("Prefect's queued logs and events sent")

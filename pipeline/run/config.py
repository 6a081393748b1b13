"""Settings for scheduled and distributed runs, read from `pipeline.toml`.

Looked up in this order: `--config PATH`, the `PIPELINE_CONFIG` environment variable,
`pipeline.toml` at the project root; without a file, the defaults below. Relative paths
in the file are relative to the file's folder. Command-line options override the file.

    [serve]                       # python -m pipeline serve / python flows.py serve
    raw_dir = "raw"
    db = "extracted/projects.db"
    cron = "0 6 * * *"            # every day at 06:00 ...
    timezone = "Europe/Paris"     # ... Paris time (IANA name)
    name = "daily"                # deployment name: press-funding-pipeline/daily

    [run]                         # both `run` and the served runs
    batch_size = 25
    max_bytes = 20971520
    processes = -1                # clean/extract workers: -1 one per CPU, 0 none (the flow's own process)

    [dask]                        # both `run` and the served runs
    address = ""                  # tcp://HOST:PORT of a running Dask scheduler
    workers = 0                   # > 0: a local cluster of that many worker processes

`python -m pipeline run` keeps the contract's defaults for RAW_DIR and --db (raw/ and
extracted/projects.db); only `serve` reads them from here.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from pipeline.ingest import DEFAULT_MAX_BYTES
from pipeline.paths import PROJECT_ROOT

DEFAULT_FILE = PROJECT_ROOT / "pipeline.toml"


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line for a person."""


@dataclass(frozen=True)
class Settings:
    raw_dir: str = str(PROJECT_ROOT / "raw")
    db: str = str(PROJECT_ROOT / "extracted" / "projects.db")
    cron: str = "0 6 * * *"
    timezone: str = "Europe/Paris"
    name: str = "daily"
    batch_size: int = 25
    max_bytes: int = DEFAULT_MAX_BYTES
    dask_address: str = ""
    workers: int = 0
    processes: int = -1

    @property
    def worker_processes(self) -> int:
        """Worker processes for clean and extract (-1: one per CPU this process may use)."""
        if self.processes >= 0:
            return self.processes
        from pipeline.run.workers import available_cpus

        return available_cpus()

    def updated(self, **changes) -> "Settings":
        """A copy with the options given (None means 'not given'), checked."""
        s = replace(self, **{k: v for k, v in changes.items() if v is not None})
        s.check()
        return s

    def check(self) -> None:
        if self.batch_size < 1:
            raise ConfigError("batch size must be at least 1")
        if self.max_bytes < 1:
            raise ConfigError("max bytes must be at least 1")
        if self.processes < -1:
            raise ConfigError("processes must be -1 (one per CPU), 0 (none) or more")
        if self.workers < 0:
            raise ConfigError("workers must be 0 (no Dask) or more")
        if self.workers and self.dask_address:
            raise ConfigError("give either a Dask address or a number of local workers, not both")
        if self.dask_address and not self.dask_address.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise ConfigError(f"Dask address must look like tcp://HOST:PORT, not {self.dask_address!r}")

    def check_schedule(self) -> None:
        check_schedule(self.cron, self.timezone)


# (section, key in the file) -> Settings field
_KEYS = {
    ("serve", "raw_dir"): "raw_dir",
    ("serve", "db"): "db",
    ("serve", "cron"): "cron",
    ("serve", "timezone"): "timezone",
    ("serve", "name"): "name",
    ("run", "batch_size"): "batch_size",
    ("run", "max_bytes"): "max_bytes",
    ("run", "processes"): "processes",
    ("dask", "address"): "dask_address",
    ("dask", "workers"): "workers",
}
_PATHS = {"raw_dir", "db"}


def config_file(path: str | os.PathLike | None = None) -> Path | None:
    if path:
        return Path(path)
    env = os.environ.get("PIPELINE_CONFIG")
    if env:
        return Path(env)
    return DEFAULT_FILE if DEFAULT_FILE.exists() else None


def load(path: str | os.PathLike | None = None) -> Settings:
    """Settings from the file (see the module docstring); ConfigError when unusable."""
    file = config_file(path)
    if file is None:
        return Settings()
    try:
        with open(file, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {file}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {file}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: {exc}") from None
    return from_mapping(raw, base=file.resolve().parent, source=str(file))


def from_mapping(raw: dict, base: Path = PROJECT_ROOT, source: str = "configuration") -> Settings:
    types = {f.name: f.type for f in fields(Settings)}
    values: dict = {}
    for section, body in raw.items():
        if not isinstance(body, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key, value in body.items():
            name = _KEYS.get((section, key))
            if name is None:
                raise ConfigError(f"{source}: unknown setting {section}.{key}")
            want = int if types[name] in (int, "int") else str
            if not isinstance(value, want) or isinstance(value, bool):
                raise ConfigError(f"{source}: {section}.{key} must be {'an integer' if want is int else 'a string'}")
            if name in _PATHS:
                value = str((base / value)) if not os.path.isabs(value) else value
            values[name] = value
    settings = Settings(**values)
    settings.check()
    return settings


def check_schedule(cron: str, timezone: str) -> None:
    """ConfigError with Prefect's own reason when the cron string or the time zone is bad."""
    from pydantic import ValidationError
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as exc:
        err = exc.errors()[0]
        what = "cron expression" if err.get("loc", ("",))[0] == "cron" else "time zone"
        value = cron if what == "cron expression" else timezone
        raise ConfigError(f"invalid {what} {value!r}") from None

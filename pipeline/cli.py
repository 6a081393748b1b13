"""Command line: a thin layer over the flow.

    python -m pipeline run [RAW_DIR] [--db PATH] [--full] [--wait] [--allow-empty]
                           [--workers N | --dask-address URL] [--processes N]
                           [--batch-size N] [--max-bytes N] [--config FILE]
    python -m pipeline serve [RAW_DIR] [--db PATH] [--cron EXPR] [--timezone TZ] [--name NAME] ...

Exit codes: 0 the run completed (unreadable inputs are recorded in `ingest_errors` and
reported); 1 the run started and failed; 2 the run could not happen (unusable arguments,
missing folder, unwritable database, a file at --db that is not a pipeline database, no
article file while the database holds articles and no --allow-empty, a Prefect server or
Dask scheduler that does not answer, bad configuration); 3 another run holds the database
(`DB.lock`) and --wait was not given; 130 / 143 interrupted by SIGINT / SIGTERM (the
temporary Prefect server and the workers are ended with the run). Every error is one line
on stderr. A damaged database is set aside as `<db>.corrupt-<UTC time>` and rebuilt.

Other modules add subcommands without editing this file: a module listed in PLUGINS
that defines `register(subparsers)` adds its parser there and sets
`func=handler` with `handler(args) -> int` (its exit code).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from pipeline.paths import PROJECT_ROOT
from pipeline.run.timeline import mark

COMMANDS = ("run", "serve")
PLUGINS = ("pipeline.review.cli", "pipeline.evaluate.cli")  # loaded when present: see the module docstring
# how much lower the worker pool's model load runs while a temporary Prefect server starts (workers.preload)
PRELOAD_NICENESS = 10
EXIT_FAILED, EXIT_USAGE = 1, 2


class UsageError(Exception):
    """The run cannot happen: one line for the person who typed the command."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump, exit 2
        self.exit(EXIT_USAGE, f"error: {message}\n")


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _processes(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < -1:
        raise argparse.ArgumentTypeError(f"must be -1 (one per CPU), 0 (none) or more, not {n}")
    return n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="settings file (default: pipeline.toml at the project root, or $PIPELINE_CONFIG)")
    p.add_argument("--batch-size", type=_positive, help="articles per task (default 25, or [run] batch_size)")
    p.add_argument("--max-bytes", type=_positive, help="larger files are recorded as errors, not read (default 20 MB)")
    p.add_argument("--processes", type=_processes, metavar="N",
                   help="worker processes for clean and extract (default: one per CPU, or [run] processes; "
                        "-1: one per CPU; 0: in the flow's own process)")
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--workers", type=_positive, metavar="N",
                      help="run the per-article stages on a local Dask cluster of N worker processes")
    dask.add_argument("--dask-address", metavar="tcp://HOST:PORT", help="run them on this running Dask scheduler")


def build_parser(plugins: bool = True) -> argparse.ArgumentParser:
    """The parser; plugins=False leaves out the PLUGINS' subcommands (and their imports)."""
    p = Parser(prog="python -m pipeline", description="French press articles about public funding -> SQLite.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="run the flow once over a folder of articles")
    run.add_argument("raw_dir", nargs="?", default=str(PROJECT_ROOT / "raw"), help="folder of .html/.htm/.txt articles (default: raw/)")
    run.add_argument("--db", default=str(PROJECT_ROOT / "extracted" / "projects.db"), help="output SQLite path (default: extracted/projects.db)")
    run.add_argument("--full", action="store_true", help="extract every article again, ignoring stored results")
    run.add_argument("--wait", action="store_true", help="wait for a run already writing the database instead of stopping (exit 3)")
    run.add_argument("--allow-empty", action="store_true",
                     help="replace a database that holds articles even when RAW_DIR has no article file")
    run.add_argument("--decisions", default=str(PROJECT_ROOT / "reconciliation.yaml"),
                     help="analysts' reconciliation decisions, applied on every run (default: reconciliation.yaml)")
    _common(run)
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve the flow as a scheduled Prefect deployment (needs PREFECT_API_URL)")
    serve.add_argument("raw_dir", nargs="?", help="folder of articles (default: [serve] raw_dir)")
    serve.add_argument("--db", help="output SQLite path (default: [serve] db)")
    serve.add_argument("--cron", help="schedule, a cron expression (default: [serve] cron, '0 6 * * *')")
    serve.add_argument("--timezone", help="IANA time zone of the schedule (default: [serve] timezone, Europe/Paris)")
    serve.add_argument("--name", help="deployment name (default: [serve] name, 'daily')")
    _common(serve)
    serve.set_defaults(func=cmd_serve)

    for name in PLUGINS if plugins else ():
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            if hasattr(module, "register"):
                module.register(sub)
    return p


def _check_db_path(db: str) -> str | None:
    path = Path(db)
    if path.exists() and path.is_dir():
        return f"database path is a directory: {db}"
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the database folder {parent}: {exc.strerror}"
    probe = parent / f".{path.name}.probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"cannot write the database in {parent}: {exc.strerror}"
    if path.exists() and not os.access(path, os.R_OK):
        return f"cannot read the existing database {db}"
    return None


def _check_raw(raw: Path) -> None:
    if not raw.exists():
        raise UsageError(f"raw folder not found: {raw}")
    if not raw.is_dir():
        raise UsageError(f"not a folder: {raw}")
    if not os.access(raw, os.R_OK | os.X_OK):
        raise UsageError(f"cannot read the raw folder: {raw}")


def _settings(args, **changes):
    from pipeline.run.config import ConfigError, load

    if args.workers:  # given on the command line: the file's other choice does not apply
        changes.update(workers=args.workers, dask_address="")
    elif args.dask_address:
        changes.update(dask_address=args.dask_address, workers=0)
    try:
        return load(args.config).updated(batch_size=args.batch_size, max_bytes=args.max_bytes,
                                         processes=args.processes, **changes)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def prefect_env_defaults() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # the temporary server may need more than Prefect's default 20 s on a busy machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")


def cmd_run(args) -> int:
    from pipeline.run import collector

    collector.pause()  # until the flow's modules are loaded (launch.run): see pipeline/run/collector.py
    try:
        return _run_command(args)
    finally:
        collector.resume()  # a run that stopped before the flow


def _run_command(args) -> int:
    settings = _settings(args)
    raw = Path(args.raw_dir)
    _check_raw(raw)
    # before anything is written: a run without the analysts' decisions would undo them
    from pipeline.review.decisions import DecisionError, path_for_run

    try:
        decisions = path_for_run(args.decisions)
    except DecisionError as exc:
        raise UsageError(str(exc)) from None
    problem = _check_db_path(args.db)
    if problem:
        raise UsageError(problem)
    prefect_env_defaults()
    from pipeline.run import lifetime
    from pipeline.run.lock import EXIT_BUSY, DatabaseBusy, db_lock

    lifetime.end_children_on_signals()  # the Prefect server and the workers die with the run
    # refused before the lock, which would leave a lock file beside it; a damaged database is
    # set aside by the flow, under the lock
    existing = _check_existing_db(args.db)
    server = None
    try:
        with db_lock(args.db, wait=args.wait):
            from pipeline.ingest import scan_sources

            paths, skipped = scan_sources(str(raw))
            mark(f"{len(paths)} article files found")
            if not paths and existing.articles and not args.allow_empty:
                from pipeline.store.guard import empty_message

                raise UsageError(empty_message(str(raw), skipped, args.db, existing.articles))
            if not args.full and not existing.damage:
                # before Prefect starts: its temporary server alone costs more than this whole check
                from pipeline.run.fingerprint import up_to_date

                last = up_to_date(paths, args.db, decisions, settings.max_bytes, raw_dir=str(raw),
                                  skipped=[s.path for s in skipped])
                if last is not None:
                    print(f"up to date: {last.get('articles')} articles, nothing changed since the run of "
                          f"{last.get('finished_at')} (inputs, rules, decisions); {args.db} left as it is")
                    return 0
            server, processes = _start_early(settings, len(paths))
            _check_services(settings)
            from pipeline.run import flow, launch
            from pipeline.run.server import ServerUnavailable
            from pipeline.store.guard import EmptyInput, NotPipelineDatabase

            try:
                summary = launch.run(str(raw), str(args.db), batch_size=settings.batch_size,
                                     max_bytes=settings.max_bytes, full=args.full, wait_for_lock=args.wait,
                                     dask_address=settings.dask_address, workers=settings.workers,
                                     log=lambda msg: print(msg, file=sys.stderr), decisions_path=decisions,
                                     processes=processes, allow_empty=args.allow_empty, server=server)
            except (KeyboardInterrupt, DatabaseBusy):
                raise
            except (EmptyInput, NotPipelineDatabase, ServerUnavailable) as exc:
                raise UsageError(str(exc)) from None  # the folder or the database changed since the checks
            except Exception as exc:  # noqa: BLE001 - one line here; Prefect's log holds the traceback
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                print(f"error: run failed: {exc.__class__.__name__}: {first}", file=sys.stderr)
                return EXIT_FAILED
    except DatabaseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    finally:
        _stop_early(server)
    mark("run ended, its processes stopped")
    print(f"done: {flow.format_summary(summary, str(args.db))}")
    return 0


def _start_early(settings, files: int):
    """Start now, before Prefect is imported, what the run will wait for: the temporary Prefect
    server (unless one is configured) and the worker pool, whose fork server loads the model.

    Returns (the server or None, the number of worker processes for the flow).
    """
    from pipeline.run import workers
    from pipeline.run.server import TemporaryServer, configured_without_prefect

    server = None if configured_without_prefect() else TemporaryServer().start()
    dask = bool(settings.dask_address or settings.workers)
    processes = 0 if dask else workers.pool_size(settings.worker_processes, files, settings.batch_size)
    if processes:
        from pipeline.run.warmup import rehearsal_stages

        # the model loads while Prefect starts its server
        # with a temporary server to wait for, the model loads at a lower priority than the server's start
        workers.start_in_background(processes, rehearse=rehearsal_stages(files <= settings.batch_size, server is not None),
                                    niceness=PRELOAD_NICENESS if server is not None else 0)
    return server, processes


def _stop_early(server) -> None:
    """End the server and the worker pool together: neither waits for the other to stop."""
    if server is not None:
        server.stop(wait=False)
    if "pipeline.run.workers" in sys.modules:
        sys.modules["pipeline.run.workers"].stop()
    if server is not None:
        server.join()


def _check_existing_db(db: str):
    """What is at --db: UsageError when it is not a pipeline database (a damaged one is the flow's to set aside)."""
    from pipeline.store.guard import NotPipelineDatabase, check_existing

    try:
        return check_existing(db, set_aside_damaged=False)
    except NotPipelineDatabase as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot read the existing database {db}: {exc.strerror}") from None


def _check_services(settings) -> None:
    """A configured Prefect server and a Dask scheduler must answer before the run starts."""
    from prefect.settings import PREFECT_API_URL

    from pipeline.run.server import ServerUnavailable, check_api

    mark("Prefect settings imported")
    if PREFECT_API_URL.value():
        try:
            check_api(PREFECT_API_URL.value())
        except ServerUnavailable as exc:
            raise UsageError(f"could not start: {exc}") from None
    if settings.dask_address:
        problem = _unreachable(settings.dask_address)
        if problem:
            raise UsageError(f"could not start: no Dask scheduler answers at {settings.dask_address} ({problem})")


def _unreachable(address: str, timeout: float = 5.0) -> str | None:
    """Why a tcp:// or tls:// address cannot be connected to, or None (other schemes are not probed)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls"):
        return None
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return "not a valid port"
    if not host or not port:
        return "no host or port"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or exc.__class__.__name__


def cmd_serve(args) -> int:
    prefect_env_defaults()  # before anything imports Prefect, which reads them once
    from pipeline.run import lifetime

    lifetime.end_children_on_signals()  # warm workers go with the serving process
    settings = _settings(args, raw_dir=args.raw_dir, db=args.db, cron=args.cron, timezone=args.timezone, name=args.name)
    from pipeline.run.config import ConfigError

    try:
        settings.check_schedule()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    _check_raw(Path(settings.raw_dir))
    problem = _check_db_path(settings.db)
    if problem:
        raise UsageError(problem)
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise UsageError("serve needs a Prefect server: run `prefect server start` and set "
                         "PREFECT_API_URL=http://127.0.0.1:4200/api")
    from pipeline.run import deployment, flow

    print(f"serving {flow.FLOW_NAME}/{settings.name}: '{settings.cron}' ({settings.timezone}) on "
          f"{settings.raw_dir} -> {settings.db}", file=sys.stderr)
    deployment.serve(settings)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `run` and `serve` need no plugin: their modules are not imported for them
    args = build_parser(plugins=not (argv and argv[0] in COMMANDS)).parse_args(argv)
    mark("arguments parsed")
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

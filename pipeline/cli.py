"""Command line: a thin layer over the flow.

    python -m pipeline run [RAW_DIR] [--db PATH] [--batch-size N] [--max-bytes N]

Exit 0 when the run completed (unreadable inputs are recorded in `ingest_errors` and
reported); 2 with a one-line reason on stderr when the run could not happen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump, exit 2
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from .ingest import DEFAULT_MAX_BYTES

    p = _Parser(prog="python -m pipeline", description="French press articles about public funding -> SQLite.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run the flow over a folder of articles")
    run.add_argument("raw_dir", nargs="?", default=str(ROOT / "raw"), help="folder of .html/.htm/.txt articles (default: raw/)")
    run.add_argument("--db", default=str(ROOT / "extracted" / "projects.db"), help="output SQLite path (default: extracted/projects.db)")
    run.add_argument("--batch-size", type=int, default=25, help="articles per task (default 25)")
    run.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                     help=f"larger files are recorded as errors, not read (default {DEFAULT_MAX_BYTES})")
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
    return None


def cmd_run(args) -> int:
    raw = Path(args.raw_dir)
    if not raw.exists():
        print(f"error: raw folder not found: {raw}", file=sys.stderr)
        return 2
    if not raw.is_dir():
        print(f"error: not a folder: {raw}", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    problem = _check_db_path(args.db)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    sys.path.insert(0, str(ROOT))
    from flows import pipeline_flow

    summary = pipeline_flow(raw_dir=str(raw), db_path=str(args.db), batch_size=args.batch_size, max_bytes=args.max_bytes)
    print(
        f"done: {summary['articles']} articles read, {summary['failed']} unreadable, "
        f"{summary['extract_errors']} failed extraction, {summary['mentions']} mentions, "
        f"{summary['projects']} projects in {summary['seconds']} s -> {args.db}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())

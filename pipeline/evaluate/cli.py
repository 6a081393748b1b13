"""The `score` command: a database's figures against a gold file, with bounds a run must meet.

    python -m pipeline score DB GOLD [--explain] [--json] [--min METRIC=VALUE ...] [--max METRIC=VALUE ...]

Exit codes: 0 every bound holds; 1 a metric is out of its bound (listed on one line);
2 the database or the gold file cannot be used, or a bound names no metric (one line on
stderr). Wired into `python -m pipeline` through cli.PLUGINS (`register(subparsers)`).
"""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.evaluate import gold as gold_files
from pipeline.evaluate.metrics import ScoreError, score

EXIT_BELOW, EXIT_USAGE = 1, 2


def bound(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        if not sep or not name.strip():
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected METRIC=VALUE, not {text!r}") from None


def register(sub) -> None:
    """cli.PLUGINS protocol: add `score`, handled by `run`."""
    p = sub.add_parser("score", help="score a database against a gold file (the project's own evaluation)")
    p.add_argument("db", help="the SQLite database a run wrote")
    p.add_argument("gold", help="gold file (JSON; format in the README)")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    p.add_argument("--explain", action="store_true", help="list every miss, extra and wrong value")
    p.add_argument("--min", action="append", type=bound, default=[], metavar="METRIC=VALUE",
                   help="exit 1 when METRIC is below VALUE; repeatable")
    p.add_argument("--max", action="append", type=bound, default=[], metavar="METRIC=VALUE",
                   help="exit 1 when METRIC is above VALUE; repeatable")
    p.set_defaults(func=run)


def out_of_bounds(metrics: dict, lows: list[tuple[str, float]], highs: list[tuple[str, float]]) -> list[str]:
    """'metric=value < bound' for each bound that does not hold; KeyError for an unknown metric."""
    for name, _ in [*lows, *highs]:
        if name not in metrics:
            raise KeyError(name)
    return ([f"{k}={metrics[k]} < {v}" for k, v in lows if metrics[k] < v]
            + [f"{k}={metrics[k]} > {v}" for k, v in highs if metrics[k] > v])


def run(args) -> int:
    try:
        metrics, notes = score(args.db, lambda: gold_files.load(args.gold), explain=args.explain)
        short = out_of_bounds(metrics, args.min, args.max)
    except (ScoreError, gold_files.GoldError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyError as exc:
        print(f"error: no metric {exc.args[0]!r} (one of: {', '.join(metrics)})", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        for k, v in metrics.items():
            print(f"{k:22} {v}")
    for note in notes:
        print(f"  - {note}")
    if short:
        print("below the bounds: " + ", ".join(short))
        return EXIT_BELOW
    return 0

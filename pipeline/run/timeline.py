"""Where a run's seconds go: one stderr line per milestone, when PIPELINE_TIMELINE is set.

    PIPELINE_TIMELINE=1 python -m pipeline run ...      # seconds since this module was imported
    PIPELINE_TIMELINE=<epoch seconds> ...               # seconds since then (the benchmark passes
                                                        # the moment it started the process)

Each line reads `timeline   3.21 s  server ready`. Off (the default), `mark` costs one
dictionary lookup; it never imports anything, so that it can be called before Prefect
or spaCy are.
"""

from __future__ import annotations

import os
import sys
import time


def _origin() -> float | None:
    value = os.environ.get("PIPELINE_TIMELINE", "")
    if not value or value == "0":
        return None
    try:
        given = float(value)
    except ValueError:
        given = 0.0
    # a small number is an on/off switch, an epoch is a starting point
    return given if given > 1e9 else time.time()


ORIGIN = _origin()
if ORIGIN is not None:  # child processes (server, fork server, workers) count from the same moment
    os.environ["PIPELINE_TIMELINE"] = repr(ORIGIN)


def mark(label: str) -> None:
    if ORIGIN is not None:
        print(f"timeline {time.time() - ORIGIN:7.2f} s  {label}", file=sys.stderr, flush=True)

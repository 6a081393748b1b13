"""The cyclic garbage collector paused while a run loads its modules, then the loaded objects frozen.

Why: importing Prefect, FastAPI's encoders, spaCy and the model creates hundreds of thousands
of objects that live as long as the process (classes, pydantic schemas, functions, the
model's vocabulary); the collector scanned them again and again while they were created:
about 30 % of `import prefect` (1.7 -> 1.2 s) and a tenth of the model's load. A run pauses
it from the command line's start (`pause`) until its modules are loaded (`resume`, before the
flow begins), the worker pool's fork server until its model is loaded. `resume` then moves
what was loaded out of the collector's sight (`gc.freeze`): later collections do not walk it
again, and worker processes forked from the fork server do not write to those pages (they
stay shared). Garbage made in between is only what imports leave, a few cycles, kept.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collections, unless someone else already did (then `resume` leaves it so)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """After `pause`: freeze what exists and collect again; without a `pause` of ours, nothing."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()

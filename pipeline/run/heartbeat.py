"""Prefect's flow-run heartbeats, without the second a run waits for their thread when the flow ends.

Why: Prefect 3's synchronous flow engine sends heartbeats from a thread that sleeps in
steps of one second, and on the flow's end it joins that thread (`_send_heartbeats(...,
join_on_exit=True)`): the flow's final state is already recorded, but the run waits for the
thread's current second of sleep to end, 0.5 s on average, 1 s at most. That was the largest
part of the time between the database written and the flow's return (0.6 s of a one-article
run of ~5 s). Prefect's own asynchronous engine passes `join_on_exit=False`: the thread is a
daemon, sees the stop signal at its next wake-up and ends without sending anything. Runs
here do the same; heartbeats are still sent every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds
while the flow runs, so a crashed run is still detected.

If Prefect's engine changes (no `_send_heartbeats`, or one without `join_on_exit`), nothing is
changed and the run only waits as before (tests/test_startup_server.py checks the name is there).
"""

from __future__ import annotations

import functools
import inspect

MARK = "_press_funding_unjoined"


def not_joined() -> bool:
    """Make Prefect's synchronous flow engine leave its heartbeat thread to end by itself; whether it is so."""
    from prefect import flow_engine

    current = getattr(flow_engine, "_send_heartbeats", None)
    if current is None:
        return False
    if getattr(current, MARK, False):
        return True
    try:
        if "join_on_exit" not in inspect.signature(current).parameters:
            return False
    except (TypeError, ValueError):
        return False
    unjoined = functools.partial(current, join_on_exit=False)
    setattr(unjoined, MARK, True)
    flow_engine._send_heartbeats = unjoined
    return True

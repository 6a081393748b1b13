"""Run a Python module (`python -m pipeline.run.tether OWNER_PID MODULE ARGS...`) that dies with its owner.

The temporary Prefect server is started this way (`pipeline/run/server.py`). A thread
watches the parent process: when it changes (the owner is gone, however it went, even
by SIGKILL, and this process was re-parented), the module gets SIGTERM, as from a
polite owner, and is ended outright if it has not stopped a few seconds later. Polling
the parent works on Linux and macOS alike (Linux's PR_SET_PDEATHSIG is tied to the
thread that started the child, not to the process).
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

POLL_S = 0.5
GRACE_S = 5.0


def watch(owner: int) -> None:
    while os.getppid() == owner:
        time.sleep(POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_S)
    os._exit(1)


def main(argv: list[str]) -> None:
    owner, module, args = int(argv[0]), argv[1], argv[2:]
    threading.Thread(target=watch, args=(owner,), name="owner-watch", daemon=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Child processes of the benchmark and what they cost: wall time, peak memory of a process tree
(RSS and PSS sampled from /proc), the generated corpora and their visible words."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


ROOT = HERE.parent


PY = sys.executable


# ---------------------------------------------------------------------------------------------
# measuring a child process
def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(d))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid: int) -> int:
    """Proportional set size: a page shared by k processes counts 1/k in each. The worker
    processes are forked from a fork server holding the model, so summing their RSS would
    count the model's pages once per worker."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over the process tree under root."""
    tree = children_of()
    rss = pss = 0
    stack = [root]
    while stack:
        p = stack.pop()
        rss += _rss_kib(p)
        pss += _pss_kib(p)
        stack += tree.get(p, [])
    return rss, pss


def run_child(cmd: list[str], env: dict | None = None, timeout: float | None = None, cwd: str | None = None) -> dict:
    """Run cmd; wall seconds, exit code, stdout, stderr tail, peak RSS of the largest process and of the tree (MiB)."""
    t0 = time.perf_counter()
    out_f = tempfile.TemporaryFile()
    err_f = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env, cwd=cwd or str(ROOT))
    peak_tree = peak_pss = 0
    done = threading.Event()

    def sample():
        nonlocal peak_tree, peak_pss
        while not done.is_set():
            rss, pss = tree_rss_kib(proc.pid)
            peak_tree, peak_pss = max(peak_tree, rss), max(peak_pss, pss)
            done.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    timed_out = False
    rusage = None
    status = None
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.perf_counter() - t0 > timeout:
            timed_out = True
            proc.kill()
            pid, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    out_f.seek(0)
    err_f.seek(0)
    stdout = out_f.read().decode("utf-8", "replace")
    stderr = err_f.read().decode("utf-8", "replace")
    return {"wall_s": wall, "rc": proc.returncode, "stdout": stdout, "stderr_tail": stderr[-3000:],
            "peak_rss_mib": (rusage.ru_maxrss / 1024) if rusage else None, "peak_tree_mib": peak_tree / 1024,
            "peak_tree_pss_mib": peak_pss / 1024,
            "timed_out": timed_out}


def last_json(stdout: str) -> dict:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def prefect_env(home: Path) -> dict:
    env = dict(os.environ)
    env.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                "PYTHONUNBUFFERED": "1"})
    # the temporary server's default 20 s start limit fails the run on a loaded machine
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    return env


# ---------------------------------------------------------------------------------------------
# corpus
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


_TAG = re.compile(r"<[^>]+>")


def visible_words(path: Path) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".txt":
        text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
    return len(text.split())


def ensure_corpus(n: int, workdir: Path, seed: int) -> tuple[Path, dict]:
    corpus = workdir / f"corpus-{n}-s{seed}"
    stamp = corpus / ".stamp.json"
    if stamp.exists():
        return corpus, json.loads(stamp.read_text())
    if corpus.exists():
        shutil.rmtree(corpus)
    t0 = time.perf_counter()
    res = run_child([PY, str(HERE / "generate.py"), str(n), str(corpus), "--seed", str(seed)])
    if res["rc"] != 0:
        raise SystemExit(f"generate failed: {res['stderr_tail']}")
    info = last_json(res["stdout"])
    info["generate_s"] = round(time.perf_counter() - t0, 2)
    info["visible_words"] = sum(visible_words(p) for p in corpus.iterdir() if p.suffix in (".html", ".txt"))
    stamp.write_text(json.dumps(info))
    return corpus, info

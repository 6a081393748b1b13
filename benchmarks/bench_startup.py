#!/usr/bin/env python3
"""Start-up benchmark: what a small run costs, whole process, and 300 seed-like articles against the naive baseline.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--repeat-large 3] [--tree PATH] [--against PATH]
                                                 [--workdir DIR]

Cases, each a child process timed from its start to its exit (median of the repeats):
  (1) `python -m pipeline run ONE --db DB --full` over one seed article, no PREFECT_API_URL:
      the run starts (and stops) its temporary Prefect server;
  (2) the same with PREFECT_API_URL pointing at a `prefect server start` this script starts
      (and stops) itself, already up before the first timed run;
  (3) 300 seed-like articles (the seeds copied 60 times, each copy with its own closing line, so
      that every file has its own content hash), the pipeline (as in 1) against the naive spaCy
      baseline of bench.py (`fr_core_news_md`, full pipeline, raw text, one process), run in turns;
      the pipeline twice: as it runs by default, and with PIPELINE_NLP_MEMO=0. The copies repeat
      the seeds' sentences word for word, as a press release republished by many sites does, and
      the default run sends each distinct sentence through the model once (`pipeline/extract/nlp.py`):
      the copies profit from it, the run without the memo shows the cost of every sentence read.
Every database is new (a new article, nothing to load back). Prefect's home is one per session,
its database created by a first run that is reported apart (once per machine). The pipeline's
runs set PIPELINE_TIMELINE, so each prints its milestones (`pipeline/run/timeline.py`): their
medians give the breakdown of where the seconds go. The load average (1 min) is read before
every run and shown beside every figure: the machine may be shared, and figures under load are
slower, not comparable across sessions.

--tree runs another checkout's pipeline (e.g. main, for a before/after on the same machine,
same moment): its `pipeline` package goes first on PYTHONPATH. --against PATH adds a second
checkout run in turns with the first, run by run (the same Prefect home and server): on a
shared machine whose load moves by the minute, the only comparison that holds. The markdown table goes to
stdout and to benchmarks/results/<date>-startup-<HHMM>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
TIMELINE = re.compile(r"^timeline\s+([\d.]+) s\s+(.*)$")
COPIES = 60


def load() -> float:
    return os.getloadavg()[0]


class TreeCPU:
    """CPU seconds (user + system) of a process and all its descendants, sampled from /proc
    every 0.1 s: the part of the machine a run took, a figure that load changes far less than
    wall time (a process's last 0.1 s before it exits may be missed)."""

    def __init__(self, pid: int):
        self.root, self.seen, self.done = pid, {}, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.done.is_set():
            try:
                procs = [psutil.Process(self.root)]
                procs += procs[0].children(recursive=True)
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    t = p.cpu_times()
                    self.seen[(p.pid, p.create_time())] = t.user + t.system
                except psutil.Error:
                    pass
            self.done.wait(0.1)

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return sum(self.seen.values())


def run_timed(cmd: list[str], env: dict, cwd: Path, timeout: float) -> dict:
    """Wall seconds from start to exit, CPU seconds of the process tree, exit code, the timeline
    marks, the load before it."""
    before = load()
    started = time.time()
    env = {**env, "PIPELINE_TIMELINE": repr(started)}
    out, err = tempfile.TemporaryFile(mode="w+"), tempfile.TemporaryFile(mode="w+")
    child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
    cpu = TreeCPU(child.pid)
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    wall = time.time() - started
    out.seek(0)
    err.seek(0)
    proc = subprocess.CompletedProcess(cmd, child.returncode, out.read(), err.read())
    cpu_s = cpu.stop()
    marks: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = TIMELINE.match(line.strip())
        if m:
            label = re.sub(r"process \d+", "process N", m.group(2))
            marks.setdefault(label, float(m.group(1)))
    return {"wall": wall, "cpu": cpu_s, "rc": proc.returncode, "marks": marks, "load": before,
            "tail": (proc.stdout + proc.stderr)[-2000:]}


def seed_like(seeds: Path, out: Path) -> Path:
    """The seeds copied COPIES times, each copy with its own closing line."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files = sorted(p for p in seeds.iterdir() if p.suffix in (".txt", ".html", ".htm"))
    for i in range(COPIES):
        for p in files:
            text = p.read_text(encoding="utf-8")
            closing = f"Édition de démonstration numéro {i + 1}, reproduite pour mesurer la vitesse du traitement."
            if p.suffix == ".txt":
                text = text.rstrip("\n") + f"\n\n{closing}\n"
            else:
                text = text.replace("</body>", f"<p>{closing}</p></body>") if "</body>" in text else text + f"<p>{closing}</p>"
            (out / f"{p.stem}-{i:02d}{p.suffix}").write_text(text, encoding="utf-8")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_prefect_server(env: dict, cwd: Path, timeout: float = 180) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen([str(Path(PY).parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port),
                             "--no-ui"], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if proc.poll() is not None:
            raise SystemExit(f"prefect server start exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        time.sleep(0.2)
    stop_group(proc)
    raise SystemExit(f"prefect server start did not answer within {timeout:.0f} s")


def stop_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def fmt(x: float | None, nd: int = 1) -> str:
    return "–" if x is None else f"{x:.{nd}f}"


def summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["rc"] == 0]
    walls = [r["wall"] for r in ok]
    loads = [r["load"] for r in runs]
    cpus = [r["cpu"] for r in ok]
    return {"n": len(runs), "ok": len(ok), "median": statistics.median(walls) if walls else None,
            "cpu": statistics.median(cpus) if cpus else None,
            "min": min(walls) if walls else None, "max": max(walls) if walls else None,
            "load_min": min(loads) if loads else None, "load_max": max(loads) if loads else None}


def breakdown(runs: list[dict]) -> list[tuple[str, float]]:
    """Median time of each milestone over the runs that reached it, in order."""
    labels: dict[str, list[float]] = {}
    for r in runs:
        if r["rc"] != 0:
            continue
        for label, t in r["marks"].items():
            labels.setdefault(label, []).append(t)
        labels.setdefault("process exited", []).append(r["wall"])
    rows = [(label, statistics.median(ts)) for label, ts in labels.items()]
    return sorted(rows, key=lambda row: row[1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each one-article case (default 5)")
    ap.add_argument("--repeat-large", type=int, default=3, help="runs of each side of the 300-article case (default 3)")
    ap.add_argument("--tree", default=str(ROOT), help="checkout whose pipeline runs (default: this one)")
    ap.add_argument("--against", default=None, metavar="PATH",
                    help="another checkout (e.g. main) run in turns with --tree, run by run, same server, same moment")
    ap.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"), help="seed articles (default ../shared/seeds)")
    ap.add_argument("--workdir", default=None, help="corpora, databases, Prefect home (default: a temp dir, removed)")
    ap.add_argument("--skip-large", action="store_true", help="only the one-article cases")
    ap.add_argument("--skip-no-memo", action="store_true",
                    help="in the 300-article case, not the pipeline run with PIPELINE_NLP_MEMO=0")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--results", default=str(HERE / "results"))
    args = ap.parse_args(argv)
    seeds, tree = Path(args.seeds), Path(args.tree).resolve()
    trees = [tree] + ([Path(args.against).resolve()] if args.against else [])
    if not seeds.is_dir():
        raise SystemExit(f"no seed articles at {seeds} (--seeds)")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    one = work / "one"
    shutil.rmtree(one, ignore_errors=True)
    one.mkdir()
    first = sorted(p for p in seeds.iterdir() if p.suffix in (".txt", ".html", ".htm"))[0]
    shutil.copy(first, one / first.name)
    home = work / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    base_env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PIPELINE_TIMELINE", "PIPELINE_NLP_MEMO")}
    base_env.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                     "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"})

    def env_of(t: Path) -> dict:
        return {**base_env, "PYTHONPATH": os.pathsep.join([str(t), base_env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}

    env = env_of(tree)
    counter = iter(range(10 ** 6))

    def pipeline(raw: Path, extra: dict | None = None, which: Path = tree) -> dict:
        db = work / f"run-{next(counter)}.db"
        got = run_timed([PY, "-m", "pipeline", "run", str(raw), "--db", str(db), "--full"], {**env_of(which), **(extra or {})},
                        which, args.timeout)
        side = f" [{which.name}]" if len(trees) > 1 else ""
        print(f"  {raw.name}{side}: {got['wall']:.2f} s, {got['cpu']:.1f} s CPU, rc={got['rc']} (load {got['load']:.1f})",
              file=sys.stderr, flush=True)
        if got["rc"] != 0:
            print(got["tail"], file=sys.stderr)
        for p in work.glob(f"{db.name}*"):
            p.unlink()
        return got

    t_start, load_start = time.perf_counter(), load()
    print("Prefect's home, first run (creates its database):", file=sys.stderr)
    warm = pipeline(one)
    # with --against, each repeat runs every tree once, one after the other: the load weighs on each alike
    temp: dict[Path, list[dict]] = {t: [] for t in trees}
    configured: dict[Path, list[dict]] = {t: [] for t in trees}
    print("(1) one article, temporary server:", file=sys.stderr)
    for _ in range(args.repeat):
        for t in trees:
            temp[t].append(pipeline(one, which=t))
    print("(2) one article, PREFECT_API_URL to a running server:", file=sys.stderr)
    server, url = start_prefect_server(env, tree)
    try:
        for _ in range(args.repeat):
            for t in trees:
                configured[t].append(pipeline(one, {"PREFECT_API_URL": url}, which=t))
    finally:
        stop_group(server)
    large = {t: {"pipeline": [], "no_memo": []} for t in trees}
    baseline: list[dict] = []
    if not args.skip_large:
        corpus = seed_like(seeds, work / "seed-like-300")
        print(f"(3) {len(list(corpus.iterdir()))} seed-like articles, pipeline and baseline in turns:", file=sys.stderr)
        for _ in range(args.repeat_large):
            for t in trees:
                large[t]["pipeline"].append(pipeline(corpus, which=t))
                if not args.skip_no_memo:
                    large[t]["no_memo"].append(pipeline(corpus, {"PIPELINE_NLP_MEMO": "0"}, which=t))
            got = run_timed([PY, str(HERE / "bench.py"), "_baseline", str(corpus)], env, tree, args.timeout)
            print(f"  baseline: {got['wall']:.2f} s, {got['cpu']:.1f} s CPU, rc={got['rc']} (load {got['load']:.1f})",
                  file=sys.stderr, flush=True)
            baseline.append(got)

    def row(case: str, runs: list[dict], target: str) -> str:
        s = summary(runs)
        return (f"| {case} | {s['ok']}/{s['n']} | {fmt(s['median'], 2)} | {fmt(s['min'], 2)}–{fmt(s['max'], 2)} | "
                f"{fmt(s['cpu'])} | {fmt(s['load_min'])}–{fmt(s['load_max'])} | {target} |")

    def named(case: str, t: Path) -> str:
        return f"{case}, {t.name} ({code_version(t)})" if len(trees) > 1 else case

    today = dt.date.today().isoformat()
    versions = ", ".join(f"{t} ({code_version(t)})" for t in trees)
    md = [f"# Start-up benchmark {today}\n",
          f"Command: `python benchmarks/bench_startup.py {' '.join(argv if argv is not None else sys.argv[1:])}`; "
          f"pipeline of {versions}{' (in turns, run by run)' if len(trees) > 1 else ''}; "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"load average (1 min) {load_start:.1f} at start, {load():.1f} at end; total {time.perf_counter() - t_start:.0f} s.\n",
          "Wall time of the whole process, start to exit; CPU: user + system seconds of the process and every "
          "process it started (Prefect's server, the worker pool), sampled from /proc. Load: the 1-minute load "
          "average before each run (lowest–highest); above the number of cores, other processes took part of "
          "the machine and the wall times grow with it.\n",
          "| case | runs ok | median s | min–max s | CPU s (median) | load | target |", "|---|---|---|---|---|---|---|",
          row(named("first run on a new Prefect home (its database created), temporary server", tree), [warm],
              "(once per machine)")]
    md += [row(named("one article, temporary Prefect server", t), temp[t], "≤ 8 s") for t in trees]
    md += [row(named("one article, PREFECT_API_URL to a running `prefect server start`", t), configured[t], "≤ 4 s")
           for t in trees]
    b = summary(baseline) if baseline else None
    for t in trees:
        if large[t]["pipeline"]:
            p = summary(large[t]["pipeline"])
            ratio = b["median"] / p["median"] if p["median"] and b["median"] else None
            md += [row(named(f"{COPIES * 5} seed-like articles, pipeline (temporary server)", t), large[t]["pipeline"],
                       f"≥ 4× faster: {fmt(ratio)}×")]
            if large[t]["no_memo"]:
                n = summary(large[t]["no_memo"])
                ratio_n = b["median"] / n["median"] if n["median"] and b["median"] else None
                md += [row(named(f"{COPIES * 5} seed-like articles, pipeline, PIPELINE_NLP_MEMO=0 (every sentence "
                                 "through the model)", t), large[t]["no_memo"], f"{fmt(ratio_n)}× faster")]
    if baseline:
        md += [row(f"{COPIES * 5} seed-like articles, naive spaCy baseline", baseline, "")]
    for t in trees:
        for title, runs in (("one article, temporary server", temp[t]), ("one article, configured server", configured[t]),
                            (f"{COPIES * 5} seed-like articles", large[t]["pipeline"]),
                            (f"{COPIES * 5} seed-like articles, PIPELINE_NLP_MEMO=0", large[t]["no_memo"])):
            rows = breakdown(runs)
            if len(rows) > 1:
                md += [f"\n## Where the seconds go: {named(title, t)} (median of each milestone, seconds since the "
                       "process started)\n", "| milestone | s |", "|---|---|"] + [f"| {label} | {v:.2f} |" for label, v in rows]
    text = "\n".join(md) + "\n"
    print(text)
    Path(args.results).mkdir(parents=True, exist_ok=True)
    written = Path(args.results) / f"{today}-startup-{time.strftime('%H%M')}.md"  # one file per session
    written.write_text(text)
    print(f"written: {written}", file=sys.stderr)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def code_version(tree: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline"], cwd=tree, capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        return "unknown commit"
    return f"commit {head}" + (", uncommitted changes under pipeline/" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())

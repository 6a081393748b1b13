#!/usr/bin/env python3
"""Benchmark: the pipeline against a naive spaCy baseline on generated corpora.

    .venv/bin/python benchmarks/bench.py [--sizes 100,1000,10000] [--workdir DIR] [--skip-baseline-above N]

For each size N, on the same generated corpus (benchmarks/generate.py, seeded):
  (a) the pipeline end to end through its real entry point, `python -m pipeline run CORPUS --db DB`
      (Prefect included), as a child process; then the same stages without Prefect in one child
      process (pipeline.batch.clean_batch / extract_batch, pipeline.reconcile.reconcile,
      pipeline.store.write_database) for seconds per stage; then the scorer on the generated gold;
  (b) the naive baseline: fr_core_news_md with its full default pipeline over the whole raw text of
      every article (HTML reduced to BeautifulSoup get_text, nothing else), nlp.pipe, one process.
Then (c) reconciliation alone on synthetic mentions (100,000 by default) and (d) a second,
no-op `python -m pipeline run` over unchanged inputs and an already written database.

Every measurement runs in a child process of this one: wall time, articles/s, words/s (words of the
visible text, the same count for both sides), peak RSS (largest process, from wait4's ru_maxrss) and
peak RSS of the whole process tree (sampled from /proc, Prefect's temporary server included).
Markdown tables go to stdout and to benchmarks/results/<date>.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import os
import pstats
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
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
PY = sys.executable

TARGETS = {
    "speedup_1000": 5.0,  # end-to-end articles/s over the baseline's, at 1,000 articles
    "scale_10k_over_1k": 11.0,  # 10,000-article run time over the 1,000-article one
    "reconcile_100k_s": 30.0,
    "noop_10k_s": 5.0,
    "peak_rss_10k_mib": 2048.0,
    "projects_f1": 0.95,
}


# ---------------------------------------------------------------------------------------------
# measuring a child process
def _children_of() -> dict[int, list[int]]:
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
    tree = _children_of()
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


# ---------------------------------------------------------------------------------------------
# child entry points (run as `bench.py _stages ...` etc., one fresh process each)
def _peak_self_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_stages(corpus: str, db: str, profile_out: str | None = None, limit: int | None = None) -> dict:
    """The pipeline's stages without Prefect, timed one by one."""
    sys.path.insert(0, str(ROOT))
    t = {}
    t0 = time.perf_counter()
    from pipeline.run.batch import clean_batch, extract_batch
    from pipeline.ingest import list_sources
    from pipeline.extract.nlp import get_nlp
    from pipeline.extract.organizations import load_gazetteer
    from pipeline.reconcile.cluster import reconcile
    from pipeline.store.database import read_previous, write_database

    t["import"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    get_nlp()
    load_gazetteer()
    t["load_model_and_data"] = time.perf_counter() - t0
    prof = cProfile.Profile() if profile_out else None
    if prof:
        prof.enable()
    t0 = time.perf_counter()
    paths = list_sources(corpus)
    if limit:
        paths = paths[:limit]
    t["ingest_list"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    articles, errors = clean_batch(paths)
    t["clean"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = extract_batch(articles)
    t["extract"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rec = reconcile(results, read_previous(db))
    t["reconcile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_database(db, results, errors, rec, load_gazetteer().rows())
    t["store"] = time.perf_counter() - t0
    if prof:
        prof.disable()
        prof.dump_stats(profile_out)
    return {"seconds": {k: round(v, 3) for k, v in t.items()}, "articles": len(articles), "errors": len(errors),
            "extract_errors": sum(1 for r in results if r.error), "mentions": len(rec.mentions),
            "projects": len(rec.projects), "links": len(rec.links), "peak_rss_mib": round(_peak_self_mib(), 1)}


def child_baseline(corpus: str, limit: int | None = None) -> dict:
    """fr_core_news_md, full default pipeline, raw text of every article, nlp.pipe, one process."""
    t0 = time.perf_counter()
    import spacy
    from bs4 import BeautifulSoup

    nlp = spacy.load("fr_core_news_md")
    load_s = time.perf_counter() - t0
    paths = sorted(p for p in Path(corpus).iterdir() if p.suffix in (".html", ".htm", ".txt"))
    if limit:
        paths = paths[:limit]

    def texts():
        for p in paths:
            raw = p.read_text(encoding="utf-8", errors="replace")
            yield BeautifulSoup(raw, "lxml").get_text() if p.suffix != ".txt" else raw

    t0 = time.perf_counter()
    n_docs = n_ents = n_tokens = 0
    for doc in nlp.pipe(texts(), batch_size=32):
        n_docs += 1
        n_tokens += len(doc)
        n_ents += len(doc.ents)
    run_s = time.perf_counter() - t0
    return {"pipes": nlp.pipe_names, "load_s": round(load_s, 2), "run_s": round(run_s, 2), "articles": n_docs,
            "tokens": n_tokens, "ents": n_ents, "peak_rss_mib": round(_peak_self_mib(), 1)}


def synthetic_results(n_mentions: int, seed: int = 7):
    """ArticleResult objects holding n_mentions mentions of a generated project pool, under name variants."""
    import random

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    import generate as G
    from pipeline.model import Article, ArticleResult, CallInfo, Mention

    rng = random.Random(seed)
    per_article = 5
    n_articles = max(1, n_mentions // per_article)
    n_projects = min(1200, max(30, n_mentions // 40))  # ~40 mentions a project, ~80 past 48,000 mentions (a 10,000-article corpus has ~75)
    orgs, calls, projects = G.build_world(random.Random(f"world-{seed}"), n_projects)
    results = []
    made = 0
    for i in range(n_articles):
        call = calls[rng.randrange(len(calls))]
        ks = rng.sample(call.projects, min(len(call.projects), per_article))
        aid = f"a{i:07d}"
        published = (call.announced + dt.timedelta(days=rng.randint(0, 10))).isoformat()
        art = Article(id=aid, path=f"synthetic/{aid}.txt", text="", published_on=published)
        info = CallInfo(fund=G.FUND, fund_acronym=G.FUND_ACR, year=call.year, ordinal=call.ordinal, unit=call.unit,
                        announced_on=call.announced.isoformat(), announced_precision="day")
        ms = []
        pos = 0
        for k in ks:
            if made >= n_mentions:
                break
            p = projects[k]
            forms = [f for f in (p.long, p.short, p.spaced, p.phase2, p.acronym) if f]
            name = rng.choice(forms)
            amount = qual = None
            if p.amount is not None and rng.random() < 0.7:
                r = rng.random()
                if r < 0.8:
                    amount, qual = p.amount, "exact"
                elif r < 0.9:
                    amount, qual = float(math.floor(p.amount)) if math.floor(p.amount) < p.amount else p.amount - 1, "min"
                else:
                    amount, qual = float(math.ceil(p.amount)) + 1, "max"
            carriers = [orgs[j].name for j in p.carriers] if rng.random() < 0.8 else []
            context = f"{name} : {p.description}, porté par {' et '.join(carriers) or 'son ministère'}."
            ms.append(Mention(article_id=aid, name=name, start=pos, end=pos + len(name), rule="list_item", score=0.85,
                              acronym=p.acronym if name == p.long and p.acronym and rng.random() < 0.5 else None,
                              amount_m_eur=amount, amount_qualifier=qual, carriers=carriers, context=context,
                              context_span=(pos, pos + len(context)), occurrences=[(pos, pos + len(name))]))
            pos += len(context) + 1
            made += 1
        results.append(ArticleResult(article=art, mentions=ms, call=info))
        if made >= n_mentions:
            break
    return results, made, len(projects)


def child_reconcile(n_mentions: int) -> dict:
    import resource

    # a runaway candidate-pair set must fail here, not swap the shared machine
    limit = int(os.environ.get("BENCH_RECONCILE_MAX_BYTES", 8 * 1024 ** 3))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    t0 = time.perf_counter()
    results, made, pool = synthetic_results(n_mentions)
    build_s = time.perf_counter() - t0
    from pipeline.reconcile.cluster import _candidate_pairs, _nodes, reconcile

    t0 = time.perf_counter()
    nodes = _nodes(results)
    nodes_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = _candidate_pairs(nodes)
    pairs_s = time.perf_counter() - t0
    n_pairs = len(pairs)
    del nodes, pairs
    t0 = time.perf_counter()
    rec = reconcile(results, {})
    total_s = time.perf_counter() - t0
    return {"mentions": made, "articles": len(results), "pool": pool, "build_s": round(build_s, 2),
            "nodes_s": round(nodes_s, 2), "candidate_pairs_s": round(pairs_s, 2), "candidate_pairs": n_pairs,
            "reconcile_s": round(total_s, 2), "projects": len(rec.projects), "links": len(rec.links),
            "peak_rss_mib": round(_peak_self_mib(), 1)}


def child_profile(corpus: str, n: int, out_txt: str) -> dict:
    prof_file = out_txt + ".prof"
    db = tempfile.mktemp(suffix=".db")
    res = child_stages(corpus, db, profile_out=prof_file, limit=n)
    buf = io.StringIO()
    st = pstats.Stats(prof_file, stream=buf)
    st.sort_stats("cumulative").print_stats(40)
    buf.write("\n\n===== by own time (tottime) =====\n")
    st.sort_stats("tottime").print_stats(30)
    Path(out_txt).write_text(buf.getvalue())
    return res


# ---------------------------------------------------------------------------------------------
# the benchmark
def score(db: Path, gold: Path, timeout: float) -> dict:
    res = run_child([PY, str(SCORER), str(db), str(gold), "--json"], timeout=timeout)
    if res["timed_out"]:
        return {"error": f"scorer stopped after {timeout:.0f} s"}
    m = last_json(res["stdout"])
    m["_score_s"] = round(res["wall_s"], 1)
    return m


def bench_size(n: int, args, workdir: Path, log) -> dict:
    corpus, info = ensure_corpus(n, workdir, args.seed)
    words = info["visible_words"]
    out: dict = {"n": n, "corpus": str(corpus), "words": words, "corpus_info": info}
    log(f"[{n}] corpus: {info}")
    # a scheduled deployment reuses one Prefect home: its database exists and the temporary
    # server starts in ~4 s; a fresh home adds the creation of that database (~5 s, timed
    # apart by warm_prefect_home), which --cold-prefect puts back into every size's run
    home = Path(tempfile.mkdtemp(prefix="prefect-home-", dir=workdir)) if args.cold_prefect else args.prefect_home
    env = prefect_env(home)
    db = workdir / f"e2e-{n}.db"
    for p in (db,):
        if p.exists():
            p.unlink()
    # (a) end to end, the real entry point
    e2e = run_child([PY, "-m", "pipeline", "run", str(corpus), "--db", str(db)], env=env, timeout=args.timeout)
    out["e2e"] = {k: v for k, v in e2e.items() if k != "stdout"}
    out["e2e"]["summary"] = e2e["stdout"].strip().splitlines()[-1:] if e2e["stdout"].strip() else []
    log(f"[{n}] e2e: rc={e2e['rc']} {e2e['wall_s']:.1f} s, peak {e2e['peak_rss_mib']:.0f} MiB (tree RSS {e2e['peak_tree_mib']:.0f}, PSS {e2e['peak_tree_pss_mib']:.0f})")
    if e2e["rc"] != 0:
        log(e2e["stderr_tail"])
    # (d) no-op re-run: same inputs, database already written
    if n in args.noop_sizes and e2e["rc"] == 0:
        again = run_child([PY, "-m", "pipeline", "run", str(corpus), "--db", str(db)], env=env, timeout=args.timeout)
        out["noop"] = {k: v for k, v in again.items() if k != "stdout"}
        log(f"[{n}] no-op re-run: rc={again['rc']} {again['wall_s']:.1f} s")
    if args.e2e_only:
        out["stages"], out["score"], out["baseline"] = {}, {"skipped": "--e2e-only"}, {"skipped": True}
        if args.cold_prefect:
            shutil.rmtree(home, ignore_errors=True)
        return out
    # stages without Prefect
    sdb = workdir / f"stages-{n}.db"
    if sdb.exists():
        sdb.unlink()
    st = run_child([PY, str(Path(__file__)), "_stages", str(corpus), str(sdb)], timeout=args.timeout)
    out["stages"] = last_json(st["stdout"]) | {"wall_s": st["wall_s"], "rc": st["rc"]}
    if st["rc"] != 0:
        log(st["stderr_tail"])
    log(f"[{n}] stages: {out['stages'].get('seconds')}")
    # quality
    if db.exists() and (args.score_max is None or n <= args.score_max):
        out["score"] = score(db, corpus / "gold.json", args.score_timeout)
        log(f"[{n}] score: " + ", ".join(f"{k}={out['score'].get(k)}" for k in ("projects_f1", "mentions_f1", "amount_acc", "bcubed_f1")))
    elif not db.exists():
        out["score"] = {"skipped": "no database: the end-to-end run failed"}
    else:
        out["score"] = {"skipped": f"scorer not run above {args.score_max} articles (its B-cubed and project matching are quadratic)"}
    # (b) the naive baseline
    if args.skip_baseline_above is not None and n > args.skip_baseline_above:
        out["baseline"] = {"skipped": True}
    else:
        bl = run_child([PY, str(Path(__file__)), "_baseline", str(corpus)], timeout=args.timeout)
        out["baseline"] = last_json(bl["stdout"]) | {"wall_s": bl["wall_s"], "rc": bl["rc"], "peak_rss_mib_wait4": bl["peak_rss_mib"]}
        if bl["rc"] != 0:
            log(bl["stderr_tail"])
        log(f"[{n}] baseline: {out['baseline']}")
    if args.cold_prefect:
        shutil.rmtree(home, ignore_errors=True)
    return out


def warm_prefect_home(args, workdir: Path, log) -> dict:
    """One Prefect home for the session, its database created by a first run on a few articles.

    That first run is timed and reported apart: it is what the very first run on a machine
    pays once (Prefect creating and migrating its own database)."""
    args.prefect_home = Path(tempfile.mkdtemp(prefix="prefect-home-", dir=workdir))
    corpus, _ = ensure_corpus(10, workdir, args.seed)
    db = workdir / "warm-up.db"
    db.unlink(missing_ok=True)
    first = run_child([PY, "-m", "pipeline", "run", str(corpus), "--db", str(db)], env=prefect_env(args.prefect_home),
                      timeout=args.timeout)
    again = run_child([PY, "-m", "pipeline", "run", str(corpus), "--db", str(db), "--full"],
                      env=prefect_env(args.prefect_home), timeout=args.timeout)
    got = {"first_s": round(first["wall_s"], 2), "first_rc": first["rc"], "warm_s": round(again["wall_s"], 2), "warm_rc": again["rc"]}
    log(f"Prefect home {args.prefect_home}: first run on 10 articles (creates Prefect's database) {got['first_s']} s, "
        f"the same run again (--full) {got['warm_s']} s")
    return got


def flow_seconds(e2e: dict) -> float | None:
    """The flow's own seconds, from the run's closing line ('... in 15.21 s (...')."""
    for line in e2e.get("summary") or []:
        m = re.search(r" in ([0-9.]+) s \(", line)
        if m:
            return float(m.group(1))
    return None


def reconcile_fit(points: list[dict], target: int) -> float | None:
    """Seconds to reconcile `target` mentions: power law through the two largest completed synthetic runs."""
    done = sorted((x["mentions"], x["reconcile_s"]) for x in points if x.get("reconcile_s") is not None and x.get("mentions"))
    if not done or target <= 0:
        return None
    for m, secs in done:
        if m == target:
            return secs
    if len(done) < 2:
        return done[-1][1] * target / done[-1][0]
    (m1, s1), (m2, s2) = done[-2], done[-1]
    b = math.log(max(s2, 1e-3) / max(s1, 1e-3)) / math.log(m2 / m1)
    return s2 * (target / m2) ** b


def code_version() -> str:
    """Commit of the measured code, and whether the work tree differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "flows.py"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        return "unknown"
    return f"commit {head}" + (" with uncommitted changes under pipeline/ or flows.py" if dirty else "")


def fmt(x, nd=1):
    if x is None:
        return "–"
    if isinstance(x, float):
        if math.isnan(x):
            return "–"
        return f"{x:,.{nd}f}".replace(",", " ")
    return str(x)


def _baseline_source(results: dict[int, dict], n: int) -> int | None:
    """The size whose baseline run stands for n: n itself when it ran, else the largest that did."""
    done = [m for m in results if not results[m]["baseline"].get("skipped") and results[m]["baseline"].get("rc") == 0]
    return n if n in done else max(done, default=None)


def baseline_run_s(results: dict[int, dict], n: int) -> float | None:
    """The baseline's seconds for n articles without its model load (measured, or scaled per word)."""
    m = _baseline_source(results, n)
    if m is None:
        return None
    return results[m]["baseline"]["run_s"] / max(1, results[m]["words"]) * results[n]["words"]


def extrapolated_baseline(results: dict[int, dict], n: int) -> tuple[float | None, str]:
    """Baseline seconds for n articles, model load included: measured, or scaled from the largest measured size."""
    m = _baseline_source(results, n)
    if m is None:
        return None, "not run"
    total = results[m]["baseline"]["load_s"] + baseline_run_s(results, n)
    return total, "measured" if m == n else f"extrapolated from {m} articles (per word)"


def size_table(r: dict, results: dict[int, dict]) -> str:
    n, words = r["n"], r["words"]
    e2e, st, sc = r["e2e"], r["stages"], r.get("score", {})
    b_s, b_how = extrapolated_baseline(results, n)
    b = r["baseline"]
    e2e_s = e2e["wall_s"] if e2e["rc"] == 0 else None
    st_total = sum(st.get("seconds", {}).values()) if st.get("seconds") else None
    rows = []

    def rate(count, secs):
        return count / secs if secs else None

    e2e_aps, b_aps = rate(n, e2e_s), rate(n, b_s)
    ratio = (e2e_aps / b_aps) if e2e_aps and b_aps else None
    st_aps = rate(n, st_total)
    rows.append(("wall time, s", fmt(e2e_s), fmt(st_total), fmt(b_s) + ("" if b_how == "measured" else " *"), "", ""))
    rows.append(("articles/s", fmt(e2e_aps, 2), fmt(st_aps, 2), fmt(b_aps, 2), fmt(ratio, 2) + "×" if ratio else "–",
                 f"≥ {TARGETS['speedup_1000']:.0f}× at 1,000" if n == 1000 else ""))
    rows.append(("words/s", fmt(rate(words, e2e_s), 0), fmt(rate(words, st_total), 0), fmt(rate(words, b_s), 0),
                 fmt(ratio, 2) + "×" if ratio else "–", ""))
    flow_s = flow_seconds(e2e) if e2e_s else None
    b_run = baseline_run_s(results, n)
    if flow_s:
        fr = rate(n, flow_s) / rate(n, b_run) if b_run else None
        rows.append(("after start-up: the flow's own s / the baseline's run without its model load", fmt(flow_s), "", fmt(b_run),
                     fmt(fr, 2) + "×" if fr else "–", ""))
        rows.append(("start-up and shut-down, s (Prefect's server, imports, model load not overlapped)", fmt(e2e_s - flow_s), "",
                     fmt(b.get("load_s")) if b_how == "measured" else "", "", ""))
    b_rss = b.get("peak_rss_mib") if not b.get("skipped") else None
    rows.append(("peak RSS, MiB (largest process)", fmt(e2e.get("peak_rss_mib"), 0), fmt(st.get("peak_rss_mib"), 0), fmt(b_rss, 0), "",
                 "≤ 2048 at 10,000" if n == 10000 else ""))
    rows.append(("peak RSS, MiB (process tree, sum)", fmt(e2e.get("peak_tree_mib"), 0), "", "", "", ""))
    rows.append(("peak PSS, MiB (process tree: shared pages split)", fmt(e2e.get("peak_tree_pss_mib"), 0), "", "", "",
                 "≤ 2048 at 10,000" if n == 10000 else ""))
    if b_how != "measured":
        rows.append(("(*) baseline", "", "", b_how, "", ""))
    head = f"### {n:,} articles ({words:,} words of visible text; {r['corpus_info'].get('projects_mentioned')} projects, {r['corpus_info'].get('mentions')} gold mentions)\n\n"
    t = "| measure | pipeline end to end (`python -m pipeline run`, Prefect) | pipeline stages, no Prefect | naive baseline (spaCy full pipeline) | ratio pipeline e2e / baseline | target |\n|---|---|---|---|---|---|\n"
    t += "".join("| " + " | ".join(x) + " |\n" for x in rows)
    if st.get("seconds"):
        s = st["seconds"]
        t += "\nSeconds per stage (no Prefect, one process): " + ", ".join(f"{k} {v:.2f}" for k, v in s.items())
        t += f" — {st.get('articles')} articles, {st.get('mentions')} mentions, {st.get('projects')} projects, {st.get('links')} links.\n"
        if e2e_s and st_total:
            t += (f"End to end minus the plain stages: {e2e_s - st_total:+.1f} s (the end-to-end run cleans and extracts in one worker "
                  f"process per CPU, and pays Prefect: its temporary server's start, task bookkeeping).\n")
    if not b.get("skipped") and b.get("rc") == 0:
        t += f"Baseline: model load {b['load_s']} s, {b['run_s']} s over {b['articles']} documents, {b['tokens']:,} tokens, pipes {', '.join(b['pipes'])}.\n"
    if sc and "projects_f1" in sc:
        t += "\nScorer on the generated gold: " + ", ".join(
            f"{k} **{sc.get(k)}**" if k == "projects_f1" else f"{k} {sc.get(k)}"
            for k in ("projects_f1", "projects_p", "projects_r", "duplicate_rows", "trap_rows", "mentions_f1", "amount_acc",
                      "mention_amount_acc", "carriers_f1", "bcubed_f1", "grounded", "published_acc", "boilerplate_dropped")) + \
             f" (target projects_f1 ≥ {TARGETS['projects_f1']}; scorer took {sc.get('_score_s')} s).\n"
    elif sc:
        t += f"\nScorer: {sc.get('skipped') or sc.get('error')}.\n"
    return head + t


def summary_table(results: dict[int, dict], extra: dict) -> str:
    rows = []
    if "prefect_warm_up" in extra:
        w = extra["prefect_warm_up"]
        rows.append(("(no target) the machine's very first run: Prefect creates its database (10 articles)",
                     f"{fmt(w['first_s'])} s, then {fmt(w['warm_s'])} s for the same run: the timed runs below reuse that Prefect home", "–"))
    if 1000 in results:
        r = results[1000]
        b_s, how = extrapolated_baseline(results, 1000)
        e = r["e2e"]["wall_s"] if r["e2e"]["rc"] == 0 else None
        ratio = (b_s / e) if (b_s and e) else None
        rows.append(("end to end ≥ 5× baseline articles/s (1,000 articles)", fmt(ratio, 2) + "×" if ratio else "–",
                     "yes" if ratio and ratio >= 5 else "no"))
    if 10000 in results and results[10000]["e2e"]["rc"] == 0:
        b_s, how = extrapolated_baseline(results, 10000)
        if b_s:
            ratio = b_s / results[10000]["e2e"]["wall_s"]
            rows.append(("(no target) end to end vs baseline at 10,000 articles, fixed start-up costs diluted",
                         f"{fmt(ratio, 2)}× (baseline {how})", "–"))
    if 1000 in results and 10000 in results and results[10000]["e2e"]["rc"] == 0:
        q = results[10000]["e2e"]["wall_s"] / results[1000]["e2e"]["wall_s"]
        rows.append(("10,000-article run ≤ 11× the 1,000-article run", fmt(q, 2) + "×", "yes" if q <= 11 else "no"))
    elif "scale_estimate" in extra:
        q = extra["scale_estimate"]
        rows.append(("10,000-article run ≤ 11× the 1,000-article run", f"{fmt(q, 1)}× (estimated, see below)", "yes" if q <= 11 else "no"))
    for rr in extra.get("reconcile", []):
        if rr.get("mentions") == 100000 or rr.get("requested") == 100000:
            v = rr.get("reconcile_s")
            if v is None:
                est = reconcile_fit(extra["reconcile"], 100000)
                shown = rr.get("note", "–") + (f"; about {fmt(est, 0)} s by the power law of the smaller runs" if est else "")
            else:
                shown = f"{fmt(v)} s"
            rows.append(("reconciliation of 100,000 mentions ≤ 30 s", shown, "yes" if v is not None and v <= 30 else "no"))
    if "noop" in extra:
        nn, v, how = extra["noop"]
        rows.append((f"no-op re-run over 10,000 processed articles ≤ 5 s", f"{fmt(v)} s ({how})", "yes" if v is not None and v <= 5 else "no"))
    if 10000 in results and results[10000]["e2e"]["rc"] == 0:
        e = results[10000]["e2e"]
        m = max(e.get("peak_tree_pss_mib") or e["peak_tree_mib"], e["peak_rss_mib"] or 0)
        rows.append(("peak memory ≤ 2 GiB at 10,000", f"{fmt(m, 0)} MiB (process tree, PSS; RSS sum {fmt(e['peak_tree_mib'], 0)} MiB)",
                     "yes" if m <= 2048 else "no"))
    elif "mem_estimate" in extra:
        m = extra["mem_estimate"]
        rows.append(("peak memory ≤ 2 GiB at 10,000", f"{fmt(m, 0)} MiB (estimated, see below)", "yes" if m <= 2048 else "no"))
    for n in sorted(results):
        sc = results[n].get("score", {})
        if "projects_f1" in sc:
            rows.append((f"projects_f1 ≥ 0.95 on the generated gold ({n:,} articles)", str(sc["projects_f1"]),
                         "yes" if sc["projects_f1"] >= 0.95 else "no"))
    t = "| target | measured | met |\n|---|---|---|\n" + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)
    return t


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "_stages":
        print(json.dumps(child_stages(argv[1], argv[2])))
        return 0
    if argv and argv[0] == "_baseline":
        print(json.dumps(child_baseline(argv[1])))
        return 0
    if argv and argv[0] == "_reconcile":
        print(json.dumps(child_reconcile(int(argv[1]))))
        return 0
    if argv and argv[0] == "_profile":
        print(json.dumps(child_profile(argv[1], int(argv[2]), argv[3])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated (default 100,1000,10000)")
    ap.add_argument("--workdir", default=None, help="where corpora and databases go (default: a temp dir, kept)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-baseline-above", type=int, default=None, metavar="N",
                    help="do not run the baseline above N articles: extrapolate it per word from the largest size run")
    ap.add_argument("--reconcile-mentions", default="100000", help="synthetic mention counts for (c), comma-separated; '' to skip")
    ap.add_argument("--reconcile-timeout", type=float, default=900, help="stop (c) after this many seconds")
    ap.add_argument("--noop-sizes", default=None,
                    help="sizes whose no-op re-run (d) is timed (default: the largest size; '' to skip)")
    ap.add_argument("--score-max", type=int, default=1000, help="run the scorer only up to this size (it is quadratic); -1 for all")
    ap.add_argument("--score-timeout", type=float, default=1200)
    ap.add_argument("--profile", type=int, default=200, help="cProfile the stages on this many articles (0 to skip)")
    ap.add_argument("--timeout", type=float, default=None, help="stop any single child after this many seconds")
    ap.add_argument("--e2e-only", action="store_true", help="only the end-to-end run and its no-op re-run (no stages, scorer, baseline)")
    ap.add_argument("--cold-prefect", action="store_true",
                    help="a fresh Prefect home for every size (its database created inside the timed run)")
    ap.add_argument("--results", default=str(HERE / "results"), help="folder for <date>.md")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    args.noop_sizes = [int(x) for x in args.noop_sizes.split(",") if x.strip()] if args.noop_sizes is not None else [max(sizes)]
    args.score_max = None if args.score_max == -1 else args.score_max
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ftap-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log_lines: list[str] = []

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)
        log_lines.append(msg)

    t_start = time.perf_counter()
    load_start = os.getloadavg()
    code_start = code_version()
    results: dict[int, dict] = {}
    extra: dict = {"reconcile": []}
    if not args.cold_prefect:
        extra["prefect_warm_up"] = warm_prefect_home(args, workdir, log)
    for n in sizes:
        results[n] = bench_size(n, args, workdir, log)
    for spec in [x for x in args.reconcile_mentions.split(",") if x.strip()]:
        k = int(spec)
        rc = run_child([PY, str(Path(__file__)), "_reconcile", str(k)], timeout=args.reconcile_timeout)
        got = last_json(rc["stdout"]) | {"requested": k, "wall_s": round(rc["wall_s"], 1)}
        if rc["timed_out"]:
            got["note"] = f"> {args.reconcile_timeout:.0f} s (stopped)"
        elif rc["rc"] != 0:
            got["note"] = "failed: " + rc["stderr_tail"].strip().splitlines()[-1] if rc["stderr_tail"].strip() else "failed"
        extra["reconcile"].append(got)
        log(f"reconcile {k}: {got}")
    # a re-run that failed or was stopped is no measure of a no-op (it is still shown in its section)
    noop_n = max((n for n in results if "noop" in results[n] and results[n]["noop"]["rc"] == 0), default=None)
    if noop_n is not None:
        v = results[noop_n]["noop"]["wall_s"]
        if noop_n == 10000:
            extra["noop"] = (noop_n, v, "measured")
        elif noop_n < 1000:
            extra["noop"] = (noop_n, None, f"not estimated: {fmt(v)} s at {noop_n:,} articles is mostly fixed cost")
        else:
            # upper bound: scale the measured re-run by the size ratio (part of it is fixed cost)
            est = v * 10000 / noop_n
            extra["noop"] = (noop_n, est, f"estimated: {fmt(v)} s measured at {noop_n:,} articles, scaled ×{10000 // noop_n}")
    if 10000 not in results and 1000 in results and results[1000]["e2e"]["rc"] == 0:
        r = results[1000]
        st = r["stages"].get("seconds", {})
        per_art = (st.get("clean", 0) + st.get("extract", 0) + st.get("store", 0)) / 1000
        rec_1k = st.get("reconcile", 0)
        rec_big = reconcile_fit(extra["reconcile"], 10 * r["stages"].get("mentions", 0))
        fixed = r["e2e"]["wall_s"] - sum(st.values()) + st.get("import", 0) + st.get("load_model_and_data", 0)
        est10 = fixed + per_art * 10000 + (rec_big if rec_big is not None else rec_1k * 10)
        extra["scale_estimate"] = est10 / r["e2e"]["wall_s"]
        extra["scale_estimate_how"] = (f"fixed cost {fmt(fixed)} s + clean/extract/store {fmt(per_art * 1000, 3)} s per 1,000 articles × 10 + "
                                       + (f"reconcile for {10 * r['stages'].get('mentions', 0):,} mentions fitted on the synthetic runs ({fmt(rec_big)} s)"
                                          if rec_big is not None else "reconcile × 10"))
        n0 = min(results)
        if n0 < 1000 and results[n0]["e2e"]["rc"] == 0:
            def peak(e):
                return max(e.get("peak_tree_pss_mib") or e["peak_tree_mib"], e["peak_rss_mib"] or 0)
            m0, m1 = peak(results[n0]["e2e"]), peak(r["e2e"])
            extra["mem_estimate"] = m1 + (m1 - m0) * (10000 - 1000) / (1000 - n0)
    prof_txt = None
    if args.profile:
        corpus = next((Path(results[n]["corpus"]) for n in sorted(results) if n >= args.profile), None)
        if corpus is None:
            corpus, _ = ensure_corpus(args.profile, workdir, args.seed)
        prof_txt = workdir / f"profile-{args.profile}.txt"
        pr = run_child([PY, str(Path(__file__)), "_profile", str(corpus), str(args.profile), str(prof_txt)], timeout=args.timeout)
        extra["profile"] = last_json(pr["stdout"])
        log(f"profile: {extra['profile'].get('seconds')}")

    if not args.cold_prefect:
        shutil.rmtree(args.prefect_home, ignore_errors=True)

    # ---- report
    today = dt.date.today().isoformat()
    md = [f"# Benchmark {today}\n", f"Pipeline code at start: {code_start}; at end: {code_version()} (the measured code is the work tree).\n",
          f"Command: `.venv/bin/python benchmarks/bench.py {' '.join(argv)}` (workdir {workdir}); "
          f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; total {fmt(time.perf_counter() - t_start, 0)} s; "
          f"load average at start {load_start[0]:.1f}, at end {os.getloadavg()[0]:.1f} (other sessions share the machine: "
          "timings are noisy, compare ratios rather than absolute seconds).\n",
          "## Targets\n", summary_table(results, extra)]
    if "scale_estimate" in extra:
        md.append(f"\n10,000-article run not measured: estimated as {extra['scale_estimate_how']}.\n")
    if "mem_estimate" in extra:
        md.append("Peak memory at 10,000 not measured: the growth between the smallest size and 1,000 articles, extrapolated linearly.\n")
    md.append("\n## Per size\n")
    for n in sizes:
        md.append(size_table(results[n], results) + "\n")
    if extra["reconcile"]:
        md.append("## Reconciliation alone, synthetic mentions\n")
        rows = ["| mentions | articles | project pool | candidate pairs | blocking s | reconcile s (total) | projects out | peak RSS MiB | note |\n|---|---|---|---|---|---|---|---|---|\n"]
        for x in extra["reconcile"]:
            rows.append(f"| {fmt(x.get('mentions', x.get('requested')))} | {fmt(x.get('articles'))} | {fmt(x.get('pool'))} | {fmt(x.get('candidate_pairs'))} | "
                      f"{fmt(x.get('candidate_pairs_s'))} | {fmt(x.get('reconcile_s'))} | {fmt(x.get('projects'))} | {fmt(x.get('peak_rss_mib'), 0)} | {x.get('note', '')} |\n")
        md.append("".join(rows))
    for n in sorted(results):
        nn = results[n].get("noop")
        if nn and nn["rc"] != 0:
            md.append(f"\n## No-op re-run ({n:,} articles)\n\nStopped or failed (rc {nn['rc']}) after {fmt(nn['wall_s'])} s: not a measure.\n")
    if noop_n is not None:
        nn = results[noop_n]["noop"]
        md.append(f"\n## No-op re-run\n\nSecond `python -m pipeline run` over the unchanged {noop_n:,}-article corpus, database already written: "
                  f"{fmt(nn['wall_s'])} s (first run {fmt(results[noop_n]['e2e']['wall_s'])} s), rc {nn['rc']}.\n")
    if prof_txt and prof_txt.exists():
        lines = prof_txt.read_text().splitlines()
        md.append(f"\n## Profile ({args.profile} articles, stages without Prefect, cProfile, top by cumulative time)\n\n```\n")
        md.append("\n".join(lines[:75]) + "\n```\n")
        md.append(f"Full profile: {prof_txt}\n")
    md.append("\n## Log\n\n```\n" + "\n".join(log_lines) + "\n```\n")
    text = "\n".join(md)
    print(text)
    res_dir = Path(args.results)
    res_dir.mkdir(parents=True, exist_ok=True)
    path = res_dir / f"{today}.md"
    if path.exists():
        path = res_dir / f"{today}-{time.strftime('%H%M%S')}.md"
    path.write_text(text)
    (res_dir / f"{path.stem}.json").write_text(json.dumps({"results": results, "extra": extra}, default=str, indent=1))
    print(f"\nwritten: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

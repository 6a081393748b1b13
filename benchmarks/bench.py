#!/usr/bin/env python3
"""Benchmark: the pipeline against a naive spaCy baseline on generated corpora.

    .venv/bin/python benchmarks/bench.py [--sizes 100,1000,10000] [--workdir DIR] [--skip-baseline-above N]

For each size N, on the same generated corpus (benchmarks/generate.py, seeded):
  (a) the pipeline end to end through its real entry point, `python -m pipeline run CORPUS --db DB`
      (Prefect included), as a child process; then the same stages without Prefect in one child
      process (pipeline.run.batch.clean_batch / extract_batch, pipeline.reconcile.cluster.reconcile,
      pipeline.store.database.write_database) for seconds per stage; then the project's scorer (`python -m pipeline score`) on the generated gold;
  (b) the naive baseline: fr_core_news_md with its full default pipeline over the whole raw text of
      every article (HTML reduced to BeautifulSoup get_text, nothing else), nlp.pipe, one process.
Then (c) reconciliation alone on synthetic mentions (100,000 by default) and (d) a second,
no-op `python -m pipeline run` over unchanged inputs and an already written database.

Every measurement runs in a child process of this one: wall time, articles/s, words/s (words of the
visible text, the same count for both sides), peak RSS (largest process, from wait4's ru_maxrss) and
peak RSS of the whole process tree (sampled from /proc, Prefect's temporary server included).
Markdown tables go to stdout and to benchmarks/results/<date>.md.

The child processes' work is in bench_children.py, process and memory sampling in bench_processes.py,
the tables in bench_tables.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_children import child_baseline, child_profile, child_reconcile, child_stages
from bench_processes import HERE, PY, ROOT, ensure_corpus, last_json, prefect_env, run_child
from bench_tables import fmt, reconcile_fit, size_table, summary_table


# ---------------------------------------------------------------------------------------------
# the benchmark
def score(db: Path, gold: Path, timeout: float) -> dict:
    # the project's own scorer (same figures as shared/eval/score.py, checked by the tests): no file outside the clone
    res = run_child([PY, "-m", "pipeline", "score", str(db), str(gold), "--json"], timeout=timeout, cwd=str(ROOT))
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


def code_version() -> str:
    """Commit of the measured code, and whether the work tree differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "flows.py"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        return "unknown"
    return f"commit {head}" + (" with uncommitted changes under pipeline/ or flows.py" if dirty else "")


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

"""The benchmark's targets and Markdown tables: per size, and the summary against the targets."""

from __future__ import annotations

import math
import re

TARGETS = {
    "speedup_1000": 5.0,  # end-to-end articles/s over the baseline's, at 1,000 articles
    "scale_10k_over_1k": 11.0,  # 10,000-article run time over the 1,000-article one
    "reconcile_100k_s": 30.0,
    "noop_10k_s": 5.0,
    "peak_rss_10k_mib": 2048.0,
    "projects_f1": 0.95,
}


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

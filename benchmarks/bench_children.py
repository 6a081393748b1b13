"""What each child process of the benchmark measures: the pipeline's stages without Prefect, the naive
spaCy baseline, reconciliation alone on synthetic mentions, and a profile."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import math
import os
import pstats
import tempfile
import time
from pathlib import Path


# ---------------------------------------------------------------------------------------------
# child entry points (run as `bench.py _stages ...` etc., one fresh process each)
def peak_self_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_stages(corpus: str, db: str, profile_out: str | None = None, limit: int | None = None) -> dict:
    """The pipeline's stages without Prefect, timed one by one."""
    t = {}
    t0 = time.perf_counter()
    from pipeline.extract.nlp import get_nlp
    from pipeline.extract.organizations import load_gazetteer
    from pipeline.ingest import list_sources
    from pipeline.reconcile.cluster import reconcile
    from pipeline.run.batch import clean_batch, extract_batch
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
            "projects": len(rec.projects), "links": len(rec.links), "peak_rss_mib": round(peak_self_mib(), 1)}


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
            "tokens": n_tokens, "ents": n_ents, "peak_rss_mib": round(peak_self_mib(), 1)}


def synthetic_results(n_mentions: int, seed: int = 7):
    """ArticleResult objects holding n_mentions mentions of a generated project pool, under name variants."""
    import random

    import generate  # benchmarks/ is the script's own folder, first on sys.path

    from pipeline.model import Article, ArticleResult, CallInfo, Mention

    rng = random.Random(seed)
    per_article = 5
    n_articles = max(1, n_mentions // per_article)
    n_projects = min(1200, max(30, n_mentions // 40))  # ~40 mentions a project, ~80 past 48,000 mentions (a 10,000-article corpus has ~75)
    orgs, calls, projects = generate.build_world(random.Random(f"world-{seed}"), n_projects)
    results = []
    made = 0
    for i in range(n_articles):
        call = calls[rng.randrange(len(calls))]
        ks = rng.sample(call.projects, min(len(call.projects), per_article))
        aid = f"a{i:07d}"
        published = (call.announced + dt.timedelta(days=rng.randint(0, 10))).isoformat()
        art = Article(id=aid, path=f"synthetic/{aid}.txt", text="", published_on=published)
        info = CallInfo(fund=generate.FUND, fund_acronym=generate.FUND_ACR, year=call.year, ordinal=call.ordinal, unit=call.unit,
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
    from pipeline.reconcile.blocking import candidate_pairs
    from pipeline.reconcile.cluster import reconcile
    from pipeline.reconcile.nodes import build_nodes

    t0 = time.perf_counter()
    nodes = build_nodes(results)
    nodes_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = candidate_pairs(nodes)
    pairs_s = time.perf_counter() - t0
    n_pairs = len(pairs)
    del nodes, pairs
    t0 = time.perf_counter()
    rec = reconcile(results, {})
    total_s = time.perf_counter() - t0
    return {"mentions": made, "articles": len(results), "pool": pool, "build_s": round(build_s, 2),
            "nodes_s": round(nodes_s, 2), "candidate_pairs_s": round(pairs_s, 2), "candidate_pairs": n_pairs,
            "reconcile_s": round(total_s, 2), "projects": len(rec.projects), "links": len(rec.links),
            "peak_rss_mib": round(peak_self_mib(), 1)}


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

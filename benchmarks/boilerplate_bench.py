#!/usr/bin/env python3
"""Benchmark of the clean stage on real web pages: quality and pages per second beside trafilatura.

    .venv/bin/python benchmarks/boilerplate_bench.py [--pages DIR] [--db DB] [--trafilatura] [--limit N]

Cleans every page of ../shared/boilerplate/pages (1,033 saved pages of many sites) in this one process,
with the project's own clean stage (`pipeline.run.batch.clean_source`: BeautifulSoup over lxml,
publication date, cleaning; no Prefect), and writes the texts into a database of the shape
`shared/eval/boilerplate.py` reads (`articles(path, text)`), then scores it with that scorer.

With --trafilatura, the same decoded pages are handed to `trafilatura.extract` in the same process; its
texts go into a second database, scored alike. trafilatura is an optional dependency of the benchmark
only (`pip install .[bench]`); it is the reference, never the cleaner. The sides take turns page by page
(this project, a bare `BeautifulSoup(html, "lxml")` parse as the floor of any BeautifulSoup cleaner,
trafilatura), so that a shared machine's load weighs on each alike. Timings include parsing and exclude
reading and decoding the files; the machine's load average is written with them.
A markdown table goes to stdout and to benchmarks/results/<date>-boilerplate.md (or --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

from pipeline.ingest import read_source
from pipeline.run.batch import clean_source

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SCORER = SHARED / "eval" / "boilerplate.py"


def write_db(path: Path, texts: dict[str, str]) -> None:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("create table articles (path text primary key, text text)")
        db.executemany("insert into articles values (?, ?)", sorted(texts.items()))


def run_sides(sources: list, sides: dict) -> dict[str, tuple[dict[str, str], float]]:
    """Each side's texts and seconds. The sides take turns page by page, so that the load of a
    shared machine weighs on each alike."""
    texts: dict[str, dict[str, str]] = {name: {} for name in sides}
    seconds = dict.fromkeys(sides, 0.0)
    for src in sources:
        if src.error is not None:
            continue
        for name, side in sides.items():
            start = time.perf_counter()
            texts[name][src.path] = side(src)
            seconds[name] += time.perf_counter() - start
    return {name: (texts[name], seconds[name]) for name in sides}


def ours(src) -> str:
    return clean_source(src).text


def parse_only(src) -> str:
    BeautifulSoup(src.text, "lxml")
    return ""


def trafilatura_side():
    import trafilatura

    return lambda src: trafilatura.extract(src.text) or ""


def score(db: Path, *extra: str) -> dict:
    out = subprocess.run([sys.executable, str(SCORER), str(db), *extra], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=SHARED / "boilerplate" / "pages")
    ap.add_argument("--db", type=Path, default=Path("/tmp/boilerplate-clean.db"))
    ap.add_argument("--trafilatura", action="store_true", help="time and score trafilatura.extract too")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (quick look)")
    ap.add_argument("--no-score", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="no results file")
    ap.add_argument("--out", type=Path, help="results file (default: benchmarks/results/<date>-boilerplate.md)")
    a = ap.parse_args()

    paths = sorted(str(p) for p in a.pages.glob("*.html"))[: a.limit or None]
    sources = [read_source(p) for p in paths]
    sides = {"this project (clean stage)": ours}
    if a.trafilatura:
        import trafilatura

        sides["BeautifulSoup(lxml) parse alone"] = parse_only
        sides[f"trafilatura {trafilatura.__version__} (extract)"] = trafilatura_side()
    load_before = os.getloadavg()
    results = run_sides(sources, sides)
    load_after = os.getloadavg()
    rows = []
    for i, (name, (texts, seconds)) in enumerate(results.items()):
        db = a.db if i == 0 else a.db.with_name(f"{a.db.stem}-{i}.db")
        if name.startswith("BeautifulSoup"):
            rows.append((name, None, len(texts), seconds))
            continue
        write_db(db, texts)
        rows.append((name, db, len(texts), seconds))

    lines = [
        "| cleaner | pages | seconds | pages/s | precision | recall | F1 | French F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, db, n, sec in rows:
        s = score(db) if db and not a.no_score else {}
        fr = score(db, "--fr") if db and not a.no_score else {}
        lines.append(
            f"| {name} | {n} | {sec:.1f} | {n / sec:.1f} | {s.get('precision', '')} | {s.get('recall', '')} "
            f"| {s.get('f1', '')} | {fr.get('f1', '')} |"
        )
    load = (
        f"Machine load (1-minute average, {os.cpu_count()} cores) {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after the timed runs."
    )
    table = "\n".join(lines) + "\n\n" + load
    print(table)
    if not a.no_write and not a.limit:
        out = a.out or HERE / "results" / f"{dt.date.today().isoformat()}-boilerplate.md"
        out.write_text(f"# Clean stage on {len(paths)} real pages, one process\n\n{table}\n", encoding="utf-8")


if __name__ == "__main__":
    main()

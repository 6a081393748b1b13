"""The review report's CSV files: the tables of report.html, one file each, for a spreadsheet."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.review.report_data import Data, fmt_amount, written


def _write_csv(path: Path, header: list[str], rows) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if x is None else x for x in r])
    os.replace(tmp, path)


def write_csvs(data: Data, out: Path, found: list[dict], misses: list[dict]) -> list[Path]:
    paths = []

    def put(name, header, rows):
        p = out / name
        _write_csv(p, header, rows)
        paths.append(p)

    def source_figures(pid):
        return "; ".join(f"{m['article_id']}: {fmt_amount(m['amount_m_eur'], m['amount_qualifier'])}"
                         for m in data.by_project.get(pid, []) if m["amount_m_eur"] is not None)

    pcols = ["id", "name", "acronym", "aliases", "amount_m_eur", "amount_qualifier", "carriers", "announced_on", "call",
             "sources", "n_sources"]
    put("projects.csv", pcols + ["source_amounts"],
        ([p.get(c) for c in pcols] + [source_figures(p["id"])] for p in data.projects))
    mcols = ["id", "article_id", "project_id", "name", "amount_m_eur", "amount_qualifier", "start", "end", "acronym",
             "carriers", "rule", "score", "amount_start", "amount_end", "context_start", "context_end"]

    def sentence(m):
        text = (data.articles.get(m["article_id"]) or {}).get("text") or ""
        a, b = m.get("context_start"), m.get("context_end")
        return text[a:b] if a is not None and b is not None else ""

    put("mentions.csv", mcols + ["article_path", "amount_text", "sentence"],
        ([m.get(c) for c in mcols] + [(data.articles.get(m["article_id"]) or {}).get("path"), written(data, m), sentence(m)]
         for m in data.mentions))
    put("conflicts.csv", ["project_id", "project_name", "kind", "verdict", "project_amount_m_eur",
                          "project_amount_qualifier", "sources"],
        ([c["project"]["id"], c["project"]["name"], c["kind"], c["verdict"], c["project"]["amount_m_eur"],
          c["project"]["amount_qualifier"],
          " | ".join(f"{s['article_id']}: {s['value']}" + (f" «{s['written']}»" if s["written"] else "") for s in c["sources"])]
         for c in found))
    put("near_misses.csv", ["score", "kind", "decision", "project_a", "name_a", "article_a", "project_b", "name_b",
                            "article_b", "signals", "n_mention_pairs"],
        ([x["score"], x["kind"], x["decision"], x["project_a"], x["name_a"], x["article_a"], x["project_b"], x["name_b"],
          x["article_b"], json.dumps(x["signals"], ensure_ascii=False), x["n_pairs"]] for x in misses))
    projects_per = defaultdict(set)
    for m in data.mentions:
        projects_per[m["article_id"]].add(m["project_id"])
    mentions_per = Counter(m["article_id"] for m in data.mentions)
    put("articles.csv", ["id", "path", "title", "published_on", "funding_round", "announced_on", "n_mentions",
                         "n_projects", "n_amounts", "n_chars", "error"],
        ([aid, a.get("path"), a.get("title"), a.get("published_on"), (data.calls.get(aid) or {}).get("label"),
          (data.calls.get(aid) or {}).get("announced_on"), mentions_per[aid], len(projects_per[aid]), data.amounts[aid],
          len(a.get("text") or ""), a.get("error")] for aid, a in data.articles.items()))
    put("ingest_errors.csv", ["path", "error"], ([e.get("path"), e.get("error")] for e in data.errors))
    put("decisions.csv", ["id", "action", "target", "status", "reason", "detail", "note"],
        ([d["id"], d["action"], d["target"], d["status"], d.get("reason"), d.get("detail"), d.get("note")]
         for d in data.decisions or []))
    return paths


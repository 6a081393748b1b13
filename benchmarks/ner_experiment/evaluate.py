"""Evaluation of the NER experiment: k-fold on the shared pages, leave-set-out on blind2, and what it adds to the rules.

Experiments (training never sees a test article):
- cv0..cv4: 5 folds of ../shared/pages (stratified: pages with and without gold projects dealt
  round-robin after a seeded shuffle); each trains on every team-written set + seeds + the other
  four folds and predicts the held-out fold;
- blind2: trains on everything but blind2 and the pages, predicts blind2.

Figures, per test set (the pages pooled over their five out-of-fold predictions):
- span level: P/R/F1 of predicted spans against silver spans (exact offsets, and overlapping);
- project level, with the scorer's name matching (`metrics.name_score` >= `names.SAME`): gold
  (article, project) pairs found by some NER span in that article; distinct NER spans (per article,
  by plain text) matching no gold project of the set ("false"), in pages with and without projects;
- the same restricted to gold projects that no page of the training folds mentions ("unseen": 11
  projects are cited by several pages, and a model trained on one page may recall the name on another);
- against the rules (the same DB's `mentions`): gold pairs the rules miss and the NER finds, and
  false NER spans the rules do not already output; also with an integration filter (NER spans in
  a sentence holding an amount or a funding verb);
- projects_f1 of the rules' rows alone and of the rules' rows plus new rows made from NER spans
  (spans naming no rules row; grouped when `similarity` >= SAME), paired one-to-one with gold the
  scorer's way (`pair_up`); "merged" drops the NER rows that name an already paired gold
  project (an upper bound for a reconciliation that merges them).

Usage: python evaluate.py DATA.jsonl WORKDIR NAME=GOLD ... [--metrics-only] [--tag TAG] [--negatives FRACTION]
                          [-- spacy train overrides]
Predictions are cached in WORKDIR/<tag>/<experiment>/preds.json (delete to retrain).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import spacy

from pipeline.evaluate.gold import load
from pipeline.evaluate.metrics import name_score, prf, project_names
from pipeline.evaluate.names import SAME, pair_up, plain, similarity
from train import predict, train_model

TEAM_SETS = ["dev", "heldout", "raw", "blind", "blind2"]
FOLDS = 5
AMOUNT = re.compile(r"\d[\d\s.,]*\s*(?:M\s?€|Md\s?€|k\s?€|€|millions?|milliards?|euros?)", re.I)
FUNDING = re.compile(r"\b(?:financ|subventionn|dot[ée]|dotation|allou|attribu|accord[ée]|laur[ée]at|retenu|soutien|"
                     r"soutenu|investi|enveloppe|b[ée]n[ée]fici)", re.I)
SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+|$)", re.M)


def folds_of(pages: list[dict]) -> dict[str, int]:
    with_gold = sorted(r["file"] for r in pages if r["gold_keys"])
    without = sorted(r["file"] for r in pages if not r["gold_keys"])
    rng = random.Random(0)
    rng.shuffle(with_gold)
    rng.shuffle(without)
    return {f: i % FOLDS for i, f in enumerate(with_gold + without)}


def experiments(rows: list[dict]) -> dict[str, tuple[list[dict], list[dict]]]:
    pages = [r for r in rows if r["set"] == "pages"]
    fold = folds_of(pages)
    base = [r for r in rows if r["set"] in TEAM_SETS + ["seeds"]]
    out = {}
    for k in range(FOLDS):
        train = base + [r for r in pages if fold[r["file"]] != k]
        out[f"cv{k}"] = (train, [r for r in pages if fold[r["file"]] == k])
    out["blind2"] = ([r for r in base if r["set"] != "blind2"], [r for r in rows if r["set"] == "blind2"])
    return out


def run(rows: list[dict], workdir: Path, overrides: list[str], metrics_only: bool,
        keep_negatives: float) -> tuple[dict, dict]:
    preds, costs = {}, {}
    for name, (train, test) in experiments(rows).items():
        where = workdir / name
        cached = where / "preds.json"
        if not cached.exists():
            if metrics_only:
                continue
            info = train_model(train, where, overrides, keep_negatives=keep_negatives)
            started = time.perf_counter()
            nlp = spacy.load(info["model"])
            info["load_seconds"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            found = predict(nlp, test)
            seconds = time.perf_counter() - started
            words = sum(len(r["text"].split()) for r in test)
            info["words_per_second"] = round(words / seconds) if seconds else None
            info["model_bytes"] = sum(p.stat().st_size for p in Path(info["model"]).rglob("*") if p.is_file())
            cached.write_text(json.dumps({"preds": found, "info": info}, ensure_ascii=False))
            print(name, info, flush=True)
        saved = json.loads(cached.read_text())
        preds.update(saved["preds"])
        costs[name] = saved["info"]
    return preds, costs


def overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def in_cue_sentence(text: str, span: dict) -> bool:
    for m in SENTENCE.finditer(text):
        if m.start() <= span["start"] < m.end():
            sentence = m.group()
            return bool(AMOUNT.search(sentence) or FUNDING.search(sentence))
    return False


def rules_names(row: dict) -> list[list[str]]:
    out = []
    for m in row["rules"]["mentions"]:
        names = [m["name"]] + ([m["acronym"]] if m.get("acronym") else [])
        names += [m["project_name"]] if m.get("project_name") else []
        names += [str(a) for a in json.loads(m["aliases"] or "[]")] if m.get("aliases") else []
        out.append([n for n in names if n])
    return out


def distinct(spans: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in spans:
        key = plain(s["text"])
        if key and key not in seen:
            seen.add(key)
            out.append(s)
    return out


def seen_keys(rows: list[dict]) -> dict[str, set[str]]:
    """Page file -> gold keys that pages of the other folds mention (the model saw those projects' names)."""
    pages = [r for r in rows if r["set"] == "pages"]
    fold = folds_of(pages)
    return {r["file"]: {k for o in pages if fold[o["file"]] != fold[r["file"]] for k in o["gold_keys"]} for r in pages}


def set_figures(test: list[dict], preds: dict, gold, rules_rows: list[dict], cue_filter: bool,
                seen: dict[str, set[str]]) -> dict:
    by_key = {g.key: g for g in gold.projects}
    f = defaultdict(float)
    new_names: list[str] = []
    found_keys: set[str] = set()
    for row in test:
        spans = preds.get(row["set"] + "/" + row["file"], [])
        if cue_filter:
            spans = [s for s in spans if in_cue_sentence(row["text"], s)]
        silver = [s for s in row["spans"] if not s["optional"]]
        optional = [s for s in row["spans"] if s["optional"]]
        scored = [s for s in spans if not any(overlaps(s, o) for o in optional)]
        exact = {(s["start"], s["end"]) for s in silver}
        f["span_tp"] += sum((s["start"], s["end"]) in exact for s in scored)
        f["span_pred"] += len(scored)
        f["span_gold"] += len(silver)
        f["span_overlap_tp_pred"] += sum(any(overlaps(s, g) for g in silver) for s in scored)
        f["span_overlap_tp_gold"] += sum(any(overlaps(s, g) for s in scored) for g in silver)
        rules = rules_names(row)
        texts = [s["text"] for s in spans]
        for key in row["gold_keys"]:
            g = by_key[key]
            ner_found = any(name_score([t], g) >= SAME for t in texts)
            rules_found = any(name_score(names, g) >= SAME for names in rules)
            f["pairs"] += 1
            f["pairs_ner"] += ner_found
            if ner_found:
                found_keys.add(key)
            f["pairs_rules"] += rules_found
            f["pairs_added"] += ner_found and not rules_found
            f["pairs_union"] += ner_found or rules_found
            if key not in seen.get(row["file"], set()):  # a project no training article names
                f["unseen_pairs"] += 1
                f["unseen_pairs_ner"] += ner_found
                f["unseen_pairs_rules"] += rules_found
                f["unseen_pairs_added"] += ner_found and not rules_found
        kind = "with" if row["gold_keys"] else "without"
        for s in distinct(spans):
            if any(name_score([s["text"]], g) >= SAME for g in gold.projects):
                continue
            f[f"false_{kind}"] += 1
            covered = any(overlaps(s, m) for m in row["rules"]["mentions"] if m["start"] is not None) or any(
                similarity(s["text"], n) >= SAME for names in rules for n in names)
            if not covered:
                f[f"added_false_{kind}"] += 1
        for s in distinct(spans):
            if not any(similarity(s["text"], n) >= SAME for p in rules_rows for n in project_names(p)):
                new_names.append(s["text"])
    out = dict(f)
    out["span_p"], out["span_r"], out["span_f1"] = prf(f["span_tp"], f["span_pred"] - f["span_tp"],
                                                       f["span_gold"] - f["span_tp"])
    p = f["span_overlap_tp_pred"] / f["span_pred"] if f["span_pred"] else 0.0
    r = f["span_overlap_tp_gold"] / f["span_gold"] if f["span_gold"] else 0.0
    out["span_overlap_p"], out["span_overlap_r"] = round(p, 4), round(r, 4)
    out["rules_projects"] = projects_prf([project_names(p) for p in rules_rows], gold)
    rules_names_rows = [project_names(p) for p in rules_rows]
    out["union_projects"] = projects_prf(rules_names_rows + grouped(new_names), gold)
    out["union_projects_merged"] = projects_prf(rules_names_rows + grouped(new_names), gold,
                                                merged_from=len(rules_names_rows))
    out["gold_projects_found_by_ner"] = len(found_keys)
    out["gold_projects"] = len({k for row in test for k in row["gold_keys"]})
    return out


def grouped(names: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    for n in names:
        for g in groups:
            if any(similarity(n, m) >= SAME for m in g):
                g.append(n)
                break
        else:
            groups.append([n])
    return groups


def projects_prf(rows: list[list[str]], gold, merged_from: int | None = None) -> dict:
    """The scorer's projects_p/r/f1: rows paired one-to-one with gold projects by name_score.

    merged_from: rows from this index on (the NER's) that stay unpaired but name a gold project
    are dropped, as a reconciliation that merged them into that project's row would (an upper
    bound: the real reconciliation merges on names, acronyms and amounts, not on gold)."""
    scores = {(i, j): s for i, names in enumerate(rows) for j, g in enumerate(gold.projects)
              if (s := name_score(names, g)) >= SAME}
    paired = pair_up(scores)
    dropped = 0
    if merged_from is not None:
        dropped = sum(1 for i in range(merged_from, len(rows))
                      if i not in paired and any(scores.get((i, j), 0) >= SAME for j in range(len(gold.projects))))
    n_rows = len(rows) - dropped
    p, r, f1 = prf(len(paired), n_rows - len(paired), len(gold.projects) - len(paired))
    return {"p": p, "r": r, "f1": f1, "rows": n_rows, "paired": len(paired)}


def main(argv: list[str]) -> None:
    overrides = argv[argv.index("--") + 1:] if "--" in argv else []
    args = argv[:argv.index("--")] if "--" in argv else argv
    metrics_only = "--metrics-only" in args
    tag = args[args.index("--tag") + 1] if "--tag" in args else "ner"
    keep_negatives = float(args[args.index("--negatives") + 1]) if "--negatives" in args else 1.0
    positional = [a for i, a in enumerate(args)
                  if not a.startswith("--") and (i == 0 or args[i - 1] not in ("--tag", "--negatives"))]
    data, workdir, gold_specs = positional[0], Path(positional[1]) / tag, positional[2:]
    golds = {name: load(path) for name, path in (s.split("=") for s in gold_specs)}
    rows = [json.loads(line) for line in open(data, encoding="utf-8")]
    rules_rows = json.load(open(data + ".projects.json", encoding="utf-8"))
    preds, costs = run(rows, workdir, overrides, metrics_only, keep_negatives)
    report = {"costs": costs}
    seen = seen_keys(rows)
    for test_set in ["pages", "blind2"]:
        test = [r for r in rows if r["set"] == test_set]
        for cue_filter in (False, True):
            label = f"{test_set}{'_filtered' if cue_filter else ''}"
            report[label] = set_figures(test, preds, golds[test_set], rules_rows[test_set], cue_filter,
                                        seen if test_set == "pages" else {})
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "figures.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])

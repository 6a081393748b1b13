"""Markdown tables of the NER experiment's figures (figures.json of each variant written by evaluate.py).

Usage: python tables.py WORKDIR TAG [TAG ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def tables(workdir: Path, tags: list[str]) -> str:
    out = []
    figures = {tag: json.loads((workdir / tag / "figures.json").read_text()) for tag in tags}
    out += ["### Span level (against silver spans; pages pooled over the 5 out-of-fold predictions)", "",
            row(["variant", "test set", "silver spans", "predicted", "exact P", "exact R", "exact F1",
                 "overlap P", "overlap R"]), row(["---"] * 9)]
    for tag, f in figures.items():
        for s in ["pages", "blind2"]:
            x = f[s]
            out.append(row([tag, s, int(x["span_gold"]), int(x["span_pred"]), x["span_p"], x["span_r"], x["span_f1"],
                            x["span_overlap_p"], x["span_overlap_r"]]))
    out += ["", "### Project level (scorer's name matching) and what it adds to the rules", "",
            row(["variant", "test set", "filter", "gold pairs", "found by NER", "found by rules", "rules ∪ NER",
                 "added by NER", "false NER (articles with / without gold projects)", "added false (with / without)",
                 "gold projects found by NER"]), row(["---"] * 11)]
    for tag, f in figures.items():
        for s in ["pages", "blind2"]:
            for filtered in (False, True):
                x = f[s + ("_filtered" if filtered else "")]
                g = lambda k: int(x.get(k, 0))  # noqa: E731
                out.append(row([tag, s, "cue sentence" if filtered else "none", g("pairs"), g("pairs_ner"),
                                g("pairs_rules"), g("pairs_union"), g("pairs_added"),
                                f"{g('false_with')} / {g('false_without')}",
                                f"{g('added_false_with')} / {g('added_false_without')}",
                                f"{x['gold_projects_found_by_ner']}/{x['gold_projects']}"]))
    out += ["", "### Pages: gold pairs of projects that no training page mentions (unseen projects)", "",
            row(["variant", "filter", "unseen gold pairs", "found by NER", "found by rules", "added by NER"]),
            row(["---"] * 6)]
    for tag, f in figures.items():
        for filtered in (False, True):
            x = f["pages" + ("_filtered" if filtered else "")]
            out.append(row([tag, "cue sentence" if filtered else "none"] + [int(x.get(k, 0)) for k in (
                "unseen_pairs", "unseen_pairs_ner", "unseen_pairs_rules", "unseen_pairs_added")]))
    out += ["", "### projects_f1: rules alone and rules ∪ NER (new rows from NER spans naming no rules row)", "",
            row(["variant", "test set", "filter", "rules P / R / F1", "rules ∪ NER P / R / F1", "rows added",
                 "rules ∪ NER, duplicates merged P / R / F1"]),
            row(["---"] * 7)]
    for tag, f in figures.items():
        for s in ["pages", "blind2"]:
            for filtered in (False, True):
                x = f[s + ("_filtered" if filtered else "")]
                r, u, m = x["rules_projects"], x["union_projects"], x["union_projects_merged"]
                out.append(row([tag, s, "cue sentence" if filtered else "none", f"{r['p']} / {r['r']} / {r['f1']}",
                                f"{u['p']} / {u['r']} / {u['f1']}", u["rows"] - r["rows"],
                                f"{m['p']} / {m['r']} / {m['f1']}"]))
    out += ["", "### Cost (per trained model; CPU, one thread, nice 10, machine shared)", "",
            row(["variant", "experiment", "train articles", "train docs (lines)", "train s", "model MB", "load s",
                 "words/s"]), row(["---"] * 8)]
    for tag, f in figures.items():
        for name, c in f["costs"].items():
            out.append(row([tag, name, c["train_articles"], c["train_docs"], c["train_seconds"],
                            round(c["model_bytes"] / 1e6, 1), c["load_seconds"], c["words_per_second"]]))
    return "\n".join(out)


if __name__ == "__main__":
    print(tables(Path(sys.argv[1]), sys.argv[2:]))

"""Silver spans for the NER experiment: each annotated article's cleaned text with its gold projects located in it.

The gold files name projects and the articles that mention them, not character spans. For each
article and each gold project it mentions, every occurrence of the project's names or acronym
in the cleaned text (`articles.text` of a pipeline run) becomes a silver span: case, accents,
apostrophes and runs of spaces are ignored, the longest variant wins where variants overlap,
and the span is snapped to spaCy token boundaries. The rules' own output (mention spans and
project names per article) is kept beside them so the evaluation can compare both.

Usage: python build_data.py OUT.jsonl NAME=DB=GOLD [NAME=DB=GOLD ...]
Writes one JSON line per article (and OUT.jsonl.projects.json: the rules' project rows per set),
prints the coverage (gold mentions located / all).
The output holds article text: keep it outside the repository (it may hold ../shared text).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import unicodedata

import spacy

from pipeline.evaluate.gold import load

APOSTROPHES = "’‘`´ʼ"


def fold_char(c: str) -> str:
    """One character folded to one character, so that indices stay aligned with the text."""
    if c in APOSTROPHES:
        return "'"
    if c.isspace():
        return " "
    if c in "‐‑‒–—":
        return "-"
    return unicodedata.normalize("NFD", c)[0].lower()


def folded(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def squeeze(text: str) -> tuple[str, list[int]]:
    """Folded text with runs of spaces made one, and the original index of each kept character."""
    out, where = [], []
    for i, c in enumerate(folded(text)):
        if c == " " and out and out[-1] == " ":
            continue
        out.append(c)
        where.append(i)
    return "".join(out), where


def variants(project) -> list[str]:
    names = [n for n in project.names if n and len(n.strip()) >= 3]
    if project.acronym and len(project.acronym) >= 2:
        names.append(project.acronym)
    keyed = {re.sub(" +", " ", folded(n)).strip(): n for n in names}
    return sorted(keyed, key=len, reverse=True)


def locate(text: str, projects: list, optional: set[str]) -> list[dict]:
    """Non-overlapping occurrences of the projects' variants, longest first."""
    flat, where = squeeze(text)
    candidates = []
    for project in projects:
        for variant in variants(project):
            pattern = r"(?<![\w])" + re.escape(variant) + r"(?![\w])"
            for m in re.finditer(pattern, flat):
                start, end = where[m.start()], where[m.end() - 1] + 1
                candidates.append((len(variant), start, end, project.key))
    taken: list[dict] = []
    for _length, start, end, key in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if any(start < t["end"] and t["start"] < end for t in taken):
            continue
        taken.append({"start": start, "end": end, "key": key, "optional": key in optional})
    return sorted(taken, key=lambda t: t["start"])


def snap(nlp, text: str, spans: list[dict]) -> list[dict]:
    doc = nlp.make_doc(text)
    out = []
    for s in spans:
        span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
        if span is None:
            continue
        # the expanded span must still start and end on the found words (at most a clitic or a dash more)
        if len(span.text) - (s["end"] - s["start"]) > 3:
            continue
        out.append({**s, "start": span.start_char, "end": span.end_char, "text": span.text})
    return out


def rules_output(db: sqlite3.Connection, article_id) -> dict:
    mentions = [dict(r) for r in db.execute(
        "select m.name, m.acronym, m.start, m.end, m.project_id, p.name as project_name, p.aliases "
        "from mentions m left join projects p on p.id = m.project_id where m.article_id = ?", (article_id,))]
    return {"mentions": mentions}


def build(name: str, db_path: str, gold_path: str, nlp) -> tuple[list[dict], int, int, list[dict]]:
    gold = load(gold_path)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    rows, wanted, found = [], 0, 0
    for art in db.execute("select id, path, text from articles order by path"):
        file = os.path.basename(art["path"])
        text = art["text"] or ""
        mentioned = [g for g in gold.projects if file in g.mentions]
        optional = [g for g in gold.projects if file in g.optional_mentions and file not in g.mentions]
        spans = snap(nlp, text, locate(text, mentioned + optional, {g.key for g in optional}))
        located = {s["key"] for s in spans}
        wanted += len(mentioned)
        found += sum(g.key in located for g in mentioned)
        rows.append({"set": name, "file": file, "text": text, "spans": spans,
                     "gold_keys": [g.key for g in mentioned], "optional_keys": [g.key for g in optional],
                     "missing_keys": [g.key for g in mentioned if g.key not in located],
                     "rules": rules_output(db, art["id"])})
    projects = [dict(r) for r in db.execute("select * from projects")]
    return rows, wanted, found, projects


def main(argv: list[str]) -> None:
    out_path, specs = argv[0], argv[1:]
    nlp = spacy.blank("fr")
    projects_by_set = {}
    with open(out_path, "w", encoding="utf-8") as out:
        for spec in specs:
            name, db_path, gold_path = spec.split("=")
            rows, wanted, found, projects_by_set[name] = build(name, db_path, gold_path, nlp)
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{name}: {len(rows)} articles, gold mentions located {found}/{wanted}, "
                  f"silver spans {sum(len(r['spans']) for r in rows)}")
    with open(out_path + ".projects.json", "w", encoding="utf-8") as out:
        json.dump(projects_by_set, out, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])

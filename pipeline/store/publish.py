"""Publish: make the written database browsable and record the run's decisions.

`finish(db, out_dir, outcomes)` runs on the database `store.write_database` just wrote
(inside its transaction, or on the finished file) and adds:
- full-text search (FTS5, `unicode61 remove_diacritics 2`, so "developpement" finds
  "développement") on articles(title, text) and projects(name, aliases);
- the view `project_sources`: one row per project and article that mentions it;
- the tables `decisions` (one row per reconciliation decision and its outcome) and
  `decision_moves` (which mentions each decision moved, read back by
  `decisions.base_previous` on the next run);
- `<db stem>.metadata.json` in `out_dir` for Datasette, named after its database so that
  two databases in one folder each keep theirs:
  `datasette extracted/projects.db -m extracted/projects.metadata.json`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import sqlite_utils

TOKENIZE = "unicode61 remove_diacritics 2"
FTS = {"articles": ["title", "text"], "projects": ["name", "aliases"]}

PROJECT_SOURCES = """
select
  m.project_id as project_id,
  p.name as project_name,
  m.article_id as article_id,
  a.path as article_path,
  a.title as article_title,
  a.published_on as published_on,
  m.name as mention_name,
  m.amount_m_eur as mention_amount_m_eur,
  m.amount_qualifier as mention_amount_qualifier,
  p.amount_m_eur as project_amount_m_eur,
  p.amount_qualifier as project_amount_qualifier,
  count(*) as n_mentions,
  min(m.id) as mention_id
from mentions m
join projects p on p.id = m.project_id
join articles a on a.id = m.article_id
group by m.project_id, m.article_id
order by p.name, a.path
"""

DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "articles": ("One row per input document, with its cleaned text.", {
        "id": "stable id of the document's content (same bytes, same id)",
        "path": "the input file's path",
        "published_on": "publication date (ISO), NULL when the document does not say",
        "text": "cleaned body text; mentions.start/end index into it",
        "title": "the document's title",
        "kind": "html or text",
        "encoding": "the encoding the file was decoded with",
        "n_mentions": "project mentions read from it",
        "error": "why extraction failed, if it did (the article is still stored)",
    }),
    "projects": ("The clean table: one row per real-world project, reconciled across sources "
                 "and corrected by the analysts' decisions.", {
        "id": "stable project id: kept when new articles arrive",
        "name": "canonical name",
        "acronym": "acronym, or NULL",
        "aliases": "other names seen in the sources (JSON list)",
        "amount_m_eur": "funding awarded, millions of euros (an exact figure beats a bound)",
        "amount_qualifier": "exact, approx, min or max; NULL when no amount",
        "carriers": "organisations carrying the project (JSON list of organizations.name)",
        "announced_on": "date the award was announced (ISO), NULL when unknown",
        "call": "the funding round it was selected in",
        "sources": "ids of the articles that mention it (JSON list)",
        "n_sources": "number of articles that mention it",
    }),
    "mentions": ("One row per project mention in one article: the evidence behind projects.", {
        "id": "row id (renumbered every run: decisions name mentions by article id and name)",
        "article_id": "the article it was read from",
        "project_id": "the project it was reconciled into",
        "name": "the name as written in that article",
        "amount_m_eur": "the amount that article gives for it, millions of euros",
        "amount_qualifier": "exact, approx, min or max",
        "start": "offset of the name in articles.text",
        "end": "end offset of the name in articles.text",
        "acronym": "acronym given in that article",
        "carriers": "carriers that article names (JSON list)",
        "rule": "the extraction rule that found it",
        "score": "the rule's confidence",
        "amount_start": "offset of the amount in articles.text",
        "amount_end": "end offset of the amount in articles.text",
        "context_start": "start of the sentence it was read from",
        "context_end": "end of the sentence it was read from",
        "occurrences": "every span of this project in the article (JSON list of [start, end])",
    }),
    "organizations": ("The gazetteer the extractor resolves organisation names against.", {
        "id": "row id", "name": "canonical name", "acronym": "acronym", "kind": "ministry, direction, agency, ...",
        "parent": "parent organisation",
    }),
    "ingest_errors": ("Every input that could not be read, with why.", {
        "path": "the file", "error": "a one-line reason", "content_id": "content id when the bytes were read",
    }),
    "links": ("Pairs of mentions compared by reconciliation, with the signals and the decision.", {
        "project_a": "project of the first mention", "project_b": "project of the second mention",
        "article_a": "article of the first mention", "article_b": "article of the second mention",
        "name_a": "first name", "name_b": "second name", "score": "similarity score in [0, 1]",
        "decision": "merged, near_miss, blocked (a veto between the clusters) or vetoed",
        "signals": "the signals behind the score (JSON)",
    }),
    "amounts": ("Every amount read in the articles, with its role.", {
        "article_id": "the article", "start": "offset in articles.text", "end": "end offset",
        "value_m_eur": "millions of euros", "qualifier": "exact, approx, min or max",
        "role": "project, total, range, each, spent", "range_high": "upper end of a range", "each": "1 when 'each'",
    }),
    "calls": ("The funding round each article reports on.", {
        "article_id": "the article", "fund": "canonical fund name", "year": "year of the round",
        "ordinal": "1st, 2nd ... call or session", "unit": "appel à projets, session, vague ...",
        "n_laureates": "number of laureates announced", "announced_on": "announcement date (ISO); a day and month alone take the year nearest the article's date",
        "announced_precision": "day, daymonth or published", "label": "readable label of the round",
    }),
    "runs": ("One row per pipeline run.", {"finished_at": "when the run ended", "schema_version": "database layout"}),
    "decisions": ("The analysts' reconciliation decisions (reconciliation.yaml) and what became of them this run.", {
        "id": "decision id", "action": "merge, split, rename, not_project or amount",
        "target": "project ids, or mention references for a split",
        "status": "applied, stale (no longer fits the data), invalid (bad entry) or skipped (marked skip: true by the analyst)",
        "reason": "why stale or invalid", "detail": "what was done", "note": "the analyst's note",
        "seq": "order in the file",
    }),
    "decision_moves": ("Mentions that decisions moved between projects (read back on the next run so ids stay stable).", {
        "seq": "order applied", "decision_id": "the decision", "article_id": "the mention's article",
        "name_key": "the mention's name, folded", "from_project": "project before the decision",
        "to_project": "project after it (NULL: dropped as not a project)",
    }),
    "project_sources": ("View: one row per project and article that mentions it.", {
        "project_id": "the project", "project_name": "its canonical name", "article_id": "the article",
        "article_path": "the article's file", "article_title": "its title", "published_on": "its date",
        "mention_name": "the name as written there", "mention_amount_m_eur": "the amount it gives",
        "mention_amount_qualifier": "exact, approx, min or max", "project_amount_m_eur": "reconciled amount",
        "project_amount_qualifier": "reconciled qualifier", "n_mentions": "mentions of it in that article",
        "mention_id": "first mentions.id",
    }),
}


def _db_file(db: sqlite_utils.Database) -> Path | None:
    for row in db.execute("pragma database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


def public_name(path: Path) -> str:
    """Datasette's name for a database file; store's temporary `.NAME.tmp-PID` counts as NAME."""
    name = path.name
    m = re.fullmatch(r"\.(.+)\.tmp-\d+", name)
    if m:
        name = m.group(1)
    return Path(name).stem


def write_decisions(db: sqlite_utils.Database, outcomes) -> None:
    db["decisions"].create({"seq": int, "id": str, "action": str, "target": str, "status": str, "reason": str,
                            "detail": str, "note": str}, pk="seq", replace=True)
    db["decision_moves"].create({"seq": int, "decision_id": str, "article_id": str, "name_key": str,
                                 "from_project": str, "to_project": str}, pk="seq", replace=True)
    db["decisions"].insert_all(
        {"seq": i + 1, "id": o.decision_id, "action": o.action, "target": o.target, "status": o.status,
         "reason": o.reason or None, "detail": o.detail or None, "note": o.note}
        for i, o in enumerate(outcomes)
    )
    moves = [(o.decision_id, mv) for o in outcomes for mv in o.moves]
    db["decision_moves"].insert_all(
        {"seq": i + 1, "decision_id": did, "article_id": mv.article_id, "name_key": mv.name_key,
         "from_project": mv.from_project, "to_project": mv.to_project}
        for i, (did, mv) in enumerate(moves)
    )


def enable_search(db: sqlite_utils.Database) -> None:
    # triggers keep the index right if a later run updates rows in place instead of rebuilding the file
    for table, cols in FTS.items():
        if table in db.table_names():
            db[table].enable_fts(cols, tokenize=TOKENIZE, create_triggers=True, replace=True)


def metadata(db: sqlite_utils.Database, name: str) -> dict:
    present = set(db.table_names()) | set(db.view_names())
    tables = {}
    for table, (desc, cols) in DESCRIPTIONS.items():
        if table not in present:
            continue
        actual = {c.name for c in (db[table].columns if table in db.table_names() else db.view(table).columns)}
        tables[table] = {"description": desc, "columns": {c: d for c, d in cols.items() if c in actual}}
    for table, cols in FTS.items():
        if f"{table}_fts" in present and table in tables:
            tables[table]["fts_table"] = f"{table}_fts"
    tables.get("articles", {})["label_column"] = "title"
    tables.get("projects", {})["label_column"] = "name"
    return {
        "title": "Public funding projects read from the press",
        "description": "Projects, amounts (millions of euros), carriers and dates extracted from French press "
                       "articles, reconciled across sources, with the evidence (article and character span) "
                       "behind every value.",
        "databases": {name: {"tables": tables}},
    }


def finish(db: sqlite_utils.Database, out_dir: str | os.PathLike | None = None, outcomes=()) -> Path | None:
    """Decisions tables, search, the `project_sources` view, and `<name>.metadata.json` in out_dir.

    `out_dir` defaults to the database's folder. Returns the metadata file written.
    """
    write_decisions(db, list(outcomes))
    enable_search(db)
    if "mentions" in db.table_names():
        db.create_view("project_sources", PROJECT_SOURCES, replace=True)
    path = _db_file(db)
    out = Path(out_dir) if out_dir is not None else (path.parent if path else None)
    if out is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    name = public_name(path) if path else "projects"
    meta = metadata(db, name)
    target = out / f"{name}.metadata.json"
    tmp = out / f".{target.name}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target

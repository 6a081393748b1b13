"""Publishing: full-text search that ignores accents, the project_sources view, Datasette metadata,
and the decisions tables, on the seeds run through the flow's functions."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils

from pipeline.model import Move, Outcome
from pipeline.store import publish
from test_decisions import run_pipeline

CONTRACT = {
    "articles": {"id", "path", "published_on", "text"},
    "projects": {"id", "name", "acronym", "aliases", "amount_m_eur", "amount_qualifier", "carriers", "announced_on",
                 "call", "sources"},
    "mentions": {"id", "article_id", "project_id", "name", "amount_m_eur", "amount_qualifier", "start", "end"},
    "organizations": {"id", "name", "acronym", "kind", "parent"},
    "ingest_errors": {"path", "error"},
}


@pytest.fixture(scope="module")
def published(seeds_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("publish")
    db = base / "projects.db"
    decisions = base / "reconciliation.yaml"
    decisions.write_text("decisions:\n- {id: d-stale, action: not_project, project: p00000000000, note: gone}\n",
                         encoding="utf-8")
    run_pipeline(seeds_dir, db, decisions)
    return db


@pytest.mark.parametrize("table, query, expect", [
    ("projects", "developpement", "Développement"),  # typed without accents
    ("projects", "DÉVELOPPEMENT", "Développement"),
    ("articles", "developpement", "développement"),
    ("articles", "securite", "sécurité"),
    ("projects", "donnee", "Donnée"),
])
def test_search_ignores_accents_and_case(published, table, query, expect):
    db = sqlite_utils.Database(published)
    hits = list(db[table].search(query))
    assert hits
    column = "name" if table == "projects" else "text"
    assert all(expect.lower() in (h[column] + (h.get("aliases") or "")).lower() for h in hits)


def test_search_tables_use_the_french_tokenizer(published):
    db = sqlite_utils.Database(published)
    for table, cols in publish.FTS.items():
        assert db[table].detect_fts() == f"{table}_fts"
        sql = db[f"{table}_fts"].schema
        assert "remove_diacritics 2" in sql and all(c in sql for c in cols)


def test_project_sources_is_one_row_per_project_and_article(published):
    conn = sqlite3.connect(published)
    pairs = conn.execute("select count(*) from (select distinct project_id, article_id from mentions)").fetchone()[0]
    rows = conn.execute("select project_id, article_id, mention_name, mention_amount_m_eur, article_path "
                        "from project_sources").fetchall()
    assert len(rows) == pairs == len({(r[0], r[1]) for r in rows})
    sources = {pid: set(json.loads(s)) for pid, s in conn.execute("select id, sources from projects")}
    assert {pid: {r[1] for r in rows if r[0] == pid} for pid in sources} == sources
    names = {(a, n) for a, n in conn.execute("select article_id, name from mentions")}
    assert all((r[1], r[2]) in names for r in rows)
    conn.close()


def test_metadata_describes_every_contract_table_and_column(published):
    meta = json.loads((published.parent / f"{published.stem}.metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["projects"]["tables"]  # Datasette names a database by its file stem
    db = sqlite_utils.Database(published)
    for table, cols in CONTRACT.items():
        assert tables[table]["description"]
        described = set(tables[table]["columns"])
        assert cols <= described
        assert {c.name for c in db[table].columns} <= described  # extension columns too
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert set(tables) >= {"links", "decisions", "decision_moves", "project_sources"}


def test_decisions_table_comes_from_the_outcomes(published):
    conn = sqlite3.connect(published)
    assert conn.execute("select id, action, target, status, reason, note from decisions").fetchall() == [
        ("d-stale", "not_project", "p00000000000", "stale", "unknown project id: p00000000000", "gone")]
    conn.close()


def test_finish_writes_moves_in_order_and_can_run_twice(tmp_path):
    db = sqlite_utils.Database(tmp_path / "x.db")
    db["articles"].insert({"id": "a1", "path": "a.txt", "title": "Élan", "text": "Le développement durable",
                           "published_on": None}, pk="id")
    db["projects"].insert({"id": "p1", "name": "Projet élan", "aliases": "[]", "amount_m_eur": None,
                           "amount_qualifier": None}, pk="id")
    db["mentions"].insert({"id": 1, "article_id": "a1", "project_id": "p1", "name": "Projet élan",
                           "amount_m_eur": 1.5, "amount_qualifier": "exact"}, pk="id")
    outcomes = [
        Outcome("d1", "split", "a1:x", "applied", detail="1 mention", moves=[Move("a1", "x", "p1", "pS")]),
        Outcome("d2", "merge", "pS p2", "applied", moves=[Move("a1", "x", "pS", "p2"), Move("a2", "y", "p3", "p2")]),
    ]
    for _ in range(2):
        meta = publish.finish(db, tmp_path / "out", outcomes)
    assert meta == tmp_path / "out" / "x.metadata.json" and "x" in json.loads(meta.read_text())["databases"]
    assert [r["decision_id"] for r in db["decision_moves"].rows] == ["d1", "d2", "d2"]
    assert [r["id"] for r in db["decisions"].rows] == ["d1", "d2"]
    assert [r["id"] for r in db["articles"].search("developpement")] == ["a1"]
    assert [r["id"] for r in db["projects"].search("ELAN")] == ["p1"]
    assert [r["mention_amount_m_eur"] for r in db["project_sources"].rows] == [1.5]
    db["articles"].update("a1", {"text": "Une étude préalable"})  # rows changed in place stay searchable
    assert [r["id"] for r in db["articles"].search("prealable")] == ["a1"]
    assert list(db["articles"].search("developpement")) == []


@pytest.mark.parametrize("name, public", [
    ("projects.db", "projects"), (".projects.db.tmp-4242", "projects"), ("corpus.sqlite", "corpus"),
])
def test_datasette_name_of_a_database_file(tmp_path, name, public):
    assert publish.public_name(tmp_path / name) == public

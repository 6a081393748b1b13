"""Reconciliation decisions: loading, applying, writing, and surviving re-runs.

Unit tests on small invented projects, then the seeds run through the same functions
the flow calls (`run_pipeline` below, shared with test_report and test_publish).
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from conftest import ROOT, SEEDS
from pipeline.review import cli as cli_review
from pipeline.review import decision_apply, decision_format, decisions
from pipeline.store import publish
from pipeline.model import Mention, Project, Reconciled

# --- the pipeline as the flow runs it ------------------------------------------------------


@lru_cache(maxsize=4)
def extracted(raw_dir: str):
    """Clean + extract once per folder (spaCy): re-runs differ only from reconcile on, as in the flow."""
    from pipeline.run.batch import clean_batch, extract_batch
    from pipeline.ingest import list_sources

    articles, errors = clean_batch(list_sources(raw_dir))
    return extract_batch(articles), errors


def run_pipeline(raw_dir, db, decisions_path, out_dir=None, skip: tuple[str, ...] = ()):
    """One run: reconcile against the previous database, apply the decisions, store, publish.

    `skip`: article file names left out, as if they had not arrived yet.
    """
    from pipeline.extract.organizations import load_gazetteer
    from pipeline.reconcile.cluster import reconcile
    from pipeline.store.database import read_previous, write_database

    results, errors = extracted(str(raw_dir))
    results = [r for r in results if Path(r.article.path).name not in skip]
    previous = decisions.base_previous(read_previous(db), db)
    reconciled = reconcile(results, previous)
    used = Path(decisions_path) if Path(decisions_path).exists() else None  # as `run` does: no file, no step
    if used:
        reconciled = decisions.apply_decisions(reconciled, used)
    # the run records which decisions file it applied (runs.decisions_file), as the flow does
    write_database(db, results, errors, reconciled, load_gazetteer().rows(),
                   {"decisions_file": str(used.resolve()) if used else None})
    outcomes = getattr(reconciled, "outcomes", [])
    publish.finish(sqlite_utils.Database(db), out_dir or Path(db).parent, outcomes)
    return outcomes


def snapshot(db) -> dict:
    conn = sqlite3.connect(db)
    out = {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
           for t in ("projects", "mentions", "decisions", "decision_moves", "links")}
    conn.close()
    return out


def rows(db, sql, *args) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# --- small invented reconciliations ---------------------------------------------------------


def mention(aid, name, start, amount=None, q=None, carriers=(), aliases=()):
    return Mention(article_id=aid, name=name, start=start, end=start + len(name), rule="test",
                   amount_m_eur=amount, amount_qualifier=q, carriers=list(carriers), aliases=list(aliases),
                   occurrences=[(start, start + len(name))])


def project(pid, ms, name=None, announced_on=None, call=None):
    from pipeline.reconcile.fields import pick_amount

    amount, q = pick_amount(ms)
    name = name or ms[0].name
    aliases = [n for m in ms for n in [m.name, *m.aliases] if n != name]
    carriers = list(dict.fromkeys(c for m in ms for c in m.carriers))
    return Project(pid, name, None, aliases, amount, q, carriers, announced_on, call,
                   sorted({m.article_id for m in ms}), ms)


@pytest.fixture()
def rec() -> Reconciled:
    a = [mention("art1", "Guichet agricole", 10, 2.0, "exact", ["Ministère A"])]
    b = [mention("art2", "Guichet des agriculteurs", 40, 1.5, "min", ["Direction B"])]
    c = [mention("art1", "Registre des ponts", 90, 0.5, "exact", ["Ministère A"]),
         mention("art3", "Registre national des ponts", 5, None, None, ["Agence C"], ["RNP"])]
    projects = [project("pA", a, announced_on="2020-01-02", call="Round 1"), project("pB", b, call="Round 2"),
                project("pC", c)]
    links = [{"project_a": "pA", "project_b": "pB", "article_a": "art1", "article_b": "art2",
              "name_a": "Guichet agricole", "name_b": "Guichet des agriculteurs", "score": 0.5,
              "decision": "near_miss", "signals": {"name": 0.4}},
             {"project_a": "pC", "project_b": "pC", "article_a": "art1", "article_b": "art3",
              "name_a": "Registre des ponts", "name_b": "Registre national des ponts", "score": 0.7,
              "decision": "merged", "signals": {"name": 0.7}}]
    return Reconciled(projects, [(m, p.id) for p in projects for m in p.mentions], links)


def d(**entry) -> decision_format.Decision:
    got = decision_format.parse_entry(entry)
    assert got.error is None, got.error
    return got


def by_id(r: Reconciled) -> dict[str, Project]:
    return {p.id: p for p in r.projects}


def test_merge_keeps_the_first_id_and_recomputes_fields(rec):
    out, [o] = decision_apply.apply(rec, [d(id="d1", action="merge", projects=["pB", "pA"])])
    ps = by_id(out)
    assert set(ps) == {"pB", "pC"} and o.status == "applied"
    merged = ps["pB"]
    assert merged.name == "Guichet des agriculteurs"  # the first project's name is kept
    assert merged.aliases == ["Guichet agricole"]
    assert (merged.amount_m_eur, merged.amount_qualifier) == (2.0, "exact")  # exact beats the other's bound
    assert set(merged.carriers) == {"Ministère A", "Direction B"}
    assert merged.sources == ["art1", "art2"]
    assert (merged.call, merged.announced_on) == ("Round 2", "2020-01-02")  # own round, the other's date
    assert sorted(pid for _, pid in out.mentions) == ["pB", "pB", "pC", "pC"]
    assert [(mv.article_id, mv.from_project, mv.to_project) for mv in o.moves] == [("art1", "pA", "pB")]
    assert out.links[0]["project_a"] == out.links[0]["project_b"] == "pB"


def test_split_makes_a_project_whose_id_comes_from_the_decision(rec):
    dec = d(id="d-split", action="split", mentions=["art3:registre NATIONAL des ponts"], name="Registre national")
    out, [o] = decision_apply.apply(rec, [dec])
    ps = by_id(out)
    new = decision_apply.split_project_id("d-split")
    assert o.status == "applied" and new in ps
    assert (ps[new].name, ps[new].sources, ps[new].carriers) == ("Registre national", ["art3"], ["Agence C"])
    assert ps[new].aliases == ["Registre national des ponts", "RNP"]
    left = ps["pC"]
    assert (left.name, left.sources, left.amount_m_eur) == ("Registre des ponts", ["art1"], 0.5)
    assert left.aliases == []  # the split mention's names went with it
    assert dict((m.name, pid) for m, pid in out.mentions)["Registre national des ponts"] == new
    # the same decision on a reconciliation listed in another order gives the same id
    shuffled = Reconciled(list(reversed(rec.projects)), list(reversed(rec.mentions)), rec.links)
    assert new in by_id(decision_apply.apply(shuffled, [dec])[0])
    assert out.links[1]["project_b"] == new and out.links[1]["project_a"] == "pC"


@pytest.mark.parametrize("ref", ["art3:5-32", "art3:RNP", "art3:Registre national des ponts"])
def test_split_finds_a_mention_by_span_alias_or_name(rec, ref):
    out, [o] = decision_apply.apply(rec, [d(id="s", action="split", mentions=[ref])])
    assert o.status == "applied", o.reason
    assert by_id(out)[decision_apply.split_project_id("s")].sources == ["art3"]


def test_splitting_every_mention_out_removes_the_emptied_project(rec):
    out, [o] = decision_apply.apply(rec, [d(id="s", action="split", mentions=["art2:Guichet des agriculteurs"])])
    assert "pB" not in by_id(out) and "left empty" in o.detail


def test_rename_keeps_the_id_and_the_old_name_as_alias(rec):
    out, [o] = decision_apply.apply(rec, [d(action="rename", project="pA", name="Guichet unique agricole")])
    p = by_id(out)["pA"]
    assert (p.name, p.aliases, o.status) == ("Guichet unique agricole", ["Guichet agricole"], "applied")


def test_not_project_drops_the_project_and_its_mentions(rec):
    out, [o] = decision_apply.apply(rec, [d(action="not_project", project="pC")])
    assert "pC" not in by_id(out) and all(pid != "pC" for _, pid in out.mentions)
    assert [mv.to_project for mv in o.moves] == [None, None]


@pytest.mark.parametrize("value, qualifier, expect", [
    (3.25, "approx", (3.25, "approx")),
    ("4,5", None, (4.5, "exact")),  # decimal comma, qualifier defaults to exact
    (None, None, (None, None)),  # clears the amount
])
def test_amount_sets_value_and_qualifier(rec, value, qualifier, expect):
    entry = {"action": "amount", "project": "pB", "value": value}
    if qualifier:
        entry["qualifier"] = qualifier
    out, [o] = decision_apply.apply(rec, [d(**entry)])
    p = by_id(out)["pB"]
    assert (p.amount_m_eur, p.amount_qualifier) == expect and o.status == "applied"


def test_amount_listed_before_a_merge_is_not_recomputed_away(rec):
    entries = [d(action="amount", project="pA", value=9, qualifier="max"), d(action="merge", projects=["pA", "pB"])]
    out, outcomes = decision_apply.apply(rec, entries)
    assert [o.action for o in outcomes] == ["amount", "merge"]  # reported in file order
    assert (by_id(out)["pA"].amount_m_eur, by_id(out)["pA"].amount_qualifier) == (9.0, "max")


def test_a_later_decision_follows_an_earlier_merge(rec):
    entries = [d(action="merge", projects=["pA", "pB"]), d(action="rename", project="pB", name="Guichet")]
    out, outcomes = decision_apply.apply(rec, entries)
    assert [o.status for o in outcomes] == ["applied", "applied"]
    assert by_id(out)["pA"].name == "Guichet" and "via merge" in outcomes[1].detail


@pytest.mark.parametrize("entry, reason", [
    ({"action": "merge", "projects": ["pA", "pZ"]}, "unknown project id: pZ"),
    ({"action": "split", "mentions": ["art9:Guichet agricole"]}, "mention not found: art9:guichetagricole"),
    ({"action": "split", "mentions": ["art1:Guichet", "art1:Guichet agricole"]}, "mention not found: art1:guichet"),
    ({"action": "rename", "project": "pZ", "name": "x"}, "unknown project id: pZ"),
    ({"action": "not_project", "project": "pZ"}, "unknown project id: pZ"),
    ({"action": "amount", "project": "pZ", "value": 1}, "unknown project id: pZ"),
])
def test_a_decision_that_no_longer_applies_is_reported_stale(rec, entry, reason):
    out, [o] = decision_apply.apply(rec, [d(**entry)])
    assert o.status == "stale" and o.reason == reason
    assert by_id(out).keys() == by_id(rec).keys()


def test_a_project_removed_earlier_is_stale_with_why(rec):
    _, outcomes = decision_apply.apply(rec, [d(id="d1", action="not_project", project="pA"), d(action="rename", project="pA", name="x")])
    assert outcomes[1].status == "stale" and "marked not a project by d1" in outcomes[1].reason


def test_invalid_entries_are_reported_in_place(rec):
    entries = [decision_format.parse_entry({"action": "merge", "projects": ["pA"]}, line=3), d(action="not_project", project="pC")]
    out, outcomes = decision_apply.apply(rec, entries)
    assert [o.status for o in outcomes] == ["invalid", "applied"]
    assert "at least two" in outcomes[0].reason and "(line 3)" in outcomes[0].reason


class _Log:
    def __init__(self):
        self.lines = []

    def info(self, msg):
        self.lines.append(("info", msg))

    def warning(self, msg):
        self.lines.append(("warning", msg))


def test_apply_decisions_logs_and_carries_the_outcomes(rec, tmp_path):
    import pickle

    path = tmp_path / "r.yaml"
    path.write_text("decisions:\n- {id: ok, action: merge, projects: [pA, pB]}\n"
                    "- {id: old, action: rename, project: pZ, name: x}\n", encoding="utf-8")
    log = _Log()
    got = decisions.apply_decisions(rec, path, log=log)
    assert isinstance(got, Reconciled) and [o.status for o in got.outcomes] == ["applied", "stale"]
    assert [m for lvl, m in log.lines if lvl == "warning"] == ["decision old (rename pZ): stale: unknown project id: pZ"]
    assert log.lines[-1] == ("info", "decisions: 1 applied, 1 stale")
    assert pickle.loads(pickle.dumps(got)) == got  # crosses task and worker boundaries


def test_apply_does_not_modify_its_input(rec):
    before = copy.deepcopy(rec)
    decision_apply.apply(rec, [d(action="merge", projects=["pA", "pB"]), d(action="split", mentions=["art3:RNP"]),
                  d(action="rename", project="pC", name="x"), d(action="amount", project="pC", value=1)])
    assert rec == before


# --- loading and validating ----------------------------------------------------------------


@pytest.mark.parametrize("entry, message", [
    ({"action": "fuse", "projects": ["p1", "p2"]}, "unknown action 'fuse'"),
    ({"action": "merge", "projects": ["p1"]}, "at least two project ids"),
    ({"action": "merge", "projects": "p1 p2"}, "at least two project ids"),
    ({"action": "merge", "projects": ["p1", "p1"]}, "listed twice"),
    ({"action": "merge", "projects": ["p1", 42]}, "42 is not a project id"),
    ({"action": "split"}, "split needs `mentions`"),
    ({"action": "split", "mentions": ["nocolon"]}, "is not '<article_id>:<name>'"),
    ({"action": "split", "mentions": ["a1:40-12"]}, "the span ends before it starts"),
    ({"action": "split", "mentions": ["a1:« »"]}, "no letter or digit"),
    ({"action": "split", "mentions": ["a1:x"], "name": " "}, "`name` is empty"),
    ({"action": "rename", "project": "p1"}, "rename needs a non-empty `name`"),
    ({"action": "rename", "project": "p 1", "name": "x"}, "rename needs `project`"),
    ({"action": "not_project"}, "not_project needs `project`"),
    ({"action": "not_project", "project": "p1", "projet": "p2"}, "unexpected field(s) projet"),
    ({"action": "amount", "project": "p1"}, "amount needs `value`"),
    ({"action": "amount", "project": "p1", "value": "beaucoup"}, "'beaucoup' is not a number"),
    ({"action": "amount", "project": "p1", "value": -3}, "out of range"),
    ({"action": "amount", "project": "p1", "value": True}, "is not a number"),
    ({"action": "amount", "project": "p1", "value": 2, "qualifier": "about"}, "'about' is not one of"),
    ({"action": "amount", "project": "p1", "value": None, "qualifier": "min"}, "a `qualifier` without a value"),
    ({"id": "my id", "action": "not_project", "project": "p1"}, "without spaces"),
    ("merge p1 p2", "must be a mapping"),
])
def test_bad_entries_get_one_clear_error(entry, message):
    got = decision_format.parse_entry(entry)
    assert got.error and message in got.error and "\n" not in got.error


@pytest.mark.parametrize("entry, expect", [
    ({"action": "not-project", "project": "p1"}, {"action": "not_project", "projects": ("p1",)}),
    ({"action": "split", "mentions": "a1:Le Projet"}, {"mentions": ("a1:leprojet",), "labels": ("a1:Le Projet",)}),
    ({"action": "split", "mentions": ["a1:  12-40 "]}, {"mentions": ("a1:12-40",)}),
    ({"action": "amount", "project": "p1", "value": "2 500,5"}, {"value": 2500.5, "qualifier": "exact"}),
    ({"action": "amount", "project": "p1", "value": 7, "qualifier": "min"}, {"value": 7.0, "qualifier": "min"}),
    ({"id": "keep-me", "action": "merge", "projects": ["p1", "p2"]}, {"id": "keep-me"}),
])
def test_good_entries_are_normalised(entry, expect):
    got = decision_format.parse_entry(entry)
    assert got.error is None
    assert {k: getattr(got, k) for k in expect} == expect


def test_an_entry_without_id_gets_one_from_what_it_does():
    a = decision_format.parse_entry({"action": "split", "mentions": ["a1:Le Projet"], "note": "one"})
    b = decision_format.parse_entry({"action": "split", "mentions": ["a1:le projet"], "note": "two"})
    c = decision_format.parse_entry({"action": "split", "mentions": ["a1:Autre"]})
    assert a.id == b.id != c.id and a.id.startswith("d-")


def test_load_reports_each_bad_entry_with_its_line(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("# notes\ndecisions:\n- {id: a, action: merge, projects: [p1, p2]}\n- id: b\n  action: rename\n"
                    "  project: p1\n- {id: a, action: not_project, project: p3}\n", encoding="utf-8")
    got = decisions.load(path)
    assert [(x.id, x.line) for x in got] == [("a", 3), ("b", 4), ("a", 7)]
    assert got[0].error is None
    assert "non-empty `name`" in got[1].error and got[2].error == "duplicate id a"


@pytest.mark.parametrize("text, line, message", [
    ("decisions:\n- {action: merge\n", 3, "not valid YAML: expected ',' or '}'"),
    ("# why\ndecision:\n- {action: not_project, project: p1}\n", 2, "unexpected top-level key(s) decision"),
    ("decisions:\n  3\n", 2, "`decisions` must be a list"),
    ("a note rather than decisions\n", 1, "must hold `decisions:`"),
    ("decisions:\n- {id: a, action: merge, projects: [p1, p2]}\n- {id: b, action: rename, project: p1, name: [x\n",
     4, "not valid YAML"),  # the bracket is left open until the end
])
def test_an_unusable_file_is_one_error_with_its_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(decision_format.DecisionError) as err:
        decisions.load(path)
    assert str(err.value).startswith(f"{path}:{line}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("text", [None, "", "# only comments\n", "decisions:\n", "decisions: []\n"])
def test_no_decisions(tmp_path, text):
    path = tmp_path / "r.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert decisions.load(path) == []


def test_the_shipped_example_file_holds_no_decision():
    assert decisions.load(ROOT / "reconciliation.yaml") == []


# --- writing entries -----------------------------------------------------------------------


def test_decide_appends_and_keeps_the_comments(tmp_path):
    path = tmp_path / "reconciliation.yaml"
    shutil.copy(ROOT / "reconciliation.yaml", path)
    before = path.read_text(encoding="utf-8")
    e1, how1 = decisions.decide(path, "merge", projects=["p1", "p2"], note="même projet")
    e2, how2 = decisions.decide(path, "split", mentions=["a1:Le Projet"], name="Le projet")
    text = path.read_text(encoding="utf-8")
    assert (how1, how2) == ("appended", "appended") and text.startswith(before)
    got = decisions.load(path)
    assert [(x.id, x.action, x.error) for x in got] == [(e1["id"], "merge", None), (e2["id"], "split", None)]
    assert got[0].note == "même projet"


@pytest.mark.parametrize("text", ["decisions: []\n", "decisions: [{action: not_project, project: p9}]\n"])
def test_decide_rewrites_cleanly_a_file_it_cannot_append_to(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    _, how = decisions.decide(path, "rename", projects=["p1"], name="Nouveau nom")
    assert how == "rewritten" and path.read_text(encoding="utf-8").startswith("# Reconciliation decisions")
    assert [x.action for x in decisions.load(path)][-1] == "rename" and all(x.error is None for x in decisions.load(path))


def test_decide_appends_with_the_file_indentation(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("decisions:\n  # first\n  - {id: x, action: not_project, project: p9}\n", encoding="utf-8")
    assert decisions.decide(path, "not_project", projects=["p8"])[1] == "appended"
    assert [x.projects for x in decisions.load(path)] == [("p9",), ("p8",)]


@pytest.mark.parametrize("setup, args, message", [
    ("decisions:\n- {action: merge\n", ("rename", {"projects": ["p1"], "name": "x"}), "not valid YAML"),
    ("", ("merge", {"projects": ["p1"]}), "at least two"),
    ("", ("amount", {"projects": ["p1"], "value": "lots"}), "not a number"),
])
def test_decide_refuses_bad_input_and_leaves_the_file(tmp_path, setup, args, message):
    path = tmp_path / "r.yaml"
    path.write_text(setup, encoding="utf-8")
    with pytest.raises(decision_format.DecisionError, match=message):
        decisions.decide(path, args[0], **args[1])
    assert path.read_text(encoding="utf-8") == setup


def test_decide_refuses_the_same_decision_twice(tmp_path):
    path = tmp_path / "r.yaml"
    decisions.decide(path, "not_project", projects=["p1"])
    with pytest.raises(decision_format.DecisionError, match="already has decision"):
        decisions.decide(path, "not_project", projects=["p1"], note="again")


# --- the previous run as reconcile should see it --------------------------------------------


def test_base_previous_undoes_the_moves_in_reverse_order(tmp_path):
    db = tmp_path / "x.db"
    sqlite_utils.Database(db)["decision_moves"].insert_all([
        {"seq": 1, "decision_id": "s", "article_id": "a1", "name_key": "k1", "from_project": "pA", "to_project": "pS"},
        {"seq": 2, "decision_id": "m", "article_id": "a1", "name_key": "k1", "from_project": "pS", "to_project": "pB"},
        {"seq": 3, "decision_id": "n", "article_id": "a2", "name_key": "k2", "from_project": "pC", "to_project": None},
    ], pk="seq")
    previous = {"pA": {("a0", "k0")}, "pB": {("a1", "k1"), ("a3", "k3")}}
    got = decisions.base_previous(previous, db)
    assert got == {"pA": {("a0", "k0"), ("a1", "k1")}, "pB": {("a3", "k3")}, "pC": {("a2", "k2")}}
    assert previous["pB"] == {("a1", "k1"), ("a3", "k3")}  # input untouched


def test_base_previous_without_moves_is_the_previous(tmp_path):
    previous = {"pA": {("a", "k")}}
    assert decisions.base_previous(previous, tmp_path / "missing.db") == previous
    sqlite_utils.Database(tmp_path / "old.db")["projects"].insert({"id": "pA"})
    assert decisions.base_previous(previous, tmp_path / "old.db") == previous


# --- the seeds, re-run ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_run(seeds_dir, tmp_path_factory):
    """A database made without decisions: the state an analyst reviews."""
    base = tmp_path_factory.mktemp("first")
    db = base / "projects.db"
    run_pipeline(seeds_dir, db, base / "none.yaml")
    return db


def _choose(db):
    """Two projects with no article in common to merge; a mention of a third, multi-source project to split."""
    projects = rows(db, "select id, name, sources from projects order by n_sources desc, id")
    srcs = {pid: set(json.loads(s)) for pid, _, s in projects}
    a = projects[0][0]
    b = next(pid for pid, _, _ in projects if not srcs[pid] & srcs[a])
    c = next(pid for pid, _, _ in projects if pid not in (a, b) and len(srcs[pid]) >= 2)
    article, name = rows(db, "select article_id, name from mentions where project_id = ? order by article_id desc", c)[0]
    return a, b, c, article, name


@pytest.mark.parametrize("keep_first", [True, False], ids=["keep-most-cited", "keep-other"])
@pytest.mark.slow
def test_merge_and_split_survive_every_later_run(first_run, seeds_dir, tmp_path, keep_first):
    db = tmp_path / "projects.db"
    shutil.copy(first_run, db)
    decisions_file = tmp_path / "reconciliation.yaml"
    a, b, c, article, name = _choose(db)
    keep, gone = (a, b) if keep_first else (b, a)
    before = {pid: rows(db, "select name, sources from projects where id = ?", pid)[0] for pid in (a, b, c)}
    assert cli_review.main(["decide", "merge", keep, gone, "--note", "one project", "--decisions", str(decisions_file),
                            "--db", str(db)]) == 0
    assert cli_review.main(["decide", "split", f"{article}:{name}", "--name", "Split out", "--decisions",
                            str(decisions_file), "--db", str(db)]) == 0
    split_decision = decisions.load(decisions_file)[1].id

    outcomes = run_pipeline(seeds_dir, db, decisions_file)
    assert [o.status for o in outcomes] == ["applied", "applied"], [o.line() for o in outcomes]
    assert not rows(db, "select 1 from projects where id = ?", gone)
    [(sources, aliases)] = rows(db, "select sources, aliases from projects where id = ?", keep)
    assert set(json.loads(sources)) == set(json.loads(before[a][1])) | set(json.loads(before[b][1]))
    assert before[gone][0] in json.loads(aliases)
    assert {pid for (pid,) in rows(db, "select project_id from mentions where article_id in (select value from "
                                       "json_each(?))", before[gone][1]) if pid in (keep, gone)} == {keep}
    new = decision_apply.split_project_id(split_decision)
    assert rows(db, "select name, sources from projects where id = ?", new) == [("Split out", json.dumps([article]))]
    assert rows(db, "select project_id from mentions where article_id = ? and name = ?", article, name) == [(new,)]
    [(c_sources,)] = rows(db, "select sources from projects where id = ?", c)
    assert article not in json.loads(c_sources) and len(json.loads(c_sources)) >= 1
    assert [r[4] for r in rows(db, "select * from decisions order by seq")] == ["applied", "applied"]

    settled = snapshot(db)
    run_pipeline(seeds_dir, db, decisions_file)
    assert snapshot(db) == settled  # same rows, same ids
    run_pipeline(seeds_dir, db, decisions_file)
    assert snapshot(db) == settled


@pytest.mark.slow
def test_decisions_hold_when_articles_arrive_later(seeds_dir, tmp_path):
    """Decided on four articles; the fifth arrives: the decisions still apply, ids unchanged."""
    db = tmp_path / "projects.db"
    decisions_file = tmp_path / "reconciliation.yaml"
    late = sorted(p.name for p in SEEDS.iterdir())[-1]
    run_pipeline(seeds_dir, db, decisions_file, skip=(late,))
    a, b, c, article, name = _choose(db)
    decisions.decide(decisions_file, "merge", projects=[b, a])
    decisions.decide(decisions_file, "split", mentions=[f"{article}:{name}"])
    decisions.decide(decisions_file, "rename", projects=[c], name="Renamed")
    run_pipeline(seeds_dir, db, decisions_file, skip=(late,))
    ids = {r[0] for r in rows(db, "select id from projects")}
    outcomes = run_pipeline(seeds_dir, db, decisions_file)
    assert [o.status for o in outcomes] == ["applied"] * 3, [o.line() for o in outcomes]
    assert ids <= {r[0] for r in rows(db, "select id from projects")}
    assert rows(db, "select name from projects where id = ?", c) == [("Renamed",)]


@pytest.mark.slow
def test_a_stale_decision_is_recorded_with_its_reason(first_run, seeds_dir, tmp_path):
    db = tmp_path / "projects.db"
    shutil.copy(first_run, db)
    decisions_file = tmp_path / "reconciliation.yaml"
    decisions_file.write_text("decisions:\n- {id: gone, action: rename, project: p00000000000, name: X}\n"
                              "- {id: bad, action: merge, projects: [p1], skip: true}\n", encoding="utf-8")
    outcomes = run_pipeline(seeds_dir, db, decisions_file)
    assert [(o.decision_id, o.status) for o in outcomes] == [("gone", "stale"), ("bad", "skipped")]
    assert rows(db, "select id, status, reason from decisions order by seq") == [
        ("gone", "stale", "unknown project id: p00000000000"),
        ("bad", "skipped", "merge needs `projects`: a list of at least two project ids (line 3)"),
    ]
    levels = [lvl for lvl, _ in decision_apply.log_lines(outcomes)]
    assert levels == ["warning", "warning", "info"]


# --- the command line ----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_decide_writes_each_kind_of_entry(first_run, tmp_path):
    path = tmp_path / "r.yaml"
    (pid, name), (other, _), (third, _) = rows(first_run, "select id, name from projects order by id limit 3")
    mid, aid, mname = rows(first_run, "select id, article_id, name from mentions order by id limit 1")[0]
    common = ["--decisions", str(path), "--db", str(first_run)]
    for argv in (["merge", pid, other, "--note", "doublon"], ["split", str(mid), "--name", "Nouveau"],
                 ["rename", pid, "--name", "Nom corrigé"], ["not-project", third],
                 ["amount", pid, "2,5", "--qualifier", "approx", "--note", "communiqué"]):
        assert cli_review.main(["decide", *argv, *common]) == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["decisions"]
    assert [e["action"] for e in data] == ["merge", "split", "rename", "not_project", "amount"]
    assert data[1]["mentions"] == [f"{aid}:{mname}"]  # a mentions.id is written in the stable form
    assert (data[4]["value"], data[4]["qualifier"], data[4]["note"]) == (2.5, "approx", "communiqué")
    assert all(x.error is None for x in decisions.load(path))


@pytest.mark.parametrize("argv, message", [
    (["merge", "p00000000000", "p00000000001"], "unknown project id in {db}: p00000000000, p00000000001"),
    (["merge", "p00000000000"], "at least two project ids"),
    (["split", "nocolon"], "is not '<article_id>:<name>'"),
    (["split", "999999"], "no mention with id 999999 in {db}"),
    (["split", "ffffffffffffffff:Projet"], "no article ffffffffffffffff in {db}"),
    (["amount", "{pid}", "beaucoup"], "not a number"),
    (["amount", "{pid}", "none", "--qualifier", "min"], "a --qualifier without a value"),
    (["amount", "{pid}", "2", "--qualifier", "about"], "invalid choice: 'about'"),
    (["rename", "{pid}"], "required: --name"),
    (["frobnicate", "x"], "invalid choice: 'frobnicate'"),
])
@pytest.mark.slow
def test_cli_decide_bad_input_is_one_line_and_non_zero(first_run, tmp_path, capsys, argv, message):
    path = tmp_path / "r.yaml"
    [(pid,)] = rows(first_run, "select id from projects order by id limit 1")
    argv = [a.replace("{pid}", pid) for a in argv]
    message = message.replace("{db}", str(first_run))  # the error names the database it checked
    try:
        code = cli_review.main(["decide", *argv, "--decisions", str(path), "--db", str(first_run)])
    except SystemExit as exc:  # argparse's own errors (choices, required options)
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1 and err.startswith("error: ")
    assert not path.exists()


@pytest.mark.slow
def test_cli_runs_on_its_own_without_traceback(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("decisions: [\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pipeline.review.cli", "decide", "not-project", "p1", "--decisions",
                          str(bad), "--db", str(tmp_path / "none.db")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("error: ") and "not valid YAML" in out.stderr and out.stderr.count("\n") == 1

"""Nothing of the analysts' work is lost to a mistake (issue #16, points 3 and 6).

A decisions file that cannot be read or parsed, a `--decisions` path that does not exist
and an invalid entry not marked `skip: true` stop `run` before anything is written;
decisions apply in file order, and one that would undo another is refused by `decide`
with the reason; `decide` names the database it checks; the report names the decisions
file the run used."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from pipeline import cli
from pipeline.model import Mention, Project, Reconciled
from pipeline.review import decision_apply, decision_format, decisions, report
from pipeline.review import cli as cli_review
from pipeline.review.report_data import Data

# --- run: the decisions file is checked before anything is written -------------------------


@pytest.fixture
def workspace(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "note.txt").write_text("La région finance la Passerelle des métiers pour 1,5 M€.\n", encoding="utf-8")
    db = tmp_path / "projects.db"
    conn = sqlite3.connect(db)
    conn.execute("create table projects (id text primary key, name text)")
    conn.execute("insert into projects values ('p1', 'Passerelle des métiers')")
    conn.commit()
    conn.close()
    return raw, db


@pytest.mark.parametrize("content, where, reason", [
    ("decisions:\n- {id: d1, action: rename, project: p1, name: Passerelle\n", ":3: ", "not valid YAML"),
    ("decisions:\n  - id: d1\n    action: rename\n   project: p1\n", ":4: ", "not valid YAML"),
    ("decisions: {action: merge}\n", ":1: ", "`decisions` must be a list"),
    ("decisions:\n- {id: d1, action: merge, projects: [p1, p2]}\n- {id: d2, action: rname, project: p1}\n",
     ":3: ", "unknown action 'rname'"),
    ("decisions:\n- {id: d1, action: amount, project: p1, value: beaucoup}\n", ":2: ", "not a number"),
    (b"decisions:\n- {id: d1, action: rename, project: p1, name: \xe9t\xe9}\n", ":2: ", "not UTF-8"),
])
def test_a_bad_decisions_file_stops_the_run_before_anything_is_written(workspace, tmp_path, capsys, content, where,
                                                                        reason):
    raw, db = workspace
    path = tmp_path / "decisions.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = db.read_bytes()
    assert cli.main(["run", str(raw), "--db", str(db), "--decisions", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}{where}") and reason in err and err.count("\n") == 1
    assert db.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["decisions.yaml", "projects.db", "raw"]


def test_a_decisions_path_that_does_not_exist_stops_the_run(workspace, tmp_path, capsys):
    raw, db = workspace
    before = db.read_bytes()
    missing = tmp_path / "decisons.yaml"  # a typo
    assert cli.main(["run", str(raw), "--db", str(db), "--decisions", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such decisions file\n"
    assert db.read_bytes() == before


def test_the_default_decisions_file_may_be_absent(tmp_path, monkeypatch):
    monkeypatch.setattr(decisions, "DEFAULT_PATH", tmp_path / "reconciliation.yaml")
    assert decisions.path_for_run(str(tmp_path / "reconciliation.yaml")) is None
    assert decisions.path_for_run(None) is None
    with pytest.raises(decision_format.DecisionError, match="no such decisions file"):
        decisions.path_for_run(str(tmp_path / "elsewhere.yaml"))


def test_an_invalid_entry_marked_skip_lets_the_run_go_on_and_is_reported(tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text("decisions:\n- {id: d1, action: merge, projects: [p1], skip: true}\n"
                    "- {id: d2, action: not_project, project: p2, skip: true}\n"
                    "- {id: d3, action: rename, project: p1, name: Passerelle}\n", encoding="utf-8")
    assert decisions.path_for_run(path) == str(path)
    _, outcomes = decision_apply.apply(small(), decisions.load(path))
    assert [(o.decision_id, o.status) for o in outcomes] == [("d1", "skipped"), ("d2", "skipped"), ("d3", "applied")]
    assert outcomes[0].reason == "merge needs `projects`: a list of at least two project ids (line 2)"
    assert outcomes[1].reason == "marked skip: true (line 3)"


@pytest.mark.parametrize("skip", ["yes", 1])
def test_skip_is_true_or_false(skip):
    got = decision_format.parse_entry({"action": "not_project", "project": "p1", "skip": skip})
    assert got.blocking and "`skip` must be true or false" in got.error


def test_several_invalid_entries_are_counted_in_the_one_line(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("decisions:\n- {action: merge}\n- {action: split}\n- {action: rename}\n", encoding="utf-8")
    with pytest.raises(decision_format.DecisionError) as err:
        decisions.path_for_run(path)
    assert str(err.value).startswith(f"{path}:2: merge needs `projects`") and "(2 more invalid entries)" in str(err.value)
    assert "skip: true" in str(err.value)


def test_the_flow_step_refuses_a_file_the_command_line_would_refuse(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("decisions:\n- {action: merge}\n", encoding="utf-8")
    with pytest.raises(decision_format.DecisionError, match=":2: merge needs"):
        decisions.apply_decisions(small(), path)


# --- apply: file order; a decision that undoes another says so ------------------------------


def mention(article, name, amount=None):
    return Mention(article, name, 0, len(name), "list_item", amount_m_eur=amount,
                   amount_qualifier="exact" if amount else None)


def small() -> Reconciled:
    """p1 cited by two articles, p2 by one, p3 by one."""
    groups = {"p1": [mention("a1", "Passerelle des métiers", 1.5), mention("a2", "Passerelle des métiers")],
              "p2": [mention("a3", "Atelier des savoirs", 0.4)], "p3": [mention("a4", "Carte des haltes", 2.0)]}
    projects = [Project(pid, ms[0].name, None, [], ms[0].amount_m_eur, ms[0].amount_qualifier, [], None, None,
                        sorted({m.article_id for m in ms}), ms) for pid, ms in groups.items()]
    return Reconciled(projects, [(m, pid) for pid, ms in groups.items() for m in ms])


def entry(**fields):
    return decision_format.parse_entry(fields)


def projects(rec):
    return {p.id: p for p in rec.projects}


def test_decisions_apply_in_file_order():
    # a rename, then a split of the project's only mention: the rename applies first and the
    # split then removes the project it renamed (the old fixed order made the rename stale)
    out, outcomes = decision_apply.apply(small(), [
        entry(id="r", action="rename", project="p2", name="Atelier"),
        entry(id="s", action="split", mentions=["a3:Atelier des savoirs"]),
    ])
    assert [o.status for o in outcomes] == ["applied", "applied"]
    assert outcomes[1].detail.endswith("p2 left empty and removed; undoes r (name of p2)")
    assert "p2" not in projects(out)
    assert [level for level, _ in decision_apply.log_lines(outcomes)] == ["info", "warning", "info"]


def test_a_second_amount_on_one_project_says_which_it_replaces():
    out, outcomes = decision_apply.apply(small(), [
        entry(id="a1", action="amount", project="p1", value=2),
        entry(id="a2", action="amount", project="p1", value=3, qualifier="min"),
    ])
    assert (projects(out)["p1"].amount_m_eur, projects(out)["p1"].amount_qualifier) == (3.0, "min")
    assert outcomes[1].detail.endswith("; replaces the amount set by a1")


@pytest.mark.parametrize("order", [("amount", "merge"), ("merge", "amount")])
def test_an_analysts_amount_holds_whatever_the_order_of_amount_and_merge(order):
    steps = {"amount": entry(id="a", action="amount", project="p1", value=9, qualifier="max"),
             "merge": entry(id="m", action="merge", projects=["p1", "p2"])}
    out, outcomes = decision_apply.apply(small(), [steps[k] for k in order])
    p1 = projects(out)["p1"]
    assert (p1.amount_m_eur, p1.amount_qualifier) == (9.0, "max") and {o.status for o in outcomes} == {"applied"}
    assert "undoes" not in " ".join(o.detail for o in outcomes)


def test_a_folded_projects_rename_goes_with_it_to_the_project_kept():
    out, outcomes = decision_apply.apply(small(), [entry(id="r", action="rename", project="p2", name="Atelier"),
                                                   entry(id="m", action="merge", projects=["p1", "p2"])])
    assert projects(out)["p1"].name == "Atelier" and "undoes" not in outcomes[1].detail


def test_a_merge_of_two_renamed_projects_undoes_one_rename_and_says_so():
    out, outcomes = decision_apply.apply(small(), [entry(id="r1", action="rename", project="p1", name="Passerelle"),
                                                   entry(id="r2", action="rename", project="p2", name="Atelier"),
                                                   entry(id="m", action="merge", projects=["p1", "p2"])])
    assert projects(out)["p1"].name == "Passerelle" and outcomes[2].detail.endswith("; undoes r2 (name of p2)")


# --- decide: refuses what would undo an earlier decision; names its database ----------------


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.db"
    conn = sqlite3.connect(path)
    conn.execute("create table articles (id text primary key)")
    conn.execute("create table projects (id text primary key, name text)")
    conn.execute("create table mentions (id integer primary key, article_id text, project_id text, name text, "
                 "start int, end int, occurrences text)")
    rec = small()
    conn.executemany("insert into articles values (?)", [(a,) for a in ("a1", "a2", "a3", "a4")])
    conn.executemany("insert into projects values (?, ?)", [(p.id, p.name) for p in rec.projects])
    conn.executemany("insert into mentions (article_id, project_id, name, start, end, occurrences) values (?, ?, ?, ?, ?, '[]')",
                     [(m.article_id, pid, m.name, m.start, m.end) for m, pid in rec.mentions])
    conn.commit()
    conn.close()
    return path


def decide(path, db, *argv) -> int:
    return cli_review.main(["decide", *argv, "--decisions", str(path), "--db", str(db)])


@pytest.mark.parametrize("first, then, reason", [
    (["rename", "p2", "--name", "Atelier"], ["split", "a3:Atelier des savoirs"],
     "the split takes every mention of p2, so it would undo d-"),
    (["amount", "p1", "2"], ["amount", "p1", "3"], "already sets the amount of p1"),
    (["rename", "p1", "--name", "Passerelle"], ["rename", "p1", "--name", "La Passerelle"], "already sets the name of p1"),
    (["rename", "p3", "--name", "Haltes"], ["not-project", "p3"], "removing p3 would undo d-"),
    (["amount", "p2", "1"], ["merge", "p1", "p2"], None),  # the amount goes with p2's mentions to p1
])
def test_decide_refuses_a_decision_that_would_undo_an_earlier_one(tmp_path, db, capsys, first, then, reason):
    path = tmp_path / "reconciliation.yaml"
    assert decide(path, db, *first) == 0
    before = path.read_text(encoding="utf-8")
    capsys.readouterr()
    if reason is None:
        assert decide(path, db, *then) == 0
        return
    assert decide(path, db, *then) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: refused: ") and reason in err and str(path) in err and err.count("\n") == 1
    assert path.read_text(encoding="utf-8") == before


def test_decide_refuses_a_merge_where_two_amounts_would_meet(tmp_path, db, capsys):
    path = tmp_path / "reconciliation.yaml"
    assert decide(path, db, "amount", "p1", "2") == 0 and decide(path, db, "amount", "p2", "1") == 0
    assert decide(path, db, "merge", "p1", "p2") == 2
    assert "would meet in one project" in capsys.readouterr().err


def test_a_split_that_leaves_mentions_behind_is_accepted(tmp_path, db):
    path = tmp_path / "reconciliation.yaml"
    assert decide(path, db, "rename", "p1", "--name", "Passerelle") == 0
    assert decide(path, db, "split", "a2:Passerelle des métiers") == 0  # p1 keeps its mention in a1


def test_two_amounts_are_refused_without_a_database_too(tmp_path, capsys):
    path = tmp_path / "reconciliation.yaml"
    assert decide(path, tmp_path / "none.db", "amount", "p1", "2") == 0
    assert decide(path, tmp_path / "none.db", "amount", "p1", "2,5") == 2
    assert "already sets the amount of p1" in capsys.readouterr().err


def test_decide_says_which_database_it_checked(tmp_path, db, capsys):
    path = tmp_path / "reconciliation.yaml"
    assert decide(path, db, "rename", "p1", "--name", "Passerelle") == 0
    assert f"ids checked against {db}" in capsys.readouterr().out
    assert decide(path, db, "not-project", "p9") == 2
    assert f"unknown project id in {db}: p9" in capsys.readouterr().err
    assert decide(path, tmp_path / "none.db", "not-project", "p9") == 0
    assert f"ids not checked: no database at {tmp_path / 'none.db'}" in capsys.readouterr().out


# --- report: the decisions file the run used ------------------------------------------------


@pytest.mark.parametrize("run, shown", [
    ({"decisions_file": "/srv/equipe/decisions-agence.yaml"}, "read from <code>/srv/equipe/decisions-agence.yaml</code>"),
    ({"decisions_file": None}, "none: the run applied no decisions file"),
    ({}, "this database does not record which"),
])
def test_the_report_names_the_decisions_file_the_run_used(run, shown):
    data = Data("x.db", {}, [], [], {}, [], {}, Counter(), [], [], run)
    section = report.section_decisions(data)
    assert shown in section and "reconciliation.yaml" not in section


@pytest.mark.slow
def test_the_command_itself_stops_on_a_malformed_file(workspace, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    raw, db = workspace
    path = tmp_path / "decisions.yaml"
    path.write_text("decisions:\n- {id: d1, action: merge, projects: [p1, p2]\n", encoding="utf-8")
    before = db.read_bytes()
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "pipeline", "run", str(raw), "--db", str(db), "--decisions", str(path)],
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"error: {path}:3: not valid YAML") and out.stderr.count("\n") == 1
    assert db.read_bytes() == before

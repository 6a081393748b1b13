"""The project's own scorer (pipeline/evaluate): name matching, every metric on small
hand-made databases and gold files, the gold file's checks, and the `score` command."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline import cli
from pipeline.evaluate import gold as gold_files
from pipeline.evaluate.metrics import ScoreError, bcubed, prf, score
from pipeline.evaluate.names import Organisations, pair_up, similarity, word_overlap

# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b, low, high", [
    ("Portail Usagers", "PortailUsagers", 1.0, 1.0),  # written apart or joined
    ("Plateforme d'échange de données", "plateforme echange donnees", 1.0, 1.0),  # accents, small words
    ("Atlas des friches", "Atlas des friches urbaines et rurales", 0.85, 0.85),  # the shorter inside the longer
    ("Vigie", "Vigie numérique des crues", 0.0, 0.49),  # one word inside: not enough
    ("Registre des sépultures", "Registre des sépulture", 0.9, 0.99),  # a spelling variant
    ("Guichet des aides", "Observatoire du littoral", 0.0, 0.0),
    ("", "Observatoire", 0.0, 0.0),
])
def test_name_similarity(a, b, low, high):
    assert low <= similarity(a, b) <= high
    assert similarity(a, b) == similarity(b, a)


def test_a_trap_inside_a_longer_name_is_no_overlap_of_its_own():
    assert similarity("Plan Horizon 2030", "Refonte du portail Plan Horizon 2030") == 0.85
    assert word_overlap("Plan Horizon 2030", "Refonte du portail Plan Horizon 2030") < 0.8


def test_pairing_is_one_to_one_surest_first():
    # 1 takes 0 (its surest pair); 0 is left without a partner; 2's only pair is below the floor
    assert pair_up({(0, 0): 0.6, (1, 0): 0.9, (1, 1): 0.7, (2, 2): 0.4}) == {1: 0}
    # a tie keeps the order the pairs were scored in
    assert pair_up({(0, 0): 0.8, (1, 0): 0.8}) == {0: 0}


@pytest.mark.parametrize("written, canonical", [
    ("Agence des routes", "Agence des routes"),
    ("ADR", "Agence des routes"),
    ("agence des ROUTES", "Agence des routes"),
    ("Agence des route", "Agence des routes"),  # close enough
    ("Conseil régional", None),
])
def test_organisations_map_to_the_gold_names(written, canonical):
    assert Organisations({"Agence des routes": ["ADR"], "Office du tourisme": ["ODT"]})(written) == canonical


# --- a small database and gold file --------------------------------------------------------

TEXT_A = "Le fonds retient le Portail Usagers (1,2 M€) porté par l'Agence des routes. Partager sur Facebook"
TEXT_B = "Deux lauréats : le portail usagers et le Registre des stations, 0,5 M€ pour ce dernier."
GOLD = {
    "articles": {
        "a.txt": {"published_on": ["2021-03-04"], "must_keep": ["Portail Usagers (1,2 M€)"],
                  "must_drop": ["Partager sur Facebook"], "broken_hyphens": {"rou- tes": "routes"}},
        "b.html": {"published_on": [None], "must_keep": ["Deux lauréats"], "hyphen_kept": ["porte-parole"]},
    },
    "projects": [
        {"key": "portail", "names": ["Portail Usagers"], "acronym": None, "carriers": ["Agence des routes"],
         "amount_m_eur": 1.2, "qualifier": "exact", "announced_on": ["2021-03-04"],
         "mentions": {"a.txt": {"amount_m_eur": 1.2, "qualifier": "exact"},
                      "b.html": {"amount_m_eur": None, "qualifier": None}}},
        {"key": "registre", "names": ["Registre des stations"], "acronym": "RDS", "carriers": [],
         "amount_m_eur": 0.5, "qualifier": "exact", "announced_on": None,
         "mentions": {"b.html": {"amount_m_eur": 0.5, "qualifier": "exact"}}},
        {"key": "absent", "names": ["Carte des haltes fluviales"], "acronym": None, "carriers": [],
         "amount_m_eur": None, "qualifier": None, "announced_on": None, "mentions": {}},
    ],
    "organizations": {"Agence des routes": ["ADR"]},
    "traps": ["Fonds de transition"],
}


def make_db(path, projects, mentions, texts=(("a", "raw/a.txt", "2021-03-04", TEXT_A), ("b", "raw/b.html", None, TEXT_B))):
    conn = sqlite3.connect(path)
    conn.execute("create table articles (id text primary key, path text, published_on text, text text)")
    conn.execute("create table projects (id text primary key, name text, acronym text, aliases text, amount_m_eur real,"
                 " amount_qualifier text, carriers text, announced_on text, sources text)")
    conn.execute("create table mentions (id integer primary key, article_id text, project_id text, name text,"
                 " amount_m_eur real, amount_qualifier text, start int, end int)")
    conn.executemany("insert into articles values (?, ?, ?, ?)", texts)
    conn.executemany("insert into projects values (?, ?, ?, ?, ?, ?, ?, ?, ?)", projects)
    conn.executemany("insert into mentions (article_id, project_id, name, amount_m_eur, amount_qualifier, start, end)"
                     " values (?, ?, ?, ?, ?, ?, ?)", mentions)
    conn.commit()
    conn.close()
    return path


def span(text, name):
    start = text.lower().index(name.lower())
    return start, start + len(name)


@pytest.fixture
def gold():
    return gold_files.parse(json.loads(json.dumps(GOLD)))


@pytest.fixture
def perfect_db(tmp_path):
    return make_db(tmp_path / "perfect.db", [
        ("p1", "Portail Usagers", None, "[]", 1.2, "exact", '["ADR"]', "2021-03-04", '["a", "b"]'),
        ("p2", "Registre des stations", None, "[]", 0.5, "exact", "[]", None, '["b"]'),
    ], [
        ("a", "p1", "Portail Usagers", 1.2, "exact", *span(TEXT_A, "Portail Usagers")),
        ("b", "p1", "portail usagers", None, None, *span(TEXT_B, "portail usagers")),
        ("b", "p2", "Registre des stations", 0.5, "exact", *span(TEXT_B, "Registre des stations")),
    ])


def test_a_database_that_says_what_the_gold_says(perfect_db, gold):
    m, notes = score(perfect_db, gold)
    assert (m["projects_p"], m["projects_r"]) == (1.0, round(2 / 3, 4))  # one gold project is missing
    assert m["projects_f1"] == 0.8 and (m["projects_predicted"], m["projects_gold"]) == (2, 3)
    assert m["duplicate_rows"] == m["trap_rows"] == m["amount_spurious"] == 0
    assert m["amount_acc"] == m["carriers_f1"] == m["announced_acc"] == m["sources_f1"] == 1.0
    assert m["mentions_f1"] == m["mention_amount_acc"] == m["bcubed_f1"] == m["grounded"] == 1.0
    assert m["published_acc"] == m["content_kept"] == 1.0
    assert m["boilerplate_dropped"] == 0.0  # the share line is still in article a
    assert m["hyphens_ok"] == 0.5  # "routes" mended (never broken); "porte-parole" is not in b
    assert notes == []


def test_every_metric_is_reported_in_a_fixed_order(perfect_db, gold):
    m, _ = score(perfect_db, gold)
    assert list(m) == [
        "projects_p", "projects_r", "projects_f1", "projects_predicted", "projects_gold", "duplicate_rows", "trap_rows",
        "amount_acc", "amount_spurious", "carriers_p", "carriers_r", "carriers_f1", "announced_acc", "sources_p",
        "sources_r", "sources_f1", "mentions_p", "mentions_r", "mentions_f1", "mention_amount_acc", "bcubed_p",
        "bcubed_r", "bcubed_f1", "grounded", "published_acc", "content_kept", "boilerplate_dropped", "hyphens_ok"]


def test_the_usual_mistakes_each_cost_their_metric(tmp_path, gold):
    db = make_db(tmp_path / "wrong.db", [
        # right name, wrong amount and an unknown carrier; dated on another day; cites only a
        ("p1", "Portail Usagers", None, "[]", 1.5, "exact", '["ADR", "Mairie"]', "2021-03-05", '["a"]'),
        # the same project again: a duplicate row
        ("p3", "Portail des usagers", None, "[]", None, None, "[]", None, '["b"]'),
        # named by its acronym only; an amount where the gold has one: right; a trap row
        ("p2", "RDS", None, "[]", 0.5, "exact", "[]", None, '["b"]'),
        ("p4", "Fonds de transition", None, "[]", None, None, "[]", None, '["a"]'),
    ], [
        ("a", "p1", "Portail Usagers", 1.5, "exact", *span(TEXT_A, "Portail Usagers")),
        ("b", "p3", "portail usagers", None, None, 0, 4),  # span points elsewhere
        ("b", "p2", "RDS", 0.5, "exact", None, None),
        ("a", "p4", "Fonds de transition", None, None, 0, 2),
    ])
    m, notes = score(db, gold, explain=True)
    assert (m["projects_predicted"], m["duplicate_rows"], m["trap_rows"]) == (4, 1, 1)
    assert m["projects_p"] == 0.5 and m["amount_acc"] == 0.5
    assert (m["carriers_p"], m["carriers_r"]) == (0.5, 1.0)  # "Mairie" maps to no gold organisation
    assert m["announced_acc"] == 0.0
    assert (m["sources_p"], m["sources_r"]) == (1.0, round(2 / 3, 4))
    assert (m["mentions_p"], m["mentions_r"]) == (0.75, 1.0)  # the trap mention is extra
    assert m["mention_amount_acc"] == 0.5
    assert m["bcubed_r"] == round((0.5 + 0.5 + 1) / 3, 4) and m["bcubed_p"] == 1.0
    assert m["grounded"] == 0.25
    assert "extra project: 'Portail des usagers' (duplicate)" in notes
    assert "extra project: 'Fonds de transition' (trap)" in notes
    assert "amount 'Portail Usagers': got 1.5 exact, want 1.2 exact" in notes
    assert "missed project: 'Carte des haltes fluviales'" in notes


def test_a_project_given_an_amount_no_source_states_is_spurious(tmp_path):
    gold = gold_files.parse({**GOLD, "projects": [{**GOLD["projects"][0], "amount_m_eur": None}]})
    db = make_db(tmp_path / "x.db", [("p1", "Portail Usagers", None, "[]", 3.0, "min", "[]", None, '["a"]')], [])
    m, _ = score(db, gold)
    assert (m["amount_spurious"], m["amount_acc"]) == (1, 0.0)


def test_an_article_missing_from_the_database_counts_against_its_dates(tmp_path, gold):
    db = make_db(tmp_path / "x.db", [], [], texts=[("a", "a.txt", "2021-03-04", TEXT_A)])
    m, notes = score(db, gold, explain=True)
    assert m["published_acc"] == 0.5 and "article missing: b.html" in notes


@pytest.mark.parametrize("clusters, expected", [
    ([], (0.0, 0.0, 0.0)),
    ([("p1", "x"), ("p1", "x"), ("p2", "y")], (1.0, 1.0, 1.0)),
    ([("p1", "x"), ("p1", "y")], (0.5, 1.0, 0.6667)),  # two real projects in one row
    # one real project in two rows: F1 is computed as the external referee does (precision
    # from the summed item precision, recall from the summed recall, over the items), which
    # is not the harmonic mean of the two figures when the recall falls short
    ([("p1", "x"), ("p2", "x")], (1.0, 0.5, 0.8)),
])
def test_bcubed(clusters, expected):
    got = bcubed(clusters)
    assert (got["bcubed_p"], got["bcubed_r"], got["bcubed_f1"]) == expected


def test_prf_of_nothing_is_zero():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(3, 1, 0) == (0.75, 1.0, 0.8571)


# --- gold file checks and the command ------------------------------------------------------


@pytest.mark.parametrize("content, message", [
    ('{"articles": {}, "projects": [}', "not a JSON gold file (line 1)"),
    ('{"projects": []}', "no `articles`"),
    ('{"articles": {}, "projects": [{"names": []}]}', "projects[0].names is empty"),
    ('{"articles": {"a.txt": {}}, "projects": []}', "must be an object with published_on"),
    ('{"articles": {}, "projects": [{"names": ["X"], "amount_m_eur": "deux"}]}', "must be a number or null"),
])
def test_an_unusable_gold_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(gold_files.GoldError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")) as err:
        gold_files.load(path)
    assert str(path) in str(err.value)


def test_a_database_without_the_contract_columns_is_refused(tmp_path, gold):
    conn = sqlite3.connect(tmp_path / "other.db")
    for table in ("articles", "projects", "mentions"):
        conn.execute(f"create table {table} (id text)")
    conn.close()
    with pytest.raises(ScoreError, match="table articles lacks columns"):
        score(tmp_path / "other.db", gold)


@pytest.fixture
def gold_path(tmp_path):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD), encoding="utf-8")
    return path


def test_score_command_prints_json_and_checks_bounds(perfect_db, gold_path, capsys):
    assert cli.main(["score", str(perfect_db), str(gold_path), "--json", "--min", "projects_p=1"]) == 0
    assert json.loads(capsys.readouterr().out)["projects_f1"] == 0.8
    assert cli.main(["score", str(perfect_db), str(gold_path), "--min", "projects_f1=0.9", "--max", "trap_rows=0"]) == 1
    assert "below the bounds: projects_f1=0.8 < 0.9" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["missing.db", "GOLD"], "error: no database at missing.db"),
    (["DB", "missing.json"], "error: no gold file at missing.json"),
    (["DB", "GOLD", "--min", "nothing=1"], "error: no metric 'nothing'"),
])
def test_score_command_errors_are_one_line_exit_2(perfect_db, gold_path, capsys, args, message, monkeypatch):
    monkeypatch.chdir(perfect_db.parent)
    args = [{"DB": str(perfect_db), "GOLD": str(gold_path)}.get(a, a) for a in args]
    assert cli.main(["score", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_bound_without_a_value_is_a_usage_error(perfect_db, gold_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["score", str(perfect_db), str(gold_path), "--min", "projects_f1"])
    assert exit_.value.code == 2 and "expected METRIC=VALUE" in capsys.readouterr().err

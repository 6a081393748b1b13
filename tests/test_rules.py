"""The one loader of pipeline/data/: parsed once, a fresh copy per caller, errors that name the file."""

from __future__ import annotations

import pytest

from pipeline import rules
from pipeline.paths import DATA_DIR


@pytest.mark.parametrize("name", sorted(p.name for p in DATA_DIR.glob("*.yaml")))
def test_every_rule_file_loads(name):
    assert rules.load_rules(name) is not None


def test_callers_get_their_own_copy():
    first = rules.load_rules("projects.yaml")
    first["list_intro_cues"].append("changed by a caller")
    assert "changed by a caller" not in rules.load_rules("projects.yaml")["list_intro_cues"]


def test_a_yaml_error_names_the_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "bad.yaml").write_text("words: [un, deux\nother: 1\n", encoding="utf-8")
    monkeypatch.setattr(rules, "DATA_DIR", tmp_path)
    rules._parsed.cache_clear()
    try:
        with pytest.raises(rules.RuleFileError, match=r"bad\.yaml line \d+"):
            rules.load_rules("bad.yaml")
        with pytest.raises(rules.RuleFileError, match="cannot read the rule file"):
            rules.load_rules("missing.yaml")
    finally:
        rules._parsed.cache_clear()


@pytest.mark.parametrize("unit", rules.load_rules("funds.yaml")["feminine_units"])
def test_a_feminine_round_is_the_1re(unit):
    from pipeline.model import CallInfo

    assert CallInfo(fund_acronym="FDX", year=2021, ordinal=1, unit=unit).label() == f"FDX 2021, 1re {unit}"


def test_a_call_for_projects_is_the_1er():
    from pipeline.model import CallInfo

    assert CallInfo(fund_acronym="FDX", year=2021, ordinal=1, unit="appel à projets").label() == "FDX 2021, 1er appel à projets"
    assert CallInfo(fund_acronym="FDX", year=2021, ordinal=3, unit="vague").label() == "FDX 2021, 3e vague"

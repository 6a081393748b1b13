"""The rule files are read with libyaml's safe loader when PyYAML has it (pipeline/rules.py):
every file of pipeline/data/ must give exactly what the pure-Python safe loader gives."""

from __future__ import annotations

import pytest
import yaml

from pipeline import rules
from pipeline.paths import DATA_DIR

FILES = sorted(p.name for p in DATA_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", FILES)
def test_same_data_as_the_python_loader(name):
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=rules.SAFE_LOADER)
    slow = yaml.load(text, Loader=yaml.SafeLoader)
    assert fast == slow
    assert repr(fast) == repr(slow)  # same types too (dates, numbers, strings), in the same order


def test_errors_still_name_the_line(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("ok: 1\nliste: [a, b\nautre: 2\n", encoding="utf-8")
    monkeypatch.setattr(rules, "DATA_DIR", tmp_path)
    rules._parsed.cache_clear()
    try:
        with pytest.raises(rules.RuleFileError, match=r"broken\.yaml line \d+"):
            rules.load_rules("broken.yaml")
    finally:
        rules._parsed.cache_clear()

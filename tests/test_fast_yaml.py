"""The rule files are read with libyaml's safe loader when PyYAML has it (pipeline/rules.py):
every file of pipeline/data/ must give exactly what the pure-Python safe loader gives. (Its
errors still name the file and line: tests/test_rules.py.)"""

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


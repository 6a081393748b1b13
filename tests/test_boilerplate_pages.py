"""Clean stage on real web pages: the 1,033 saved pages of ../shared/boilerplate, scored by its own scorer.

Runs the cleaning stage in one process (benchmarks/boilerplate_bench.py, no Prefect), writes the
database shape ../shared/eval/boilerplate.py reads, and gates its F1 and precision. Skips when
../shared is absent (a fresh clone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAGES = SHARED / "boilerplate" / "pages"
SCORER = SHARED / "eval" / "boilerplate.py"

# Figures of this cleaner when the gates were set (2026-12-07, issue #13): F1 0.932, precision
# 0.906, recall 0.959, French pages F1 0.955 (trafilatura 2.3.1: 0.921, 0.897, 0.945, 0.936). The
# gates are the targets (F1 0.93, precision 0.90, French pages 0.94), just under today's
# figures: a change that loses them fails here.
MIN_F1 = 0.93
MIN_PRECISION = 0.90
MIN_FRENCH_F1 = 0.94


@pytest.mark.slow
@pytest.mark.skipif(not (PAGES.is_dir() and SCORER.is_file()), reason="../shared/boilerplate is absent")
def test_real_pages_are_cleaned_close_to_trafilatura(tmp_path: Path) -> None:
    db = tmp_path / "pages.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "boilerplate_bench.py"), "--db", str(db), "--no-score", "--no-write"],
        check=True, env=env, capture_output=True,
    )
    scores = json.loads(subprocess.run([sys.executable, str(SCORER), str(db)], check=True, capture_output=True,
                                       text=True).stdout.splitlines()[0])
    french = json.loads(subprocess.run([sys.executable, str(SCORER), str(db), "--fr"], check=True,
                                       capture_output=True, text=True).stdout.splitlines()[0])
    assert scores["f1"] >= MIN_F1, scores
    assert scores["precision"] >= MIN_PRECISION, scores
    assert french["f1"] >= MIN_FRENCH_F1, french

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect reads its settings at import: isolate its state before anything imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="prefect-tests-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# A busy 2-core CI machine can take longer than Prefect's default 20 s to start the temporary server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.json"
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    return SEEDS


def seed_text(name_prefix: str) -> str:
    """Text of the seed article whose file name starts with name_prefix (e.g. '004')."""
    [path] = sorted(SEEDS.glob(f"{name_prefix}*"))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server for the whole test session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

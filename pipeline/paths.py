"""Where the package's data and the project's default folders are: one place for every stage."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
# raw/, extracted/, pipeline.toml and reconciliation.yaml sit beside the package in a checkout
PROJECT_ROOT = PACKAGE_DIR.parent

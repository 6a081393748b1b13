"""The one loader of the rule and lexicon files in pipeline/data/ (YAML), for every stage.

Each file is parsed once per process; callers get their own copy, so a stage that
completes or normalises what it read cannot change what another stage reads. A file
that cannot be read or parsed fails with its name and the line of the error, not with a
bare traceback from the YAML parser.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import yaml

from pipeline.paths import DATA_DIR


# libyaml's safe loader when PyYAML was built with it: the same data, parsed about eight times
# faster (half a second of CPU for every process that loads all the files, the gazetteer first)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleFileError(ValueError):
    """A rule file of pipeline/data/ is missing or not valid YAML."""


@lru_cache(maxsize=None)
def _parsed(name: str) -> Any:
    path = DATA_DIR / name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SAFE_LOADER)
    except OSError as exc:
        raise RuleFileError(f"cannot read the rule file {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleFileError(f"{path}{where}: {getattr(exc, 'problem', None) or exc}") from None


def load_rules(name: str) -> Any:
    """The parsed content of data/<name> (e.g. "amounts.yaml"), a fresh copy for the caller."""
    return copy.deepcopy(_parsed(name))

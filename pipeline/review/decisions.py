"""The decisions file and the database around it: loading and appending entries, the flow's
step that applies them, and the previous run's ids as reconcile should see them."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import yaml

from pipeline.db import read_only
from pipeline.model import Decided, Move, Outcome, Reconciled  # Move, Outcome: also read from here by store tests
from pipeline.paths import PROJECT_ROOT
from pipeline.review.decision_apply import apply, log_lines
from pipeline.review.decision_conflicts import conflict
from pipeline.review.decision_format import (HEADER, Decision, DecisionError, first_problem, make_entry, parse_entry,
                                             parse_text)

DEFAULT_PATH = PROJECT_ROOT / "reconciliation.yaml"


def read_text(path: Path) -> str | None:
    """The file's text; None when there is no file; DecisionError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise DecisionError(f"{path}:{line}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise DecisionError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def load(path: str | os.PathLike | None = None, *, required: bool = False) -> list[Decision]:
    """The decisions of the file, in file order; invalid entries come back with `error` set.

    A missing file means no decisions, unless `required` (a path the user gave). Raises
    DecisionError ("<file>:<line>: <reason>") when the file cannot be read or parsed:
    a run must stop rather than go on without the analysts' decisions.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    text = read_text(path)
    if text is None:
        if required:
            raise DecisionError(f"{path}: no such decisions file")
        return []
    return parse_text(text, str(path))


def path_for_run(path: str | os.PathLike | None) -> str | None:
    """The decisions file a run applies, checked before the run writes anything.

    None when the default file (reconciliation.yaml at the project root) is absent; any
    other path must exist. DecisionError, one line with the file, the line and the reason,
    when the file cannot be read or parsed or holds an invalid entry not marked `skip: true`.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    if not path.exists() and path.resolve() == DEFAULT_PATH.resolve():
        return None
    problem = first_problem(load(path, required=True), str(path))
    if problem:
        raise DecisionError(problem)
    return str(path)


def apply_decisions(reconciled: Reconciled, path: str | os.PathLike | None = None, log=None) -> Decided:
    """The flow's step: load the file, apply it, log every outcome (stale ones as warnings).

    Raises DecisionError when the file cannot be used or holds an invalid entry not marked
    `skip: true` (the command line checks it before the run starts: see `path_for_run`),
    so that the run stops before it writes a database without the analysts' decisions.
    The outcomes ride along on the result (`.outcomes`) so that `store.write_database`
    can hand them to `publish.finish` without a new argument.
    """
    source = path if path is not None else DEFAULT_PATH
    decisions = load(source, required=True)
    problem = first_problem(decisions, str(source))
    if problem:
        raise DecisionError(problem)
    out, outcomes = apply(reconciled, decisions)
    log = log or _run_logger()
    for level, line in log_lines(outcomes):
        getattr(log, level)(line)
    return Decided(out.projects, out.mentions, out.links, outcomes=outcomes)


def _run_logger():
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a flow run (tests, scripts): plain logging
        import logging

        return logging.getLogger("pipeline.review.decisions")


# --- the previous run, as reconcile should see it -----------------------------------------


def base_previous(previous: dict[str, set[tuple[str, str]]], db_path: str | os.PathLike) -> dict[str, set[tuple[str, str]]]:
    """`store.read_previous` output with the last run's decisions undone.

    The mentions table holds project ids after decisions; reconcile must inherit ids from
    its own earlier output, else a merged project's id could go to the wrong half on the
    next run and the merge decision would turn stale. The moves are read from the
    `decision_moves` table that `publish.finish` writes.
    """
    out = {pid: set(keys) for pid, keys in previous.items()}
    if not os.path.exists(db_path):
        return out
    try:
        with read_only(db_path) as conn:
            rows = conn.execute(
                "select article_id, name_key, from_project, to_project from decision_moves order by seq desc"
            ).fetchall()
    except sqlite3.Error:
        return out
    for aid, key, src, dst in rows:
        if dst is not None and dst in out:
            out[dst].discard((aid, key))
            if not out[dst]:
                del out[dst]
        out.setdefault(src, set()).add((aid, key))
    return out



def append(path: str | os.PathLike | None, entry: dict) -> str:
    """Add an entry to the decisions file; returns how ('appended' or 'rewritten').

    Appends the entry's text so the analyst's comments and layout stay; when the file's
    shape does not allow that (e.g. `decisions: []`), rewrites it cleanly with the header
    comment. Refuses (DecisionError) to touch a file that does not parse, and an entry
    whose id is already there.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    text = read_text(path) or ""
    parse_text(text, str(path))  # DecisionError: a file that does not parse is not touched
    entries = _parsed_list(text)
    if any(isinstance(e, dict) and str(e.get("id")) == entry["id"] for e in entries):
        raise DecisionError(f"{path} already has decision {entry['id']} (the same decision, or the same id)")
    item = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    how = "appended"
    if not text.strip():
        candidate = HEADER + "decisions:\n" + item
    else:
        indent = ""
        after = text.split("\ndecisions:", 1)[-1] if "\ndecisions:" in text or text.startswith("decisions:") else ""
        first = re.search(r"^([ \t]*)- ", after, re.M)
        if first:
            indent = first.group(1)
        body = "".join(indent + ln if ln.strip() else ln for ln in item.splitlines(keepends=True))
        candidate = text + ("" if text.endswith("\n") else "\n") + body
        try:
            ok = _parsed_list(candidate) == [*entries, entry]
        except yaml.YAMLError:
            ok = False
        if not ok:
            candidate = HEADER + yaml.safe_dump({"decisions": [*entries, entry]}, allow_unicode=True, sort_keys=False,
                                                default_flow_style=False, width=1000)
            how = "rewritten"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(candidate, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise DecisionError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return how


def _parsed_list(text: str) -> list:
    data = yaml.safe_load(text)
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"decisions"}:
        return data["decisions"] or []
    return data if isinstance(data, list) else [None]


def decide(path: str | os.PathLike | None, action: str, emptied: frozenset[str] = frozenset(),
           **fields) -> tuple[dict, str]:
    """Validate and append one decision; (the entry written, 'appended' | 'rewritten').

    DecisionError when the entry is not valid, or when it would undo a decision already in
    the file (see decision_conflicts; `emptied`: the projects a split takes every mention of,
    as the database says).
    """
    entry = make_entry(action, **fields)
    source = Path(path) if path is not None else DEFAULT_PATH
    clash = conflict(load(source), parse_entry(entry), emptied)
    if clash:
        raise DecisionError(f"refused: {clash} ({source})")
    return entry, append(path, entry)

"""The decisions file and the database around it: loading and appending entries, the flow's
step that applies them, and the previous run's ids as reconcile should see them."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import yaml

from pipeline.db import read_only
from pipeline.model import Decided, Move, Outcome, Reconciled  # Move, Outcome: also read from here by store tests
from pipeline.paths import PROJECT_ROOT
from pipeline.review.decision_apply import apply, log_lines
from pipeline.review.decision_format import HEADER, Decision, DecisionError, make_entry, parse_entry, entry_lines

DEFAULT_PATH = PROJECT_ROOT / "reconciliation.yaml"


def _read_entries(path: Path) -> tuple[list, list[int]]:
    """(entries, their line numbers); raises DecisionError when the file is not usable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise DecisionError(f"{path} is not valid YAML{where}: {problem}") from None
    if data is None:
        return [], []
    if isinstance(data, dict):
        extra = set(data) - {"decisions"}
        if extra:
            raise DecisionError(f"{path}: unexpected top-level key(s) {', '.join(sorted(map(str, extra)))} (only `decisions`)")
        data = data.get("decisions") or []
    if not isinstance(data, list):
        raise DecisionError(f"{path}: `decisions` must be a list of entries")
    lines = entry_lines(text)
    return data, lines if len(lines) == len(data) else [None] * len(data)


def load(path: str | os.PathLike | None = None) -> list[Decision]:
    """Read and validate the decisions file; a missing file means no decisions.

    Never raises: a file that cannot be used becomes one invalid Decision (id "file"),
    each bad entry an invalid Decision with a one-line error, so the run goes on and
    reports them.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        entries, lines = _read_entries(path)
    except DecisionError as exc:
        return [Decision(id="file", action="load", error=str(exc))]
    out: list[Decision] = []
    seen: set[str] = set()
    for entry, line in zip(entries, lines):
        d = parse_entry(entry, line)
        if not d.error and d.id in seen:
            d = replace(d, error=f"duplicate id {d.id}")
        seen.add(d.id)
        out.append(d)
    return out



def apply_decisions(reconciled: Reconciled, path: str | os.PathLike | None = None, log=None) -> Decided:
    """The flow's step: load the file, apply it, log every outcome (stale ones as warnings).

    The outcomes ride along on the result (`.outcomes`) so that `store.write_database`
    can hand them to `publish.finish` without a new argument.
    """
    out, outcomes = apply(reconciled, load(path))
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
    entries, _ = _read_entries(path)
    if any(isinstance(e, dict) and str(e.get("id")) == entry["id"] for e in entries):
        raise DecisionError(f"{path} already has decision {entry['id']} (the same decision, or the same id)")
    item = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
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
    if isinstance(data, dict) and set(data) == {"decisions"}:
        return data["decisions"] or []
    return data if isinstance(data, list) else [None]


def decide(path: str | os.PathLike | None, action: str, **fields) -> tuple[dict, str]:
    """Validate and append one decision; (the entry written, 'appended' | 'rewritten')."""
    entry = make_entry(action, **fields)
    return entry, append(path, entry)

"""Analysts' reconciliation decisions: a YAML file they edit, applied after every run.

The file (`reconciliation.yaml` at the project root by default) holds a list of entries:

    decisions:
    - id: d-1a2b3c4d          # optional by hand, always written by `decide`; keep it when editing
      action: merge           # merge | split | rename | not_project | amount
      projects: [pA, pB]      # merge: the first keeps its id, the others are folded into it
      note: why               # optional, on every action
    - action: split
      mentions: ["<article_id>:<name>"]   # the mentions taken out, into one new project
      name: New project name              # optional: else the first mention's name
    - {action: rename, project: pA, name: New name}
    - {action: not_project, project: pA}
    - {action: amount, project: pA, value: 2.5, qualifier: exact}   # millions of euros; value null clears it

Which ids are stable, and so usable here:
- projects: `projects.id`. Reconcile keeps a project's id across runs (`reconcile._inherit`);
  `base_previous` hands it the assignment as it was *before* decisions, so a merge or a
  split never confuses which project inherits which id.
- mentions: the row id of `mentions` is renumbered every run, so a mention is named by
  `<article_id>:<name>` (article ids are content hashes; the name is compared with
  `reconcile.joined`, so case, accents, spaces and punctuation do not matter, and the form
  written in `mentions.name` or any other name of that project in that article matches).
  `<article_id>:<start>-<end>` (character offsets in `articles.text`) is accepted too, but
  offsets move when text cleaning changes: the name form is the one `decide` writes.

`apply` is pure: structural decisions (merge, split, not_project) first, in file order,
then attribute decisions (rename, amount), so an analyst's amount is not recomputed away
by a merge listed after it. A decision that no longer fits the data gives an Outcome with
status "stale" and the reason; an invalid entry gives status "invalid": never dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from pipeline.model import Mention, Project
from pipeline.reconcile.cluster import Reconciled, pick_amount, joined
from pipeline.paths import PROJECT_ROOT

DEFAULT_PATH = PROJECT_ROOT / "reconciliation.yaml"
ACTIONS = ("merge", "split", "rename", "not_project", "amount")
STRUCTURAL = ("merge", "split", "not_project")
QUALIFIERS = ("exact", "approx", "min", "max")
FIELDS = {
    "merge": {"projects"},
    "split": {"mentions", "name"},
    "rename": {"project", "name"},
    "not_project": {"project"},
    "amount": {"project", "value", "qualifier"},
}
COMMON = {"id", "action", "note"}
HEADER = """\
# Reconciliation decisions: corrections an analyst makes to what the pipeline merged.
# Applied after every run, so they survive re-runs. Edit by hand or with
#   python -m pipeline decide merge|split|rename|not-project|amount ...
# Actions (ids: projects.id; mentions: "<article_id>:<name as in mentions.name>"):
#   - {id: d-..., action: merge, projects: [pA, pB], note: "..."}   # pB folded into pA
#   - {id: d-..., action: split, mentions: ["<article_id>:<name>"], name: "..."}
#   - {id: d-..., action: rename, project: pA, name: "..."}
#   - {id: d-..., action: not_project, project: pA}
#   - {id: d-..., action: amount, project: pA, value: 2.5, qualifier: exact}  # M EUR; exact|approx|min|max
# Keep each entry's id when editing: a split's new project id is derived from it.
"""


class DecisionError(ValueError):
    """A decision that cannot be written (bad arguments, unreadable file)."""


@dataclass(frozen=True)
class Decision:
    id: str
    action: str
    projects: tuple[str, ...] = ()  # merge: every project; rename/not_project/amount: the one
    mentions: tuple[str, ...] = ()  # split: normalised mention references
    labels: tuple[str, ...] = ()  # split: the references as written, for messages
    name: str | None = None
    value: float | None = None
    qualifier: str | None = None
    note: str | None = None
    error: str | None = None  # an invalid entry: reported, never applied
    line: int | None = None  # where the entry starts in the file, for messages

    @property
    def target(self) -> str:
        return " ".join((self.labels or self.mentions) if self.action == "split" else self.projects)


@dataclass
class Move:
    """One mention that a decision took from a project (`from_project`) into another (None: dropped)."""

    article_id: str
    name_key: str  # reconcile.joined(mention.name), as in reconcile.mention_key
    from_project: str
    to_project: str | None


@dataclass
class Outcome:
    decision_id: str
    action: str
    target: str
    status: str  # 'applied' | 'stale' | 'invalid'
    reason: str = ""  # why stale or invalid
    detail: str = ""  # what was done
    note: str | None = None
    moves: list[Move] = field(default_factory=list)

    def line(self) -> str:
        text = f"decision {self.decision_id} ({self.action} {self.target}): {self.status}"
        return f"{text}: {self.reason or self.detail}" if (self.reason or self.detail) else text


# --- references ---------------------------------------------------------------------------

SPAN_REF = re.compile(r"^(\d+)-(\d+)$")


def mention_ref(article_id: str, name: str) -> str:
    """The stable reference `decide` writes for a mention: its article and its name as written."""
    return f"{article_id}:{name}"


def normalize_ref(ref: str) -> str:
    """`<article_id>:<name or start-end>` -> canonical form; ValueError when malformed."""
    if not isinstance(ref, str) or ":" not in ref:
        raise ValueError(f"mention reference {ref!r} is not '<article_id>:<name>' or '<article_id>:<start>-<end>'")
    aid, rest = ref.split(":", 1)
    aid, rest = aid.strip(), rest.strip()
    if not aid or not rest:
        raise ValueError(f"mention reference {ref!r} has an empty article id or name")
    if SPAN_REF.match(rest):
        a, b = map(int, SPAN_REF.match(rest).groups())
        if b <= a:
            raise ValueError(f"mention reference {ref!r}: the span ends before it starts")
        return f"{aid}:{a}-{b}"
    key = joined(rest)
    if not key:
        raise ValueError(f"mention reference {ref!r}: the name has no letter or digit")
    return f"{aid}:{key}"


def _matches(ref: str, m: Mention, by_alias: bool) -> bool:
    aid, rest = ref.split(":", 1)
    if m.article_id != aid:
        return False
    span = SPAN_REF.match(rest)
    if span:
        a, b = int(span.group(1)), int(span.group(2))
        return (m.start, m.end) == (a, b) or (a, b) in {tuple(o) for o in m.occurrences}
    if by_alias:
        return rest in {joined(n) for n in m.aliases}
    return joined(m.name) == rest


# --- loading ------------------------------------------------------------------------------


def _derived_id(d: Decision) -> str:
    """An id from what the decision does (not its note), for entries written without one."""
    body = {"action": d.action, "projects": list(d.projects), "mentions": list(d.mentions), "name": d.name,
            "value": d.value, "qualifier": d.qualifier}
    return "d-" + hashlib.sha1(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:8]


def _entry_lines(text: str) -> list[int]:
    """Line number (1-based) of every top-level list item of `decisions`, in order."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == "decisions" and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value]
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []


def parse_entry(entry, line: int | None = None) -> Decision:
    """One YAML entry -> Decision; an invalid one comes back with `error` set (one line)."""
    d = _parse(entry, line)
    if d.id == "" and not d.error:
        d = replace(d, id=_derived_id(d))
    return replace(d, id=d.id or "?")


def _parse(entry, line: int | None) -> Decision:
    if not isinstance(entry, dict):
        return Decision(id="?", action="?", error=f"an entry must be a mapping with an action, got {entry!r:.60}", line=line)
    raw_id = entry.get("id")
    did = str(raw_id).strip() if raw_id is not None else ""
    action = str(entry.get("action", "")).strip().replace("-", "_")
    note = entry.get("note")
    base = Decision(id=did, action=action or "?", note=str(note) if note is not None else None, line=line)

    def bad(msg: str) -> Decision:
        return replace(base, error=msg)

    if raw_id is not None and (not did or re.search(r"\s", did)):
        return bad("`id` must be a word without spaces")
    if action not in ACTIONS:
        return bad(f"unknown action {entry.get('action')!r} (one of: {', '.join(ACTIONS)})")
    unknown = set(entry) - COMMON - FIELDS[action]
    if unknown:
        return bad(f"{action}: unexpected field(s) {', '.join(sorted(map(str, unknown)))} "
                   f"(allowed: {', '.join(sorted(COMMON | FIELDS[action]))})")

    def project_id(value) -> str | None:
        if isinstance(value, str) and value.strip() and not re.search(r"\s", value.strip()):
            return value.strip()
        return None

    if action == "merge":
        ps = entry.get("projects")
        if not isinstance(ps, list) or len(ps) < 2:
            return bad("merge needs `projects`: a list of at least two project ids")
        ids = [project_id(p) for p in ps]
        if None in ids:
            return bad(f"merge: {ps[ids.index(None)]!r} is not a project id")
        if len(set(ids)) != len(ids):
            return bad("merge: a project is listed twice")
        return replace(base, projects=tuple(ids))
    if action == "split":
        ms = entry.get("mentions")
        if isinstance(ms, str):
            ms = [ms]
        if not isinstance(ms, list) or not ms:
            return bad("split needs `mentions`: one or more '<article_id>:<name>' references")
        try:
            refs = tuple(dict.fromkeys(normalize_ref(m) for m in ms))
        except ValueError as exc:
            return bad(f"split: {exc}")
        name = entry.get("name")
        if name is not None and not str(name).strip():
            return bad("split: `name` is empty")
        labels = tuple(dict.fromkeys(str(m).strip() for m in ms))
        return replace(base, mentions=refs, labels=labels, name=str(name).strip() if name is not None else None)
    pid = project_id(entry.get("project"))
    if pid is None:
        return bad(f"{action} needs `project`: one project id")
    base = replace(base, projects=(pid,))
    if action == "rename":
        name = entry.get("name")
        if name is None or not str(name).strip():
            return bad("rename needs a non-empty `name`")
        return replace(base, name=str(name).strip())
    if action == "amount":
        if "value" not in entry:
            return bad("amount needs `value` (millions of euros, or null to clear it)")
        value = entry.get("value")
        qualifier = entry.get("qualifier")
        if value is None:
            if qualifier is not None:
                return bad("amount: a `qualifier` without a value")
            return base
        try:
            value = parse_value(value)
        except ValueError as exc:
            return bad(f"amount: {exc}")
        qualifier = "exact" if qualifier is None else str(qualifier).strip()
        if qualifier not in QUALIFIERS:
            return bad(f"amount: qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}")
        return replace(base, value=value, qualifier=qualifier)
    return base


def parse_value(value) -> float:
    """Millions of euros: a number, or text with a decimal comma ("2,5")."""
    if isinstance(value, bool):
        raise ValueError(f"value {value!r} is not a number of millions of euros")
    if isinstance(value, (int, float)):
        v = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
        try:
            v = float(text)
        except ValueError:
            raise ValueError(f"value {value!r} is not a number of millions of euros") from None
    if not (v >= 0 and v < 1e7):  # also rejects NaN
        raise ValueError(f"value {value!r} is out of range (millions of euros, 0 or more)")
    return v


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
    lines = _entry_lines(text)
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


# --- applying -----------------------------------------------------------------------------


def split_project_id(decision_id: str) -> str:
    """A split's new project id: derived from the decision id, so the same on every run."""
    return "p" + hashlib.sha1(f"split|{decision_id}".encode()).hexdigest()[:11]


class _State:
    def __init__(self, rec: Reconciled):
        self.order: list[str] = [p.id for p in rec.projects]
        self.projects: dict[str, Project] = {p.id: replace(p) for p in rec.projects}
        self.members: dict[str, list[Mention]] = {p.id: [] for p in rec.projects}
        for m, pid in rec.mentions:
            self.members.setdefault(pid, []).append(m)
        self.redirect: dict[str, tuple[str, str]] = {}  # merged-away id -> (kept id, decision id)
        self.gone: dict[str, str] = {}  # removed id -> why
        self.moved: dict[tuple[str, str], str] = {}  # (article id, joined name) of a split mention -> its project

    def resolve(self, pid: str) -> tuple[str | None, str]:
        """Current id of a project named in a decision, following merges made earlier in this run."""
        seen = set()
        via = ""
        while pid in self.redirect and pid not in seen:
            seen.add(pid)
            pid, did = self.redirect[pid]
            via = f" (via merge {did})"
        if pid in self.projects:
            return pid, via
        return None, self.gone.get(pid, "")

    def remove(self, pid: str, why: str) -> None:
        self.projects.pop(pid, None)
        self.members.pop(pid, None)
        self.order.remove(pid)
        self.gone[pid] = why


def _name_of(ms: list[Mention]) -> str:
    forms = Counter(m.name for m in ms)
    return sorted(forms, key=lambda n: (-forms[n], len(n), n))[0]


def _rebuild(p: Project, ms: list[Mention], name: str | None = None) -> Project:
    """A project's fields recomputed from its mentions (the rules of reconcile._project).

    The name is kept while a mention still carries it, else the most frequent name.
    """
    names = {joined(n) for m in ms for n in [m.name, *m.aliases]}
    if name is None:
        name = p.name if joined(p.name) in names else _name_of(ms)
    aliases: list[str] = []
    for n in [*(n for m in ms for n in [m.name, *m.aliases]), *p.aliases]:
        if n != name and joined(n) != joined(name) and n not in aliases and joined(n) in names:
            aliases.append(n)
    acronyms = Counter(m.acronym for m in ms if m.acronym)
    acronym = p.acronym if p.acronym in acronyms else (acronyms.most_common(1)[0][0] if acronyms else None)
    amount, qualifier = pick_amount(ms)
    carriers = Counter(c for m in ms for c in m.carriers)
    return replace(
        p, name=name, aliases=aliases, acronym=acronym, amount_m_eur=amount, amount_qualifier=qualifier,
        carriers=[c for c, _ in sorted(carriers.items(), key=lambda kv: (-kv[1], kv[0]))],
        sources=sorted({m.article_id for m in ms}), mentions=list(ms),
    )


def _merge(st: _State, d: Decision) -> Outcome:
    out = Outcome(d.id, d.action, d.target, "applied", note=d.note)
    ids, missing, vias = [], [], []
    for p in d.projects:
        cur, why = st.resolve(p)
        if cur is None:
            missing.append(f"{p}{' (' + why + ')' if why else ''}")
        else:
            if why:
                vias.append(f"{p}{why}")
            if cur not in ids:
                ids.append(cur)
    if missing:
        out.status, out.reason = "stale", f"unknown project id: {', '.join(missing)}"
        return out
    if len(ids) < 2:
        out.detail = f"already one project: {ids[0]}" + (f"; {', '.join(vias)}" if vias else "")
        return out
    keep, others = ids[0], ids[1:]
    kept = st.projects[keep]
    ms = list(st.members[keep])
    for o in others:
        other = st.projects[o]
        out.moves += [Move(m.article_id, joined(m.name), o, keep) for m in st.members[o]]
        ms += st.members[o]
        kept = replace(kept, announced_on=kept.announced_on or other.announced_on, call=kept.call or other.call)
        st.redirect[o] = (keep, d.id)
        st.remove(o, f"merged into {keep} by {d.id}")
    st.members[keep] = ms
    st.projects[keep] = _rebuild(kept, ms, name=kept.name)
    out.detail = f"{', '.join(others)} merged into {keep} ({len(ms)} mentions)"
    return out


def _split(st: _State, d: Decision) -> Outcome:
    out = Outcome(d.id, d.action, d.target, "applied", note=d.note)
    new_id = split_project_id(d.id)
    if new_id in st.projects:
        out.status, out.reason = "stale", f"project id {new_id} already exists"
        return out
    picked: list[tuple[Mention, str]] = []
    missing = []
    for ref in d.mentions:
        found = []
        for by_alias in (False, True):
            found = [(m, pid) for pid in st.order for m in st.members[pid] if _matches(ref, m, by_alias)]
            if found:
                break
        if not found:
            missing.append(ref)
        for mp in found:
            if all(mp[0] is not x for x, _ in picked):
                picked.append(mp)
    if missing:
        out.status, out.reason = "stale", f"mention not found: {', '.join(missing)}"
        return out
    sources = list(dict.fromkeys(pid for _, pid in picked))
    first = st.projects[sources[0]]
    ms = [m for m, _ in picked]
    emptied = []
    for pid in sources:
        rest = [m for m in st.members[pid] if all(m is not x for x in ms)]
        out.moves += [Move(m.article_id, joined(m.name), pid, new_id) for m, p in picked if p == pid]
        if rest:
            st.members[pid] = rest
            st.projects[pid] = _rebuild(st.projects[pid], rest)
        else:
            emptied.append(pid)
            st.remove(pid, f"all its mentions split out by {d.id}")
    # the new project's round and date: those of the project it came from (same articles)
    st.projects[new_id] = _rebuild(replace(first, id=new_id, aliases=[], acronym=None), ms, name=d.name or _name_of(ms))
    st.members[new_id] = ms
    st.order.append(new_id)
    for m in ms:
        for n in [m.name, *m.aliases]:
            st.moved[(m.article_id, joined(n))] = new_id
    out.detail = f"{len(ms)} mention(s) from {', '.join(sources)} into new project {new_id}"
    if emptied:
        out.detail += f"; {', '.join(emptied)} left empty and removed"
    return out


def _single(st: _State, d: Decision) -> tuple[Outcome, str | None]:
    out = Outcome(d.id, d.action, d.target, "applied", note=d.note)
    pid, why = st.resolve(d.projects[0])
    if pid is None:
        out.status, out.reason = "stale", f"unknown project id: {d.projects[0]}" + (f" ({why})" if why else "")
        return out, None
    if why:
        out.detail = f"{d.projects[0]} is now {pid}{why}; "
    return out, pid


def _not_project(st: _State, d: Decision) -> Outcome:
    out, pid = _single(st, d)
    if pid is None:
        return out
    out.moves += [Move(m.article_id, joined(m.name), pid, None) for m in st.members[pid]]
    out.detail += f"{pid} ({st.projects[pid].name}) removed with its {len(st.members[pid])} mention(s)"
    st.remove(pid, f"marked not a project by {d.id}")
    return out


def _rename(st: _State, d: Decision) -> Outcome:
    out, pid = _single(st, d)
    if pid is None:
        return out
    p = st.projects[pid]
    aliases = [a for a in p.aliases if joined(a) != joined(d.name)]
    if p.name not in aliases and joined(p.name) != joined(d.name):
        aliases.append(p.name)
    st.projects[pid] = replace(p, name=d.name, aliases=aliases)
    out.detail += f"{pid} renamed from {p.name!r}"
    return out


def _amount(st: _State, d: Decision) -> Outcome:
    out, pid = _single(st, d)
    if pid is None:
        return out
    p = st.projects[pid]
    st.projects[pid] = replace(p, amount_m_eur=d.value, amount_qualifier=d.qualifier if d.value is not None else None)
    was = f"{p.amount_m_eur} ({p.amount_qualifier})" if p.amount_m_eur is not None else "none"
    now = f"{d.value} ({d.qualifier})" if d.value is not None else "none"
    out.detail += f"{pid} amount {was} -> {now}"
    return out


HANDLERS = {"merge": _merge, "split": _split, "not_project": _not_project, "rename": _rename, "amount": _amount}


def apply(reconciled: Reconciled, decisions: list[Decision]) -> tuple[Reconciled, list[Outcome]]:
    """Apply decisions to a reconciliation; returns a new Reconciled and one Outcome per decision.

    Pure: the input is not modified. Outcomes come back in file order.
    """
    st = _State(reconciled)
    outcomes: dict[int, Outcome] = {}
    order = [i for i, d in enumerate(decisions) if d.action in STRUCTURAL] + \
            [i for i, d in enumerate(decisions) if d.action not in STRUCTURAL]
    for i in order:
        d = decisions[i]
        if d.error:
            outcomes[i] = Outcome(d.id, d.action, d.target, "invalid",
                                  reason=d.error + (f" (line {d.line})" if d.line else ""), note=d.note)
            continue
        outcomes[i] = HANDLERS[d.action](st, d)
    projects = [replace(st.projects[pid], mentions=list(st.members[pid])) for pid in st.order]
    owner = {id(m): pid for pid in st.order for m in st.members[pid]}
    mentions = [(m, owner[id(m)]) for m, _ in reconciled.mentions if id(m) in owner]
    listed = {id(m) for m, _ in mentions}
    # split-out mentions keep their place; merged-in ones too: only new objects are appended
    mentions += [(m, pid) for pid in st.order for m in st.members[pid] if id(m) not in listed]
    changed = any(o.moves for o in outcomes.values())
    links = [_relink(lk, st) for lk in reconciled.links] if changed else [dict(lk) for lk in reconciled.links]
    return Reconciled(projects, mentions, links), [outcomes[i] for i in range(len(decisions))]


@dataclass
class Decided(Reconciled):
    """A reconciliation with the decisions applied, carrying their outcomes to the store."""

    outcomes: list[Outcome] = field(default_factory=list)


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


def _relink(lk: dict, st: _State) -> dict:
    """A reconcile link with its project ids brought up to date (for the review report)."""
    out = dict(lk)
    for side in ("a", "b"):
        pid = lk.get(f"project_{side}")
        # a split moves single mentions: look the mention up first, then follow merges
        cur = st.moved.get((lk.get(f"article_{side}"), joined(lk.get(f"name_{side}") or "")), pid)
        now, _ = st.resolve(cur) if cur is not None else (None, "")
        out[f"project_{side}"] = now if now is not None else pid
    return out


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
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "select article_id, name_key, from_project, to_project from decision_moves order by seq desc"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return out
    for aid, key, src, dst in rows:
        if dst is not None and dst in out:
            out[dst].discard((aid, key))
            if not out[dst]:
                del out[dst]
        out.setdefault(src, set()).add((aid, key))
    return out


def log_lines(outcomes: list[Outcome]) -> list[tuple[str, str]]:
    """(level, message) lines for the run's log: stale and invalid decisions as warnings."""
    lines = []
    for o in outcomes:
        lines.append(("warning" if o.status != "applied" else "info", o.line()))
    if outcomes:
        counts = Counter(o.status for o in outcomes)
        lines.append(("info", "decisions: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))))
    return lines


# --- writing entries ----------------------------------------------------------------------


def make_entry(action: str, *, projects=(), mentions=(), name=None, value=None, qualifier=None, note=None,
               id: str | None = None) -> dict:
    """A validated entry, ready to append; DecisionError with one line when it is not valid."""
    action = action.replace("-", "_")
    entry: dict = {"action": action}
    if action == "merge":
        entry["projects"] = list(projects)
    elif action == "split":
        entry["mentions"] = list(mentions)
        if name is not None:
            entry["name"] = name
    elif action in ("rename", "not_project", "amount"):
        if len(projects) != 1:
            raise DecisionError(f"{action} takes exactly one project id")
        entry["project"] = projects[0]
        if action == "rename":
            entry["name"] = name
        if action == "amount":
            entry["value"] = value
            if qualifier is not None:
                entry["qualifier"] = qualifier
    if note:
        entry["note"] = note
    d = parse_entry(entry)
    if d.error:
        raise DecisionError(d.error)
    if action == "split":
        entry["mentions"] = list(d.labels)
    if action == "amount" and d.value is not None:
        entry["value"], entry["qualifier"] = d.value, d.qualifier
    return {"id": id or d.id, **entry}


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

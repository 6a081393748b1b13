"""The decisions file's format: its entries parsed and validated into Decision records.

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
- projects: `projects.id`. Reconcile keeps a project's id across runs (`reconcile.ids.inherit`);
  `base_previous` hands it the assignment as it was *before* decisions, so a merge or a
  split never confuses which project inherits which id.
- mentions: the row id of `mentions` is renumbered every run, so a mention is named by
  `<article_id>:<name>` (article ids are content hashes; the name is compared with
  `reconcile.names.joined`, so case, accents, spaces and punctuation do not matter, and the form
  written in `mentions.name` or any other name of that project in that article matches).
  `<article_id>:<start>-<end>` (character offsets in `articles.text`) is accepted too, but
  offsets move when text cleaning changes: the name form is the one `decide` writes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace

import yaml

from pipeline.model import Mention
from pipeline.reconcile.names import joined

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
COMMON = {"id", "action", "note", "skip"}
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
# Applied in file order. An entry that does not parse stops the run (the line and the reason
# are printed) unless it is marked `skip: true`, which keeps it in the file without applying it.
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
    skip: bool = False  # `skip: true`: kept in the file, reported, not applied (an invalid entry too)

    @property
    def target(self) -> str:
        return " ".join((self.labels or self.mentions) if self.action == "split" else self.projects)

    @property
    def blocking(self) -> bool:
        """An invalid entry the analyst did not mark `skip: true`: the run must not go on without it."""
        return self.error is not None and not self.skip

    def where(self, source: str) -> str:
        return f"{source}:{self.line}" if self.line else source


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


def matches(ref: str, m: Mention, by_alias: bool) -> bool:
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


def entry_lines(text: str) -> list[int]:
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


def _node_line(text: str, key: str | None = None, of_value: bool = False) -> int:
    """The line (1-based) of the document's top-level node, or of its `key` (or that key's value)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return 1
    if key and isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(getattr(k, "value", None)) == key:
                return (v if of_value else k).start_mark.line + 1
    return node.start_mark.line + 1 if node is not None else 1


def parse_text(text: str, source: str) -> list[Decision]:
    """A decisions file's text -> its decisions, in file order.

    DecisionError ("<source>:<line>: <reason>", one line) when the text is not a decisions
    file at all: not YAML, or not a list of entries. An entry that is not valid comes back
    as a Decision with `error` set (see `blocking`), an id used twice too.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(x for x in (getattr(exc, "problem", None), getattr(exc, "context", None)) if x)
        raise DecisionError(f"{source}:{mark.line + 1 if mark else 1}: not valid YAML: {problem or 'syntax error'}") from None
    if data is None:
        return []
    if isinstance(data, dict):
        extra = sorted(map(str, set(data) - {"decisions"}))
        if extra:
            raise DecisionError(f"{source}:{_node_line(text, extra[0])}: unexpected top-level key(s) "
                                f"{', '.join(extra)} (only `decisions`)")
        if not isinstance(data.get("decisions") or [], list):
            raise DecisionError(f"{source}:{_node_line(text, 'decisions', of_value=True)}: "
                                "`decisions` must be a list of entries")
        data = data.get("decisions") or []
    if not isinstance(data, list):
        raise DecisionError(f"{source}:{_node_line(text)}: the file must hold `decisions:`, a list of entries")
    lines = entry_lines(text)
    out: list[Decision] = []
    seen: set[str] = set()
    for entry, line in zip(data, lines if len(lines) == len(data) else [None] * len(data)):
        d = parse_entry(entry, line)
        if not d.error and d.id in seen:
            d = replace(d, error=f"duplicate id {d.id}")
        seen.add(d.id)
        out.append(d)
    return out


def first_problem(decisions: list[Decision], source: str) -> str | None:
    """'<source>:<line>: <reason>' for the first invalid entry not marked `skip: true`, and how
    many more there are; None when every entry can be applied or is skipped."""
    bad = [d for d in decisions if d.blocking]
    if not bad:
        return None
    more = f" ({len(bad) - 1} more invalid entr{'y' if len(bad) == 2 else 'ies'})" if len(bad) > 1 else ""
    return (f"{bad[0].where(source)}: {bad[0].error}{more}; correct it, or mark it `skip: true` to run "
            "without it")


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
    skip = entry.get("skip", False)
    base = Decision(id=did, action=action or "?", note=str(note) if note is not None else None, line=line,
                    skip=skip is True)

    def bad(msg: str) -> Decision:
        return replace(base, error=msg)

    if not isinstance(skip, bool):
        return bad(f"`skip` must be true or false, not {skip!r}")
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



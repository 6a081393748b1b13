"""Applying decisions to a reconciliation: merges, splits, removals, renames and amounts, each
with its outcome (applied, or stale with the reason).

`apply` is pure and follows the file's order. An analyst's name or amount (rename, amount)
is pinned on its project: a later merge or split that recomputes the project's fields
keeps it, and a merge carries a folded project's pins to the project kept. A decision
that undoes an earlier one (removes or empties a pinned project, sets a pinned field
again, folds a pin into a project pinned alike) is applied and says so in its outcome;
`decide` refuses to write such a decision (see decision_conflicts). A decision that no
longer fits the data gives status "stale" and the reason; an invalid entry "invalid"; an
entry marked `skip: true` "skipped": never dropped.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace

from pipeline.model import Mention, Move, Outcome, Project, Reconciled
from pipeline.reconcile.fields import pick_amount
from pipeline.reconcile.names import joined
from pipeline.review.decision_format import Decision, matches


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
        # project id -> field ('name' | 'amount') -> (decision id, value): what analysts set by hand
        self.pins: dict[str, dict[str, tuple[str, object]]] = {}

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

    def remove(self, pid: str, why: str) -> list[str]:
        """Drop a project; returns the pins it took with it ("d-x (name of pA)")."""
        self.projects.pop(pid, None)
        self.members.pop(pid, None)
        self.order.remove(pid)
        self.gone[pid] = why
        return [f"{did} ({field} of {pid})" for field, (did, _) in self.pins.pop(pid, {}).items()]

    def rebuilt(self, pid: str, project: Project) -> None:
        """Store a project whose fields were recomputed from its mentions, its pins set again."""
        for field, (_, value) in self.pins.get(pid, {}).items():
            if field == "name":
                project = _renamed(project, value)
            else:
                amount, qualifier = value
                project = replace(project, amount_m_eur=amount, amount_qualifier=qualifier)
        self.projects[pid] = project

    def pin(self, pid: str, field: str, decision_id: str, value) -> str | None:
        """Pin a field; returns the decision whose pin this one replaces, if any."""
        before = self.pins.setdefault(pid, {}).get(field)
        self.pins[pid][field] = (decision_id, value)
        return before[0] if before else None


def _undoes(lost: list[str]) -> str:
    return f"; undoes {', '.join(lost)}" if lost else ""


def _renamed(p: Project, name: str) -> Project:
    """The project under another name, its former name kept as an alias."""
    aliases = [a for a in p.aliases if joined(a) != joined(name)]
    if p.name not in aliases and joined(p.name) != joined(name):
        aliases.append(p.name)
    return replace(p, name=name, aliases=aliases)


def _name_of(ms: list[Mention]) -> str:
    forms = Counter(m.name for m in ms)
    return sorted(forms, key=lambda n: (-forms[n], len(n), n))[0]


def _rebuild(p: Project, ms: list[Mention], name: str | None = None) -> Project:
    """A project's fields recomputed from its mentions (the rules of reconcile.fields.build_project).

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
    lost: list[str] = []
    for o in others:
        other = st.projects[o]
        out.moves += [Move(m.article_id, joined(m.name), o, keep) for m in st.members[o]]
        ms += st.members[o]
        kept = replace(kept, announced_on=kept.announced_on or other.announced_on, call=kept.call or other.call)
        st.redirect[o] = (keep, d.id)
        # a folded project's pins go with its mentions, unless the kept project has its own
        for field, pinned in st.pins.get(o, {}).items():
            if field not in st.pins.get(keep, {}):
                st.pins.setdefault(keep, {})[field] = pinned
                st.pins[o] = {k: v for k, v in st.pins[o].items() if k != field}
        lost += st.remove(o, f"merged into {keep} by {d.id}")
    st.members[keep] = ms
    st.rebuilt(keep, _rebuild(kept, ms, name=kept.name))
    out.detail = f"{', '.join(others)} merged into {keep} ({len(ms)} mentions){_undoes(lost)}"
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
            found = [(m, pid) for pid in st.order for m in st.members[pid] if matches(ref, m, by_alias)]
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
    emptied, lost = [], []
    for pid in sources:
        rest = [m for m in st.members[pid] if all(m is not x for x in ms)]
        out.moves += [Move(m.article_id, joined(m.name), pid, new_id) for m, p in picked if p == pid]
        if rest:
            st.members[pid] = rest
            st.rebuilt(pid, _rebuild(st.projects[pid], rest))
        else:
            emptied.append(pid)
            lost += st.remove(pid, f"all its mentions split out by {d.id}")
    # the new project's round and date: those of the project it came from (same articles)
    st.projects[new_id] = _rebuild(replace(first, id=new_id, aliases=[], acronym=None), ms, name=d.name or _name_of(ms))
    st.members[new_id] = ms
    st.order.append(new_id)
    for m in ms:
        for n in [m.name, *m.aliases]:
            st.moved[(m.article_id, joined(n))] = new_id
    out.detail = f"{len(ms)} mention(s) from {', '.join(sources)} into new project {new_id}"
    if emptied:
        out.detail += f"; {', '.join(emptied)} left empty and removed{_undoes(lost)}"
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
    out.detail += _undoes(st.remove(pid, f"marked not a project by {d.id}"))
    return out


def _set_field(st: _State, d: Decision) -> Outcome:
    """rename / amount: the analyst's value, pinned on the project (see _State.rebuilt)."""
    out, pid = _single(st, d)
    if pid is None:
        return out
    p = st.projects[pid]
    if d.action == "rename":
        field, value, done = "name", d.name, f"{pid} renamed from {p.name!r}"
    else:
        field, value = "amount", (d.value, d.qualifier if d.value is not None else None)
        was = f"{p.amount_m_eur} ({p.amount_qualifier})" if p.amount_m_eur is not None else "none"
        now = f"{d.value} ({d.qualifier})" if d.value is not None else "none"
        done = f"{pid} amount {was} -> {now}"
    replaced = st.pin(pid, field, d.id, value)
    st.rebuilt(pid, p)
    out.detail += done + (f"; replaces the {field} set by {replaced}" if replaced else "")
    return out


HANDLERS = {"merge": _merge, "split": _split, "not_project": _not_project, "rename": _set_field, "amount": _set_field}


def apply(reconciled: Reconciled, decisions: list[Decision]) -> tuple[Reconciled, list[Outcome]]:
    """Apply decisions to a reconciliation; returns a new Reconciled and one Outcome per decision.

    Pure: the input is not modified. Outcomes come back in file order.
    """
    st = _State(reconciled)
    outcomes: dict[int, Outcome] = {}
    for i, d in enumerate(decisions):
        at = f" (line {d.line})" if d.line else ""
        if d.skip:
            outcomes[i] = Outcome(d.id, d.action, d.target, "skipped", note=d.note,
                                  reason=(d.error + at) if d.error else f"marked skip: true{at}")
        elif d.error:
            outcomes[i] = Outcome(d.id, d.action, d.target, "invalid", reason=d.error + at, note=d.note)
        else:
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


def log_lines(outcomes: list[Outcome]) -> list[tuple[str, str]]:
    """(level, message) lines for the run's log: stale and invalid decisions, and those that
    undo another, as warnings."""
    lines = []
    for o in outcomes:
        undoes = "; undoes " in o.detail or "; replaces the " in o.detail
        lines.append(("warning" if o.status != "applied" or undoes else "info", o.line()))
    if outcomes:
        counts = Counter(o.status for o in outcomes)
        lines.append(("info", "decisions: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))))
    return lines


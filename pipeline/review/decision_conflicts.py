"""Decisions that undo each other, found before one is written (`python -m pipeline decide`).

Decisions apply in file order and a rename or an amount pins its field on its project
(see decision_apply). A new decision is refused when, added at the end of the file, it
would silently undo an earlier one:
- it sets a field an earlier decision already pinned on the same project (two `amount`
  decisions on one project: the last would win without a note);
- it removes a pinned project (`not_project`), or takes every one of its mentions out
  (a `split` of a renamed project's only mention): the pin would go with it;
- it merges two projects that both pin the same field: one of the two would be dropped.
Project ids are followed through the merges of the file, as `apply` follows them.
"""

from __future__ import annotations

from pipeline.review.decision_format import Decision

PINNED = {"rename": "name", "amount": "amount"}  # action -> the field it pins


def _resolve(pid: str, redirect: dict[str, str]) -> str:
    seen = set()
    while pid in redirect and pid not in seen:
        seen.add(pid)
        pid = redirect[pid]
    return pid


def pins(decisions: list[Decision]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(project id -> field -> the decision that pins it, merged-away id -> kept id) after the
    file's decisions; invalid and skipped entries count for nothing."""
    pinned: dict[str, dict[str, str]] = {}
    redirect: dict[str, str] = {}
    for d in decisions:
        if d.error or d.skip:
            continue
        if d.action == "merge":
            keep = _resolve(d.projects[0], redirect)
            for other in (_resolve(p, redirect) for p in d.projects[1:]):
                if other == keep:
                    continue
                for field, did in pinned.pop(other, {}).items():
                    pinned.setdefault(keep, {}).setdefault(field, did)
                redirect[other] = keep
        elif d.action in PINNED:
            pinned.setdefault(_resolve(d.projects[0], redirect), {})[PINNED[d.action]] = d.id
        elif d.action == "not_project":
            pinned.pop(_resolve(d.projects[0], redirect), None)
    return pinned, redirect


def _listed(fields: dict[str, str], pid: str) -> str:
    return ", ".join(f"{did} ({field} of {pid})" for field, did in sorted(fields.items()))


def conflict(existing: list[Decision], new: Decision, emptied: frozenset[str] = frozenset()) -> str | None:
    """Why `new`, appended after `existing`, would undo one of them; None when it undoes none.

    `emptied`: the projects whose every mention a new `split` takes (known from the database).
    """
    if new.error:
        return None
    pinned, redirect = pins(existing)
    if new.action in PINNED:
        pid = _resolve(new.projects[0], redirect)
        field = PINNED[new.action]
        earlier = pinned.get(pid, {}).get(field)
        if earlier:
            return (f"{earlier} already sets the {field} of {pid}: edit or delete it instead of adding "
                    "a second one (the last would win without a note)")
    elif new.action == "not_project":
        pid = _resolve(new.projects[0], redirect)
        if pinned.get(pid):
            return f"removing {pid} would undo {_listed(pinned[pid], pid)}: delete that decision first"
    elif new.action == "split":
        for pid in sorted(_resolve(p, redirect) for p in emptied):
            if pinned.get(pid):
                return (f"the split takes every mention of {pid}, so it would undo {_listed(pinned[pid], pid)}: "
                        "split out fewer mentions, or delete that decision first")
    elif new.action == "merge":
        keep = _resolve(new.projects[0], redirect)
        seen = dict(pinned.get(keep, {}))
        owner = dict.fromkeys(seen, keep)
        for other in (_resolve(p, redirect) for p in new.projects[1:]):
            if other == keep:
                continue
            for field, did in sorted(pinned.get(other, {}).items()):
                if field in seen:
                    return (f"{seen[field]} ({field} of {owner[field]}) and {did} ({field} of {other}) would meet "
                            f"in one project and one would be dropped: delete one of them first")
                seen[field], owner[field] = did, other
    return None

"""Review commands: the report, and writing reconciliation decisions.

    python -m pipeline report [--db PATH] [--out DIR]
    python -m pipeline decide merge P1 P2 [P3 ...] [--note TEXT]
    python -m pipeline decide split MENTION_REF [MENTION_REF ...] [--name NAME] [--note TEXT]
    python -m pipeline decide rename P --name NAME [--note TEXT]
    python -m pipeline decide not-project P [--note TEXT]
    python -m pipeline decide amount P VALUE [--qualifier exact|approx|min|max] [--note TEXT]

Every `decide` takes `--decisions PATH` (default: reconciliation.yaml at the project root)
and `--db PATH` (default: extracted/projects.db): when the database exists, the ids and
mention references are checked against it before anything is written, and every message
names it. A decision that would undo one already in the file (a second amount for one
project, a split that empties a renamed project, ...) is refused with the reason (see
review/decision_conflicts.py). A mention is
named `<article_id>:<name>` (see pipeline/review/decision_format.py); a bare number is taken as a
`mentions.id` of that database and written in the stable form. Decisions take effect
at the next run. Errors: one line on stderr, exit 2.

Wired into `python -m pipeline` through cli.PLUGINS (`register(subparsers)`); runs on
its own as `python -m pipeline.review.cli ...` too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
from pathlib import Path

from pipeline.db import read_only
from pipeline.reconcile.names import joined
from pipeline.review import decisions
from pipeline.review.decision_format import QUALIFIERS, SPAN_REF, DecisionError, make_entry, mention_ref, normalize_ref
from pipeline.paths import PROJECT_ROOT

DEFAULT_DB = PROJECT_ROOT / "extracted" / "projects.db"
DEFAULT_OUT = PROJECT_ROOT / "extracted" / "report"
COMMANDS = ("report", "decide")


class UsageError(Exception):
    pass


def register(sub) -> None:
    """cli.PLUGINS protocol: add the commands, each handled by `run`."""
    add_commands(sub)


def add_commands(sub) -> None:
    """Add `report` and `decide` to the subparsers of `python -m pipeline`."""
    rep = sub.add_parser("report", help="write the review report (HTML + CSV) from the database")
    rep.set_defaults(func=run)
    rep.add_argument("--db", default=str(DEFAULT_DB), help="the database to review (default: extracted/projects.db)")
    rep.add_argument("--out", default=str(DEFAULT_OUT), help="folder for report.html and the CSV files "
                                                             "(default: extracted/report)")
    dec = sub.add_parser("decide", help="record a reconciliation decision in reconciliation.yaml")
    dec.set_defaults(func=run)
    acts = dec.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, help: str) -> argparse.ArgumentParser:
        a = acts.add_parser(name, help=help)
        a.add_argument("--decisions", default=str(decisions.DEFAULT_PATH),
                       help="the decisions file (default: reconciliation.yaml at the project root)")
        a.add_argument("--db", default=str(DEFAULT_DB),
                       help="database to check ids against, when it exists (default: extracted/projects.db)")
        a.add_argument("--note", help="why: kept with the decision and shown in the report")
        return a

    a = action("merge", "these projects are one: the first keeps its id")
    a.add_argument("projects", nargs="+", metavar="PROJECT_ID")
    a = action("split", "take these mentions out into a new project")
    a.add_argument("mentions", nargs="+", metavar="MENTION_REF", help="'<article_id>:<name>', or a mentions.id")
    a.add_argument("--name", help="name of the new project (default: the mention's name)")
    a = action("rename", "give a project another canonical name (the old one becomes an alias)")
    a.add_argument("project", metavar="PROJECT_ID")
    a.add_argument("--name", required=True)
    a = action("not-project", "this is not a project: drop it and its mentions")
    a.add_argument("project", metavar="PROJECT_ID")
    a = action("amount", "set a project's amount (millions of euros; 'none' clears it)")
    a.add_argument("project", metavar="PROJECT_ID")
    a.add_argument("value", metavar="VALUE")
    a.add_argument("--qualifier", choices=QUALIFIERS, default=None, help="default: exact")


def _open(db: str, stack: contextlib.ExitStack) -> sqlite3.Connection | None:
    """A read-only connection to the database at `db`, closed with `stack`; None when there is no file."""
    path = Path(db)
    if not path.is_file():
        return None
    try:
        conn = stack.enter_context(read_only(path))
        conn.execute("select 1 from projects limit 1")
        return conn
    except sqlite3.Error:
        raise UsageError(f"{db} is not a readable pipeline database (use --db)") from None


def _check_projects(conn: sqlite3.Connection, ids: list[str], db: str) -> None:
    known = {r[0] for r in conn.execute(
        f"select id from projects where id in ({','.join('?' * len(ids))})", ids)}
    missing = [p for p in ids if p not in known]
    if missing:
        raise UsageError(f"unknown project id in {db}: {', '.join(missing)} (see projects.id in the report; "
                         "--db names the database to check)")


def _emptied(conn: sqlite3.Connection | None, refs: list[str]) -> frozenset[str]:
    """The projects of the database whose every mention these references name: a split of
    them leaves them empty (and removed)."""
    if conn is None:
        return frozenset()
    taken: dict[str, int] = {}
    for ref in refs:
        aid, rest = normalize_ref(ref).split(":", 1)
        span = SPAN_REF.match(rest)
        for pid, name, start, end, occ in conn.execute(
                "select project_id, name, start, end, occurrences from mentions where article_id = ?", (aid,)):
            spans = {(start, end), *(tuple(o) for o in json.loads(occ or "[]"))}
            if (span and (int(span.group(1)), int(span.group(2))) in spans) or (not span and joined(name) == rest):
                taken[pid] = taken.get(pid, 0) + 1
    return frozenset(pid for pid, n in taken.items()
                     if conn.execute("select count(*) from mentions where project_id = ?", (pid,)).fetchone()[0] <= n)


def _resolve_mentions(conn: sqlite3.Connection | None, refs: list[str], db: str) -> list[str]:
    out = []
    for ref in refs:
        if ref.isdigit():
            if conn is None:
                raise UsageError(f"mention {ref}: a mentions.id needs the database (--db)")
            row = conn.execute("select article_id, name from mentions where id = ?", (int(ref),)).fetchone()
            if row is None:
                raise UsageError(f"no mention with id {ref} in {db}")
            out.append(mention_ref(row[0], row[1]))
            continue
        try:
            norm = normalize_ref(ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if conn is not None:
            aid, rest = norm.split(":", 1)
            rows = conn.execute("select name, start, end, occurrences from mentions where article_id = ?", (aid,)).fetchall()
            if not rows and conn.execute("select 1 from articles where id = ?", (aid,)).fetchone() is None:
                raise UsageError(f"mention {ref}: no article {aid} in {db}")
            span = SPAN_REF.match(rest)
            hit = False
            for name, start, end, occ in rows:
                spans = {(start, end), *(tuple(o) for o in json.loads(occ or "[]"))}
                if (span and (int(span.group(1)), int(span.group(2))) in spans) or (not span and joined(name) == rest):
                    hit = True
            if not hit:
                names = "; ".join(sorted({r[0] for r in rows}))[:300]
                raise UsageError(f"mention {ref}: not found in article {aid} of {db} (its mentions: {names or 'none'})")
        out.append(ref.strip())
    return out


def cmd_decide(args) -> int:
    with contextlib.ExitStack() as stack:
        conn = _open(args.db, stack)
        fields: dict = {"note": args.note}
        if args.action == "merge":
            fields["projects"] = args.projects
        elif args.action == "split":
            fields["mentions"] = args.mentions
            fields["name"] = args.name
        else:
            fields["projects"] = [args.project]
            if args.action == "rename":
                fields["name"] = args.name
            if args.action == "amount":
                fields["value"] = None if args.value.strip().lower() in ("none", "null", "") else args.value
                if fields["value"] is None and args.qualifier:
                    raise UsageError("a --qualifier without a value")
                fields["qualifier"] = args.qualifier
        # the entry's shape first (same messages as for the file), then its ids against the database
        if args.action == "split":
            fields["mentions"] = _resolve_mentions(conn, args.mentions, args.db)
        make_entry(args.action, **fields)  # the entry's shape first: the same messages as for the file
        if conn is not None and fields.get("projects"):
            _check_projects(conn, list(fields["projects"]), args.db)
        emptied = _emptied(conn, fields["mentions"]) if args.action == "split" else frozenset()
    entry, how = decisions.decide(args.decisions, args.action, emptied=emptied, **fields)
    target = " ".join(entry.get("projects") or entry.get("mentions") or [entry.get("project", "")])
    checked = f"ids checked against {args.db}" if conn is not None else f"ids not checked: no database at {args.db}"
    print(f"{how} {entry['id']}: {args.action} {target} -> {args.decisions} ({checked}); applied at the next run")
    return 0


def cmd_report(args) -> int:
    from pipeline.review.report import build

    path = build(args.db, args.out)
    print(f"report: {path} (CSV files beside it)")
    return 0


def run(args) -> int:
    """Run a `report` or `decide` command parsed by `python -m pipeline`; one-line errors, exit 2."""
    from pipeline.review.report import ReportError

    try:
        if args.command == "report":
            return cmd_report(args)
        return cmd_decide(args)
    except (UsageError, DecisionError, ReportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    from pipeline.cli import Parser

    p = Parser(prog="python -m pipeline", description="Review what the pipeline reconciled.")
    add_commands(p.add_subparsers(dest="command", required=True, parser_class=Parser))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

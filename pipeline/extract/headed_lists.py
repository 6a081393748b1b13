"""Layouts of real press pages that name the carrier or the building first.

- "<Organisation>. — <Project title>" headings, a description below each;
- list items "- <Organisation> : <what it will do>" (see org_headed.py for the split);
- lists of buildings after "N M€ pour la rénovation de 30 bâtiments :", each item both the
  project's name and its carrier;
- budget tables (appropriations by action and title), whose rows are no laureates.
"""

from __future__ import annotations

import re

from pipeline.extract.context import Candidate, ExtractionContext, dedupe, strip_span
from pipeline.extract.org_headed import project_end, split_head
from pipeline.extract.organizations import load_gazetteer
from pipeline.extract.phrases import is_trap
from pipeline.extract.segment import Line, item_body
from pipeline.text import fold


def head_of(ctx: ExtractionContext, a: int, b: int) -> tuple[list[str], int] | None:
    """(carriers, start of the project) when text[a:b] opens with organisations and a separator."""
    return split_head(ctx.text, a, b, ctx.org_spans(), load_gazetteer().resolve)


def after_head(ctx: ExtractionContext, head: tuple[list[str], int], end: int) -> tuple[int, int, list[str]] | None:
    a = head[1]
    x, y = strip_span(ctx.text, a, project_end(ctx.text, a, end))
    return (x, y, []) if y > x and len(ctx.text[x:y].split()) <= 30 else None


def carriers_of_head(ctx: ExtractionContext, head: tuple[list[str], int]) -> list[str]:
    inst = {x.name for x in ctx.institutions}
    ctx.unlisted.update(c for c in head[0] if c in inst)
    return dedupe(head[0])


def org_headed_lines(ctx: ExtractionContext) -> list[Candidate]:
    """Headings "<Organisation>. — <Project title>" outside lists (a laureate per heading,
    its description below)."""
    out: list[Candidate] = []
    for k, ln in enumerate(ctx.lines):
        if k in ctx.struct_lines or ln.kind not in ("heading", "para") or len(ln.text) > 300:
            continue
        if not re.search(r"[.\s][—–]\s", ln.text):
            continue
        head = head_of(ctx, ln.start, ln.end)
        if not head or ctx.text[head[1] - 3:head[1]].strip()[-1:] == ":":
            continue
        got = after_head(ctx, head, ln.end)
        if not got or is_trap(ctx, got[0], got[1]):
            continue
        out.append(Candidate(got[0], got[1], "org_headed_line", 0.85, carriers=carriers_of_head(ctx, head), scope=(ln.start, ln.end)))
        ctx.suppressed.append((ln.start, ln.end))
        ctx.struct_lines.add(k)
    return out


def works_items(ctx: ExtractionContext, items: list[Line]) -> list[Candidate]:
    """'12 M€ pour la rénovation de 30 bâtiments publics :' then one building per item: each
    item is the object of the works, so it names the project and, being a public body,
    carries it (a name the gazetteer lacks is kept as an unlisted organisation)."""
    out = []
    for it in items:
        x, y = strip_span(ctx.text, item_body(it), it.end)
        lead = re.match(r"(?:les?|la|l['’])\s*", ctx.text[x:y], re.I)
        if lead:
            x += lead.end()
        if y <= x or len(ctx.text[x:y].split()) > 16 or is_trap(ctx, x, y, allow_org=True):
            continue
        carriers = dedupe([i.name for i in ctx.institutions if x <= i.start and i.end <= y]
                          or [o.name for o in ctx.orgs_in(x, y)])
        if not carriers and ctx.text[x:x + 1].isalpha():
            name = ctx.text[x:y]
            carriers = [name[:1].upper() + name[1:]]
        ctx.unlisted.update(carriers)
        out.append(Candidate(x, y, "works_item", 0.75, carriers=carriers, scope=(it.start, it.end)))
        ctx.suppressed.append((it.start, it.end))
    return out


def is_works_intro(ctx: ExtractionContext, intro: Line | None) -> bool:
    return intro is not None and bool(ctx.lex.works_intro.search(fold(intro.text))) and bool(ctx.amounts_in(intro.start, intro.end))


def budget_table_rows(ctx: ExtractionContext) -> set[int]:
    """Rows of tables that a budget cue marks as appropriations (by action, by title)."""
    out: set[int] = set()
    block: list[int] = []
    for ln in ctx.lines + [None]:
        if ln is not None and ln.kind == "row":
            block.append(ln.index)
            continue
        if block and any(ctx.lex.budget_table.search(fold(ctx.lines[i].text)) for i in block):
            out.update(block)
        block = []
    return out

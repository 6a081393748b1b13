"""Project mentions read from an article's layout: title/carriers/description blocks, "Porteur du projet"
fiches, lists of laureates, table rows and "Name – 2 M€" lines, with the carriers their layout names."""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext, content_words, dedupe, org_coverage, split_acronym, strip_span
from pipeline.extract.dates import find_dates
from pipeline.extract.headed_sections import headed_sections, is_org_line, is_title_line
from pipeline.extract.headed_lists import after_head, body_after_cue, budget_table_rows, carriers_of_head, commune_of, dash_table_rows, head_of, is_works_intro, org_headed_lines, place_headed_items, works_items
from pipeline.extract.organizations import load_gazetteer
from pipeline.extract.phrases import is_place, is_trap
from pipeline.extract.segment import Line, item_body
from pipeline.text import fold

CUE = lexicon.cues()
_FIELD = re.compile(r"(?:- )?[^\W\d_][^:.\n]{0,40}?\s?:\s+\S")  # "Mesure : rénovation des …"


def _is_carrier_line(ctx: ExtractionContext, ln: Line) -> bool:
    """A line of carriers under a block's title: organisations from its first word.

    An item of a list of laureates ("- Name, porté par <org> ;") may be mostly organisation
    names too, but it begins with the project's name: read as the carriers of the item above
    it, it would lend that item its neighbour's carriers and take the neighbour out."""
    if not is_org_line(ctx, ln):
        return False
    if any(d.explicit_year and d.precision == "day" for d in find_dates(ln.text)):
        return False  # "Préfecture de X – Publié le <date>": a kicker under the title, not its carriers
    first = min(o.start for o in ctx.orgs_in(ln.start, ln.end))
    return CUE.line_lead.fullmatch(ctx.text[ln.start:first]) is not None




def structured(ctx: ExtractionContext) -> list[Candidate]:
    cands: list[Candidate] = []
    lines = ctx.lines
    n = len(lines)
    starts = []
    for i in range(n - 1):
        if is_title_line(ctx, lines[i]) and (_is_carrier_line(ctx, lines[i + 1]) or CUE.carrier_label.match(lines[i + 1].text)):
            starts.append(i)
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else n
        title = lines[i]
        carriers: list[str] = []
        amount = None
        j = i + 1
        # carrier, porteur and montant lines right after the title
        while j < stop and (j == i + 1 or CUE.carrier_label.match(lines[j].text) or CUE.amount_label.match(lines[j].text) or _is_carrier_line(ctx, lines[j])):
            ln = lines[j]
            pm = CUE.carrier_label.match(ln.text)
            found = layout_orgs(ctx, ln.start + pm.end(), ln.end) if pm else [o.name for o in ctx.orgs_in(ln.start, ln.end)]
            for name in found:
                if name not in carriers:
                    carriers.append(name)
            for ai in ctx.amounts_in(ln.start, ln.end):
                if ctx.roles.get(ai) in ("project", "each") and amount is None:
                    amount = ctx.amounts[ai]
            j += 1
        # the description runs until a heading that does not end with ":" (or the next block);
        # a fiche's field ("Mesure : …", "Gain attendu : 52 %") is no heading, so "Montant : N"
        # after it is still read
        last = j - 1
        while j < stop and not (lines[j].kind == "heading" and not lines[j].text.rstrip().endswith(":")
                                and not _FIELD.match(lines[j].text)):
            last = j
            ln = lines[j]
            if amount is None and CUE.amount_label.match(ln.text):
                for ai in ctx.amounts_in(ln.start, ln.end):
                    amount = ctx.amounts[ai]
            j += 1
        a0 = item_body(title) if title.kind == "item" else title.start
        a, b = strip_span(ctx.text, a0, title.end)
        label = CUE.name_label.match(ctx.text, a, b)
        if label:
            a = label.end()  # a fiche's "Projet : X" is named X
        tail_amount = [ai for ai in ctx.amounts_in(a, b) if ctx.roles.get(ai) == "project"]
        if tail_amount:
            if amount is None:
                amount = ctx.amounts[tail_amount[0]]
            a, b = strip_span(ctx.text, a, ctx.amounts[tail_amount[0]].start)
        b2, acr = split_acronym(ctx.text, a, b)
        name_end = b2 if acr else b
        if is_trap(ctx, a, name_end):
            continue
        c = Candidate(a, name_end, "block", 0.9, acronym=acr, aliases=_parts(ctx.text[a:name_end]), amount=amount,
                 carriers=carriers, scope=(title.start, lines[last].end))
        cands.append(c)
        ctx.suppressed.append((title.start, lines[last].end))
        ctx.struct_lines.update(range(i, last + 1))
    cands += headed_sections(ctx)
    cands += dash_table_rows(ctx)
    cands += org_headed_lines(ctx)
    cands += _lists(ctx)
    cands += _rows(ctx)
    cands += _amount_lines(ctx)
    return cands


def _amount_lines(ctx: ExtractionContext) -> list[Candidate]:
    """Consecutive lines 'Name – 13,9 M€' (a list of laureates without bullets)."""
    found: list[tuple[int, Candidate]] = []
    for k, ln in enumerate(ctx.lines):
        if k in ctx.struct_lines or ln.kind not in ("heading", "para") or len(ln.text) > 220:
            continue
        ams = [ai for ai in ctx.amounts_in(ln.start, ln.end) if ctx.roles.get(ai) in ("project", "each")]
        if len(ams) != 1:
            continue
        am = ctx.amounts[ams[0]]
        if ctx.text[am.end:ln.end].strip(" .;") or not re.search(r"\s[–—:-]\s*$|\s\($", ctx.text[ln.start:am.start]):
            continue
        a, b = strip_span(ctx.text, ln.start, am.start)
        b2, acr = split_acronym(ctx.text, a, b)
        if b <= a or is_trap(ctx, a, b2 if acr else b):
            continue
        found.append((k, Candidate(a, b2 if acr else b, "name_amount_line", 0.8, acronym=acr, amount=am, scope=(ln.start, ln.end))))
    out = []
    for idx, (k, c) in enumerate(found):
        near = (idx > 0 and found[idx - 1][0] == k - 1) or (idx + 1 < len(found) and found[idx + 1][0] == k + 1)
        if near:  # a lone "Enveloppe : 80 M€" is a figure, not a list
            out.append(c)
            ctx.suppressed.append(c.scope)
            ctx.struct_lines.add(k)
    return out


def _parts(name: str) -> list[str]:
    """Other names inside a name: 'A : B' -> A, B; 'A (Other Name)' -> Other Name."""
    out: list[str] = []
    for sep in (" : ", " – ", " — ", " - "):
        if sep in name:
            for p in name.split(sep):
                p = p.strip(" ,;.")
                if len(content_words(p)) >= 1 and p != name and p not in out:
                    out.append(p)
    for m in re.finditer(r"\(([^()]{3,60})\)", name):
        inner = m.group(1).strip()
        if inner[:1].isupper() and inner not in out:
            out.append(inner)
    return out


def item_name(ctx: ExtractionContext, a: int, b: int) -> tuple[int, int, list[str]] | None:
    """Where the name of a list item or a 'Name : description' line ends."""
    seg = ctx.folded[a:b]
    raw = ctx.text[a:b]
    cut = len(raw)
    m = ctx.lex.name_end.search(seg)
    if m:
        cut = m.start()
    cue = ctx.lex.carrier_cue.search(seg)
    if cue and cue.start() > 0:
        cut = min(cut, cue.start())  # "Name déposé par ORG :": the carrier is no part of the name
    for ai in ctx.amounts_in(a, b):
        cut = min(cut, ctx.amounts[ai].start - a)
    aliases: list[str] = []
    found = sorted((raw.find(sep), sep) for sep in (" : ", " – ", " — ", " - ", " -- ") if 0 < raw.find(sep) < cut)
    for idx, sep in found[:1]:
        if 0 < idx < cut:
            rest_end = cut
            rest = raw[idx + len(sep):rest_end].strip(" ,;.")
            if sep == " : " and rest and rest[:1].isupper() and len(rest.split()) <= 5 and not ctx.lex.name_end.search(", " + fold(rest)):
                aliases += [raw[:idx].strip(), rest]
                break
            cut = idx
            break
    x, y = strip_span(ctx.text, a, a + cut)
    paren = re.search(r"\s*\(([^()]+)\)$", ctx.text[x:y])
    if paren and org_coverage(ctx, x + paren.start(1), x + paren.end(1)) >= 0.6:
        y = x + paren.start()  # "Beta Connect (ministère de la Culture)": the carrier is no part of the name
    q = re.fullmatch(r"[«“\"]\s*(.+?)\s*[»”\"]", ctx.text[x:y])
    if q:
        x, y = x + q.start(1), x + q.end(1)
    if y <= x or len(ctx.text[x:y].split()) > 22:
        return None
    return x, y, aliases


_PARAGRAPH_WORDS = 25
_NAME_SEPARATOR = re.compile(r"\s[:–—-]\s|\(")


def _paragraph_items(ctx: ExtractionContext, items: list[Line]) -> bool:
    """Items that are paragraphs, not entries: "12. Créé en 2018, le fonds a vu ses crédits …",
    "14. Le rapporteur a examiné trois projets …" (a report's numbered paragraphs, which the
    cleaner writes as a list). Most of them long, with no name set apart at their start (by a
    colon, a dash or a parenthesis) as an entry of a list of projects has ("X : …", "X (N €)")."""
    long = [it for it in items if len(ctx.text[it.start:it.end].split()) >= _PARAGRAPH_WORDS
            and not _NAME_SEPARATOR.search(ctx.text, item_body(it), min(it.end, item_body(it) + 60))]
    return len(items) >= 2 and len(long) * 3 >= len(items) * 2


def _list_intro(ctx: ExtractionContext, li: int) -> Line | None:
    return ctx.lines[li - 1] if li > 0 and ctx.lines[li - 1].kind != "item" else None


def _lists(ctx: ExtractionContext) -> list[Candidate]:
    out: list[Candidate] = []
    lines = ctx.lines
    i = 0
    while i < len(lines):
        if lines[i].kind != "item" or i in ctx.struct_lines:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind == "item" and j not in ctx.struct_lines:
            j += 1
        items = lines[i:j]
        intro = _list_intro(ctx, i)
        fi = fold(intro.text) if intro else ""
        with_amount = sum(1 for it in items if any(ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(it.start, it.end)))
        is_projects = bool(intro and ctx.lex.list_intro.search(fi) and not ctx.lex.non_project_list.search(fi)) or with_amount * 2 > len(items)
        if intro and ctx.lex.non_project_list.search(fi) and with_amount * 2 <= len(items):
            is_projects = False
        if intro is not None and CUE.financing_plan.search(fi):
            # "Le plan de financement est arrêté comme suit :": each item is a funder and its share
            ctx.suppressed += [(it.start, it.end) for it in items]
            ctx.struct_lines.update(range(i, j))
            i = j
            continue
        if is_works_intro(ctx, intro):
            out += works_items(ctx, items)
            ctx.struct_lines.update(range(i, j))
            i = j
            continue
        if _paragraph_items(ctx, items):
            i = j  # numbered paragraphs of a report: the sentence rules read them as the prose they are
            continue
        by_place = place_headed_items(ctx, items)
        if by_place is not None:
            out += by_place
            ctx.struct_lines.update(range(i, j))
            i = j
            continue
        heads = {k: head_of(ctx, it.start, it.end) for k, it in enumerate(items)}
        if sum(1 for h in heads.values() if h) >= 2:
            is_projects = True  # "- <administration> : <project>" items
        each = None
        if intro is not None:
            for ai in ctx.amounts_in(intro.start, intro.end):
                if ctx.amounts[ai].each:
                    each = ctx.amounts[ai]
        if is_projects:
            for k, it in enumerate(items):
                head = heads[k]
                got = after_head(ctx, head, it.end) if head else item_name(ctx, item_body(it), it.end)
                if not got:
                    continue
                a, b, aliases = got
                b2, acr = split_acronym(ctx.text, a, b)
                if is_trap(ctx, a, b2 if acr else b):
                    continue
                amount = None
                for ai in ctx.amounts_in(it.start, it.end):
                    if ctx.roles.get(ai) in ("project", "each"):
                        amount = ctx.amounts[ai]
                        break
                carriers = carriers_of_head(ctx, head) if head else dedupe([o.name for o in ctx.orgs_in(it.start, it.end)])
                if not carriers:
                    carriers = body_after_cue(ctx, b, it.end)
                out.append(Candidate(a, b2 if acr else b, "list_item", 0.85, acronym=acr,
                                aliases=aliases + _parts(ctx.text[a:b]), amount=amount or each, carriers=carriers,
                                scope=(it.start, it.end)))
                ctx.suppressed.append((it.start, it.end))
            ctx.struct_lines.update(range(i, j))
        i = j
    return out




def _header_unit(header: str) -> float | None:
    """Multiplier to M€ that a table's amount header states ("Montant (M€)", "en k€", "(€)")."""
    f = fold(header)
    if CUE.header_unit_million.search(f):
        return 1.0
    if CUE.header_unit_thousand.search(f):
        return 0.001
    if CUE.header_unit_euro.search(f):
        return 1e-6
    return None


def _bare_number(ctx: ExtractionContext, a: int, b: int, unit: float):
    """A cell holding a number only ("1,8") under a header that gives the unit."""
    from pipeline.extract.amounts import Amount

    m = re.fullmatch(r"\s*(\d{1,3}(?:[ \u00a0\u202f]?\d{3})*|\d+)(?:[,.](\d+))?\s*", ctx.text[a:b])
    if not m:
        return None
    whole = re.sub(r"\D", "", m.group(1))
    value = float(f"{whole}.{m.group(2) or 0}") * unit
    lo = a + m.start(1)
    hi = a + (m.end(2) if m.group(2) else m.end(1))
    return Amount(start=lo, end=hi, value=round(value, 6), qualifier="exact", number_start=lo)


def _rows(ctx: ExtractionContext) -> list[Candidate]:
    out: list[Candidate] = []
    cols: dict[str, int] | None = None
    unit: float | None = None
    budget = budget_table_rows(ctx)
    for ln in ctx.lines:
        if ln.kind != "row" or ln.index in budget:
            cols = None
            continue
        cells = []
        # a Markdown row ("| A | B |") has outer pipes: they belong to no cell
        lead = re.match(r"\s*\|?\s*", ln.text).end()
        body = re.sub(r"\s*\|?\s*$", "", ln.text[lead:])
        pos = ln.start + lead
        for part in body.split(" | "):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 3
        fcells = [fold(ctx.text[a:b]) for a, b in cells]
        if any(CUE.header_name.search(c) for c in fcells) and not ctx.amounts_in(ln.start, ln.end):
            cols = {}
            unit = None
            for k, c in enumerate(fcells):
                if CUE.header_amount.search(c) and "amount" not in cols:
                    cols["amount"] = k
                    unit = _header_unit(ctx.text[cells[k][0]:cells[k][1]])
                elif CUE.ministry_column.search(c) and "ministry" not in cols:
                    cols["ministry"] = k
                elif CUE.header_carrier.search(c) and "carrier" not in cols:
                    cols["carrier"] = k
                    if CUE.commune_column.match(c):
                        cols["communes"] = k
                elif CUE.header_name.search(c) and "name" not in cols:
                    cols["name"] = k
            ctx.suppressed.append((ln.start, ln.end))
            continue
        name_k = cols.get("name") if cols else None
        if cols is None and not ctx.amounts_in(ln.start, ln.end):
            continue  # a row of a table without a header and without an amount is layout, not a laureate
        if name_k is None:
            for k, (a, b) in enumerate(cells):
                if ctx.amounts_in(a, b) or org_coverage(ctx, a, b) >= 0.5 or not re.search(r"[^\W\d_]{3}", ctx.text[a:b]):
                    continue
                name_k = k
                break
        if name_k is None or name_k >= len(cells):
            continue
        a, b = strip_span(ctx.text, *cells[name_k])
        got = item_name(ctx, a, b)
        if got:
            a, b = got[0], got[1]
        b2, acr = split_acronym(ctx.text, a, b)
        if is_trap(ctx, a, b2 if acr else b):
            continue
        amount = None
        for ai in ctx.amounts_in(ln.start, ln.end):
            if ctx.roles.get(ai) in ("project", "each", "total"):
                amount = ctx.amounts[ai]
                break
        if amount is None and cols and "amount" in cols and unit and cols["amount"] < len(cells):
            amount = _bare_number(ctx, *cells[cols["amount"]], unit)
        carriers = dedupe([o.name for o in ctx.orgs_in(ln.start, ln.end) if not (a <= o.start < b)])
        if cols and "communes" in cols and cols["communes"] < len(cells) and not ctx.orgs_in(*cells[cols["communes"]]):
            place = ctx.text[slice(*strip_span(ctx.text, *cells[cols["communes"]]))]
            if place[:1].isupper() and not fold(place).startswith("commune"):
                commune = commune_of(place)
                ctx.unlisted.add(commune)
                carriers = dedupe([commune] + carriers)
        elif cols and "carrier" in cols and cols["carrier"] < len(cells):
            carriers = dedupe(layout_orgs(ctx, *cells[cols["carrier"]]) + carriers)
        if cols and "ministry" in cols and cols["ministry"] < len(cells):
            ma, mb = cells[cols["ministry"]]
            if not ctx.orgs_in(ma, mb):
                found = load_gazetteer().ministry_by_words(ctx.text[ma:mb], ctx.year)
                if found and found not in carriers:
                    carriers.append(found)
        out.append(Candidate(a, b2 if acr else b, "table_row", 0.85, acronym=acr, aliases=_parts(ctx.text[a:b]),
                        amount=amount, carriers=carriers, scope=(ln.start, ln.end)))
        ctx.suppressed.append((ln.start, ln.end))
    return out


def layout_orgs(ctx: ExtractionContext, a: int, b: int) -> list[str]:
    """Organisations of a span that layout says holds carriers (a table's carrier cell, a
    'Porteur du projet :' line): gazetteer names, and for each part the gazetteer lacks
    ("Commune de Millau", "Direction régionale … (DREAL) Provence-Alpes-Côte d'Azur"), the
    part itself, recorded as an unlisted organisation."""
    out: list[str] = []
    text = ctx.text
    parts, depth, start = [], 0, a
    i = a
    while i < b:
        c = text[i]
        depth += (c == "(") - (c == ")")
        if depth == 0:
            for sep in (" – ", " — ", ", ", " / ", " ; ", " et "):
                if text.startswith(sep, i):
                    parts.append((start, i))
                    start = i + len(sep)
                    i += len(sep) - 1
                    break
        i += 1
    parts.append((start, b))
    for x, y in parts:
        x, y = strip_span(text, x, y)
        if y <= x:
            continue
        inside = ctx.orgs_in(x, y)
        out += [o.name for o in inside]
        # what the gazetteer did not cover, without parentheses naming a known parent
        rest = text[x:y]
        for o in sorted(inside, key=lambda o: -o.start):
            rest = rest[:o.start - x] + " " * (o.end - o.start) + rest[o.end - x:]
        rest = re.sub(r"\(\s*\)", " ", rest)
        rest_words = content_words(rest)
        if inside and len(rest_words) <= 1:
            continue
        name = re.sub(r"\s*\([^()]*\)\s*$", "", text[x:y]).strip(" ,;:")
        name = CUE.ministry_note.sub("", name).strip()
        if name[:1].isupper() and len(name.split()) >= 2 and org_coverage(ctx, x, x + len(name)) < 0.6 and not is_place(name):
            out.append(name)
            ctx.unlisted.add(name)
    return dedupe(out)

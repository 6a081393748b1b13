"""Layouts of real press pages that name the carrier or the building first.

- "<Organisation>. — <Project title>" headings, a description below each;
- list items "- <Organisation> : <what it will do>" (see org_headed.py for the split);
- list items "- <Commune> : <works> – <amount>", a prefecture's grants by commune: the place is
  the carrier (its commune), the works the project;
- lists of buildings after "N M€ pour la rénovation de 30 bâtiments :", each item both the
  project's name and its carrier;
- budget tables (appropriations by action and title), whose rows are no laureates;
- tables written as text, cells split by dashes ("<Commune> — <works> — <amount>").
"""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.dates import find_dates
from pipeline.extract.context import Candidate, ExtractionContext, dedupe, strip_span
from pipeline.extract.org_headed import project_end, split_head
from pipeline.extract.organizations import load_gazetteer
from pipeline.extract.phrases import is_trap, named_by_kind, zipf
from pipeline.extract.segment import Line, item_body
from pipeline.text import STOP_WORDS, fold

CUE = lexicon.cues()


def head_of(ctx: ExtractionContext, a: int, b: int) -> tuple[list[str], int] | None:
    """(carriers, start of the project) when text[a:b] opens with organisations and a separator."""
    return split_head(ctx.text, a, b, ctx.org_spans(), load_gazetteer().resolve)


def after_head(ctx: ExtractionContext, head: tuple[list[str], int], end: int) -> tuple[int, int, list[str]] | None:
    a = head[1]
    x, y = strip_span(ctx.text, a, project_end(ctx.text, a, end))
    return (x, y, []) if y > x and len(ctx.text[x:y].split()) <= 30 else None


# A French commune's name as it is written: "Saint-Xxx", or capitalised words joined by hyphens
# around a particle ("Xxx-la-Yyy", "Xxx-sur-Yyy", "Xxx-le-Vieil"), an article before it or not.
_TOPONYM = re.compile(
    r"(?:(?:La|Le|Les|L['’])\s?)?(?:Saint|Sainte|Saints|Saintes|[A-ZÀ-Ý][\w'’]+)"
    r"(?:-(?:(?:la|le|les|l['’]|sur|sous|de|des|du|d['’]|en|lès|lez|et|aux|au|près)-?)?[A-ZÀ-Ý][\w'’]*)+")
_HEAD_SEP = re.compile(r"\s+:\s+|\s+[–—]\s+")


def place_head(ctx: ExtractionContext, item: Line) -> tuple[str, int] | None:
    """(place, start of the works) when a list item reads "<Commune> : <works>": the head is
    a toponym by its form ("Loiron-le-Bois", "Saint-Aubin") or a place for the model (LOC),
    and the works open in lower case, a noun without article ("rénovation de …"), as a
    title does: "Data-Forêts : un outil de …" names a project, not a place."""
    a = item_body(item)
    sep = _HEAD_SEP.search(ctx.text, a, min(item.end, a + 60))
    if sep is None or sep.start() <= a:
        return None
    place = ctx.text[a:sep.start()].strip()
    rest = ctx.text[sep.end():item.end]
    first = re.match(r"[^\W\d_]+", rest)
    if first is None or not first.group().islower() or fold(first.group()) in STOP_WORDS:
        return None
    if not (_TOPONYM.fullmatch(place) or _is_loc(ctx, a, sep.start())):
        return None
    return place, sep.end()


def _is_loc(ctx: ExtractionContext, a: int, b: int) -> bool:
    for si, doc in ctx.docs.items():
        s = ctx.sents[si]
        if s.start <= a and b <= s.end:
            return any(e.label_ == "LOC" and s.start + e.start_char == a and s.start + e.end_char == b
                       for e in doc.ents)
    return False


def place_headed_items(ctx: ExtractionContext, items: list[Line]) -> list[Candidate] | None:
    """The items of a list by commune, when most items open with a place (two at least); else None."""
    heads = [place_head(ctx, it) for it in items]
    if sum(1 for h in heads if h) < 2:
        return None
    # an intercommunality among the communes: "- Communauté de communes du Val : …"
    org_heads = [None if h else head_of(ctx, item_body(it), it.end) for it, h in zip(items, heads)]
    if sum(1 for h in heads if h) + sum(1 for h in org_heads if h) < len(items) // 2 + 1:
        return None
    out = []
    for it, head, org_head in zip(items, heads, org_heads):
        if head is None and org_head is None:
            continue
        place, a = head or ("", org_head[1])
        own = ctx.amounts_in(a, it.end)
        b = min([it.end] + [ctx.amounts[ai].start for ai in own])
        x, y = strip_span(ctx.text, a, project_end(ctx.text, a, b))
        y = x + len(ctx.text[x:y].rstrip(" –—-:;,"))
        if y <= x or len(ctx.text[x:y].split()) > 30 or is_trap(ctx, x, y):
            continue
        # the item's own amount, even one the sentence rules read as a total ("dans 14 communes
        # – 1,2 M€"): one line, one grant
        amount = next((ctx.amounts[ai] for role in ("project", "each", "total") for ai in own
                       if ctx.roles.get(ai) == role), None)
        if head:
            carriers = [commune_of(place)]
            ctx.unlisted.update(carriers)
        else:
            carriers = carriers_of_head(ctx, org_head)
        out.append(Candidate(x, y, "list_item", 0.85, amount=amount, carriers=carriers, scope=(it.start, it.end)))
        ctx.suppressed.append((it.start, it.end))
    return out


# a town as written: capitalised words, hyphenated or joined by the small words of French place
# names ("Vallière-d'en-Haut", "Saint-Priest-des-Landes", "Montval-sur-Loir", "Le Mans")
TOWN_PATTERN = r"[A-ZÀ-Ý][\w’'-]*(?:[ -](?:[A-ZÀ-Ý][\w’'-]*|de|du|des|d['’]|la|le|les|l['’]|sur|en|aux?)){0,4}"


def commune_of(place: str) -> str:
    """The carrier a bare place name stands for: the body the gazetteer knows by it, else its commune."""
    found = load_gazetteer().resolve(place)
    if found:
        return found  # "Communauté de communes du Val : …" is an organisation the gazetteer knows
    return ("Commune d'" if fold(place)[:1] in "aeiouyh" else "Commune de ") + place


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
        if any(d.explicit_year for d in find_dates(ctx.text[got[0]:ln.end])):
            continue  # "Région X – Service de presse – 12 mai 2022": a kicker, not a laureate
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


# a paragraph opened by a place and a full stop, as regional dailies list a canton's grants
# ("Bourg-le-Haut. La réfection du lavoir …"): a toponym, or one capitalised word that is no common word
_PLACE_LEAD = re.compile(r"((?:(?:La|Le|Les|L['’])\s?)?[A-ZÀ-Ý][\w'’]+(?:-[\w'’]+)*)\.\s+(?=[A-ZÀ-Ý«])")


def place_paragraph_carriers(ctx: ExtractionContext, cands: list[Candidate]) -> None:
    """Projects without a carrier in paragraphs that each open with a commune's name are that
    commune's. Only when two paragraphs at least open that way: one "Calendrier." is a heading."""
    leads = {}
    for ln in ctx.lines:
        m = _PLACE_LEAD.match(ctx.text, ln.start, ln.end)
        if not m:
            continue
        place = m.group(1)
        if _TOPONYM.fullmatch(place) or (" " not in place and "-" not in place and zipf(place) < 2.5
                                         and load_gazetteer().resolve(place) is None):
            leads[ln.start] = (ln, place)
    if len(leads) < 2:
        return
    for ln, place in leads.values():
        for c in cands:
            if c.carriers or not (ln.start <= c.start < ln.end):
                continue
            c.carriers = [commune_of(place)]
            ctx.unlisted.update(c.carriers)


_NAME_JOINERS = {"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "sur", "en", "et", "&", "-"}


def body_name_length(written: str) -> int:
    """How much of `written` is a body's name: its kind in lower case, then its own capitalised
    words and the small words between them, up to the first other lower-case word."""
    end, named = 0, False
    for m in re.finditer(r"\S+", written):
        word = m.group(0)
        own = re.sub(r"^(?:d|l)['’]", "", word)  # "l'Avance", "d'Armor"
        if own[:1].isupper() or own[:1].isdigit():
            named, end = True, m.end()
        elif named and fold(word) not in _NAME_JOINERS:
            break
        elif not named:
            end = m.end()
    return end


def body_after_cue(ctx: ExtractionContext, a: int, b: int) -> list[str]:
    """The body a carrier cue names in text[a:b] when the gazetteer does not know it: "…, porté par
    le syndicat d'énergie des Côtes-d'Armor : N" (a kind of body and its own name), kept as written
    and recorded as unlisted."""
    cue = ctx.lex.carrier_cue.search(ctx.folded, a, b)
    if not cue:
        return []
    stops = [k for k in (ctx.folded.find(":", cue.end(), b), ctx.folded.find(",", cue.end(), b),
                         ctx.folded.find(";", cue.end(), b)) if k >= 0]
    stops += [ctx.amounts[ai].start for ai in ctx.amounts_in(cue.end(), b)]
    x, y = strip_span(ctx.text, cue.end(), min(stops, default=b))
    y = x + body_name_length(ctx.text[x:y])  # "… Creuse Sud-Est Vallées a elle aussi été retenue": the verb is no part of it
    body = ctx.text[x:y]
    if y <= x or len(body.split()) > 12 or not named_by_kind(ctx, body):
        return []
    return [ctx.unlisted_body(body)]


_DASH_CELL = re.compile(r"\s+[–—]\s+")
_NUMBERED = re.compile(r"\s*(?:\d{1,2}|[IVX]{1,4})\s*[.)/]\s+")


def dash_table_rows(ctx: ExtractionContext) -> list[Candidate]:
    """Tables written as text, their cells split by dashes, a prefecture's list of grants:
    "Bénéficiaire — Opération — Subvention" then "<Commune> — <works> — <amount>" lines.

    A run of two lines at least, each of three cells or more, the last of them a single amount.
    The header, when there is one, says which cell is the name and which the carrier; without
    one, a first cell that is a commune's name or an organisation carries the second."""
    out: list[Candidate] = []
    rows = [(k, ln) for k, ln in enumerate(ctx.lines) if k not in ctx.struct_lines and _dash_row(ctx, ln)]
    runs: list[list[tuple[int, Line]]] = []
    for k, ln in rows:
        if runs and runs[-1][-1][0] == k - 1:
            runs[-1].append((k, ln))
        else:
            runs.append([(k, ln)])
    for run in runs:
        if len(run) < 2:
            continue
        header = ctx.lines[run[0][0] - 1] if run[0][0] > 0 else None
        cols = _dash_header(header) if header is not None else None
        for k, ln in run:
            cells = _dash_cells(ctx, ln)
            cued = next((i for i, c in enumerate(cells[:-1]) if ctx.lex.carrier_cue.match(ctx.folded, c[0], c[1])), None)
            if cols:
                name_k, carrier_k = cols
            elif cued is not None:  # "1) X – porté par Y – N"
                name_k, carrier_k = (1 if cued == 0 else 0), cued
            else:
                name_k, carrier_k = 1, 0
            if max(name_k, carrier_k) >= len(cells) - 1:
                continue
            x, y = strip_span(ctx.text, *cells[name_k])
            numbered = _NUMBERED.match(ctx.text, x, y)
            if numbered:
                x = numbered.end()
            if y <= x or is_trap(ctx, x, y):
                continue
            ca, cb = strip_span(ctx.text, *cells[carrier_k])
            carrier = ctx.text[ca:cb]
            orgs = [o.name for o in ctx.orgs_in(ca, cb)]
            if orgs:
                carriers = orgs
            elif carrier_k == cued:
                carriers = body_after_cue(ctx, ca, cb)
            elif _TOPONYM.fullmatch(carrier) or _is_loc(ctx, ca, cb) or (cols and re.fullmatch(r"[A-ZÀ-Ý][\w'’-]+", carrier)):
                carriers = [commune_of(carrier)]
                ctx.unlisted.update(carriers)
            elif named_by_kind(ctx, carrier):
                carriers = [ctx.unlisted_body(carrier)]  # "Communauté de communes X"
            elif cols:
                carriers = []
            else:
                continue  # no header and a first cell that names no one: not this layout
            amount = ctx.amounts[ctx.amounts_in(ln.start, ln.end)[-1]]
            out.append(Candidate(x, y, "table_row", 0.85, amount=amount, carriers=carriers, scope=(ln.start, ln.end)))
            ctx.suppressed.append((ln.start, ln.end))
            ctx.struct_lines.add(k)
        if cols and header is not None:
            ctx.suppressed.append((header.start, header.end))
    return out


def _dash_cells(ctx: ExtractionContext, ln: Line) -> list[tuple[int, int]]:
    cells, pos = [], ln.start
    for m in _DASH_CELL.finditer(ctx.text, ln.start, ln.end):
        cells.append((pos, m.start()))
        pos = m.end()
    cells.append((pos, ln.end))
    return cells


def _dash_row(ctx: ExtractionContext, ln: Line) -> bool:
    if ln.kind not in ("heading", "para", "item") or len(ln.text) > 240:
        return False
    cells = _dash_cells(ctx, ln)
    if len(cells) < 3:
        return False
    last = ctx.amounts_in(*cells[-1])
    return len(last) == 1 and not ctx.text[ctx.amounts[last[0]].end:cells[-1][1]].strip(" .;€HThtTTC")


def _dash_header(header: Line) -> tuple[int, int] | None:
    """(name cell, carrier cell) of a header line "Bénéficiaire — Opération — Subvention"."""
    cells = [fold(c) for c in _DASH_CELL.split(header.text)]
    if len(cells) < 3:
        return None
    name = next((k for k, c in enumerate(cells) if CUE.header_name.search(c)), None)
    carrier = next((k for k, c in enumerate(cells) if k != name and CUE.header_carrier.search(c)), None)
    if name is None or carrier is None:
        return None
    return name, carrier

"""Projects named by their place in a selection: "Parmi les projets retenus figure X",
"Parmi les lauréats, on trouve A, B et C", "X figure parmi les lauréats", "X fait partie des
projets retenus", "Avec 6 M€, X est le projet le mieux doté", and, once an article has announced
a selection, what a named body will build ("Météo-France développera un outil de X").

The selection, not a funding verb, says that the noun phrase is a project; the sentence's
amount, when it has one, is linked by the usual rules (one name, one amount)."""

from __future__ import annotations

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext, content_words, org_coverage, strip_span
from pipeline.extract.coordination import colon_items, looks_like_name, split_by_punctuation
from pipeline.extract.phrases import clause_subject, head_word, is_trap, item_may_name_project, np_right

CUE = lexicon.cues()


def among_the_selected(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'Parmi les projets retenus figurent A, B et C': the items after the verb."""
    s = ctx.sents[si]
    m = CUE.among_then_items.search(ctx.folded, s.start, s.end)
    if not m:
        return []
    doc = ctx.docs.get(si)
    spans = []
    if doc is not None:
        # the parser runs only over sentences with a colon or semicolons (nlp.py); without its
        # arcs, the commas and "et" between the noun phrases tell the items apart
        items = colon_items if doc.has_annotation("DEP") else split_by_punctuation
        spans = [(s.start + x, s.start + y) for x, y in items(doc, m.end() - 1 - s.start)]
    if len(spans) < 2:
        sp = np_right(ctx, si, m.end())
        spans = [sp] if sp else []
    out = []
    for a, b in spans:
        a, b = strip_span(ctx.text, a, b)
        if not item_may_name_project(ctx, a, b):
            continue
        if ctx.amounts_in(a, b):
            continue  # "A (2 M€)": the amount phrasings read such an item whole
        out.append(Candidate(a, b, "among_selected", 0.6))
    return out


def member_of_selection(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'X figure parmi les lauréats' / 'Avec 6 M€, X est le projet le mieux doté': the subject."""
    s = ctx.sents[si]
    m = CUE.member_of_selection.search(ctx.folded, s.start, s.end)
    if not m:
        return []
    clause_a = s.start
    # a fronted adjunct ("Avec 6 M€, …", "Doté de 2 M€, …") ends at the first comma
    comma = ctx.text.find(",", s.start, m.start())
    if comma > 0 and ctx.amounts_in(s.start, comma):
        clause_a = comma + 1
    subj = clause_subject(ctx, si, clause_a, m.start())
    if subj is None:
        return []
    (a, b), is_org, _ = subj
    a, b = strip_span(ctx.text, a, b)
    if is_org or b <= a or not looks_like_name(ctx.text[a:b]) or is_trap(ctx, a, b):
        return []  # "La DGFiP figure parmi les lauréats": a body, whose project is named elsewhere
    if ctx.lex.count.search(ctx.folded[a:b]) or head_word(ctx.text[a:b]) in ctx.lex.collectivity_heads:
        return []  # "Trois entreprises de la métropole figurent parmi les lauréats": bodies, counted
    return [Candidate(a, b, "member_of_selection", 0.6)]


def laureate_will_build(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """In an article that has announced a selection, 'ORG développera un outil de X' and
    'Quant à ORG, elle expérimentera X': what a named body will build is its project. Without
    the selection before it, the same sentence is news about a body, not a funded project."""
    s = ctx.sents[si]
    if ctx.selection_at() >= s.start:
        return []
    f = ctx.folded[s.start:s.end]
    d = ctx.lex.discourse.match(f)
    lead = s.start + (d.end() if d else 0)
    subject = next((o for o in ctx.orgs if lead <= o.start <= lead + 4), None)
    if subject is None:
        return []
    comma = ctx.folded.find(",", subject.end, s.end)
    pos = comma + 1 if 0 <= comma - subject.end <= 1 else subject.end  # "Quant à ORG, elle …"
    m = CUE.laureate_will_build.match(ctx.folded[pos:s.end])
    if not m:
        return []
    sp = np_right(ctx, si, pos + m.end())
    if not sp:
        return []
    a, b = strip_span(ctx.text, *sp)
    if b <= a or len(content_words(ctx.text[a:b])) < 2 or is_trap(ctx, a, b) or org_coverage(ctx, a, b) >= 0.6:
        return []
    return [Candidate(a, b, "laureate_will_build", 0.55, carriers=[subject.name])]

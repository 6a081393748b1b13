"""Projects named only as the coordinated members of a "respectivement" sentence.

Two orders: the names as the subject, the amounts after "respectivement" ("Les deux projets,
la maison de santé de A et la crèche de B, recevront respectivement N € et M €"): the names
are the last noun phrases before the verb group, one per amount, and linking pairs them in
order (linking.link); or the amounts first, the names after "respectivement" behind a
repeated preposition ("a voté N et M € respectivement pour la restructuration de A et pour
l'extension de B"): each name takes the amount of its rank here."""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import POSSESSIVE, Candidate, ExtractionContext, strip_span
from pipeline.extract.phrases import item_may_name_project, np_right, sentence_tokens

CUE = lexicon.cues()
# between the subject and "respectivement": the verb group ("ont été dotés", "se voient attribuer")
_VERB_GROUP_POS = {"VERB", "AUX", "ADV"}
_SPLIT = re.compile(r",\s*|;\s*|\s+et\s+")
# "respectivement pour A et pour B", "…, à A et à B": the preposition repeated before every name
_OBJECT_LEAD = re.compile(r"\s*,?\s*(pour|a|au|aux|a la|a l')\s*")
_OBJECT_SPLIT = re.compile(r"\s*(?:,|\bet\b|,\s*et\b)\s*(?:pour|a|au|aux|a la|a l')\b\s*")


def respectively_subjects(ctx: ExtractionContext, si: int) -> list[Candidate]:
    s = ctx.sents[si]
    m = CUE.respectively.search(ctx.folded, s.start, s.end)
    if not m:
        return []
    wanted = [ai for ai in ctx.amounts_in(m.end(), s.end) if ctx.roles.get(ai) == "project"]
    toks = [x for x in sentence_tokens(ctx, si) if x[1] <= m.start()]
    if len(wanted) < 2 or not toks:
        return []
    j = len(toks) - 1
    while j >= 0 and (toks[j][2].pos_ in _VERB_GROUP_POS or toks[j][2].lower_ in ("se", "s'", "s’")):
        j -= 1
    if j < 0 or j == len(toks) - 1:
        return []  # no verb group: "respectivement" inside a noun phrase
    region_end = toks[j][1]
    pieces, depth, start = [], 0, s.start
    for sep in _SPLIT.finditer(ctx.text, s.start, region_end):
        seg = ctx.text[start:sep.start()]
        depth = seg.count("(") - seg.count(")")
        if depth == 0:
            pieces.append((start, sep.start()))
            start = sep.end()
    pieces.append((start, region_end))
    pieces = [(a, b) for a, b in pieces if ctx.text[a:b].strip(" ,;")]
    if len(pieces) < len(wanted):
        return []
    out = []
    for a, b in pieces[-len(wanted):]:
        inside = [t for t in toks if a <= t[0] and t[1] <= b]
        while inside and (inside[0][2].pos_ in ("DET", "ADP") or inside[0][2].lower_ in POSSESSIVE):
            inside = inside[1:]
        if not inside:
            return []
        # the piece's own noun phrase, its action noun kept ("la création d'un parking" is named
        # so, where np_right would keep only what is created)
        sp = np_right(ctx, si, a, limit=b)
        x, y = strip_span(ctx.text, inside[0][0], sp[1] if sp else b)
        if not item_may_name_project(ctx, x, y):
            return []  # bodies receiving amounts: "l'Inria et le CNRS recevront respectivement …"
        out.append(Candidate(x, y, "respectively_subject", 0.55))
    return out


def respectively_objects(ctx: ExtractionContext, si: int) -> list[Candidate]:
    s = ctx.sents[si]
    m = CUE.respectively.search(ctx.folded, s.start, s.end)
    if not m:
        return []
    before = [ai for ai in ctx.amounts_in(s.start, m.start()) if ctx.roles.get(ai) == "project"]
    if len(before) < 2 or any(ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(m.end(), s.end)):
        return []
    lead = _OBJECT_LEAD.match(ctx.folded, m.end(), s.end)
    if not lead:
        return []
    stop = min([k for k in (ctx.folded.find(";", lead.end(), s.end), ctx.folded.find(".", lead.end(), s.end)) if k >= 0],
               default=s.end)
    bounds, start = [], lead.end()
    for sep in _OBJECT_SPLIT.finditer(ctx.folded, lead.end(), stop):
        bounds.append((start, sep.start()))
        start = sep.end()
    bounds.append((start, stop))
    if len(bounds) != len(before):
        return []  # the preposition not repeated, or more names than amounts: no order to trust
    out = []
    for (a, b), ai in zip(bounds, before):
        sp = np_right(ctx, si, a, limit=b)
        if not sp:
            return []
        x, y = strip_span(ctx.text, *sp)
        if not item_may_name_project(ctx, x, y):
            return []
        out.append(Candidate(x, y, "respectively_object", 0.55, amount=ctx.amounts[ai]))
    return out

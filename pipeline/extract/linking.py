"""Links inside an article: amounts and carriers bound to the mentions they belong to ("respectivement",
the single amount of a one-name sentence, "Il est porté par …", an anaphoric amount), overlaps resolved,
mentions built with their spans."""

from __future__ import annotations


from pipeline.extract import lexicon
from pipeline.extract.anaphora import bind_anaphoric_amounts, refines
from pipeline.extract.headed_lists import body_after_cue
from pipeline.extract.context import Candidate, ExtractionContext, dedupe
from pipeline.model import Mention
from pipeline.text import fold

CUE = lexicon.cues()


def link(ctx: ExtractionContext, cands: list[Candidate]) -> None:
    by_sent: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.sentence >= 0:
            by_sent.setdefault(c.sentence, []).append(c)
    bound = {id(c.amount) for c in cands if c.amount is not None}
    for si, cs in by_sent.items():
        s = ctx.sents[si]
        free = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end)
                if ctx.roles.get(ai) == "project" and id(ctx.amounts[ai]) not in bound]
        f = ctx.folded[s.start:s.end]
        rm = CUE.respectively.search(f)
        if rm:
            after = [x for x in free if x.start >= s.start + rm.start()]
            before = sorted([c for c in cs if c.end <= s.start + rm.start() and c.amount is None], key=lambda c: c.start)
            if after and len(before) >= len(after):
                for c, x in zip(before[-len(after):], after):
                    c.amount = x
                    bound.add(id(x))
                continue
        names = {fold(ctx.text[c.start:c.end]) for c in cs}
        if len(names) == 1 and not free and cs[0].amount is None:
            own = _own_envelope(ctx, si, cs[0])
            if own is not None:
                for c in cs:
                    c.amount = own
                bound.add(id(own))
        if len(names) == 1 and len(free) == 1:
            for c in cs:
                if c.amount is None and not c.takes_no_amount:
                    c.amount = free[0]
            bound.add(id(free[0]))
        # carriers cued anywhere in the sentence ("A et B, portés par ORG")
        cue = ctx.lex.carrier_cue.search(f)
        if cue:
            stop = min([k for k in (f.find(",", cue.end()), f.find(";", cue.end()), f.find(".", cue.end())) if k >= 0], default=len(f))
            cued = [o.name for o in ctx.orgs_in(s.start + cue.end(), s.start + stop)]
            if not cued:  # "porté par le syndicat des eaux du Vexin": a body the gazetteer lacks
                cued = body_after_cue(ctx, s.start + cue.start(), s.start + stop)
            # "Porté par ORG, le projet X reçoit …": a fronted participle carries what follows it
            fronted = CUE.fronted_carrier.match(f) is not None
            for c in cs:
                if not c.carriers and (c.end <= s.start + cue.start() or fronted and c.start >= s.start + stop):
                    c.carriers = dedupe(cued)
    # next sentence "Il est porté par ORG" / anaphoric amount
    for si, s in enumerate(ctx.sents):
        prev = by_sent.get(si - 1)
        if not prev or si in by_sent or ctx.sents[si - 1].line != s.line:
            continue
        f = ctx.folded[s.start:s.end]
        if CUE.carrier_next_sentence.match(f):
            orgs = [o.name for o in ctx.orgs_in(s.start, s.end)]
            for c in prev[-1:]:
                c.carriers = dedupe(c.carriers + orgs)
            by_sent.setdefault(si, [])
    for ln in ctx.lines:
        in_line = [c for c in cands if ln.start <= c.start < ln.end and c.rule not in ("block", "list_item", "table_row")]
        names = {fold(ctx.text[c.start:c.end]) for c in in_line}
        if len(names) != 1:
            continue
        for ai in ctx.amounts_in(ln.start, ln.end):
            am = ctx.amounts[ai]
            if ctx.roles.get(ai) != "project" or id(am) in bound:
                continue
            if any(c.sentence >= 0 and ctx.sents[c.sentence].start <= am.start < ctx.sents[c.sentence].end for c in in_line):
                continue
            if not CUE.anaphoric_amount.search(ctx.folded[max(ln.start, am.start - 80):am.start]):
                continue
            for c in in_line:
                if (c.amount is None or refines(c.amount, am)) and c.start < am.start and not c.takes_no_amount:
                    c.amount = am
            bound.add(id(am))
    # "Ce soutien s'élève à …" one or two sentences after the project is named
    bind_anaphoric_amounts(ctx, by_sent, bound)
    per_laureate_amounts(ctx, cands)


LISTED = ("block", "list_item", "table_row", "colon_enumeration", "name_amount_line")


def per_laureate_amounts(ctx: ExtractionContext, cands: list[Candidate]) -> None:
    """'Ces 24 lauréats bénéficieront d'un appui pouvant aller jusqu'à 400 000 €': a ceiling
    (or a sum "chacun") given to every laureate is the amount of each listed laureate that
    the article gives no amount of its own. A plain total ("se partagent 10 M€") is not."""
    listed = [c for c in cands if c.rule in LISTED and c.amount is None and not c.takes_no_amount]
    if not listed:
        return
    for s in ctx.sents:
        if not CUE.laureates_as_a_group.search(ctx.folded[s.start:s.end]):
            continue
        each = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end)
                if ctx.amounts[ai].qualifier == "max" or ctx.amounts[ai].each]
        if len(each) == 1:
            for c in listed:
                c.amount = each[0]
            return


def _own_envelope(ctx: ExtractionContext, si: int, c: Candidate):
    """'le projet X …, avec une enveloppe de l'État de 12 M€': an envelope given to the one
    named project of the sentence is its award, though "enveloppe" usually marks a total."""
    if c.rule not in ("le_projet_name", "quoted_name", "carried_by") or c.takes_no_amount:
        return None
    s = ctx.sents[si]
    if ctx.lex.count.search(ctx.folded[s.start:s.end]):
        return None
    got = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end) if ctx.roles.get(ai) == "total"]
    if len(got) != 1 or got[0].start < c.end:
        return None
    return got[0] if CUE.own_envelope.search(ctx.folded[max(s.start, got[0].start - 60):got[0].start]) else None


def resolve_overlaps(ctx: ExtractionContext, cands: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.score, -(c.end - c.start))):
        clash = next((k for k in kept if k.start < c.end and c.start < k.end), None)
        if clash is None:
            kept.append(c)
            continue
        if clash.amount is None and c.amount is not None:
            clash.amount = c.amount
        if not clash.carriers and c.carriers:
            clash.carriers = c.carriers
        if clash.acronym is None and c.acronym:
            clash.acronym = c.acronym
    kept.sort(key=lambda c: c.start)
    return kept


def to_mentions(ctx: ExtractionContext, cands: list[Candidate]) -> list[Mention]:
    out = []
    for c in cands:
        a = c.amount
        out.append(Mention(
            article_id=ctx.article_id,
            name=ctx.text[c.start:c.end],
            start=c.start,
            end=c.end,
            rule=c.rule,
            score=c.score,
            acronym=c.acronym,
            aliases=dedupe([x for x in c.aliases if x and x != ctx.text[c.start:c.end]]),
            amount_m_eur=round(a.value, 6) if a is not None else None,
            amount_qualifier=a.qualifier if a is not None else None,
            amount_span=(a.start, a.end) if a is not None else None,
            carriers=dedupe(c.carriers),
            context=ctx.text[c.scope[0]:c.scope[1]][:2000],
            context_span=c.scope,
            occurrences=[(c.start, c.end)],
        ))
    return out

"""Amounts given after the project is named, through an anaphora: "Ce soutien s'élève à 9 M€",
"Le coût de l'opération atteint …", "L'État y consacre …" bound to the one project that the
previous one or two sentences of the same paragraph name, or to the article's only project so far
("… nous financerions leur projet et ajouterions N", a paragraph later)."""

from __future__ import annotations

from pipeline.extract import lexicon
from pipeline.extract.context import DESCRIPTIVE_RULES, Candidate, ExtractionContext
from pipeline.text import fold

CUE = lexicon.cues()


def bind_anaphoric_amounts(ctx: ExtractionContext, by_sent: dict[int, list[Candidate]], bound: set[int]) -> None:
    """`by_sent`: the candidates of each sentence; `bound`: ids of amounts already given (updated)."""
    for si, s in enumerate(ctx.sents):
        if by_sent.get(si):  # a sentence that names its own project links its amount itself
            continue
        f = ctx.folded[s.start:s.end]
        subject = CUE.anaphoric_subject.search(f) or CUE.amount_points_back.search(f)
        if not subject and not CUE.anaphoric_reference.search(f):
            continue
        free = [ai for ai in ctx.amounts_in(s.start, s.end) if id(ctx.amounts[ai]) not in bound and _is_own_amount(ctx, ai, f)]
        if len(free) > 1:
            # "L'aide de l'État atteindra 160 M€, sur un coût total estimé à 520 M€": the aid, not the cost
            free = [ai for ai in free if ctx.roles.get(ai) == "project"]
        if len(free) != 1:
            continue
        free = [ctx.amounts[free[0]]]
        before = []
        if subject:
            # the nearest of the two sentences before that names a project: "Ce soutien" speaks of it
            near = next((k for k in (si - 1, si - 2) if k >= 0 and ctx.sents[k].line == s.line and by_sent.get(k)), None)
            before = list(by_sent[near]) if near is not None else []
        if not before:
            before = _article_topic(ctx, by_sent, si, bound)
        if len({fold(ctx.text[c.start:c.end]) for c in before}) != 1:
            continue
        if any(c.takes_no_amount or (c.amount is not None and not refines(c.amount, free[0])) for c in before):
            continue
        for c in before:
            c.amount = free[0]
        bound.add(id(free[0]))


def _article_topic(ctx: ExtractionContext, by_sent: dict[int, list[Candidate]], si: int,
                   bound: set[int]) -> list[Candidate]:
    """The candidates of the article's one project so far, when the sentence `si` may point back to it
    across a paragraph ("Coût total de l'opération : N" a paragraph after the programme is named).

    Only when every candidate before `si` names that same project, the nearest is in this paragraph
    or the one before, and no amount of a project lies between them: with two projects named, or an
    unattached amount in between, "ce projet" may be either."""
    named = [k for k in range(si) if by_sent.get(k)]
    if not named or ctx.sents[named[-1]].line < ctx.sents[si].line - 1:
        return []
    cands = [c for k in named for c in by_sent[k]]
    if len({fold(ctx.text[c.start:c.end]) for c in cands}) != 1:
        return []
    between = ctx.amounts_in(ctx.sents[named[-1]].end, ctx.sents[si].start)
    if any(ctx.roles.get(ai) == "project" and id(ctx.amounts[ai]) not in bound for ai in between):
        return []
    return cands


def refines(bound_amount, new) -> bool:
    """'L'État va augmenter de 90 M€ sa participation …' (at least 90) then 'L'aide de l'État
    sera de 165 M€': an exact figure within the earlier lower bound is the award."""
    return bound_amount.qualifier == "min" and new.qualifier in ("exact", "approx") and new.value >= bound_amount.value


def _is_own_amount(ctx: ExtractionContext, ai: int, folded_sentence: str) -> bool:
    """A project's amount; or the "global" cost of the works an anaphora points to
    ("Ces travaux, d'un montant global de …"), which the role rules read as a total."""
    role = ctx.roles.get(ai)
    if role == "project":
        return True
    if role != "total" or ctx.lex.count.search(folded_sentence):
        return False
    a = ctx.amounts[ai]
    return bool(CUE.works_overall_cost.search(ctx.folded[max(0, a.start - 60):a.start]))


def pronoun_funded(ctx: ExtractionContext, cands: list[Candidate]) -> list[Candidate]:
    """"Le Campus X (CX) associe … Il sera doté de 12 M€ pour créer des formations": the pronoun
    stands for the one project the sentence before names, which gets the amount; what the amount
    is "pour" only describes it. `cands` without the descriptions so replaced."""
    by_sent: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.sentence >= 0:
            by_sent.setdefault(c.sentence, []).append(c)
    dropped: set[int] = set()
    for si, own in by_sent.items():
        s = ctx.sents[si]
        if si == 0 or ctx.sents[si - 1].line != s.line or not CUE.pronoun_subject_funded.match(ctx.folded, s.start, s.end):
            continue
        before = by_sent.get(si - 1, [])
        if len({fold(ctx.text[c.start:c.end]) for c in before}) != 1 or any(c.amount is not None for c in before):
            continue
        if not own or any(c.rule not in DESCRIPTIVE_RULES or c.amount is None for c in own) or len({id(c.amount) for c in own}) != 1:
            continue
        for c in before:
            c.amount = own[0].amount
            c.carriers = c.carriers or own[0].carriers
        dropped.update(id(c) for c in own)
    return [c for c in cands if id(c) not in dropped]

"""Amounts given after the project is named, through an anaphora: "Ce soutien s'élève à 9 M€",
"Le coût de l'opération atteint …", "L'État y consacre …" bound to the one project that the
previous one or two sentences of the same paragraph name."""

from __future__ import annotations

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext
from pipeline.text import fold

CUE = lexicon.cues()


def bind_anaphoric_amounts(ctx: ExtractionContext, by_sent: dict[int, list[Candidate]], bound: set[int]) -> None:
    """`by_sent`: the candidates of each sentence; `bound`: ids of amounts already given (updated)."""
    for si, s in enumerate(ctx.sents):
        if by_sent.get(si):  # a sentence that names its own project links its amount itself
            continue
        f = ctx.folded[s.start:s.end]
        if not CUE.anaphoric_subject.search(f):
            continue
        free = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end)
                if id(ctx.amounts[ai]) not in bound and _is_own_amount(ctx, ai, f)]
        if len(free) != 1:
            continue
        before = [c for k in (si - 1, si - 2) if k >= 0 and ctx.sents[k].line == s.line for c in by_sent.get(k, [])]
        if len({fold(ctx.text[c.start:c.end]) for c in before}) != 1:
            continue
        if any(c.takes_no_amount or (c.amount is not None and not refines(c.amount, free[0])) for c in before):
            continue
        for c in before:
            c.amount = free[0]
        bound.add(id(free[0]))


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

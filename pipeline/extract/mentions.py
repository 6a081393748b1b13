"""Project mentions: the funded projects one article names, with amount and carriers.

The extractor's entry point; the cascade below runs in `find_mentions`/`finish_mentions`,
each step in its own module (context, amount_roles, structure, prose, phrasings, phrases, linking).

Cascade, for one article (clean text, organisations, amounts already found):

1. Roles of amounts: a range, a total or envelope (a count of projects or a total cue in
   its clause), a per-item figure ("chacun"), or a project's amount. Only the last kind,
   and per-item figures for list items, are ever given to a project.
2. Structure first, because lists of laureates carry the most reliable names:
   a. blocks "title line / carriers line / description" (ministry lists) and their
      "Porteur du projet : …" and "Montant : …" variants; the description that follows is
      the project's own text, so no other project is read from it;
   b. bulleted lists introduced by a line naming laureates or selected projects (not
      criteria or examples): the name is the item up to where its description starts;
   c. table rows: the name column, the carrier column, the amount column.
3. Prose, sentence by sentence, with spaCy POS tags to bound noun phrases:
   amount-anchored phrasings ("24,3 M€ investis dans X", "X, doté de 20 M€", "X (2 M€)",
   "ORG (X - 5,2 M€ - et Y - 4 M€)", "ORG se voit accorder 9 M€ pour son X",
   "7,9 M€ au ministère … afin de créer un X"), quoted names after a project noun
   ("le projet «Tempo»"), "le projet X" with a capitalised name, enumerations of projects
   ("d'autres projets portent sur A, B ou C"), "X, porté par ORG", and proper names the
   NER model tags (ORG/MISC) in a sentence about funding.
   Then works told before their amount: "Le syndicat crée le réseau de X. Il bénéficiera de N"
   (works_objects.py), and a pronoun funded after the sentence that names the project
   ("X (ACR) associe … Il sera doté de N pour …", anaphora.pronoun_funded).
4. Filters: traps (the fund, programmes, events, bodies, and the schemes the article itself
   introduces by name: schemes.py), organisations, people, names made of generic words only.
5. Links: amounts bound by the phrasing, else the single project amount of a sentence with
   a single name, "respectivement" lists in order, an anaphoric sentence ("L'objectif du
   financement (19,3 M€)") to the one project of its paragraph, a sentence whose subject
   points back ("Ce soutien s'élève à …", "L'État y consacre …", anaphora.py) to the one
   project of the one or two sentences before it; carriers from carrier cues,
   the organisation a parenthesised list hangs from, the subject of a funding verb, the
   block's carrier line, or the next sentence's "Il est porté par …"; a body the gazetteer
   lacks after a carrier cue ("porté par le syndicat des eaux de X"), a hospital or school the
   name holds, the commune a paragraph opens with ("Bourg-le-Haut. La réfection …").
"""

from __future__ import annotations

from pipeline.extract.anaphora import pronoun_funded
from pipeline.extract.context import Candidate, ExtractionContext, dedupe
from pipeline.extract.headed_lists import place_paragraph_carriers
from pipeline.extract.institution_rules import fold_bare_references, institution_carriers
from pipeline.extract.linking import link, resolve_overlaps, to_mentions
from pipeline.extract.organizations import load_gazetteer
from pipeline.extract.prose import prose
from pipeline.extract.structure import structured
from pipeline.extract.works_objects import works_before_amount
from pipeline.model import Mention


def find_mentions(ctx: ExtractionContext, parse_needed=None) -> list[Mention]:
    """All project mentions of one article. `parse_needed` fills ctx.docs once the
    structured lists are known, so the model never reads what the layout already gave."""
    cands = structured(ctx)
    if parse_needed is not None:
        parse_needed()
    return finish_mentions(ctx, cands)


def finish_mentions(ctx: ExtractionContext, cands: list[Candidate]) -> list[Mention]:
    """The second half of `find_mentions`, once ctx.docs holds the parsed sentences:
    prose rules, overlaps, links. Split so that a batch of articles can send all its
    sentences through the model in one `nlp.pipe` call (extract.extract_batch)."""
    cands = list(cands) + prose(ctx)
    cands += works_before_amount(ctx, cands)
    cands = pronoun_funded(ctx, cands)
    cands = resolve_overlaps(ctx, cands)
    cands = fold_bare_references(ctx, cands)
    link(ctx, cands)
    institution_carriers(ctx, cands)
    place_paragraph_carriers(ctx, cands)
    gaz = load_gazetteer()
    for c in cands:
        c.carriers = [x for x in dedupe(c.carriers) if gaz.get(x) is not None or x in ctx.unlisted]
    return to_mentions(ctx, cands)

"""Prose rules for what real press pages name by a body or a kind rather than a proper name.

- works named up to the hospital or school they are for ("le projet de reconstruction du
  CHU de X"), which carries them;
- hospitals and schools that are themselves the subject of a funding verb, or the building
  to come ("le futur CHU de X"): bare references, folded into the article's other mention
  of the same place;
- "il s'agit d'un outil …" describing the project by its kind;
- enumerations after a colon that closes a selection cue, read from the dependency parse
  (coordination.py);
- the carrier of a project named after an institution, when no phrasing named another.
"""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import POSSESSIVE_BEFORE, WORD, Candidate, ExtractionContext, content_words, dedupe, org_coverage, strip_span
from pipeline.extract.coordination import colon_items
from pipeline.extract.phrases import clause_start, is_trap, item_may_name_project
from pipeline.text import fold


CUE = lexicon.cues()


def institution_subjects(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """Hospitals and schools that are themselves what is funded: the subject of a funding
    verb ("les hôpitaux de A et de B ont été les premiers à en bénéficier", "le CHU de X
    bénéficie de …") or the building to come ("le futur CHU de X")."""
    s = ctx.sents[si]
    f = ctx.folded
    out = []
    for x in ctx.institutions:
        if x.authority or not (s.start <= x.start and x.end <= s.end):
            continue
        new = CUE.new_building.search(f[max(s.start, x.start - 12):x.start])
        if new:
            a = max(s.start, x.start - 12) + new.start()
            out.append(Candidate(a, x.end, "new_building", 0.6, carriers=[x.name], takes_no_amount=True, bare=True))
            ctx.unlisted.add(x.name)
            continue
        before = f[max(s.start, x.start - 12):x.start]
        if CUE.topic_body.match(f[s.start:x.start]) and CUE.support_verb.search(f, x.end, s.end):
            # "Quant au CH de X, l'ARS s'est engagée à en soutenir le projet de reconstruction"
            if not is_trap(ctx, x.start, x.end, allow_org=True):
                out.append(Candidate(x.start, x.end, "institution_topic", 0.55, carriers=[x.name], bare=True))
                ctx.unlisted.add(x.name)
            continue
        if not CUE.subject_position.search(before) or CUE.complement_position.search(before):
            continue
        if CUE.works_passive_after.match(f[x.end:s.end]):
            if not is_trap(ctx, x.start, x.end, allow_org=True):
                out.append(Candidate(x.start, x.end, "institution_works", 0.6, carriers=[x.name]))
                ctx.unlisted.add(x.name)
            continue
        verb = ctx.lex.funding_verb.search(f, x.end, s.end) or CUE.benefit_phrase.search(f, x.end, s.end)
        if not verb or verb.start() - x.end > 60 or re.search(r"[.;:]", f[x.end:verb.start()]):
            continue
        if not is_trap(ctx, x.start, x.end, allow_org=True):
            out.append(Candidate(x.start, x.end, "institution_funded", 0.55, carriers=[x.name], bare=True))
            ctx.unlisted.add(x.name)
    return out


def project_of_institution(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'le projet de reconstruction du CHU de X': the works named up to the body they are
    for, which carries them (hospitals and schools are both the object and the carrier)."""
    s = ctx.sents[si]
    out = []
    for m in CUE.project_of_works.finditer(ctx.text[s.start:s.end]):
        pos = s.start + m.end()
        inst = next((x for x in ctx.institutions if pos <= x.start <= pos + 80 and x.end <= s.end), None)
        if inst is None or re.search(r"[,;:.!?«»\"]", ctx.text[pos:inst.start]):
            continue
        if not CUE.action_then_of.match(ctx.text[pos:inst.end]):
            continue  # "projet de <action> de/du <body>", not "projet de loi"
        if not is_trap(ctx, pos, inst.end, allow_org=True):
            ctx.unlisted.add(inst.name)
            out.append(Candidate(pos, inst.end, "project_of_institution", 0.7, carriers=[inst.name]))
    return out


def it_is_a(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'En pratique, il s'agit d'un outil permettant … dans la commune de X': the project
    described by its kind, up to where the place or carrier starts."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    m = CUE.it_is_a.search(f)
    if not m:
        return []
    a = s.start + m.end()
    if not ctx.lex.project_noun_after.match(ctx.folded, a):
        return []
    stop = CUE.description_stop.search(ctx.folded[a:s.end])
    b = a + stop.start() if stop else s.end
    a, b = strip_span(ctx.text, a, b)
    if b <= a or len(ctx.text[a:b].split()) < 2 or is_trap(ctx, a, b):
        return []
    carriers = [o.name for o in ctx.orgs_in(b, s.end)]
    return [Candidate(a, b, "it_is_a", 0.55, carriers=dedupe(carriers))]


def colon_enumeration(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'… ont été retenues : A pour X, B pour Y et C pour Z': the coordinated items after a
    colon that closes a selection cue (in the clause or the sentence before), read from the
    dependency parse."""
    doc = ctx.docs.get(si)
    if doc is None or not doc.has_annotation("DEP"):
        return []
    s = ctx.sents[si]
    colon = ctx.text.find(":", s.start, s.end)
    if colon < 0:
        return []
    pre = ctx.folded[clause_start(ctx, si, colon - 1):colon]
    if not ctx.lex.selection.search(pre) or ctx.lex.non_project_list.search(pre) or ctx.lex.topic_word.search(pre):
        return []  # "les projets retenus touchent des domaines variés :" lists fields, not projects
    out = []
    for x, y in colon_items(doc, colon - s.start):
        a, b = strip_span(ctx.text, s.start + x, s.start + y)
        if "," in ctx.text[a:b] or not item_may_name_project(ctx, a, b):
            continue
        if ctx.amounts_in(a, b) or ctx.text.count("(", a, b) != ctx.text.count(")", a, b):
            continue  # a piece of "Name (ORG, 2 M€)", which the amount phrasings read whole
        out.append(Candidate(a, b, "colon_enumeration", 0.6))
    return out if len(out) >= 2 else []





def nth_project(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'Le 1er projet, sur la détection des X, vise à …': a numbered project and its subject."""
    s = ctx.sents[si]
    out = []
    for m in CUE.nth_project.finditer(ctx.text, s.start, s.end):
        a = m.end()
        end = ctx.text.find(",", a, s.end)
        a, b = strip_span(ctx.text, a, end if end > 0 else s.end)
        if b > a and len(ctx.text[a:b].split()) >= 2 and not is_trap(ctx, a, b):
            out.append(Candidate(a, b, "nth_project", 0.55))
    # "Le premier, Agora, permettra …", "Le deuxième lauréat, Scola, …": the name in apposition
    for m in CUE.nth_named.finditer(ctx.text, s.start, s.end):
        end = ctx.text.find(",", m.end(), s.end)
        a, b = strip_span(ctx.text, m.end(), end if end > 0 else m.end())
        if b > a and len(ctx.text[a:b].split()) <= 6 and not is_trap(ctx, a, b) and org_coverage(ctx, a, b) < 0.6:
            out.append(Candidate(a, b, "nth_project", 0.6))
    return out


def fold_bare_references(ctx: ExtractionContext, cands: list[Candidate]) -> list[Candidate]:
    """'le nouveau CHU de X' beside 'la reconstruction complète du CHU … de X' in one article
    is the same project: a bare reference to a body becomes an alias of the article's other
    mention that names the same place, instead of a second project."""
    bare = [c for c in cands if c.bare]
    if not bare:
        return cands
    keep = []
    for c in cands:
        if c.bare:
            place = [w for w in WORD.findall(ctx.text[c.start:c.end]) if w[:1].isupper() and fold(w) not in ctx.lex.generic_heads]
            host = next((o for o in cands if not o.bare and o is not c and place
                         and all(p in ctx.text[o.start:o.end] for p in place)), None)
            if host is None:
                host = _purpose_of(c, cands)
            if host is not None:
                host.aliases.append(ctx.text[c.start:c.end])
                host.carriers = host.carriers or c.carriers
                if host.amount is None and not host.takes_no_amount:
                    host.amount = c.amount
                # its own works, not a part of it: "sa reconstruction", not "son service de X"
                possessed = (POSSESSIVE_BEFORE.search(ctx.folded, max(0, host.start - 8), host.start)
                             and ctx.lex.works_word.match(ctx.folded, host.start))
                named = any(ch.isupper() for ch in ctx.text[host.start:host.end])  # "PRISME", "Hélios": a name of its own
                if possessed or len(content_words(ctx.text[host.start:host.end])) < 2 and not named:
                    # "… reçoit 12 M€ pour moderniser ses urgences", "… obtient 6 M€ pour sa
                    # reconstruction sur un terrain voisin": the body names it better
                    host.aliases[-1] = ctx.text[host.start:host.end]
                    host.start, host.end = c.start, c.end
                continue
        keep.append(c)
    return keep




def _purpose_of(bare: Candidate, cands: list[Candidate]) -> Candidate | None:
    """'le CHU de X décroche 50 M€ pour la construction de son nouveau bâtiment': the works
    the body is funded for, in its sentence, are its project (one project, not two)."""
    if bare.rule != "institution_funded":
        return None
    found = [o for o in cands if o is not bare and o.sentence == bare.sentence and o.amount is not None
             and not o.carriers and o.rule in PURPOSE_RULES and o.start > bare.end]
    return found[0] if len(found) == 1 else None


PURPOSE_RULES = {"amount_purpose", "amount_for", "org_receives_for", "amount_invested_in", "amount_goes_to"}


_ASSEMBLY_OF = ("Conseil départemental", "Conseil régional", "Conseil municipal")


def institution_carriers(ctx: ExtractionContext, cands: list[Candidate]) -> None:
    """A project named after a hospital or a school ("la reconstruction du CHU de X") is
    carried by that body when no phrasing named another carrier; one the article's assembly
    votes ("les élus ont voté la réfection de X") by the collectivity the article reports on."""
    assembly = next((o.name for o in ctx.orgs if o.name.startswith(_ASSEMBLY_OF)), None)
    for c in cands:
        if c.carriers:
            continue
        if assembly and c.sentence >= 0 and CUE.assembly_subject.match(
                ctx.folded[ctx.sents[c.sentence].start:ctx.sents[c.sentence].end]):
            c.carriers = [assembly]
            continue
        inside = [x.name for x in ctx.institutions if c.start <= x.start and x.end <= c.end]
        if inside:
            c.carriers = dedupe(inside)
            ctx.unlisted.update(inside)



"""Project mentions read from prose, sentence by sentence: the amount-anchored phrasings, then every
name phrasing of `phrasings`, one sentence's aliases folded into its project."""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import DESCRIPTIVE_RULES, POSSESSIVE_BEFORE, Candidate, ExtractionContext, content_words, dedupe, org_coverage, strip_span
from pipeline.extract.headed_lists import TOWN_PATTERN, commune_of
from pipeline.extract.membership import among_the_selected, laureate_will_build, member_of_selection
from pipeline.extract.respectively import respectively_objects, respectively_subjects
from pipeline.extract.institution_rules import colon_enumeration, institution_subjects, it_is_a, nth_project, project_of_institution
from pipeline.extract.organizations import load_gazetteer
from pipeline.extract.phrases import clause_start, clause_subject, head_word, is_place, is_trap, np_left, np_right
from pipeline.extract.phrasings import acronym_definitions, appositives, carrier_before_verb, enumeration, le_projet, named_entities, projet_de, quoted_names, subject_plans
from pipeline.text import fold

CUE = lexicon.cues()
PROJECT_LEAD = re.compile(r"(?:(?:le|la|un|une|du|au|ce|son|sa|leur)\s+)?(?:grand\s+|nouveau\s+|futur\s+|vaste\s+)?projet\s+(?:de\s+|d['’]\s*)", re.I)


def prose(ctx: ExtractionContext) -> list[Candidate]:
    out: list[Candidate] = []
    for si, s in enumerate(ctx.sents):
        if ctx.is_suppressed(s.start, s.end) or si not in ctx.docs:
            continue
        found: list[Candidate] = []
        found += amount_phrasings(ctx, si)
        found += purpose_of_previous_amount(ctx, si)
        found += quoted_names(ctx, si)
        found += le_projet(ctx, si)
        found += enumeration(ctx, si)
        found += projet_de(ctx, si)
        found += project_of_institution(ctx, si)
        found += institution_subjects(ctx, si)
        found += colon_enumeration(ctx, si)
        found += among_the_selected(ctx, si)
        found += member_of_selection(ctx, si)
        found += laureate_will_build(ctx, si)
        found += respectively_subjects(ctx, si)
        found += respectively_objects(ctx, si)
        found += it_is_a(ctx, si)
        found += nth_project(ctx, si)
        found += carrier_before_verb(ctx, si)
        found += subject_plans(ctx, si)
        found += acronym_definitions(ctx, si)
        found += appositives(ctx, si)
        found += named_entities(ctx, si)
        found = _prefer_names(found)
        for c in found:
            _possessed_works_named_by_subject(ctx, si, c)
        for c in found:
            # a quotation closing inside the name ends it: 'au projet X", ce qui …'
            q = CUE.quote_closes_name.search(ctx.text[c.start:c.end])
            if q and (ctx.text[c.start:c.end].count('"') % 2 == 1 or "»" in q.group(0) and "«" not in ctx.text[c.start:c.end]):
                c.start, c.end = strip_span(ctx.text, c.start, c.start + q.start())
            lead = PROJECT_LEAD.match(ctx.text, c.start, c.end)
            if lead and len(content_words(ctx.text[lead.end():c.end])) >= 2:
                c.start = lead.end()  # "le projet de refonte du SI …" is named by its works
            _owner_out_of_name(ctx, c)
            q = re.fullmatch(r"[«“\"]\s*([^«»“”\"]+?)\s*[»”\"]", ctx.text[c.start:c.end])
            if q:
                c.start, c.end = c.start + q.start(1), c.start + q.end(1)  # '« Alerte Canicule »' is named without its quotes
            c.sentence = si
            if c.scope == (0, 0):
                c.scope = (s.start, s.end)
        found = _aliases_in_sentence(ctx, found)
        out += [c for c in found if not is_trap(ctx, c.start, c.end, allow_org=c.rule == "org_amount")]
    return out




NAMED_PROJECT = re.compile(r"(?:le\s+|du\s+|au\s+)?projet\s+(?=[A-ZÀ-Ý0-9«\"])", re.I)
OWNER_TAIL = re.compile(r"\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+|de\s+)$")


def _owner_out_of_name(ctx: ExtractionContext, c: Candidate) -> None:
    """'le projet Iota de l'Urssaf': the name is 'Iota', the organisation after it carries it."""
    lead = NAMED_PROJECT.match(ctx.text, c.start, c.end)
    if lead and ctx.text[lead.end():lead.end() + 1].isupper():
        c.start = lead.end()
    # the owner may end after the name: the capitals of "Tremplin de Pôle emploi" stop at "Pôle"
    owner = next((o for o in ctx.orgs if c.start < o.start < c.end and o.end >= c.end), None)
    if owner is None:
        return
    tail = OWNER_TAIL.search(ctx.text, c.start, owner.start)
    if tail and tail.start() > c.start and re.search(r"[A-ZÀ-Ý]", ctx.text[c.start:tail.start()]):
        c.end = tail.start()
        c.carriers = dedupe(c.carriers + [owner.name])


def _aliases_in_sentence(ctx: ExtractionContext, found: list[Candidate]) -> list[Candidate]:
    """'Diplômaclé – présenté sous le nom de « Trusted Diploma » – recevra …': the quoted
    name is another name of the sentence's project, not a second project."""
    out = list(found)
    for c in found:
        if not CUE.alias_intro.search(ctx.folded[max(0, c.start - 40):c.start]):
            continue
        others = [o for o in out if o is not c and not (o.start < c.end and c.start < o.end)]
        if not others:
            continue
        host = min(others, key=lambda o: abs(o.start - c.start))
        host.aliases.append(ctx.text[c.start:c.end])
        out.remove(c)
    return out


_STRONG = {"quoted_name", "le_projet_name", "project_of_org", "acronym_definition", "appositive_name", "subject_receives", "named_entity",
           "member_of_selection"}


def _prefer_names(found: list[Candidate]) -> list[Candidate]:
    """A sentence that gives a project both a description ("afin de numériser les registres …") and a
    name ("le projet de registre consulaire en ligne (RCL)") names one project: keep the name."""
    weak = [c for c in found if c.rule in DESCRIPTIVE_RULES and c.amount is not None]
    # a "strong" rule that read the description itself ("son projet de X") is that description
    strong = [c for c in found if c.rule in _STRONG and c.amount is None and not any(
        w.start < c.end and c.start < w.end for w in weak)]
    # two rules may read the same name ("le programme X (XYZ)": a named project and an acronym)
    if len({(c.start, c.end) for c in strong}) != 1 or len(weak) != 1:
        return found
    desc = weak[0]
    found = [c for c in found if c is desc or not (desc.start < c.end and c.start < desc.end)]
    for name in strong:
        name.amount = desc.amount
        name.carriers = name.carriers or desc.carriers
    return [c for c in found if c is not desc]


_SELECTED_WITH = re.compile(r"\b(?:a|ont|est|sont)\s+(?:\w+\s+){0,3}?(?:ete\s+)?(?:retenue?s?|selectionnee?s?),?\s+avec\s+"
                            r"(?:une aide de\s+|un soutien de\s+|une subvention de\s+|un financement de\s+)?$")
_DURATION = re.compile(r"\s*,?\s*(?:sur|en|pendant)\s+(?:\d+|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+(?:ans|annees)\b\s*,?")
# a place name (capitalised words, the small words of French place names between them) then "pour"
_PLACE_THEN_PURPOSE = re.compile(rf"({TOWN_PATTERN})\s+(?=pour\b)")


def purpose_after_recipient(ctx: ExtractionContext, si: int, sp: tuple[int, int], am) -> Candidate | None:
    """'800 000 € à la commune de X pour la construction d'un gymnase', '… accordée au
    syndicat mixte pour l'extension du réseau': the recipient (an organisation, or a
    phrase headed by a kind of body) carries, the purpose after it is the project."""
    s = ctx.sents[si]
    recipient = next((o for o in ctx.orgs if o.start <= sp[0] + 12 and sp[0] < o.end <= sp[1]), None)
    place = _PLACE_THEN_PURPOSE.match(ctx.text, sp[0], s.end)
    if place is not None and (place.end(1) > sp[1] or ctx.orgs_in(sp[0], place.end(1))):
        place = None
    if recipient is not None:
        end, carriers = recipient.end, [recipient.name]
    elif place is not None:
        # "84 000 € sont attribués à Vallière-d'en-Haut pour l'aménagement de son bourg": a town
        # receives; the gazetteer's body of that name, else its commune, carries
        end = sp[0] + len(place.group(1))
        carriers = [commune_of(place.group(1))]
        ctx.unlisted.update(c for c in carriers if c.startswith("Commune "))
    else:
        words = re.match(r"\s*(?:\w+['’]\s*|\w+\s+){0,6}?(?=pour\b|afin\b)", ctx.folded[sp[0]:sp[1]])
        if not words or head_word(ctx.text[sp[0]:sp[0] + words.end()]) not in ctx.lex.org_heads:
            return None
        end, carriers = sp[0] + words.end(), []
        body = ctx.text[sp[0]:end].strip()
        if re.search(r"\s[A-ZÀ-Ý]", body):
            # "au syndicat des eaux du Val": a body named by its kind and its own name carries
            # the project, though no gazetteer lists it
            carriers = [ctx.unlisted_body(body)]
    purpose = CUE.recipient_then_purpose.match(ctx.folded[end:s.end])
    if not purpose:
        return None
    sp2 = np_right(ctx, si, end + purpose.end())
    return Candidate(*sp2, "org_receives_for", 0.7, amount=am, carriers=carriers) if sp2 else None


def _funded_object(ctx: ExtractionContext, si: int, pos: int, rule: str, am, limit: int | None = None,
                   carriers: list[str] | None = None) -> Candidate | None:
    """The noun phrase at `pos` as what the amount funds, unless it is an organisation (the
    recipient, not the project)."""
    sp = np_right(ctx, si, pos, limit=limit)
    if not sp or org_coverage(ctx, *sp) >= 0.7:
        return None
    return Candidate(*sp, rule, 0.75 if rule in ("invests_in", "finances_object") else 0.7, amount=am, carriers=carriers or [])


_PLACE_SUBJECT = re.compile(r"\W*(?i:la |le |les |l['’])?([A-ZÀ-Ý][\w'’\-]*(?:[ \-](?:et|de|du|des|d['’])?[ \-]?[A-ZÀ-Ý][\w'’\-]*)*)")


def place_as_collectivity(ctx: ExtractionContext, a: int, b: int) -> list[str]:
    """'La Lozère, par exemple, toucherait 30 000 € afin de …': a département or a région named
    by its place as the subject is that collectivity (the gazetteer's Département / Région)."""
    # the subject opens the sentence or follows one of its incises ("À titre d'exemple, la Lozère …")
    starts = [a] + [k + 1 for k in range(a, b) if ctx.text[k] == ","]
    m = next((m for m in (_PLACE_SUBJECT.match(ctx.text, k, b) for k in starts) if m and is_place(m.group(1))), None)
    if m is None:
        return []
    gaz = load_gazetteer()
    place = m.group(1)
    for form in (f"Département de {place}", f"Département de la {place}", f"Département du {place}",
                 f"Département des {place}", f"Département de l'{place}", f"Région {place}"):
        found = gaz.resolve(form)
        if found:
            return [found]
    return []


_TOPIC = re.compile(r"\W*(?:quant a|quant au|quant aux|pour|cote)\s+", re.I)


def _possessed_works_named_by_subject(ctx: ExtractionContext, si: int, c: Candidate) -> None:
    """"La médiathèque de X recevra N pour son extension", "Quant à la halle de Y, elle touchera N
    pour sa rénovation": a possessed works noun alone names nothing; the subject it belongs to
    names the project (the works kept as an alias)."""
    if c.rule not in ("amount_for", "amount_purpose") or len(content_words(ctx.text[c.start:c.end])) != 1:
        return
    if not POSSESSIVE_BEFORE.search(ctx.folded[max(0, c.start - 8):c.start]):
        return
    if not ctx.lex.works_word.match(ctx.folded[c.start:c.end]):
        return
    s = ctx.sents[si]
    topic = _TOPIC.match(ctx.folded[s.start:c.start])
    start = s.start + (topic.end() if topic else 0)
    ends = [k for k in (ctx.folded.find(",", start, c.start),) if k > 0]
    ends += [ctx.amounts[ai].start for ai in ctx.amounts_in(start, c.start)]
    sp = np_right(ctx, si, start, limit=min(ends, default=c.start))
    if sp is None or org_coverage(ctx, *sp) >= 0.7 or is_trap(ctx, *sp) or head_word(ctx.text[sp[0]:sp[1]]) in ctx.lex.collectivity_heads:
        return
    c.aliases.append(ctx.text[c.start:c.end])
    c.start, c.end = sp


def _last_clause_break(before: str, end: int) -> int:
    """Where the clause of a verb at `end` starts: after the last colon or semicolon outside
    parentheses ("La rénovation de X (coût : N) bénéficie de M": the subject is before the
    parenthesis), -1 when there is none."""
    depth, last = 0, -1
    for k, ch in enumerate(before[:end]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ":;" and depth == 0:
            last = k
    return last


def purpose_of_previous_amount(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'Le montant de l'aide s'élève à 450 000 €. Elle permettra de financer la rénovation de X':
    the one amount of the sentence before, in the same paragraph, funds what this one names."""
    s = ctx.sents[si]
    m = CUE.pronoun_then_purpose.match(ctx.folded[s.start:s.end])
    if not m or si == 0 or ctx.sents[si - 1].line != s.line or ctx.amounts_in(s.start, s.end):
        return []
    prev = ctx.sents[si - 1]
    own = [ai for ai in ctx.amounts_in(prev.start, prev.end) if ctx.roles.get(ai) == "project"]
    if len(own) != 1:
        return []
    pos = s.start + m.end()
    verb = ctx.lex.purpose_verb.match(ctx.folded[pos:s.end])  # "… permettra de rénover la salle"
    got = _funded_object(ctx, si, pos + (verb.end() if verb else 0), "purpose_of_previous_amount", ctx.amounts[own[0]])
    return [got] if got is not None else []


def amount_phrasings(ctx: ExtractionContext, si: int) -> list[Candidate]:
    s = ctx.sents[si]
    out: list[Candidate] = []
    lex = ctx.lex
    for ai in ctx.amounts_in(s.start, s.end):
        role = ctx.roles.get(ai)
        am = ctx.amounts[ai]
        after = ctx.folded[am.end:s.end]
        before = ctx.folded[s.start:am.start]
        rate = CUE.rate_then_amount.search(before)
        if rate:
            before = before[:rate.start()]  # "à hauteur de 40 %, soit N": read as "à hauteur de N"
        # "12,5 M€ revient au X", "plus de 5 M€ chacun, vont à X et à Y"
        m = CUE.amount_goes_to.match(after)
        if m and role in ("project", "each"):
            pos = am.end + m.end()
            got = []
            while pos < s.end:
                sp = np_right(ctx, si, pos)
                if not sp:
                    break
                purpose = purpose_after_recipient(ctx, si, sp, am)
                got.append(purpose or Candidate(*sp, "amount_goes_to", 0.75, amount=am))
                nxt = CUE.next_recipient.match(ctx.folded[sp[1]:s.end])
                if not nxt:
                    break
                pos = sp[1] + nxt.end()
            if got:
                out += got
                continue
        if role != "project":
            continue
        if CUE.respectively.search(before):
            continue  # "A et B … respectivement 9,4 M€ et 8,6 M€": the linker pairs them in order
        # "L'extension de X coûtera 2,4 M€, dont 900 000 € apportés par l'État": a funder's share of
        # what the subject costs
        if before.rstrip().endswith("dont") and CUE.share_brought_by.match(after):
            d = lex.discourse.match(before)
            sp = np_right(ctx, si, s.start + (d.end() if d else 0), limit=am.start)
            if sp and org_coverage(ctx, *sp) < 0.7 and not ctx.amounts_in(*sp):
                out.append(Candidate(*sp, "share_of_cost", 0.7, amount=am))
                continue
        # "24,3 M€ ont été investis dans X"
        m = lex.funding_after.match(after)
        if m:
            sp = np_right(ctx, si, am.end + m.end())
            purpose = purpose_after_recipient(ctx, si, sp, am) if sp else None
            if purpose is not None:
                out.append(purpose)
                continue
            if sp:
                out.append(Candidate(*sp, "amount_invested_in", 0.8, amount=am))
                continue
        # "L'État investit 30 M€ dans la rénovation de X"
        m = CUE.into_after_amount.match(after)
        got = _funded_object(ctx, si, am.end + m.end(), "invests_in", am) if m and CUE.invests_before_amount.search(before[-60:]) else None
        if got is not None:
            out.append(got)
            continue
        # "Pour le projet de tramway de X, l'État apporte une subvention de 23 M€"
        m = CUE.fronted_topic.match(ctx.folded[s.start:am.start])
        comma = ctx.text.find(",", s.start, am.start) if m else -1
        if comma > 0 and CUE.gives_before_amount.search(ctx.folded[comma:am.start]) and not ctx.amounts_in(s.start, comma):
            got = _funded_object(ctx, si, s.start + m.end(), "fronted_topic", am, limit=comma,
                                 carriers=[o.name for o in ctx.orgs_in(comma, am.start)])
            if got is not None:
                out.append(got)
                continue
        # "Dotée de 2 M€, la future plateforme X aidera les ménages …"
        comma = ctx.text.find(",", am.end, min(s.end, am.end + 30))
        if CUE.fronted_endowment.match(ctx.folded[s.start:am.start]) and comma > 0:
            got = _funded_object(ctx, si, comma + 1, "fronted_endowment", am)
            if got is not None:
                out.append(got)
                continue
        # "Grâce aux 5 M€ du fonds, la CNAF va refondre son simulateur de droits"
        comma = ctx.text.find(",", am.end, s.end)
        if CUE.thanks_to_fronted.match(ctx.folded[s.start:am.start]) and comma > 0:
            subject = next((o for o in ctx.orgs if comma < o.start <= comma + 8), None)
            verb = CUE.will_do_after_subject.match(ctx.folded[subject.end:s.end]) if subject else None
            act = lex.purpose_verb.match(ctx.folded[subject.end + verb.end():s.end]) if verb else None
            if act:
                sp = np_right(ctx, si, subject.end + verb.end() + act.end())
                if sp:
                    out.append(Candidate(*sp, "thanks_to_fronted", 0.7, amount=am, carriers=[subject.name]))
                    continue
        # "L'Ademe soutiendra la construction d'une chaufferie à Millau à hauteur de 1,3 M€"
        up_to = CUE.up_to_before_amount.search(before)
        verb = None
        for verb in CUE.supports_then_up_to.finditer(before[:up_to.start()] if up_to else ""):
            pass
        got = _funded_object(ctx, si, s.start + verb.end(), "supports_up_to", am, limit=s.start + up_to.start()) if verb else None
        if got is not None:
            out.append(got)
            continue
        # "À Challans, 420 000 € financeront l'extension du groupe scolaire"
        m = CUE.amount_finances_object.match(after)
        got = _funded_object(ctx, si, am.end + m.end(), "amount_finances", am) if m and role == "project" else None
        if got is not None:
            out.append(got)
            continue
        # "Le fonds financera à hauteur de 2,4 M€ le projet de X"
        # (a leading "le projet de" is dropped from every prose name in `prose`)
        m = CUE.object_after_amount.match(after)
        lead = re.match(r"(?:\s*d'euros)?[\s,]*", after).end()  # "financeront, à hauteur de N, la modernisation de X"
        got = _funded_object(ctx, si, am.end + lead, "finances_object", am) if m and CUE.finances_before_amount.search(before[-60:]) else None
        if got is not None:
            out.append(got)
            continue
        # "Ce financement de 4 M€ permettra à ORG de déployer son X"
        m = CUE.enables_body_to.match(after)
        body = next((o for o in ctx.orgs if 0 <= o.start - (am.end + m.end()) <= 4), None) if m else None
        if body is not None:
            pm = lex.purpose_infinitive.match(ctx.folded[body.end:s.end])
            sp = np_right(ctx, si, body.end + pm.end()) if pm else None
            if sp:
                out.append(Candidate(*sp, "enables_body", 0.7, amount=am, carriers=[body.name]))
                continue
        # "20 M€ pour (le projet) X"; "120 000 € de l'État pour la rénovation de X"
        funder = CUE.funder_after_amount.match(after)
        skip = funder.end() if funder else 0
        duration = _DURATION.match(after, skip)
        skip = duration.end() if duration else skip  # "15 M€ sur trois ans pour X"
        m = CUE.amount_for.match(after[skip:])
        if m and not CUE.amount_for_count.match(after[skip:]):
            sp = np_right(ctx, si, am.end + skip + m.end())
            purpose = purpose_after_recipient(ctx, si, sp, am) if sp else None
            if purpose is not None:
                out.append(purpose)
                continue
            if sp and not ctx.lex.funder_subject.match(fold(ctx.text[sp[0]:sp[1]])):
                carriers = [o.name for o in ctx.orgs_in(s.start, am.start)]
                if org_coverage(ctx, *sp) >= 0.7:
                    pass  # "9 M€ au ministère X ... afin de créer Y": handled below
                else:
                    out.append(Candidate(*sp, "amount_for", 0.7, amount=am, carriers=dedupe(carriers)))
                    continue
        # "X … grâce aux 4 M€ accordés à ORG": the clause's subject, carried by the recipient
        m = CUE.thanks_to_amount.search(before)
        if m:
            d = lex.discourse.match(before)
            sp = np_right(ctx, si, s.start + (d.end() if d else 0), limit=s.start + m.start())
            if sp:
                stop = min([k for k in (ctx.folded.find(",", am.end, s.end), ctx.folded.find(";", am.end, s.end)) if k >= 0], default=s.end)
                out.append(Candidate(*sp, "thanks_to_amount", 0.7, amount=am, carriers=[o.name for o in ctx.orgs_in(am.end, stop)]))
                continue
        # "X, doté de 20 M€" / "X, soutenue à hauteur de 4 M€"
        m = lex.funding_before.search(before)
        if m:
            # "X, qui vise à …, sera financé" / "X, estimé à 8 M€, est subventionné": X is before the incise
            incise = CUE.relative_incise.search(ctx.folded, s.start, s.start + m.start())
            sp = np_left(ctx, si, incise.start() if incise else s.start + m.start())
            carriers = []
            comma = ctx.text.rfind(",", s.start, sp[0]) if sp else -1
            if sp and org_coverage(ctx, *sp) >= 0.7 and comma > s.start and lex.carrier_cue.search(ctx.folded[comma:sp[0]]):
                # "X, porté par ORG, est financé à hauteur de …": the subject is before the incise
                carriers = [o.name for o in ctx.orgs_in(*sp)]
                sp = np_left(ctx, si, comma)
            if sp:
                out.append(Candidate(*sp, "endowed_with", 0.8, amount=am, carriers=carriers))
                continue
        # "la réfection de la RD 12, à hauteur de 37 000 €": works named before what they cost
        m = CUE.amount_of_before.search(before)
        if m:
            sp = np_left(ctx, si, s.start + m.start())
            if sp and lex.works_head.match(ctx.folded[sp[0]:sp[1]]):
                out.append(Candidate(*sp, "works_amount", 0.7, amount=am))
                continue
        # "X (2,9 M€)" and "ORG (X - 5,2 M€ - et Y - 4 M€)"
        m = re.search(r"\(\s*$", before)
        if m and re.match(r"^\s*\)", after):
            p = s.start + m.start()
            sp = np_left(ctx, si, p)
            if sp:
                is_org = org_coverage(ctx, *sp) >= 0.7
                orgs = [o.name for o in ctx.orgs_in(*sp)]
                out.append(Candidate(*sp, "org_amount" if is_org else "name_amount", 0.75, amount=am, carriers=orgs))
                continue
        # "Signal Conso (DGCCRF, 1,1 M€)": the carrier and the amount in one parenthesis
        m = re.search(r"\(([^()]{2,80}?),\s*$", ctx.text[s.start:am.start])
        if m and re.match(r"^\s*\)", after):
            p = s.start + m.start()
            inside = (s.start + m.start(1), s.start + m.end(1))
            orgs = [o.name for o in ctx.orgs_in(*inside)]
            if orgs or re.fullmatch(r"[A-Z][A-Z0-9&\-]{1,12}", ctx.text[inside[0]:inside[1]].strip()):
                sp = np_left(ctx, si, p)
                if sp:
                    out.append(Candidate(*sp, "name_carrier_amount", 0.75, amount=am, carriers=orgs))
                    continue
        m = re.search(r"\s[-–—]\s*$", ctx.text[s.start:am.start])
        if m:
            open_paren = ctx.text.rfind("(", s.start, am.start)
            close_paren = ctx.text.rfind(")", s.start, am.start)
            prev_dash = max(ctx.text.rfind(" - ", s.start, s.start + m.start()), ctx.text.rfind(" – ", s.start, s.start + m.start()))
            left = max(open_paren, close_paren, prev_dash + 2 if prev_dash >= 0 else -1)
            if left >= 0:
                a, b = strip_span(ctx.text, left + 1, s.start + m.start())
                a2 = re.match(r"(?:et|ou|,)\s+", ctx.text[a:b])
                if a2:
                    a += a2.end()
                if b > a:
                    carriers = []
                    if open_paren > close_paren:
                        lo = max(ctx.text.rfind(")", s.start, open_paren), ctx.text.rfind(",", s.start, open_paren), s.start)
                        carriers = [o.name for o in ctx.orgs_in(lo, open_paren)]
                    out.append(Candidate(a, b, "name_dash_amount", 0.75, amount=am, carriers=dedupe(carriers)))
                    continue
        # "ORG se voit accorder 9,6 M€ pour son X"; "Le fonds attribue 7,9 M€ au ministère … afin de créer un X"
        m = lex.purpose.search(after)
        if m:
            sp = np_right(ctx, si, am.end + m.end())
            if sp:
                carriers = [o.name for o in ctx.orgs_in(am.end, am.end + m.start())]
                if not carriers:
                    carriers = [o.name for o in ctx.orgs_in(clause_start(ctx, si, am.start), am.start)]
                if not carriers:
                    carriers = place_as_collectivity(ctx, s.start, am.start)
                out.append(Candidate(*sp, "amount_purpose", 0.7, amount=am, carriers=dedupe(carriers)))
                continue
        # "X … disposera de 19,3 M€" / "X bénéficie de 5 M€": the subject of a funding verb
        vm = None
        for vm in lex.funding_verb.finditer(before):
            pass
        selected = _SELECTED_WITH.search(before)
        if selected is not None:
            vm = selected  # "X a elle aussi été retenue, avec N": the selection's subject takes the amount
        if vm is not None and (selected is not None or len(before) - vm.end() <= 40 and "," not in before[vm.end():]):
            verb_at = s.start + vm.start()
            clause_a = s.start + _last_clause_break(before, vm.start()) + 1
            rel = CUE.relative_who.search(before[:vm.start()])
            subj = None
            if rel:
                # "la saisine en ligne portée par la Chancellerie, qui a obtenu …"
                head_end = s.start + rel.start()
                cue = None
                for cue in ctx.lex.carrier_cue.finditer(ctx.folded[clause_a:head_end]):
                    pass
                sp = np_left(ctx, si, clause_a + cue.start() if cue else head_end, floor=clause_a)
                if sp and org_coverage(ctx, *sp) < 0.7:
                    subj = (sp, False, bool(re.match(r"[A-Z]", ctx.text[sp[0]])))
            if subj is None:
                subj = clause_subject(ctx, si, clause_a, verb_at)
            if subj is not None:
                sp, is_org, proper = subj
                # "L'agglomération a reçu 1,5 M€ … pour la construction de X": a body named by its kind
                if is_org or not proper and head_word(ctx.text[sp[0]:sp[1]]) in lex.collectivity_heads:
                    carriers = [o.name for o in ctx.orgs if o.start < sp[1] and sp[0] < o.end]
                    body = ctx.text[sp[0]:sp[1]]
                    if not carriers and not is_org and re.search(r"\s[A-ZÀ-Ý]", body):
                        carriers = [ctx.unlisted_body(body)]  # "l'université de Tours", as written
                    frame = CUE.funder_after_amount.match(after)  # "… au titre de l'appel X pour son Y"
                    skip = frame.end() if frame else 0
                    pm = CUE.purpose_after_org.match(after[skip:])
                    if pm:
                        sp2 = np_right(ctx, si, am.end + skip + pm.end())
                        if sp2:
                            out.append(Candidate(*sp2, "org_receives_for", 0.7, amount=am, carriers=carriers))
                elif not proper and re.search(r"\b(?:ce|cet|cette|ces)\s+(?:\w+\s+)?$", ctx.folded[max(s.start, sp[0] - 20):sp[0]]):
                    pass  # "Cette centrale est financée à hauteur de N": an anaphor, resolved by works_objects
                else:
                    out.append(Candidate(*sp, "subject_receives" if proper else "subject_phrase", 0.65, amount=am))
    return out

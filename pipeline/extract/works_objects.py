"""Works named before their amount: "Le syndicat crée le réseau de chaleur de X. Il bénéficiera de N."

Regional and agency press often tells what a body will build in one sentence and what it gets in the
next, whose subject or object only points back ("Il bénéficiera de …", "Ce réseau est soutenu à
hauteur de …", "La Région lui accorde …", "3 M€ y sont consacrés", "L'aide de l'agence s'élève à …").
Neither sentence holds a funding cue and a name together, so no other rule reads them. Here the
object of the works verb (créer, construire, étendre, installer, déployer, remplacer … par …) in the
sentence right before is the project, its subject the carrier, and the amount is bound to it:
one object for one amount, or as many objects as amounts in order ("crée A … et étend B. Ces deux
opérations reçoivent respectivement N et M"). Anything less certain (two objects, one amount; an
object that is an organisation or a trap) gives nothing.
"""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext, org_coverage
from pipeline.extract.phrases import is_trap, named_by_kind, np_right, sentence_tokens

CUE = lexicon.cues()
# what may stand between a verb and its object: an incise between commas, a frame of time or of
# emphasis ("engagera pour sa part la restauration de …", "installera dès 2024 une centrale")
_BEFORE_OBJECT = re.compile(
    r"\s*(?:,[^,.;]{1,60},|pour (?:sa|leur|son) part|egalement|aussi|notamment|ensuite|enfin|[a-z]{4,}ment|"
    r"des \d{4}|en \d{4}|d'ici (?:a )?\d{4}|cette annee|l'an prochain|bientot)\s*")
# the object's own name quoted after it, at the end of the sentence
_QUOTED_APPOSITION = re.compile(r"[^.;«»]{0,100}?,\s*(?:baptisé\w*\s+|appelé\w*\s+|nommé\w*\s+)?«\s*([^«»]{2,60}?)\s*»\s*[.!]?\s*$")
# a trailing measure says how big, not what: "une chaufferie biomasse de 1,2 MW"
_TRAILING_MEASURE = re.compile(r"\s+(?:de|d'|d’)\s*\d[\d\s,.]*\s*[^\W\d_]{1,12}\s*$")


def points_back(ctx: ExtractionContext, si: int) -> bool:
    """The sentence's amount names nothing itself: its subject or object refers to what came before."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    return bool(CUE.amount_points_back.search(f) or CUE.anaphoric_subject.search(f))


def _works_sentence(ctx: ExtractionContext, si: int) -> int | None:
    """The sentence that tells the works an amount sentence `si` points back to: the one before,
    or the one before that when the sentence between holds no amount ("À X, la gare sera
    transformée en Y. La commune y regroupera … Le programme lui attribue N"); same paragraph."""
    s = ctx.sents[si]
    for k in (si - 1, si - 2):
        if k < 0 or ctx.sents[k].line != s.line:
            return None
        prev = ctx.sents[k]
        f = ctx.folded[prev.start:prev.end]
        if CUE.works_verb.search(f) or CUE.works_passive.search(f):
            return k
        if ctx.amounts_in(prev.start, prev.end):
            return None
    return None


def sentences_to_read(ctx: ExtractionContext) -> list[int]:
    """The sentences before an amount that points back, in the same paragraph: the model must tag
    them for `works_before_amount` to bound their objects."""
    out = []
    for si in range(1, len(ctx.sents)):
        s = ctx.sents[si]
        if not ctx.amounts_in(s.start, s.end) or not points_back(ctx, si):
            continue
        k = _works_sentence(ctx, si)
        if k is not None:
            out.append(k)
    return out


def works_before_amount(ctx: ExtractionContext, cands: list[Candidate]) -> list[Candidate]:
    """New candidates: the works objects of a sentence followed by an amount that points back to
    them, when neither sentence has a project of its own."""
    named = {c.sentence for c in cands if c.sentence >= 0}
    bound = {id(c.amount) for c in cands if c.amount is not None}
    out: list[Candidate] = []
    for si in range(1, len(ctx.sents)):
        s = ctx.sents[si]
        k = _works_sentence(ctx, si) if si not in named else None
        if k is None or any(j in named for j in range(k, si)) or k not in ctx.docs:
            continue
        amounts = [ctx.amounts[ai] for ai in ctx.amounts_in(s.start, s.end)
                   if ctx.roles.get(ai) == "project" and id(ctx.amounts[ai]) not in bound]
        if not amounts or not points_back(ctx, si):
            continue
        objects = works_objects(ctx, k)
        if len(objects) != len(amounts):
            continue
        for c, am in zip(objects, amounts):
            c.amount = am
            bound.add(id(am))
        out += objects
    return out


def works_objects(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """The object of each works verb of sentence `si`, carried by the organisation before the first
    verb (its subject); [] when one of them is not a possible project name."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    toks = sentence_tokens(ctx, si)
    # the regex also finds nouns ("la porte", "une équipe"): a determiner or a preposition before
    # the word says so; the tagger's VERB alone would miss verbs after "et" it reads as nouns
    verbs = {a for k, (a, _, t) in enumerate(toks)
             if t.pos_ in ("VERB", "AUX") or k > 0 and toks[k - 1][2].pos_ not in ("DET", "ADP", "ADJ", "NUM")}
    out: list[Candidate] = []
    passive = CUE.works_passive.search(f)
    if passive and not CUE.works_verb.search(f):
        got = _passive_object(ctx, si, passive)
        return [got] if got is not None else []
    for m in CUE.works_verb.finditer(f):
        verb_at = s.start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        first_word = next((a for a in verbs if verb_at <= a < s.start + m.end()), None)
        if first_word is None:
            continue
        pos = s.start + m.end()
        while (skip := _BEFORE_OBJECT.match(ctx.folded, pos, s.end)) and skip.end() > pos:
            pos = skip.end()
        opener = next((t for a, _, t in sentence_tokens(ctx, si) if a >= pos), None)
        if opener is None or opener.pos_ in ("ADP", "ADV", "PRON", "SCONJ", "PUNCT"):
            return []  # "expérimentera avec l'appui de …": an adjunct first, the object is further
        sp = np_right(ctx, si, pos)
        if sp is None:
            return []
        a, b = sp
        named = _QUOTED_APPOSITION.match(ctx.text, b, s.end)
        if named:  # "déploiera un réseau de capteurs …, « Les Vigies »." : the quoted name names it
            a, b = named.start(1), named.end(1)
        trail = _TRAILING_MEASURE.search(ctx.text[a:b])
        if trail:
            b = a + trail.start()
        if b <= a or is_trap(ctx, a, b) or _is_organisation(ctx, a, b):
            return []
        out.append(Candidate(a, b, "works_before_amount", 0.65, carriers=_subject_carriers(ctx, s.start, verb_at),
                             sentence=si, scope=(s.start, s.end)))
    return out


def _passive_object(ctx: ExtractionContext, si: int, m: re.Match) -> Candidate | None:
    """"L'ancienne gendarmerie sera transformée en maison de services": what it becomes; "La halle
    aux grains sera rénovée": the subject, after a fronted place ("À X, …")."""
    s = ctx.sents[si]
    if m.group("into"):
        sp = np_right(ctx, si, s.start + m.end())
    else:
        lead = _FRONTED_PLACE.match(ctx.folded, s.start, s.start + m.start())
        sp = np_right(ctx, si, lead.end() if lead else s.start, limit=s.start + m.start())
    if sp is None:
        return None
    a, b = sp
    if is_trap(ctx, a, b) or _is_organisation(ctx, a, b):
        return None
    return Candidate(a, b, "works_before_amount", 0.65, sentence=si, scope=(s.start, s.end))


# "À Lauzerte, …", "Enfin, …", "Dans le bourg, …": what comes before the subject
_FRONTED_PLACE = re.compile(r"\W*(?:(?:a|au|aux|dans|sur|en|enfin|ensuite|par ailleurs|de son cote)\b[^,]{0,50},\s*)?")


def _is_organisation(ctx: ExtractionContext, a: int, b: int) -> bool:
    # a body of the gazetteer is who builds, not what; a hospital or a school may be what is
    # rebuilt ("le département rénove le collège X"), so institutions are not excluded
    return org_coverage(ctx, a, b) >= 0.7


def _subject_carriers(ctx: ExtractionContext, start: int, verb_at: int) -> list[str]:
    """The first organisation of the clause before the verb ("Le centre hospitalier de X installera
    …"), else a body named by its kind and its own name ("Le Syndicat intercommunal d'énergie du
    Val (SIEV) crée …"), which no gazetteer lists and which is recorded as unlisted."""
    before = sorted((o for o in ctx.org_spans() if start <= o[0] and o[1] <= verb_at), key=lambda o: o[0])
    if before:
        name = before[0][2]
        if not any(o.name == name for o in ctx.orgs):
            ctx.unlisted.add(name)  # an institution (hospital, school …): kept as a carrier though unlisted
        return [name]
    m = _SUBJECT.match(ctx.text, start, verb_at)
    if not m or m.end() < verb_at - 1 or not named_by_kind(ctx, m.group("body").strip()):
        return []  # "la commune", "le syndicat": a kind without a name says no one in particular
    return [ctx.unlisted_body(m.group("body").strip())]


# a subject written as its kind and name, its acronym in parentheses, an incise of place after it
_SUBJECT = re.compile(r"\W*(?:(?:enfin|ensuite|de son côté|pour sa part)\s*,\s*)?(?i:le |la |les |l['’])?"
                      r"(?P<body>[^\W\d_][^,()]{2,90}?)\s*(?:\([A-Z][A-Za-z0-9]{1,9}\))?\s*(?:,[^,]{1,40},)?\s*$", re.I)

"""Name phrasings of prose, one function each: appositions, quoted names, "le projet X", "projet de X",
enumerations, a carrier before its funding verb, plans of a subject, acronym definitions, named entities."""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext, STOP, acronym_fits, content_words, dedupe, org_coverage, strip_span
from pipeline.extract.phrases import capital_runs, head_word, is_place, is_trap, np_left, np_right, proper_name_ok, sentence_tokens, zipf
from pipeline.text import fold

CUE = lexicon.cues()


def appositives(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'Hélios, une chaîne de calcul …', 'Atlas, un logiciel …': a name before a project noun."""
    s = ctx.sents[si]
    out = []
    for a, b in capital_runs(ctx, si, s.start, s.end):
        app = ctx.lex.appositive.match(ctx.folded[b:min(s.end, b + 60)])
        if not app:
            continue
        if re.search(r"[A-ZÀ-Ý]", ctx.text[b:b + app.end()]):
            continue  # "Signal-Conso, la Base d'Adresses Nationale, etc.": the next name of a list
        if not proper_name_ok(ctx, si, a, b, trust_ner=False):
            continue
        left = [t for st, en, t in sentence_tokens(ctx, si) if en <= a]
        if left and (left[-1].pos_ == "DET" or left[-1].lower_ in ("de", "du", "des", "d'", "d’")):
            continue  # "… dans les Ehpad, un projet …": a complement, not a name
        out.append(Candidate(a, b, "appositive_name", 0.75, carriers=_carriers_near(ctx, si, a, b)))
    return out




def quoted_names(ctx: ExtractionContext, si: int) -> list[Candidate]:
    s = ctx.sents[si]
    out: list[Candidate] = []
    lex = ctx.lex
    text = ctx.text
    reported = bool(lex.reporting.search(ctx.folded[s.start:s.end]))
    for m in re.finditer(r"«\s*([^«»]{2,90}?)\s*»|“([^“”]{2,90}?)”|\"([^\"]{2,90}?)\"", text[s.start:s.end]):
        g = next(k for k in (1, 2, 3) if m.group(k) is not None)
        a, b = s.start + m.start(g), s.start + m.end(g)
        a, b = strip_span(text, a, b)
        if b <= a:
            continue
        inner = text[a:b]
        before = ctx.folded[max(s.start, s.start + m.start() - 60):s.start + m.start()]
        after = ctx.folded[s.start + m.end():min(s.end, s.start + m.end() + 40)]
        if re.search(r"[»”\"]\s*,?\s*$", before):
            continue  # a quote right after another one is a gloss ("X", "auto-apprenant…")
        if CUE.call_before_quote.search(before):
            continue  # 'appel à projets « Villages actifs »': the call, not a laureate
        named = bool(lex.project_noun_before.search(before) or CUE.naming_verb.search(before) or CUE.programme_before_quote.search(before))
        carried = bool(CUE.carried_after_quote.match(after))
        listed = _enumerated(ctx, si, s.start + m.start())
        if not (named or carried or listed):
            continue
        if reported and not named:
            continue
        if len(inner.split()) > 9 or CUE.quote_is_speech.search(fold(inner)):
            continue
        if re.fullmatch(r"[a-zà-ÿ\-]+", inner) and zipf(inner) >= 3.0:
            continue  # 'un projet « exemplaire »': a common word quoted for emphasis, not a name
        if is_trap(ctx, a, b):
            continue
        out.append(Candidate(a, b, "quoted_name", 0.8 if named else 0.6, carriers=_carriers_near(ctx, si, a, b)))
    return out


def _enumerated(ctx: ExtractionContext, si: int, pos: int) -> bool:
    """Is pos inside an enumeration of projects (before a ':' that announces laureates, or after 'portent sur')?"""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    rel = pos - s.start
    colon = f.find(":")
    if colon > rel and ctx.lex.list_intro.search(f[colon:]):
        return True
    m = ctx.lex.enumeration.search(f)
    return bool(m and m.end() <= rel and ctx.lex.list_intro.search(f[:m.start()]))


def _carriers_near(ctx: ExtractionContext, si: int, a: int, b: int) -> list[str]:
    """Organisations tied to the name at a..b by a carrier cue or a 'du ministère' complement."""
    s = ctx.sents[si]
    f = ctx.folded
    # the name's segment and the segments after it that carry a carrier cue
    seg_end = s.end
    for sep in (",", ";", "(", ":"):
        k = f.find(sep, b + 1, s.end)
        if k >= 0:
            seg_end = min(seg_end, k)
    out = []
    right = f[b:seg_end]
    if re.match(r"^[\s»”\"]*(?:du|de la|de l'|des)\s", right):
        out += [o.name for o in ctx.orgs_in(b, seg_end)]
    # appositive or participle clauses right after the name: ", porté par …"
    pos = b
    while True:
        k = f.find(",", pos, s.end)
        nxt = f.find(",", k + 1, s.end) if k >= 0 else -1
        chunk_end = nxt if nxt >= 0 else s.end
        if k < 0 or k - pos > 140:
            break
        cm = ctx.lex.carrier_cue.search(f[k:chunk_end])
        if cm:
            out += [o.name for o in ctx.orgs_in(k + cm.end(), chunk_end)]
            break
        pos = chunk_end
        if nxt < 0:
            break
    return dedupe(out)


def le_projet(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'le projet Orion', 'les projets Alpha et Beta': a capitalised name after a project noun."""
    s = ctx.sents[si]
    out: list[Candidate] = []
    nouns = r"(?:projets?|application|plateforme|dispositif|outil|logiciel|service|portail|téléservice|chatbot|assistant|programme)"
    naming = r"(?:[Bb]aptisée?|[Nn]ommée?|[Aa]ppelée?|[Dd]énommée?|[Ii]ntitulée?|[Ss]urnommée?)"
    for m in re.finditer(r"(?:\b(?:[Ll]e|[Dd]u|[Aa]u|[Cc]e|[Ll]es|[Dd]es|[Aa]ux|[Ll]a|[Ll]'|[Ll]’|[Uu]ne?|[Ss]on|[Ss]a|[Cc]ette|[Ll]eurs?|[Nn]otre|[Nn]os)\s*" + nouns + r"|\b" + naming + r")\s+(?=[A-Z0-9ÉÈÀ])", ctx.text[s.start:s.end]):
        pos = s.start + m.end()
        # "@" and a final "+" belong to names ("Net@Mairie", "Guichet +")
        names = re.match(r"((?:[A-Z0-9ÉÈÀÂÎÔ][\w'’\-\.@]*)(?:\s+(?:de|du|des|d'|d’|la|l'|l’|en|et|pour|[A-Z0-9ÉÈÀÂÎÔ][\w'’\-\.@]*))*(?:\s?\+(?!\w))?)", ctx.text[pos:s.end])
        if not names:
            continue
        # a joining word glued to the next word ("de l'IGN") ends no name: "LiDAR HD", not "LiDAR HD de l'"
        chunk = re.sub(r"(?:\s+(?:de|du|des|d'|d’|la|l'|l’|en|et|pour))+$", "", names.group(1))
        first_amount = min((x.start for x in ctx.amounts if pos < x.start < pos + len(chunk)), default=None)
        if first_amount is not None:  # "l'application Sigma et 500 000 € pour …": the name ends before the amount
            chunk = re.sub(r"(?:\s+(?:et|de|du|des|pour|en|la|l'|l’))+\s*$", "", ctx.text[pos:first_amount].rstrip())
        spelled = _spelled_by_acronym(ctx.text[pos:s.end])
        if spelled and len(spelled) > len(chunk):
            chunk = spelled  # "le programme Télésanté en prison (TEP)": lower-case words the acronym spells
        parts = re.split(r"\s+et\s+", chunk) if "projets" in m.group(0).lower() else [chunk]
        if ("projet" not in m.group(0).lower() and not CUE.naming_word.search(m.group(0))
                and len(chunk.split()) == 1 and zipf(chunk) >= 4.0 and not re.search(r"[A-Z].*[A-Z]|\d", chunk)):
            continue  # "la plateforme Internet": a common word, not a name
        off = pos
        for p in parts:
            a = ctx.text.find(p, off, s.end)
            a, b = strip_span(ctx.text, a, a + len(p))
            off = b
            if b > a and not is_trap(ctx, a, b):
                out.append(Candidate(a, b, "le_projet_name", 0.75, carriers=_carriers_near(ctx, si, a, b)))
    return out


def _spelled_by_acronym(rest: str) -> str | None:
    """The words before a parenthesised acronym that spell it ('Télésanté en prison (TEP)'),
    when they start the text and hold no punctuation."""
    m = re.match(r"([^\W\d_][\w'’\- ]{2,80}?)\s*\(([A-Z][A-Za-z0-9]{1,9})\)", rest)
    if m and acronym_fits(m.group(2), m.group(1), strict=True):
        return m.group(1)
    return None


def projet_de(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'l'ARS …, dont le projet de numérisation des archives médicales doit …': named after an organisation."""
    s = ctx.sents[si]
    out = []
    for m in CUE.own_project_of.finditer(ctx.text[s.start:s.end]):
        pos = s.start + m.end()
        owners = [o for o in ctx.orgs if s.start <= o.end <= s.start + m.start() and s.start + m.start() - o.end < 80]
        if not owners:
            continue
        sp = np_right(ctx, si, pos)
        if sp and not is_trap(ctx, *sp):
            out.append(Candidate(*sp, "project_of_org", 0.55, carriers=[owners[-1].name]))
    return out


def enumeration(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'D'autres projets portent sur A, B ou un «C»': each item a project."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    m = ctx.lex.enumeration.search(f)
    if not m or not ctx.lex.list_intro.search(f[:m.start()]):
        return []
    rest = f[m.end():]
    if ctx.lex.topic.match(rest):
        return []  # "concernent des domaines variés - A, B": fields of the projects
    if ":" in rest:
        return []  # "portent sur un thème : …" announces examples of a theme, not projects
    out: list[Candidate] = []
    base = s.start + m.end()
    end = s.end
    rep = ctx.lex.reporting.search(f, m.end())
    if rep:
        end = s.start + rep.start()  # ", a souligné le ministre" closes the enumeration
    pieces = re.split(r",\s+(?:ou encore\s+|ou\s+|et\s+|ainsi que\s+)?|\s+ou encore\s+|\s+ou\s+|\s+ainsi que\s+|\s+et\s+(?=(?:la|le|les|l'|un|une|des|du)\b)", ctx.folded[base:end])
    off = base
    for p in pieces:
        a = ctx.folded.find(p, off, end)
        if a < 0:
            continue
        b = a + len(p)
        off = b
        if "«" in ctx.text[a:b]:
            continue  # quoted items are read by the quote rule
        if not re.match(r"(?:la|le|les|l'|un|une|des|du|de la|d')\s*\w|[A-ZÉ]", ctx.folded[a:b] if ctx.text[a:a + 1].islower() else ctx.text[a:b]):
            continue  # an item of an enumeration is a noun phrase
        a, b = strip_span(ctx.text, a, b)
        if b <= a or len(content_words(ctx.text[a:b])) < 2 or is_trap(ctx, a, b):
            continue
        out.append(Candidate(a, b, "enumerated", 0.6))
    quoted = len(re.findall(r"«", ctx.text[base:end]))
    return out if len(out) + quoted >= 2 else []  # "concernent les collectivités" is no enumeration


def carrier_before_verb(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'X, porté par ORG': the noun phrase before the cue."""
    s = ctx.sents[si]
    out: list[Candidate] = []
    for m in ctx.lex.carrier_cue.finditer(ctx.folded[s.start:s.end]):
        if m.group(0).startswith("porteur") or m.group(0).startswith("il ") or m.group(0).startswith("elle "):
            continue
        pos = s.start + m.start()
        comma = re.search(r",\s*$", ctx.folded[s.start:pos])
        if not comma:
            continue
        sp = np_left(ctx, si, s.start + comma.start())
        if not sp or org_coverage(ctx, *sp) >= 0.5:
            continue
        left = [t for st, en, t in sentence_tokens(ctx, si) if en <= sp[0]]
        while left and left[-1].pos_ == "DET":
            left.pop()
        if left and left[-1].pos_ in ("VERB", "AUX"):
            continue  # "… visant les personnes âgées, pilotée par": the object of a verb, not the name
        end_cue = s.start + m.end()
        stop = min([k for k in (ctx.folded.find(",", end_cue, s.end), ctx.folded.find(";", end_cue, s.end)) if k >= 0], default=s.end)
        carriers = [o.name for o in ctx.orgs_in(end_cue, stop)]
        if carriers:
            out.append(Candidate(*sp, "carried_by", 0.6, carriers=dedupe(carriers)))
    return out




def subject_plans(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'ORG prévoit la mise en place d'un X', 'ORG va recevoir une aide au X' (no amount)."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    d = ctx.lex.discourse.match(f)
    lead = d.end() if d else 0
    subj = [o for o in ctx.orgs if s.start + lead <= o.start <= s.start + lead + 4]
    if not subj:
        return []
    m = CUE.plans_to.search(f, subj[0].end - s.start)
    if not m or m.start() - (subj[0].end - s.start) > 60:
        return []
    sp = np_right(ctx, si, s.start + m.end())
    if not sp or is_trap(ctx, *sp):
        return []
    return [Candidate(*sp, "org_plans", 0.55, carriers=[subj[0].name])]


def funded_by_pronoun_next(ctx: ExtractionContext, si: int) -> bool:
    """The next sentence of the paragraph opens on a pronoun and gives a project's amount: "X (ACR)
    associe … Il sera doté de N": what this sentence names is what is funded."""
    if si + 1 >= len(ctx.sents) or ctx.sents[si + 1].line != ctx.sents[si].line:
        return False
    nxt = ctx.sents[si + 1]
    return bool(CUE.pronoun_subject_funded.match(ctx.folded, nxt.start, nxt.end)) and any(
        ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(nxt.start, nxt.end))


def acronym_definitions(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """'Plateforme d'échange des greffes (PEG)' in a sentence about projects."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    if not (ctx.lex.list_intro.search(f) or ctx.amounts_in(s.start, s.end) or ctx.lex.carrier_cue.search(f)
            or funded_by_pronoun_next(ctx, si)):
        return []
    out = []
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9&]{1,9})\)", ctx.text[s.start:s.end]):
        acr = m.group(1)
        p = s.start + m.start()
        if any(o.start <= p <= o.end + 2 for o in ctx.orgs):
            continue
        sp = np_left(ctx, si, p)
        if not sp:
            continue
        a, b = sp
        # shrink to the words whose initials spell the acronym
        words = list(re.finditer(r"[^\W\d_][\w\-]*", ctx.text[a:b]))
        for k in range(len(words)):
            cand = ctx.text[a + words[k].start():b]
            if acronym_fits(acr, cand, strict=True) and fold(cand[0]) == fold(acr[0]):
                a = a + words[k].start()
                break
        else:
            continue
        head = head_word(ctx.text[a:b])
        # a body defines its acronym too ("le Syndicat des eaux du Causse (SIEC) construit …")
        if head in ctx.lex.org_heads or is_trap(ctx, a, b) or re.sub(r"(?<=.{3})[sx]$", "", head) in ("direction", "agence", "office", "institut", "caisse", "centre", "service", "etablissement", "etablissements", "conseil", "commission", "mission", "delegation", "secretariat", "inspection", "autorite", "observatoire", "universite", "ecole",
                                                                                  "laboratoire", "unite"):
            continue
        out.append(Candidate(a, b, "acronym_definition", 0.6, acronym=acr, carriers=_carriers_near(ctx, si, a, b)))
    return out




def named_entities(ctx: ExtractionContext, si: int) -> list[Candidate]:
    """Proper names the NER tags ORG or MISC, in a sentence about funded projects."""
    s = ctx.sents[si]
    f = ctx.folded[s.start:s.end]
    if not (CUE.project_context.search(f) or any(ctx.roles.get(ai) == "project" for ai in ctx.amounts_in(s.start, s.end))):
        return []
    doc = ctx.docs[si]
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "MISC"):
            continue
        a, b = strip_span(ctx.text, s.start + ent.start_char, s.start + ent.end_char)
        name = ctx.text[a:b]
        if b <= a or not name[:1].isupper():
            continue
        words = name.split()
        camel = bool(re.search(r"[a-zé][A-Z]", name))
        if len(words) < 2 and not camel:
            continue
        if fold(words[0]) in ctx.lex.common_capitalised and len(words) < 2:
            continue
        if any(o.start < b and a < o.end for o in ctx.orgs):
            continue
        if head_word(name) in ctx.lex.org_heads or is_place(name) or fold(words[0]) in STOP | {"dans", "chez", "selon", "apres", "avant", "depuis", "pendant", "vers", "parmi"}:
            continue
        if CUE.office_title_before.search(ctx.folded[max(s.start, a - 60):a]):
            continue  # part of an office's title: "ministre de l'Action et des Comptes publics"
        if any(e.label_ == "PER" and e.start_char <= ent.start_char < e.end_char for e in doc.ents):
            continue
        if is_trap(ctx, a, b):
            continue
        out.append(Candidate(a, b, "named_entity", 0.45, carriers=_carriers_near(ctx, si, a, b)))
    return out

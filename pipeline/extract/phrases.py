"""Noun phrases and names around a position: bounds from the sentence's POS tags, capitalised runs,
clause subjects, and the filters that reject traps, organisations, places and generic words."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.context import ACRONYM, CLOSE_FOR, CONNECT, ExtractionContext, NP_ADP, OPEN_QUOTES, POSSESSIVE, STOP, WORD, content_words, org_coverage, strip_span
from pipeline.extract.coordination import looks_like_name
from pipeline.extract.segment import after_bullet
from pipeline.text import fold


def sentence_tokens(ctx: ExtractionContext, si: int):
    doc = ctx.docs.get(si)
    if doc is None:
        return []
    base = ctx.sents[si].start
    return [(base + t.idx, base + t.idx + len(t.text), t) for t in doc]


def _in_np(t, prev) -> bool:
    if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "X", "SYM"):
        return True
    if (t.pos_ == "VERB" and "Part" in t.morph.get("VerbForm") and "Pres" not in t.morph.get("Tense")
            and not t.lower_.endswith("ant") and prev is not None and prev.pos_ in ("NOUN", "ADJ", "PROPN")):
        return True
    return bool(t.text[:1].isupper() and t.is_alpha and t.pos_ not in ("ADV", "VERB", "AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ"))


_YEAR = re.compile(r"(?:19|20)\d\d")


def np_right(ctx: ExtractionContext, si: int, pos: int, limit: int | None = None) -> tuple[int, int] | None:
    toks = [x for x in sentence_tokens(ctx, si) if x[0] >= pos]
    limit = ctx.sents[si].end if limit is None else limit
    m = ctx.lex.action_prefix.match(ctx.folded[pos:limit])
    if m:
        toks = [x for x in toks if x[0] >= pos + m.end()]
    i = 0
    # "pour construire ensemble un jumeau …", "notamment la refonte …": a lower-case adverb opens no name
    while i < len(toks) and (toks[i][2].pos_ in ("DET", "ADP") or toks[i][2].lower_ in POSSESSIVE
                             or toks[i][2].text.islower() and (toks[i][2].pos_ == "ADV" or fold(toks[i][2].text) in ctx.lex.object_adverbs)):
        i += 1
    if i >= len(toks) or toks[i][0] >= limit:
        return None
    first = toks[i][2]
    if first.text in OPEN_QUOTES:
        close = CLOSE_FOR.get(first.text, "»")
        j = ctx.text.find(close, toks[i][1], limit)
        if j > 0:
            a, b = toks[i][1], j
            while a < b and ctx.text[a].isspace():  # « X »: the spaces inside French quotes are no part of X
                a += 1
            while b > a and ctx.text[b - 1].isspace():
                b -= 1
            return a, b
    if not _in_np(first, None):
        return None
    start, end = toks[i][0], toks[i][1]
    prev = first
    j = i + 1
    n = 1
    while j < len(toks) and toks[j][0] < limit and n < 16:
        s, e, t = toks[j]
        nxt = toks[j + 1][2] if j + 1 < len(toks) else None
        if any(a.start <= s < a.end for a in ctx.amounts):
            break
        if t.text in OPEN_QUOTES:
            close = CLOSE_FOR.get(t.text, "»")
            k = ctx.text.find(close, e, limit)
            if k < 0 or k - e > 120:
                break
            end = k + 1
            j = next((q for q in range(j, len(toks)) if toks[q][0] >= k + 1), len(toks))
            continue
        if t.text == "(":
            k = ctx.text.find(")", e, limit)
            inner = ctx.text[e:k] if k > 0 else ""
            if k < 0 or len(inner.split()) > 4:
                break
            end = k + 1
            j = next((q for q in range(j, len(toks)) if toks[q][0] >= k + 1), len(toks))
            continue
        if t.lower_ in ("pour", "afin") and ctx.lex.action_prefix.match(ctx.folded[e:limit].lstrip()[:40]):
            break
        after_next = toks[j + 2][2] if j + 2 < len(toks) else None
        if t.pos_ == "VERB" and nxt is not None and (nxt.lower_ == "par" or (
                nxt.lower_ in ("à", "a", "de", "d'", "d’", "pour") and after_next is not None and after_next.pos_ == "VERB")):
            break  # "destiné à repérer …", "piloté par …": the participle starts a clause
        if _in_np(t, prev) or (prev is not None and prev.pos_ in ("NOUN", "ADJ") and fold(t.lower_) in ctx.lex.adjectival_participles):
            end = e
        elif t.pos_ == "ADP" and t.lower_ in NP_ADP and nxt is not None and nxt.pos_ not in ("VERB", "AUX", "PRON", "NUM"):
            if t.lower_ == "en" and nxt.like_num:
                break
        elif (t.lower_ == "de" and nxt is not None and nxt.like_num and not _YEAR.fullmatch(nxt.text)
              and after_next is not None and fold(after_next.text) in ctx.lex.measure_units):
            pass  # a measured object: "la plantation de 12 kilomètres de haies", "… de 14 places"
        elif t.pos_ == "DET" and prev is not None and (prev.pos_ in ("ADP", "CCONJ") or prev.lower_ in NP_ADP):
            pass
        elif (t.pos_ == "DET" and t.text[:1].isupper() and prev is not None and prev.pos_ in ("NOUN", "PROPN")
              and nxt is not None and nxt.text[:1].isupper()):
            pass  # "le cinéma Le Rex", "l'Ehpad Les Tilleuls": a capitalised article opens the proper name
        elif t.pos_ == "CCONJ" and t.lower_ == "et" and nxt is not None and nxt.pos_ in ("DET", "NOUN", "ADJ", "PROPN") and (
            j + 2 >= len(toks) or toks[j + 2][2].pos_ not in ("VERB",)
        ):
            pass
        elif t.text in ("-", "'", "’"):
            pass
        else:
            break
        prev = t
        j += 1
        n += 1
    a, b = strip_span(ctx.text, start, end)
    return (a, b) if b > a else None


def np_left(ctx: ExtractionContext, si: int, pos: int, floor: int | None = None) -> tuple[int, int] | None:
    toks = [x for x in sentence_tokens(ctx, si) if x[1] <= pos]
    floor = ctx.sents[si].start if floor is None else floor
    toks = [x for x in toks if x[0] >= floor]
    if not toks:
        return None
    # a capitalised run ("figure Passeport Vert,") is a name on its own
    j = len(toks) - 1
    while j >= 0 and toks[j][2].is_punct and toks[j][2].text not in ")»”\"":
        j -= 1
    if j < 0:
        return None
    end = toks[j][1]
    if toks[j][2].text in ")»”\"":
        opener = {")": "(", "»": "«", "”": "“", '"': '"'}[toks[j][2].text]
        k = ctx.text.rfind(opener, floor, toks[j][0])
        if k >= 0:
            while j >= 0 and toks[j][0] > k:
                j -= 1
            j -= 0
    k = j
    run_start = None
    while k >= 0:
        t = toks[k][2]
        if (t.text[:1].isupper() and (t.is_alpha or ACRONYM.match(t.text))) or (t.like_num and run_start is not None) or t.text in "()»«":
            run_start = k
            k -= 1
            continue
        if t.lower_ in CONNECT and k > 0 and run_start is not None and toks[k - 1][2].text[:1].isupper():
            k -= 1
            continue
        break
    if run_start is not None:
        left = toks[run_start - 1][2] if run_start > 0 else None
        run_text = ctx.text[toks[run_start][0]:end]
        complement = (left is not None and left.lower_ in CONNECT and run_start >= 2
                      and toks[run_start - 2][2].pos_ in ("NOUN", "ADJ", "ADP", "DET")
                      and (is_place(run_text) or all(toks[x][2].ent_type_ == "LOC" for x in range(run_start, j + 1))
                           or org_coverage(ctx, toks[run_start][0], end) >= 0.7))
        if not complement and (left is None or not left.text[:1].isupper()):
            a, b = strip_span(ctx.text, toks[run_start][0], end)
            if b > a and (left is None or left.pos_ in ("VERB", "AUX", "PUNCT", "ADP", "DET", "CCONJ", "ADV", "PRON", "SCONJ") or left.is_punct):
                return a, b
    # otherwise walk left over a noun phrase
    k = j
    start = toks[j][0]
    while k >= 0:
        s, e, t = toks[k]
        left = toks[k - 1][2] if k > 0 else None
        if (t.text[:1].isupper() and t.is_alpha and left is not None and left.lower_ in ("d'", "d’", "de", "du")
                and not is_place(ctx.text[s:end]) and t.ent_type_ != "LOC" and org_coverage(ctx, s, end) < 0.7
                and not any(x.start < s < x.end for x in ctx.institutions)):  # "le collège Curie d'Arras"
            start = s  # "la montée en charge d'Agora des métiers": the name starts at the capital
            break
        if _in_np(t, left) or t.pos_ in ("DET", "CCONJ") or (t.pos_ == "ADP" and t.lower_ in NP_ADP) or t.text in ("-", "'", "’", "«", "»"):
            if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or t.text[:1].isupper() or (t.pos_ == "VERB"):
                start = s
            k -= 1
            continue
        break
    a, b = strip_span(ctx.text, start, end)
    return (a, b) if b > a else None


def head_word(name: str) -> str:
    words = [fold(w) for w in WORD.findall(name)]
    words = [w for w in words if w not in STOP]
    return words[0] if words else ""


def named_by_kind(ctx: ExtractionContext, text: str) -> bool:
    """"le syndicat des eaux du Vexin", "Communauté de communes Lède et Coteaux": a kind of body
    (org_heads) and a name of its own (a capital after it); "la commune" alone names no one."""
    return head_word(text) in ctx.lex.org_heads and bool(re.search(r"[\s-][A-ZÀ-Ý]", text))


def item_may_name_project(ctx: ExtractionContext, a: int, b: int) -> bool:
    """An item of an enumeration (after a colon, "parmi les lauréats figurent", before
    "respectivement") that can name a project: name-like, no trap, not a body."""
    return b > a and looks_like_name(ctx.text[a:b]) and not is_trap(ctx, a, b) and org_coverage(ctx, a, b) < 0.6


def is_trap(ctx: ExtractionContext, a: int, b: int, allow_org: bool = False) -> str | None:
    """Why text[a:b] is not a project name, or None when it may be one."""
    name = ctx.text[a:b].strip()
    if name[:1] in "()[]":
        return "a parenthesis"
    if re.search(r"\bfonds\b", fold(name)):
        return "names the fund"
    if any(x < b and a < y for x, y, _ in ctx.schemes):
        return "names a scheme the article introduces"
    f = re.sub(r"\s+", " ", fold(name)).strip(" «»\"“”")
    lex = ctx.lex
    if len(f) < 2 or not re.search(r"[^\W\d_]", name):
        return "no letters"
    if len(name.split()) > 25:
        return "too long"
    if re.fullmatch(r"[a-zà-ÿ]+(?:er|ir|re|oir)", name):
        return "a verb alone"  # "une aide de 15 M€ pour le reconstruire": the object is a pronoun
    if f in _date_words():
        return "a day or a month"  # "Mardi, la préfecture a confirmé …": the subject comes after
    if f in lex.known_traps or any((f.startswith(t + " ") and len(t) > 8) or (t.startswith(f + " ") and len(f) > 8)
                                   for t in lex.known_traps):
        return "known programme or event"
    quoted = re.search(r"[«“\"]\s*([^«»“”\"]+?)\s*[»”\"]", name)
    if quoted and re.sub(r"\s+", " ", fold(quoted.group(1))) in lex.known_traps:
        return "known programme or event, quoted"  # 'programme « Petites villes de demain »'
    if re.match(r"(?:m|k|md|mds|mrd)?\s?(?:eur|euros|€)\b", f):
        return "an amount's unit"
    if f in lex.measure_units:
        return "a unit of measure"  # "Longue de 4,2 km, elle a reçu N": the subject is the pronoun
    if re.match(r"\d[\d\s.\u202f\u00a0]*\s+[^\W\d_]+[sx]\b", name) or _COUNT_WORDS.match(f):
        return "a count of beneficiaries"
    if re.match(r"programmes?\s+(?:n°\s*)?\d+\b", f):
        return "a numbered budget programme"
    if re.match(r"(?:(?:a|au|aux|chez|pour|par|dans|selon|depuis|avec|apres|avant|suite|de la)\s|de l')", f):
        return "starts with a preposition"
    if lex.frame_before.search(ctx.folded[max(0, a - 30):a]):
        return "the frame of the funding"
    head = head_word(name)
    two = " ".join(content_words(name)[:2])
    if (head in lex.trap_heads or two in lex.trap_heads) and two not in lex.trap_head_exceptions:
        return f"trap head '{head}'"
    rest = name
    for o in ctx.orgs_in(a, b):
        rest = rest.replace(ctx.text[o.start:o.end], " ")
    words = content_words(rest)
    if not words:
        return None if allow_org else "an organisation"
    if all(w in lex.generic_heads for w in words):
        return "generic words only"
    if name[:1].islower() and head in ("projet", "projets", "dossier", "laureat", "chantier") and not re.search(r"[A-Z0-9«\"]", name[1:]):
        return "a description of a project, not its name"
    if re.search(r"\b(?:principaux|principales|nombreux|plusieurs|autres|differents|divers|quelques|premiers|derniers)\s+"
                 r"(?:projets|dossiers|laureats|initiatives|realisations)\b", f) and not re.search(r"[A-Z0-9«\"]", name[1:]):
        return "speaks of several projects"  # "Tour d'horizon des principaux projets du secteur"
    if re.search(r"https?://|www\.|\.(?:fr|com|org|gouv)\b", f):
        return "a web address"
    return None


def clause_start(ctx: ExtractionContext, si: int, pos: int) -> int:
    s = ctx.sents[si]
    seg = ctx.folded[s.start:pos]
    cut = max(seg.rfind(","), seg.rfind(";"), seg.rfind(":"), seg.rfind("("))
    return s.start + cut + 1 if cut >= 0 else s.start


_FUNCTION_POS = {"ADV", "ADJ", "VERB", "AUX", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "PUNCT", "NUM"}


def _incises(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans set off inside a clause: ' – … – ', '( … )', '« … »'."""
    seg = text[a:b]
    out = []
    for m in re.finditer(r"\s[–—-]\s.*?\s[–—-]\s|\([^()]*\)|«[^«»]*»|“[^“”]*”"
                         r"|,\s(?:qui|dont|que|où)\b[^,]*,"
                         r"|,\s\w+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues)\s+(?:par|à|au|aux|de|du|des|sur|avec|en)\b[^,]*,", seg):
        out.append((a + m.start(), a + m.end()))
    return out


def capital_runs(ctx: ExtractionContext, si: int, a: int, b: int) -> list[tuple[int, int]]:
    """Runs of capitalised words in text[a:b] ("Voix Directe", "Diplômaclé", "Agence de l'eau")."""
    toks = [x for x in sentence_tokens(ctx, si) if a <= x[0] and x[1] <= b]
    out = []
    i = 0
    while i < len(toks):
        t = toks[i][2]
        if not (t.text[:1].isupper() and (t.is_alpha or ACRONYM.match(t.text) or re.match(r"^\w+['’\-]\w+", t.text))):
            i += 1
            continue
        j = i
        while j + 1 < len(toks):
            n = toks[j + 1][2]
            if n.text[:1].isupper() or (n.like_num and not n.text.isdigit() or (n.like_num and len(n.text) <= 2)):
                j += 1
                continue
            if n.lower_ in CONNECT and j + 2 < len(toks) and toks[j + 2][2].text[:1].isupper():
                j += 2
                continue
            break
        out.append((toks[i][0], toks[j][1], toks[i][2]))
        i = j + 1
    return [(x, y) for x, y, _ in out] if out else []


def proper_name_ok(ctx: ExtractionContext, si: int, a: int, b: int, trust_ner: bool = True) -> bool:
    """A capitalised run that can be a project's name: not a sentence-initial common word, a body,
    a person, a place or a trap."""
    toks = [x for x in sentence_tokens(ctx, si) if a <= x[0] and x[1] <= b]
    if not toks:
        return False
    first = toks[0][2]
    if len(toks) == 1 and first.pos_ in _FUNCTION_POS:
        return False
    before = ctx.text[max(0, a - 3):a]
    starts = a == 0 or before.endswith("\n") or after_bullet(before) or bool(re.search(r"[.!?]\s*$", before))
    if len(toks) == 1 and starts and zipf(first.text) >= 3.0:
        return False  # "Viennent ensuite …": a capital that only starts the sentence
    if first.pos_ in ("DET", "ADP", "PRON", "CCONJ", "SCONJ"):
        return False
    if first.pos_ in ("ADV", "VERB", "AUX") and not (len(toks) >= 2 and toks[-1][2].text[:1].isupper()):
        return False  # a capitalised verb or adverb alone is a sentence start; "Alerte Nuisance" is a name
    if head_word(ctx.text[a:b]) in ctx.lex.org_heads or org_coverage(ctx, a, b) >= 0.5:
        return False
    if is_place(ctx.text[a:b]):
        return False
    doc = ctx.docs.get(si) if trust_ner else None
    if doc is not None:
        base = ctx.sents[si].start
        if any(e.label_ in ("PER", "LOC") and base + e.start_char <= a and b <= base + e.end_char for e in doc.ents):
            return False
    return is_trap(ctx, a, b) is None


# a common noun and a preposition just before a capitalised run ("le pont de la Grave"): the run completes that noun
_COMPLEMENT_BEFORE = re.compile(r"\b[a-z]{3,}\s+(?:en|de|du|des|d'|a|au|aux|pour|dans|sur)(?:\s+la|\s+les|\s+le|\s+l')?\s*$")


# nouns that introduce a name rather than form one with it: "le projet Orion", "l'outil Sésame"
_NAMING_NOUN = re.compile(r"(?:projets?|application|appli|plateforme|dispositif|outil|logiciel|service|portail|teleservice|"
                          r"chatbot|assistant|programme|solution|laureat|laureate|start-up|startup|entreprise|societe|"
                          r"association|label|marque|operation|initiative|prototype|site|module|reseau)$")


def _common_noun_before(ctx: ExtractionContext, si: int, a: int) -> bool:
    """A lower-case common noun right before a capitalised run names one thing with it
    ("l'hôpital Trousseau"), unless it only introduces the name ("le projet Orion")."""
    prev = None
    for x, _, t in sentence_tokens(ctx, si):
        if x >= a:
            break
        prev = t
    return (prev is not None and prev.pos_ == "NOUN" and prev.text.islower() and len(prev.text) >= 3
            and not _NAMING_NOUN.match(fold(prev.text)))


# A participle clause opening the sentence, up to its comma: "Coordonné par X, …", "Installé
# depuis 2019 dans Y, …". Only a capitalised participle counts (the sentence's first word).
_FRONTED_PARTICIPLE = re.compile(
    r"\W*[A-ZÀ-Ý][a-zà-ÿ]+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues)\s+(?:par|à|au|aux|de|du|des|sur|avec|en|dans|pour|depuis)\b[^,]*,")


_FRONTED_ADJUNCT = re.compile(r"\W*(?i:À|Au|Aux|Dans|En|Sur|Côté|Du côté|Pour|Quant à|Quant au)\s[^,]{1,60},\s*")


_NAME_BEFORE_VERB = re.compile(r",\s*((?:[A-ZÀ-Ý][\w'’\-.]*|\d+)(?:\s+(?:[A-ZÀ-Ý][\w'’\-.]*|\d+|de|du|des|d['’]))*)\s*,\s*$")


def clause_subject(ctx: ExtractionContext, si: int, clause_a: int, verb_at: int) -> tuple[tuple[int, int], bool, bool] | None:
    """The subject of a funding verb: (span, is_organisation, is_proper_name)."""
    fronted = _FRONTED_PARTICIPLE.match(ctx.text, clause_a, verb_at)
    if fronted:
        clause_a = fronted.end()  # "Coordonné par le service X, il reçoit …": the subject follows
    adjunct = _FRONTED_ADJUNCT.match(ctx.text, clause_a, verb_at)
    while adjunct and adjunct.end() > clause_a:
        # "Au CHU de X, le projet Y est soutenu …": a place fronted, the subject after it; two of
        # them ("À quinze kilomètres, à Chambonnet, la maison de santé …") as well
        clause_a = adjunct.end()
        adjunct = _FRONTED_ADJUNCT.match(ctx.text, clause_a, verb_at)
    # "l'outil de détection des fraudes de la Cnaf, Vigie-Prestations, obtient …": the name set
    # off by commas right before the verb is the subject the description announced
    appos = _NAME_BEFORE_VERB.search(ctx.text, clause_a, verb_at)
    if appos and appos.start() > clause_a:
        a, b = appos.span(1)
        if org_coverage(ctx, a, b) < 0.7 and not is_trap(ctx, a, b) and proper_name_ok(ctx, si, a, b, trust_ner=False):
            return (a, b), False, True
    inc = _incises(ctx.text, clause_a, verb_at)
    # "La rénovation de la salle Jean-Vilar bénéficie …": a subject headed by works names them whole,
    # its capitals (the building's name) are a complement
    works_subject = ctx.lex.works_head.match(ctx.folded[clause_a:verb_at])
    for a, b in ([] if works_subject else capital_runs(ctx, si, clause_a, verb_at)):
        if any(x <= a and b <= y for x, y in inc):
            continue
        # "L'hôpital de Cahors touchera …": the capitals are the place of a body, the body is the subject
        body = next((x for x in ctx.institutions if x.start <= a and b <= x.end and not x.authority), None)
        if body is not None:
            return (body.start, body.end), True, True
        agent = None
        for agent in ctx.lex.carrier_cue.finditer(ctx.folded, clause_a, a):
            pass
        if agent is not None and a - agent.end() <= 5:
            continue  # "X porté par l'ARS a obtenu …": the agent of a participle inside the subject
        if org_coverage(ctx, a, b) >= 0.7:
            return (a, b), True, True
        if _COMPLEMENT_BEFORE.search(ctx.folded[clause_a:a]):
            continue  # "Le projet de téléconsultation en Ehpad …": a complement inside the subject
        if _common_noun_before(ctx, si, a):
            continue  # "le nouvel hôpital Trousseau", "la médiathèque Louis-Aragon": the noun and its name
        # no NER veto here: invented project names are often tagged PER, and people are not
        # the subject of "reçoit 2 M€" in these articles
        if proper_name_ok(ctx, si, a, b, trust_ner=False):
            return (a, b), False, True
    d = ctx.lex.discourse.match(ctx.folded[clause_a:verb_at])
    a0 = clause_a + (d.end() if d else 0)
    sp = np_right(ctx, si, a0, limit=verb_at)
    if not sp or ctx.lex.funder_subject.match(fold(ctx.text[sp[0]:sp[1]])):
        return None
    return sp, org_coverage(ctx, *sp) >= 0.7, False


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """French word frequency (zipf scale): 3 is a common word, 4 a very common one."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "fr")


@lru_cache(maxsize=1)
def _places() -> frozenset:
    """Folded names of departments and regions (the gazetteer's place data) and a few others."""
    from pipeline.extract.organizations import place_names

    names = {re.sub(r"\s+", " ", fold(n)).strip() for n in place_names()}
    names |= {"france", "paris", "europe", "outre mer", "metropole", "etats unis", "royaume uni", "allemagne"}
    return frozenset(names)


# "Deux projets ANR", "trois lauréats": a count written in words, like "12 projets"
_COUNT_WORDS = re.compile(r"(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt)\s+[^\W\d_]+[sx]\b")


@lru_cache(maxsize=1)
def _date_words() -> frozenset:
    from pipeline.extract.dates import load_rules

    rules = load_rules()
    words = {fold(w) for w in rules["weekdays"]}
    words |= {fold(w) for forms in rules["months"].values() for w in forms["full"]}
    return frozenset(words)


def is_place(name: str) -> bool:
    f = re.sub(r"\s+", " ", fold(name)).strip()
    f = re.sub(r"^(?:en|dans|le|la|les|l'|de|du|des)\s+", "", f)
    return f in _places()

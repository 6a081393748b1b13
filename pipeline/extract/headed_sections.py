"""Short headings that each open a paragraph about one funded project ("1. Sirène Pro" then its
paragraph): the heading is the project's name, the paragraph its amount and carriers; and the
headings that are no project's name (intertitles, policy areas) told apart from them."""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.extract.context import Candidate, ExtractionContext, dedupe, org_coverage, split_acronym, strip_span
from pipeline.extract.headed_lists import TOWN_PATTERN, body_after_cue, commune_of, head_of
from pipeline.extract.phrases import is_trap, named_by_kind, zipf
from pipeline.extract.segment import Line, item_body
from pipeline.text import fold

CUE = lexicon.cues()


def is_org_line(ctx: ExtractionContext, ln: Line) -> bool:
    if ln.kind == "para" and len(ln.text) > 250:
        return False
    return bool(ctx.orgs_in(ln.start, ln.end)) and org_coverage(ctx, ln.start, ln.end) >= 0.6




def is_title_line(ctx: ExtractionContext, ln: Line) -> bool:
    if ln.kind not in ("heading", "item") or len(ln.text) > 260 or len(ln.text) < 3:
        return False
    if CUE.carrier_label.match(ln.text) or CUE.amount_label.match(ln.text) or ln.text.rstrip().endswith(":"):
        return False
    return not is_org_line(ctx, ln)


_INTERTITLE_OPENERS = {"un", "une", "des", "le", "la", "les", "l", "du", "de", "en", "a", "au", "aux", "pour", "avec",
                       "sans", "dans", "sur", "apres", "avant", "vers", "plus", "moins", "pas", "quel", "quelle",
                       "quels", "quelles", "comment", "pourquoi", "ce", "cette", "ces", "et", "mais", "ou"}
_NUMBERING = re.compile(r"\s*(?:\d{1,2}|[IVX]{1,4})\s*[.)/–-]\s+")


def _has_proper_word(name: str) -> bool:
    # a capital past the first letter: "Le Bistrot de Montcabrier", "Roule ma Creuse", "Sirène Pro"
    return any(w[:1].isupper() or any(c.isupper() for c in w[1:]) for w in re.findall(r"[^\W\d_][\w'’-]*", name)[1:])


_DASH = re.compile(r"\s[–—]\s")
# a heading's name followed by the frame of its selection: "X, dans l'appel Y", "X, lauréat de Z"
_HEADING_CONTEXT = re.compile(r",\s+(?:dans|au titre|pour|avec|lauréat|lauréate|retenu|retenue|soutenu|soutenue|sélectionné|sélectionnée)\b")
# a town in parentheses: capitalised words and the small words of place names, not an acronym
_PLACE_IN_PARENS = re.compile(rf"\s*\((?=[A-ZÀ-Ý][a-zà-ÿ]){TOWN_PATTERN}\)")
# "La start-up pourra recevoir …" (the laureate itself), not "l'entreprise d'insertion Tremplin Recyclerie" (another)
_COMPANY_NOUN = re.compile(r"(?i)\b(?:la|cette|une|l['’]|notre)\s*(?:start[ -]?up|jeune pousse|entreprise|société|pme|jeune entreprise)\b"
                           r"(?!\s+(?:d['’]\w+\s+|de\s+\w+\s+)?(?-i:[A-ZÀ-Ý]))")


def _has_capital_name(name: str) -> bool:
    return name[:1].isupper() and len(name.split()) <= 3


_SUBJECT_REACH = 40  # characters: a place or a short incise may come before the subject


def _section_amounts(ctx: ExtractionContext, body: Line, enumerated: bool) -> list[int]:
    """The amount a section's paragraph grants, as a one-item list (empty when none, two or more
    when the paragraph is no single grant). An enumerated section (numbered, or a bullet between
    paragraphs) is about one project: there a cost ("Coût total : 38 M€") gives way to the aid
    beside it, a second grant (a co-funder's) comes after the first, and an amount the sentence
    rules read as a total is still the section's own."""
    if not enumerated:
        return [ai for ai in ctx.amounts_in(body.start, body.end) if ctx.roles.get(ai) == "project"]
    aid = [ai for ai in ctx.amounts_in(body.start, body.end) if ctx.roles.get(ai) in ("project", "each", "total")
           and not CUE.cost_before_amount.search(ctx.folded, max(body.start, ctx.amounts[ai].start - 40), ctx.amounts[ai].start)]
    return aid[:1] if len(aid) <= 2 else aid


# "Boussole" then "Porté par l'Insee, ce projet vise …": the paragraph's first sentence refers back
# to the heading, which is then the project's name however common a word it is
_REFERS_BACK = re.compile(r"^(?:il|elle)\s|\b(?:ce|cet|cette)\s+(?:projet|service|outil|dispositif|programme|"
                          r"plateforme|application|chantier|lieu|equipement|laureat|laureate)\b")


def _refers_back(ctx: ExtractionContext, body: Line) -> bool:
    first = next((x for x in ctx.sents if x.start >= body.start), None)
    # sliced: "^" would not match at a `pos` given to search
    return _REFERS_BACK.search(ctx.folded[body.start:first.end if first else body.end]) is not None


_COMMON_ZIPF = 3.0  # a word of everyday French (wordfreq's scale), as policy areas are
# "La Musette, épicerie coopérative", "Le Creus'o'Bus": a heading with an article names one thing
_DETERMINERS = {"le", "la", "les", "l", "un", "une", "des", "du", "ce", "cette", "ces", "son", "sa", "ses", "notre", "nos"}
_COMPLEMENT = re.compile(r"\b(?:de|des|du|d'|a|au|aux|pour|en|sur|dans)\b|\d")


def _is_domain_label(written: str) -> bool:
    """A heading that labels a policy area: one common word ("Santé", "Voirie") or common nouns
    coordinated ("Sport et équipements", "Enseignement supérieur et recherche"), no article, no
    complement. Its paragraph names its own operation. A project written as a title says what
    it does to what ("Rénovation de l'école") or is one noun phrase ("Pôle mère-enfant"), and a
    one-word name is rarely a common word ("Hélios")."""
    if any(c.isupper() for w in written.split() for c in w[1:]):
        return False  # "PARCOURS", "ClicEmploi": written as a name
    folded = fold(written)
    words = folded.split()
    if not words or len(words) > 4 or _COMPLEMENT.search(folded) or words[0].rstrip("'") in _DETERMINERS:
        return False
    if len(words) == 1:
        return zipf(words[0]) >= _COMMON_ZIPF
    return re.search(r"\bet\b", folded) is not None


# "La Mission locale Sarthe-Nord reçoit …", "Le centre social Les Ormeaux installe …": a kind of body
# and its own name (capitalised words and the small words of names) opening the paragraph
_SUBJECT_BODY = re.compile(r"(?:(?:[Ll]e|[Ll]a|[Ll]es|[Ll]['’])\s*)([^\W\d_][\w'’-]*(?:\s+[a-zà-ÿ][\w'’-]*)?"
                           r"(?:\s+(?:[A-ZÀ-Ý0-9][\w'’-]*|&|de|du|des|d['’]|la|le|les|l['’]|sur|en|et))*"
                           r"\s+[A-ZÀ-Ý0-9][\w'’-]*)")
# "À Bonnétable-sur-Dive, la commune crée …": the commune of the place the paragraph opens with
_PLACE_THEN_COMMUNE = re.compile(rf"À\s+({TOWN_PATTERN}),\s+la\s+commune\b")


def _subject_named_by_kind(ctx: ExtractionContext, body: Line) -> list[str]:
    place = _PLACE_THEN_COMMUNE.match(ctx.text, body.start, body.end)
    if place:
        commune = commune_of(place.group(1))
        ctx.unlisted.add(commune)
        return [commune]
    m = _SUBJECT_BODY.match(ctx.text, body.start, body.end)
    if m is None or not named_by_kind(ctx, m.group(1)):
        return []
    return [ctx.unlisted_body(m.group(1))]


def headed_sections(ctx: ExtractionContext) -> list[Candidate]:
    """Short headings that each open a paragraph about one funded project ("1. Sirène Pro"
    then "Porté par l'Insee, ce service … Montant accordé : 2,1 M€."): the heading is the
    project's name, the paragraph gives its amount and carriers. Two such sections at least,
    so that an article's own headline above one paragraph is never taken for a project."""
    lines = ctx.lines
    found = []
    not_names = _INTERTITLE_OPENERS | ctx.lex.section_words
    # organisations and bodies named by their kind ("l'association X", "la commune de Y")
    bodies = sorted(ctx.org_spans())
    by_kind = {x.name for x in ctx.institutions}
    theme_lines: set[int] = set()
    for i in range(len(lines) - 1):
        title, body = lines[i], lines[i + 1]
        # a bullet alone between paragraphs is a heading too: the cleaner writes "1. X" as "- X"
        lone_item = title.kind == "item" and (i == 0 or lines[i - 1].kind != "item")
        if (i in ctx.struct_lines or not (title.kind == "heading" or lone_item) or body.kind != "para"
                or not is_title_line(ctx, title)):
            continue
        numbered = _NUMBERING.match(title.text) if title.kind == "heading" else None
        opening = numbered.end() if numbered else (item_body(title) - title.start if lone_item else 0)
        a, b = strip_span(ctx.text, title.start + opening, title.end)
        if b <= a or ctx.amounts_in(a, b) or ":" in ctx.text[a:b]:
            continue  # "3. Le plus sympathique : …": an intertitle
        # "2. Centre hospitalier de X – modernisation des urgences": the body, then its works
        dash = _DASH.search(ctx.text, a, b)
        head = head_of(ctx, a, b) if dash else None
        if head is None and dash and (numbered or lone_item) and ctx.text[dash.end():dash.end() + 1].islower():
            # "3. Groupement X – plateau d'imagerie Y": a body the gazetteer lacks, then the works
            # written as a title (lower case); the body is the carrier as the heading writes it
            body_name = ctx.text[a:dash.start()].strip()
            if body_name[:1].isupper() and "," not in body_name:
                head = ([body_name], dash.end())
                by_kind.add(body_name)  # kept as written: listed with the carriers if the section is
        if head:
            a = head[1]
        context = _HEADING_CONTEXT.search(ctx.text, a, b)
        if context:
            b = context.start()  # "X, dans le programme Y": the name, then where it was selected
        where = _PLACE_IN_PARENS.search(ctx.text, a, b)
        if where and where.end() == b:
            b = where.start()  # "Nautilia (Lorient)": the laureate, then its town
        # "ORPHÉE (outil de recensement et de pilotage des habilitations)": an expansion is no intertitle's length
        if len(re.sub(r"\([^()]*\)", " ", ctx.text[a:b]).split()) > 8:
            continue
        own = _section_amounts(ctx, body, enumerated=bool(numbered or lone_item))
        granted = [ai for ai in ctx.amounts_in(body.start, body.end) if ctx.roles.get(ai) == "project"]
        first = re.match(r"\s*([^\W\d_]+)", title.text[opening:])
        if first and fold(first.group(1)) in not_names and not ((numbered or lone_item) and len(granted) == 1):
            # "Des travaux dès l'été", "Calendrier": an intertitle. A numbered heading whose
            # paragraph grants one amount is a laureate however it opens ("4. Le Bistrot de X"
            # then "La commune reçoit N"): news intertitles are not numbered entries with a grant each.
            continue
        cue = ctx.lex.carrier_cue.search(ctx.folded, body.start, body.end)
        if len(own) > 1 or not (own or cue):
            continue
        if not _has_proper_word(ctx.text[a:b]) and (
                _is_domain_label(ctx.text[title.start + opening:b]) and not _refers_back(ctx, body)
                or CUE.works_purpose.search(ctx.folded, body.start, body.end)):
            # "Aménagement du territoire" above "… reçoit N pour l'aménagement de X": a theme, which
            # no list rule may take for an entry either
            theme_lines.add(i)
            continue
        carriers = [n for x, y, n in bodies if cue.end() <= x and y <= body.end][:1] if cue else []
        if head:
            carriers = dedupe(head[0])
        if not carriers and cue:
            # "Porté par la communauté de communes X, ce bus …": a body the gazetteer lacks
            carriers = body_after_cue(ctx, cue.start(), body.end)
        if not carriers:
            # the paragraph's subject: "La commune de X reçoit …", "À Y, l'association Z ouvre …"
            subject = next((n for x, y, n in bodies if body.start <= x <= body.start + _SUBJECT_REACH), None)
            carriers = [subject] if subject else _subject_named_by_kind(ctx, body)
        if not carriers and _COMPANY_NOUN.search(ctx.text, body.start, body.end) and _has_capital_name(ctx.text[a:b]) \
                and ctx.text[a:b] in ctx.text[body.start:body.end]:
            # "Lumisol (Angers)" then "Lumisol conçoit … La start-up obtient N": a laureate company,
            # named by the heading, carries its own project
            carriers = [ctx.text[a:b]]
            by_kind.add(carriers[0])
        found.append((i, a, b, ctx.amounts[own[0]] if own else None, carriers))
    ctx.struct_lines.update(theme_lines)
    if len(found) < 2:
        return []
    out = []
    for i, a, b, amount, carriers in found:
        b2, acr = split_acronym(ctx.text, a, b)
        if is_trap(ctx, a, b2 if acr else b):
            continue
        # carriers the gazetteer lacks are listed only once a section is kept
        ctx.unlisted.update(c for c in carriers if c in by_kind)
        body = lines[i + 1]
        out.append(Candidate(a, b2 if acr else b, "headed_section", 0.85, acronym=acr, amount=amount,
                             carriers=carriers, scope=(lines[i].start, body.end)))
        ctx.suppressed.append((lines[i].start, body.end))
        ctx.struct_lines.update((i, i + 1))
    return out

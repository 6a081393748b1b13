"""Schemes an article introduces by name: "Le programme X, piloté par …, accompagne les communes",
"Fonds Y : l'agence accompagne quatre projets", "lauréat de l'appel Z". Such a name funds or selects the projects, so none
of its occurrences in the article is a project, though no list of funds knows it (funds.yaml only
holds the national ones). A scheme that is itself funded ("la Région portera le programme X … 3 M€
y sont consacrés") is not introduced this way and stays a project.
"""

from __future__ import annotations

import re

from pipeline.extract import lexicon
from pipeline.text import fold

CUE = lexicon.cues()
# the name after its kind: capitalised words and their small words, up to a comma, a parenthesis,
# a colon or a verb's small words; or quoted
_NAME = re.compile(r"\s*(?:«\s*(?P<quoted>[^«»]{3,80}?)\s*»|(?P<bare>[A-ZÀ-Ý][\w'’-]*(?:\s+(?:[\w'’-]+))*?))(?=\s*(?:[,(:;.]|$|\s(?:est|a|sera|vise|qui|dont|permet|accompagne|finance|soutient|mobilise|porte|pilot)))")

_CALL_NAME = re.compile(r"[«\"]?\s*([A-ZÀ-Ý][\w'’-]*(?:\s+(?:[A-ZÀ-Ý0-9][\w'’-]*|de|des|du|et|en))*?)\s*(?=[»\"]|[,.;:()]|\s+[a-zà-ÿ]|$)")

_TITLE = re.compile(r"([^:–—\n.]{3,60}?)\s+[:–—]\s+([^\n]*[^.!?\s])")
_QUOTED = re.compile(r"[«\"]\s*([^«»\"\n]{3,80}?)\s*[»\"]")


def scheme_spans(text: str, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every occurrence of a scheme the article introduces."""
    names: set[str] = set()
    for m in CUE.scheme_kind.finditer(folded):
        got = _NAME.match(text, m.end())
        if not got:
            continue
        name = (got.group("quoted") or got.group("bare") or "").strip()
        if len(name) < 3 or len(name.split()) > 8:
            continue
        clause_end = min([k for k in (folded.find(".", got.end()), folded.find(";", got.end())) if k >= 0], default=len(folded))
        if CUE.scheme_funds_others.search(folded, got.end(), clause_end):
            names.add(fold(name))
    for m in CUE.call_named.finditer(text):
        got = _QUOTED.match(text, m.end()) or _CALL_NAME.match(text, m.end())
        if got and len(got.group(1)) >= 3:
            names.add(fold(got.group(1)).strip())  # "lauréat de l'appel LabCom": the call, named
    for line in re.finditer(r"[^\n]{3,160}", text):
        # headings "X : quatre nouveaux projets soutenus", "X – Les lauréats 2022"
        title = _TITLE.fullmatch(line.group().strip())
        if title and title.group(1)[:1].isupper() and (CUE.count_of_projects.search(fold(title.group(2)))
                                                       or CUE.laureates_heading.match(fold(title.group(2)))):
            names.add(fold(title.group(1)).strip())
    out = []
    for n in names:
        out += [(m.start(), m.end(), n) for m in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", folded)]
    return sorted(out)

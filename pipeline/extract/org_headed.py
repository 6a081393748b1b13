"""Lines and list items that open with their carrier: "- <Organisation> : <project>",
"<Organisation>. — <Project title>".

Lists of laureates are often written administration first, then what it will do. Read
left to right as "name : description", the name would be the organisation and the item
would be dropped as not a project; here the head is taken as the carriers and the
rest as the project's name.
"""

from __future__ import annotations

import re

# the separator between the carrier and the project: a colon, or a dash after an optional full stop
_SEP = re.compile(r"\s*(?:\.\s*[—–]|\s[—–]|\s:)\s+")
_LEAD = re.compile(r"^(?:[-•*·]\s*)?(?:(?:le|la|les|l['’])\s*)?", re.I)
MAX_HEAD = 160


def split_head(text: str, a: int, b: int, org_spans: list[tuple[int, int, str]],
               resolve=None) -> tuple[list[str], int] | None:
    """(carriers, start of the project part) when text[a:b] opens with organisations only.

    `org_spans` are (start, end, canonical name) of the organisations found in the text. The
    head must be organisations from its first word to the separator, give or take an
    article, a parenthesised acronym and the small words that join two of them ("du", "et")."""
    m = _SEP.search(text, a, min(b, a + MAX_HEAD + 5))
    if not m or m.start() <= a:
        return None
    head_end = m.start()
    inside = sorted((s, e, n) for s, e, n in org_spans if s >= a and e <= head_end + 1)
    # "La Direction … (DDTM) de l'Hérault": the acronym splits the name the gazetteer knows
    whole = resolve(_LEAD.sub("", re.sub(r"\s*\([^()]{1,20}\)", "", text[a:head_end]).strip())) if resolve else None
    if whole:
        return [whole], m.end()
    if not inside:
        return None
    rest = text[a:head_end]
    for s, e, _ in sorted(inside, reverse=True):
        rest = rest[: s - a] + " " * (e - s) + rest[e - a:]
    rest = re.sub(r"\([^()]{1,20}\)", " ", rest)
    rest = _LEAD.sub("", rest.strip())
    leftover = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in {"du", "de", "des", "d", "la", "le", "les", "l", "et", "au", "aux"}]
    if leftover:
        return None
    carriers: list[str] = []
    for _, _, n in inside:
        if n not in carriers:
            carriers.append(n)
    return carriers, m.end()


_MONEY = re.compile(r"\d\s*(?:€|euros?\b|k€|M€|millions?\b|milliards?\b)", re.I)


def project_end(text: str, a: int, b: int) -> int:
    """Where the project part stops: before a comma or ";" outside parentheses, and before
    a parenthesis that holds a list ("(A, B, etc.)") or an amount rather than an acronym."""
    depth = 0
    i = a
    while i < b:
        c = text[i]
        if c == "(":
            close = text.find(")", i, b)
            if close > 0 and ("," in text[i:close] or _MONEY.search(text, i, close)):
                return i  # a list, or the item's amount: "rénovation de la mairie (120 000 €)"
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and c in ",;" and len(text[a:i].split()) >= 3:
            return i
        i += 1
    return b

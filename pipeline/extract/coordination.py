"""Projects enumerated in prose after a colon: "… ont été retenus : A pour X, B pour Y et C."

Read from the dependency parse (run only over sentences that enumerate, see nlp.py): the
items are the first noun after the colon and the tokens coordinated with it (`conj`);
each item's name stops where its own modifiers start (a purpose or means preposition, a
relative clause, a participle), so "A pour la résilience de X" names "A".
"""

from __future__ import annotations

import re

# where a name stops inside an item: purpose, means, relative and participial modifiers
_STOP_WORDS = {"pour", "afin", "grâce", "avec", "via", "par", "qui", "dont", "que", "avec", "visant", "permettant"}
_ITEM_POS = {"NOUN", "PROPN", "X", "ADJ", "VERB", "NUM"}


def colon_items(doc, colon_char: int) -> list[tuple[int, int]]:
    """(start, end) character offsets in the doc's text of the items enumerated after the
    colon at `colon_char`, or [] when the parse shows no coordination there."""
    after = [t for t in doc if t.idx > colon_char and not t.is_punct]
    if not after:
        return []
    first = after[0]
    # the first item's head: climb while the head stays after the colon
    head = first
    while head.head.i != head.i and head.head.idx > colon_char and head.dep_ != "conj":
        head = head.head
    items = [head] + [t for t in head.conjuncts if t.idx > colon_char]
    items = [doc[i] for i in sorted({t.i for t in items})]
    # the parser often hangs a later item under an earlier item's modifier ("… des déchets
    # et C") or under the clause before the colon: the commas and "et" between noun phrases
    # then tell the items apart better, and the parse still bounds each name
    by_punct = split_by_punctuation(doc, colon_char)
    if len(items) < 2 or len(by_punct) > len(items):
        return by_punct
    out = []
    bounds = [t.i for t in items]
    for k, t in enumerate(items):
        start_tok = min(x.i for x in t.subtree if x.i >= (bounds[k - 1] + 1 if k else first.i))
        end_limit = bounds[k + 1] if k + 1 < len(bounds) else len(doc)
        out.append(_name_span(doc, max(start_tok, first.i if k == 0 else start_tok), end_limit))
    return [sp for sp in out if sp]


def split_by_punctuation(doc, colon_char: int) -> list[tuple[int, int]]:
    toks = [t for t in doc if t.idx > colon_char]
    pieces, cur = [], []
    for t in toks:
        if t.text in (",", ";") or (t.pos_ == "CCONJ" and t.lower_ in ("et", "ou")):
            if cur:
                pieces.append(cur)
            cur = []
            continue
        if t.text in (".", "!", "?"):
            break
        cur.append(t)
    if cur:
        pieces.append(cur)
    if len(pieces) < 2:
        return []
    out = []
    for p in pieces:
        sp = _name_span(doc, p[0].i, p[-1].i + 1)
        if sp:
            out.append(sp)
    return out


def _name_span(doc, i: int, j: int) -> tuple[int, int] | None:
    toks = [t for t in doc[i:j] if not (t.is_punct and t.text not in "+@&")]
    # a capitalised "verb" is a name the tagger did not know ("Quai@Num")
    if toks and (toks[0].pos_ in ("ADP", "PRON", "SCONJ", "AUX") or toks[0].pos_ == "VERB" and toks[0].text.islower()):
        return None  # "dont le projet …", "aux délégations …": a clause or a complement, not an item
    name = []
    for k, t in enumerate(toks):
        if k > 0 and t.text != "+" and (t.lower_ in _STOP_WORDS or t.pos_ in ("PRON", "SCONJ", "AUX")
                      or (t.pos_ == "VERB" and t.dep_ in ("acl", "acl:relcl"))):
            break
        name.append(t)
    while name and name[-1].text != "+" and (name[-1].pos_ in ("ADP", "DET", "CCONJ") or name[-1].is_punct):
        name.pop()
    while name and name[0].pos_ in ("DET", "CCONJ"):
        name.pop(0)
    if not name or not any(t.pos_ in _ITEM_POS for t in name):
        return None
    return name[0].idx, name[-1].idx + len(name[-1].text)


def looks_like_name(text: str) -> bool:
    """An enumerated item that can name a project: a capitalised word, a symbol or a noun
    phrase of at least two content words."""
    if re.search(r"[A-ZÀ-Ý@+]", text):
        return True
    return len([w for w in re.findall(r"[^\W\d_]{3,}", text)]) >= 2

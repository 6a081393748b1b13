"""Segment clean text into lines (blocks) and sentences, keeping character offsets.

The clean stage writes one block per line: list items start with "- ", table rows
join their cells with " | ". Sentences are split with a small rule set rather than
spaCy's parser or senter: it is exact enough for press French, costs nothing, and
lets the extractor send only the sentences that matter through the statistical model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "cf", "p", "pp", "art", "chap", "vol", "ex",
    "env", "av", "bd", "n", "no", "nos", "etc", "fig", "tel", "tél", "min", "max", "ms", "ed", "éd", "coll",
}
# A sentence ends at . ! ? or … (with closing quotes/brackets) followed by a space and
# something that can start a sentence.
_END = re.compile(r"[.!?…]+(?:\s?[»\"”’)\]])*\s+(?=[«\"“(\[A-ZÀ-ÖØ-Þ0-9•\-–])")
_LAST_WORD = re.compile(r"(\w+)\W*$")


@dataclass(frozen=True)
class Line:
    index: int
    start: int
    end: int
    text: str
    kind: str  # 'item' | 'row' | 'heading' | 'para'


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int  # index of its line


# The clean stage writes HTML list items as "- "; plain-text articles keep their own bullets.
ITEM_MARK = re.compile(r"[-•▪◦●*–]\s+")


def item_body(line: Line) -> int:
    """Where an item's text starts, after its bullet."""
    m = ITEM_MARK.match(line.text)
    return line.start + (m.end() if m else 0)


def after_bullet(before: str) -> bool:
    """Does the text before a position end with a line's bullet ("\n- ", "\n• ")?"""
    line = before[before.rfind("\n") + 1:]
    m = ITEM_MARK.match(line)
    return bool(m) and m.end() == len(line)


def line_kind(text: str) -> str:
    if ITEM_MARK.match(text):
        return "item"
    if " | " in text:
        return "row"
    if len(text) <= 200 and not re.search(r"[.!?…;]\W*$", text):
        return "heading"
    return "para"


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        start, end = pos, pos + len(raw)
        pos = end + 1
        if raw.strip():
            out.append(Line(index=len(out), start=start, end=end, text=raw, kind=line_kind(raw)))
    return out


def split_sentences(line: Line) -> list[Sentence]:
    """Sentences of one line, offsets into the whole text."""
    out: list[Sentence] = []
    text, base = line.text, line.start
    begin = 0
    for m in _END.finditer(text):
        head = text[begin:m.start() + 1]
        w = _LAST_WORD.search(text[begin:m.start()])
        word = w.group(1).lower() if w else ""
        # "M. Dupont", "art. 3", "J. Dupont" are not sentence ends; "3,2 M€." is
        glued = m.start() > 0 and text[m.start() - 1].isalpha()
        if text[m.start()] == "." and glued and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        if head.strip():
            out.append(_sentence(text, base, begin, m.end(), line.index))
        begin = m.end()
    if text[begin:].strip():
        out.append(_sentence(text, base, begin, len(text), line.index))
    return out


def _sentence(text: str, base: int, a: int, b: int, line: int) -> Sentence:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Sentence(start=base + a, end=base + b, text=text[a:b], line=line)


def sentences(text: str, lines: list[Line] | None = None) -> list[Sentence]:
    return [s for ln in (lines if lines is not None else split_lines(text)) for s in split_sentences(ln)]

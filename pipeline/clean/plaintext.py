"""Plain-text path of the clean stage: scraped text (or text from a PDF) -> article text.

Plain text cascade (`clean_text`)
  1. NFC, invisible characters removed, whitespace collapsed in each line.
  2. Hyphenation mended (pipeline.hyphenation): "bé-\\nnéfique" joins two
     lines, "bé-néfique" is mended in place, compounds stay.
  3. Bullets ("•", "-", "–", the PDF Wingdings bullet U+F0A7, "1.", "a)"...)
     followed by a space make list items ("-5 %" is not one).
  4. Wrapped lines joined: a line that does not end a sentence, followed
     (without a blank line) by one starting in lowercase, continues it.
  5. The line rules (pipeline.clean.lines).
  6. Title: among the heading-like lines above the body (at most 25 words,
     not ending like a sentence, not a list item, not a dateline), the first
     of 6 words or more (shorter ones are often the site's name), else the
     first of them.
"""

from __future__ import annotations

import re

from pipeline.clean.hyphenation import mend_hyphens
from pipeline.clean.lines import collapse, filter_lines, has_alnum, normalise, render, title_from_lines, unwrap
from pipeline.clean.rules import load_data
from pipeline.model import CleanDoc, CleanLine

_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[a-z]\))\s+(?=\S)")


def _split_bullet(text: str, bullets: tuple[str, ...]) -> tuple[str, bool]:
    for b in bullets:
        rest = text[len(b) :]
        # "* * *" is a separator, not an item
        if text.startswith(b) and rest[:1].isspace() and has_alnum(rest):
            return rest.strip(), True
    m = _NUMBERED.match(text)
    if m:
        return text[m.end() :], True
    return text, False


def _text_lines(raw: str) -> list[CleanLine]:
    """Source lines, whitespace collapsed, bullets read, blank lines remembered."""
    bullets = load_data().bullets
    out: list[CleanLine] = []
    gap = False
    for src in raw.splitlines():
        text = collapse(src)
        if not text:
            gap = True
            continue
        body, is_item = _split_bullet(text, bullets)
        out.append(CleanLine(body, "item" if is_item else "para", gap))
        gap = False
    return out


def clean_text(raw: str) -> CleanDoc:
    """Clean scraped plain text (see the module docstring for the cascade)."""
    text = "\n".join(collapse(line) for line in normalise(raw).splitlines())
    text = mend_hyphens(text)
    lines = unwrap(_text_lines(text))
    kept, dropped = filter_lines(lines)
    return CleanDoc(text=render(kept), title=title_from_lines(kept), dropped=dropped)

"""Entry of the clean stage: scraped page (HTML or plain text) -> article body text.

Output format (extraction computes character offsets into it): NFC; one block
per line (heading, paragraph, list item as "- item", table row as cells joined
by " | "); whitespace runs (tabs, U+00A0, U+202F...) collapsed to one space
inside a line; no empty line; no line padding. Typographic characters (’ « »
–) stay as written. Every dropped line or element is reported in
`CleanDoc.dropped` as (rule name, text) so that a wrong cut can be traced.

Rules and word lists live in data/boilerplate.yaml. The stage's modules:
  markup      parsing: noise removed from the markup, then BeautifulSoup over lxml
  html_page   the HTML path (`clean_html`)
  content     the content finder (which part of a page is the article)
  plaintext   the plain-text path (`clean_text`)
  lines       the line rules both paths end with, and the rendering
  rules       the rule data, loaded once
  hyphenation words cut at line ends, mended
  metadata    the publication date of a page or text
This module is the stage's entry point: the names other stages and tests call.
"""

from __future__ import annotations

from pipeline.clean.html_page import clean_html, strip_site_suffix, title_of
from pipeline.clean.lines import collapse, match_line
from pipeline.clean.plaintext import clean_text
from pipeline.clean.rules import line_key, load_data, token_hit, tokens_of
from pipeline.model import CleanDoc

__all__ = [
    "CleanDoc",
    "clean_html",
    "clean_text",
    "collapse",
    "line_key",
    "load_data",
    "match_line",
    "strip_site_suffix",
    "title_of",
    "token_hit",
    "tokens_of",
]

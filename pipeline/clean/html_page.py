"""HTML path of the clean stage: a saved web page -> article text, with BeautifulSoup over lxml.

HTML cascade (`clean_html`)
  0. Depth: an element more than MAX_DEPTH levels down (real pages stay under
     ~60; a broken or hostile page may nest 10,000 <div>s) is flattened into
     the text of its ancestor at that depth, so that every later step works
     on a bounded tree, in bounded time and without recursion errors.
  1. Title: og:title, else the first <h1>, else <title> minus a trailing
     " | Site" / " - Site" part. Read first, before anything is removed.
  2. Remove what is never article text: script, style, nav, aside, form,
     button, iframe, svg... (`html.drop_tags`), elements that are hidden
     (hidden, aria-hidden, display:none), page-level <header>/<footer> (those
     outside <article>, <main>, [itemprop=articleBody]: the article's own
     header keeps its title and date), landmark roles of page chrome. Guard:
     a <form>, <nav>, <noscript> (`html.guarded_tags`), page-level
     <header>/<footer> or chrome landmark holding more than half of the
     page's text is a wrapper around the whole page (ASP.NET forms, unclosed
     headers, banners and <noscript>s) and stays.
  3. Remove elements whose class, id or aria-label words say boilerplate
     (`html.drop_tokens`: cookie, share, newsletter, comments, related,
     breadcrumb, ad...). Words, not substrings: "article-share" goes,
     "shareholder" stays. Guard: an element holding the <h1>, an <article>,
     <main> or the article body, or more than half of the page's paragraph
     text, is never removed on its class alone ("post has-sidebar"). Weak
     words (`html.weak_tokens`: read-more, print) only remove an element with
     at most WEAK_MAX_CHARS of text outside links ("entry-content-read-more"
     holds the article).
     Steps 2 and 3 run on the markup, before BeautifulSoup builds its tree
     (pipeline.clean.markup.parse_page: what they remove would only cost tree
     nodes); what holds the title or the date waits, marked, and goes here
     (`strip_noise`) once they are read.
  4. Choose the content root with the content finder (pipeline.clean.content:
     good-text density, link density, chrome class words, markup), which also
     cuts teasers, link boxes and boxes without prose inside the root. When
     the page has too little prose for it to tell, the first candidate that
     holds enough paragraph text (paragraphs, list items, table cells): the
     <article> with most text, [itemprop=articleBody], <main>, [role=main];
     else, going down from <body>, the smallest element that still holds
     three quarters of the text, without leaving the <h1> behind; else <body>.
     The finder prunes that root alike (never a box holding half its text).
  5. Walk the root into blocks: headings, paragraphs, list items, table rows
     (layout tables, whose cells hold whole paragraphs, are walked as
     containers), blockquotes, figcaptions, and text sitting directly in
     divs. A <br> is a space, unless the block is a run of short lines (an
     address, a list of names), which then stay separate lines.
  6. The line rules (pipeline.clean.lines), as for plain text; then a short
     heading ending the text goes (it announced what step 4 cut).
  7. When the page's metadata gives the publication date, the short lines
     above the body that give the date, the time or the reading time
     (`html.head_meta`) go; without it the text's date reader needs them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline.clean.content import find_content, prune_markup_root
from pipeline.clean.hyphenation import mend_hyphens
from pipeline.clean.markup import CONTENT_MARK, parse_page
from pipeline.clean.lines import DATE_LINE_WORDS, collapse, filter_lines, is_prose, normalise, render, unwrap
from pipeline.clean.metadata import published_from_html
from pipeline.clean.rules import line_key, load_data
from pipeline.model import CleanDoc, CleanLine

if TYPE_CHECKING:  # pragma: no cover
    from bs4 import PageElement

TRAILING_HEADING_WORDS = 12  # a heading ending the text, up to this length, is dropped
SHORT_BR_LINE_WORDS = 12  # <br>-separated segments up to this length stay separate lines
ROOT_MIN_CHARS = 200  # a root candidate must hold this much paragraph text
DESCEND_SHARE = 0.75  # go down into a child holding at least this share of the paragraph text
# Deeper elements become text (step 0). The recursive block walk uses ~3 frames a level,
# so this keeps it far below Python's recursion limit, even inside a deep task runner stack.
MAX_DEPTH = 200

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·)\s+")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "hr", "html", "li", "main",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
    | _HEADINGS
)
_PARAGRAPHS = ("p", "li", "td", "dd", "blockquote", "pre")
_BR = "\u2028"  # stands for <br> until blocks are split


def _summary(el: Tag) -> str:
    text = collapse(el.get_text(" "))
    return text[:80] if text else f"<{el.name}>"


def title_of(soup: BeautifulSoup) -> str | None:
    og = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(og, Tag) and collapse(str(og.get("content") or "")):
        return collapse(unicodedata.normalize("NFC", str(og["content"])))
    h1 = soup.find("h1")
    if isinstance(h1, Tag) and collapse(h1.get_text(" ")):
        return collapse(unicodedata.normalize("NFC", h1.get_text(" ")))
    if soup.title and soup.title.string:
        return strip_site_suffix(collapse(unicodedata.normalize("NFC", soup.title.string))) or None
    return None


def strip_site_suffix(title: str) -> str:
    """"Douze projets retenus | Ministère de l'Économie" -> "Douze projets retenus".
    A " | " always introduces the site; a dash or a middle dot only when what
    follows is shorter than what precedes ("FTAP - les lauréats de la session"
    is a title)."""
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if not seps:
        return title
    head, last = title[: seps[-1].start()], title[seps[-1].end() :]
    if "|" in seps[-1].group() or len(last) < len(head):
        return head
    return title



def _paragraph_chars(el: Tag) -> int:
    return sum(len(collapse(p.get_text(" "))) for p in el.find_all(_PARAGRAPHS))


def _decomposed(el: Tag) -> bool:
    # Not `el.decomposed`: on a live element bs4 answers it through Tag.__getattr__, a search of
    # the whole subtree, which makes a pass over a deep page quadratic. The flag is an attribute.
    return bool(vars(el).get("_decomposed", False))


def limit_depth(soup: BeautifulSoup | Tag, max_depth: int = MAX_DEPTH) -> int:
    """Step 0 of the HTML cascade: every element below `max_depth` levels becomes
    text of its ancestor at that depth. Returns how many ancestors were flattened."""
    flattened = 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        el, depth = stack.pop()
        children = [c for c in el.contents if isinstance(c, Tag)]
        if depth < max_depth:
            stack.extend((c, depth + 1) for c in children)
        elif children:
            text = el.get_text(" ")  # bs4 walks strings iteratively: no recursion here
            el.clear()
            el.append(text)
            flattened += 1
    return flattened


def _remove(el: Tag, why: str, dropped: list[tuple[str, str]]) -> None:
    dropped.append((why, _summary(el)))
    el.decompose()


def strip_noise(soup: BeautifulSoup, dropped: list[tuple[str, str]]) -> None:
    """Steps 2 and 3 of the HTML cascade were done on the markup (pipeline.clean.markup), which
    marked the noise it left until the title and the date were read: it goes here."""
    for el in [node for node in soup.descendants if isinstance(node, Tag)]:
        if not _decomposed(el) and el.get(CONTENT_MARK):
            _remove(el, str(el[CONTENT_MARK]), dropped)


def _best_of(candidates: Iterable[Tag]) -> Tag | None:
    scored = [(_paragraph_chars(el), el) for el in candidates]
    scored = [(n, el) for n, el in scored if n >= ROOT_MIN_CHARS]
    return max(scored, key=lambda t: t[0])[1] if scored else None


def _text_core(top: Tag) -> Tag | None:
    """Going down from `top`, the smallest element that still holds most of the
    paragraph text, stopping before a step that would leave the <h1> out."""
    node, total = top, _paragraph_chars(top)
    if total < ROOT_MIN_CHARS:
        return None
    while True:
        scored = [(_paragraph_chars(c), c) for c in node.find_all(True, recursive=False)]
        if not scored:
            return node
        n, best = max(scored, key=lambda t: t[0])
        if n < DESCEND_SHARE * total:
            return node
        h1 = node.find("h1")
        if h1 is not None and h1 is not best and best not in h1.parents:
            return node
        node, total = best, n


def content_root(soup: BeautifulSoup) -> Tag:
    """Step 4 of the HTML cascade."""
    for candidates in (
        soup.find_all("article"),
        soup.find_all(attrs={"itemprop": "articleBody"}),
        soup.find_all("main"),
        soup.find_all(attrs={"role": "main"}),
    ):
        best = _best_of(candidates)
        if best is not None:
            return best
    body = soup.body or soup
    return _text_core(body) or body


def choose_root(soup: BeautifulSoup, dropped: list[tuple[str, str]], title: str | None = None) -> Tag:
    """Step 4: the content finder (pipeline.clean.content) picks the root and cuts the boxes
    inside it; on a page with too little prose, the markup and text-share root above."""
    root, cuts = find_content(soup, title)
    if root is None:
        root = content_root(soup)
        cuts = prune_markup_root(root, title)
    for why, el in cuts:
        if not _decomposed(el):
            _remove(el, f"content:{why}", dropped)
    return root


def block_holders(root: Tag) -> set[int]:
    """id() of the elements under `root` holding a block element: one pass, where a search per
    inline element would walk its subtree again."""
    out: set[int] = set()
    for el in root.descendants:
        if isinstance(el, Tag) and el.name in _BLOCKS:
            for parent in el.parents:
                if id(parent) in out or parent is root:
                    break
                out.add(id(parent))
    return out


def _inline_text(el: PageElement) -> str:
    if isinstance(el, NavigableString):
        return "" if isinstance(el, Comment) else str(el)
    if not isinstance(el, Tag):
        return ""
    if el.name == "br":
        return _BR
    return "".join(_inline_text(c) for c in el.children)


def _block_lines(text: str, kind: str) -> list[CleanLine]:
    """Lines of one block: <br> segments stay lines only when all are short."""
    segments = [collapse(mend_hyphens(s)) for s in text.split(_BR)]
    segments = [s for s in segments if s]
    if len(segments) > 1 and all(len(s.split()) <= SHORT_BR_LINE_WORDS for s in segments):
        return unwrap([CleanLine(s, kind) for s in segments])
    joined = collapse(" ".join(segments))
    return [CleanLine(joined, kind)] if joined else []


def _flat_text(el: Tag) -> str:
    return collapse(mend_hyphens(el.get_text(" ").replace(_BR, " ")))


def _is_layout_table(table: Tag) -> bool:
    if table.get("role") == "presentation" or table.find("table"):
        return True
    return any(len(collapse(c.get_text(" "))) > 400 for c in table.find_all(["td", "th"]))


def _table_lines(table: Tag) -> Iterator[CleanLine]:
    caption = table.find("caption")
    if caption:
        yield from _block_lines(_inline_text(caption), "para")
    for tr in table.find_all("tr"):
        cells = [_flat_text(c) for c in tr.find_all(["td", "th"], recursive=False)]
        if any(cells):
            yield CleanLine(" | ".join(cells), "row")


def _kind_of(el: Tag, inherited: str) -> str:
    if el.name in _HEADINGS:
        return "heading"
    if el.name == "li":
        return "item"
    # a paragraph inside a list item is still that item
    return "item" if inherited == "item" else "para"


def html_lines(el: Tag, kind: str = "para", holders: set[int] | None = None) -> Iterator[CleanLine]:
    """Step 5 of the HTML cascade: the blocks under `el`, in document order (`holders`: the
    elements holding a block, `block_holders(el)` when not given)."""
    if holders is None:
        holders = block_holders(el)
    buf: list[str] = []

    def flush() -> Iterator[CleanLine]:
        if buf:
            yield from _block_lines("".join(buf), kind)
            buf.clear()

    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                buf.append(str(child))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            buf.append(_BR)
        elif child.name == "table" and not _is_layout_table(child):
            yield from flush()
            yield from _table_lines(child)
        elif child.name in _BLOCKS or id(child) in holders:
            yield from flush()
            yield from html_lines(child, _kind_of(child, kind), holders)
        else:
            buf.append(_inline_text(child))
    yield from flush()


def drop_head_meta(lines: list[CleanLine], dropped: list[tuple[str, str]]) -> list[CleanLine]:
    """Step 7 of the HTML cascade: above the first prose paragraph, the short paragraph lines
    giving the date, the time or the reading time (`html.head_meta`) go."""
    body = next((i for i, ln in enumerate(lines) if is_prose(ln.text)), len(lines))
    patterns = load_data().head_meta
    kept = []
    for i, ln in enumerate(lines):
        if (
            i < body
            and ln.kind == "para"
            and len(ln.text.split()) <= DATE_LINE_WORDS
            and any(rx.search(line_key(ln.text)) for rx in patterns)
        ):
            dropped.append(("head_meta", ln.text))
        else:
            kept.append(ln)
    return kept


def clean_html(html: str | BeautifulSoup) -> CleanDoc:
    """Clean an HTML page (see the module docstring for the cascade). A soup
    built by `parse_page` is modified; any other soup is parsed again through it."""
    if not isinstance(html, BeautifulSoup) or "prepass_drops" not in vars(html):
        html = parse_page(str(html))  # a soup built elsewhere still holds its noise
    soup = html
    limit_depth(soup)
    title = title_of(soup)
    dated = published_from_html(soup) is not None  # read before the noise goes, as the run does
    dropped: list[tuple[str, str]] = list(vars(soup).get("prepass_drops", ()))
    strip_noise(soup, dropped)
    root = choose_root(soup, dropped, title)
    lines = [replace(ln, text=normalise(ln.text)) for ln in html_lines(root, _kind_of(root, "para"))]
    kept, line_drops = filter_lines([ln for ln in lines if ln.text])
    if dated:
        kept = drop_head_meta(kept, line_drops)
    # a short heading that ends the text heads nothing: what it announced (related articles,
    # comments, "follow us") was cut. A long one is text set in a heading tag.
    while len(kept) > 1 and kept[-1].kind == "heading" and len(kept[-1].text.split()) <= TRAILING_HEADING_WORDS:
        line_drops.append(("trailing_heading", kept.pop().text))
    return CleanDoc(text=render(kept), title=title, dropped=dropped + line_drops)

"""Parsing of a saved page for the clean stage: BeautifulSoup over lxml, on markup first thinned with lxml.

A BeautifulSoup tree costs a Python object and several callbacks per node: on real pages, building
it cost as much as all the cleaning after it. Much of a page never reaches the text: scripts,
style sheets, SVG drawings, comments, menus, asides, share bars, cookie banners. `parse_page` parses
the page with lxml (in C), removes there what steps 2 and 3 of the HTML cascade
(pipeline.clean.html_page) remove first in any case, with the same rules, measures and guards,
and hands the thinned markup to BeautifulSoup, whose tree then holds only what the cleaning reads:
  - comments and processing instructions (never text);
  - step 2 (`noise`): the tags of `html.drop_tags` (`html.guarded_tags` only when they do not wrap
    the page), hidden elements, page-level <header>/<footer>, landmark roles of page chrome (not
    when one wraps the page: an unclosed banner or <noscript> swallows what follows it);
  - step 3 (`class_noise`): boxes whose class, id or aria-label words say boilerplate;
  - elements without text that nothing reads (<img>, <link>, <source>...: TEXTLESS), and the
    attributes nothing reads (all but READ_ATTRIBUTES: class, id, itemprop, role, the date's);
  - whitespace-only text between two block elements, or between a block element and the start or
    end of its block parent (a block starts and ends a line: that space is never written), outside
    <pre> and <textarea>.
An element of steps 2 and 3 that holds what is read before them (the <h1> of the title, JSON-LD,
<meta>, <time>, microdata: the title and the date come first) stays, marked with CONTENT_MARK; the
cleaner removes it once it has read them. The removed elements are kept as (rule, summary) on the
soup (`prepass_drops`), for the cleaner's trace of what it dropped. The soup keeps class values as
written (one string, not a list: `multi_valued_attributes=None`); readers split them on whitespace.
libxml2 building a tree stops at </html>, where BeautifulSoup fed its events goes on: the end tags
of <html> and <body> are taken out of the markup first (they are implied).
"""

from __future__ import annotations

import re
from functools import cache

from bs4 import BeautifulSoup
from lxml import etree

from pipeline.clean.lines import collapse
from pipeline.clean.rules import load_data, token_hit

# Elements that start and end a line of the text (with html_page._BLOCKS), and the <head>.
LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "hr", "html", "li", "main",
        "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "h1", "h2", "h3", "h4", "h5", "h6", "head",
    }
)
KEEP_SPACES = frozenset({"pre", "textarea", "code"})
# read before the noise tags go: the title (<h1>) and the publication date
READ_FIRST = ("h1", "meta", "time", "script")
_LD_JSON = re.compile(r"ld\+json", re.IGNORECASE)
# libxml2 building a tree stops at </html> (BeautifulSoup, fed its events, goes on: some pages
# close </html> after the <head> and write the <body> after it); the end tags are implied anyway.
_PAGE_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
# Characters lxml refuses in a tree it edits (control characters, lone surrogates, noncharacters):
# never text a page shows, they go before parsing.
# libxml2 building a tree keeps no element deeper than 255 levels (fed as events to BeautifulSoup,
# it keeps them): a page reaching that depth (a hostile one: real pages stay under ~60) is handed
# to BeautifulSoup whole, without the markup pass.
_TOO_DEEP = etree.XPath("boolean(" + "/*" * 250 + ")")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


GUARD_SHARE = 0.5  # a box holding more than this share of the page's (paragraph) text stays
WEAK_MAX_CHARS = 200  # a weak drop word drops a box holding at most this much text outside links
PARAGRAPHS = frozenset({"p", "li", "td", "dd", "blockquote", "pre"})
NO_TEXT = frozenset({"script", "style", "template", "rt", "rp"})  # strings the cleaner never counts
CONTENT_MARK = "data-clean-drop"  # set on noise that must wait until the title and the date are read
# Elements without text that nothing after the markup pass reads, and the attributes it reads:
# the rest would only cost BeautifulSoup objects.
TEXTLESS = ("link", "base", "img", "source", "track", "param", "col", "colgroup", "area")
READ_ATTRIBUTES = frozenset(
    {"class", "id", "itemprop", "role", "type", "content", "property", "name", "datetime", "pubdate", CONTENT_MARK}
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@cache
def _removed_tags() -> frozenset[str]:
    data = load_data()
    return frozenset(data.drop_tags - data.guarded_tags)


def _reads_first(el: etree._Element) -> bool:
    """`el` holds what is read before the noise goes: the <h1> of the title, JSON-LD, <meta>,
    <time> or microdata of the date."""
    for inner in el.iter(*READ_FIRST):
        if inner.tag != "script" or _LD_JSON.search(inner.get("type") or ""):
            return True
    return el.get("itemprop") is not None or next(el.iterfind(".//*[@itemprop]"), None) is not None


def _summary(el: etree._Element) -> str:
    if el.tag in NO_TEXT:
        return f"<{el.tag}>"
    text = " ".join(" ".join(el.itertext()).split())
    return text[:80] if text else f"<{el.tag}>"


def _remove(el: etree._Element) -> None:
    """Remove `el`, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _strip_len(text: str | None) -> int:
    return len(text.strip()) if text else 0


def _text_chars(root: etree._Element, gone: set[etree._Element]) -> dict[etree._Element, int]:
    """Visible characters under each element (each string stripped, as the cleaner's measure),
    the subtrees in `gone` counting for nothing."""
    order = [el for el in root.iter() if isinstance(el.tag, str)]
    chars: dict[etree._Element, int] = {}
    for el in reversed(order):  # children before their parent
        if el in gone:
            chars[el] = 0
            continue
        n = 0 if el.tag in NO_TEXT else _strip_len(el.text)
        for child in el:
            n += _strip_len(child.tail) + chars.get(child, 0)
        chars[el] = n
    return chars


def _hidden(el: etree._Element) -> bool:
    style = el.get("style")
    return (
        el.get("hidden") is not None
        or (el.get("aria-hidden") or "").lower() == "true"
        or (style is not None and _HIDDEN_STYLE.search(style) is not None)
    )


def _in_content(el: etree._Element) -> bool:
    return any(
        p.tag in ("article", "main") or p.get("itemprop") == "articleBody" or p.get("role") == "main"
        for p in el.iterancestors()
    )


def noise(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """Step 2 of the HTML cascade (pipeline.clean.html_page), on the lxml tree: (rule, element) of
    what is never article text, outer elements only, in the order the rules are tried: noise tags,
    then guarded tags (<form>, <nav>) not wrapping the page, then hidden elements, page-level
    <header>/<footer> and landmark roles of page chrome."""
    data = load_data()
    removed_tags = _removed_tags()
    tags = [el for el in root.iter() if isinstance(el.tag, str)]
    out: list[tuple[str, etree._Element]] = []
    gone: set[etree._Element] = set()  # the elements listed so far
    dead: set[etree._Element] = set()  # them and their descendants

    def cut(why: str, el: etree._Element) -> None:
        out.append((why, el))
        gone.add(el)
        dead.add(el)

    def alive(el: etree._Element) -> bool:
        # document order: a parent is seen before its children
        if el in gone or el.getparent() in dead:
            dead.add(el)
            return False
        return True

    guarded = []
    for el in tags:
        if not alive(el):
            continue
        if el.tag in removed_tags:
            cut(f"tag:{el.tag}", el)
        elif el.tag in data.guarded_tags:
            guarded.append(el)
    chars = _text_chars(root, gone)
    page = chars.get(root, 0)

    def holds_the_page(el: etree._Element) -> bool:
        # an ASP.NET <form> or an unclosed <header> around the whole page is not chrome
        return chars.get(el, 0) > GUARD_SHARE * page

    for el in guarded:
        if not holds_the_page(el) and not any(a in gone for a in el.iterancestors()):
            cut(f"tag:{el.tag}", el)
    dead = set()
    for el in tags:
        if not alive(el):
            continue
        tag = el.tag
        if _hidden(el) and tag not in ("html", "body"):
            cut("hidden", el)
        elif tag in data.chrome_tags and not holds_the_page(el) and not _in_content(el):
            cut(f"tag:{tag}", el)
        elif el.get("role") and el.get("role").lower() in data.drop_roles and not holds_the_page(el):
            cut(f"role:{el.get('role')}", el)
    return out


def _paragraph_guards(tags: list[etree._Element]) -> tuple[dict[etree._Element, int], set[etree._Element], int]:
    """Paragraph characters in each element's descendants, the elements holding an <h1>, an
    <article>, <main> or the article body, and the page's paragraph characters: one pass."""
    para: dict[etree._Element, int] = {}
    holders: set[etree._Element] = set()
    total = 0
    for el in tags:
        marks = el.tag in ("h1", "article", "main") or el.get("itemprop") == "articleBody"
        n = len(collapse(" ".join(el.itertext()))) if el.tag in PARAGRAPHS else 0
        if not n and not marks:
            continue
        total += n
        for parent in el.iterancestors():
            if n:
                para[parent] = para.get(parent, 0) + n
            if marks:
                holders.add(parent)
    return para, holders, total


def _text_outside_links(el: etree._Element) -> int:
    """Visible characters under `el` that are not inside a link."""
    n = 0
    stack = [(el, False)]
    while stack:
        node, in_link = stack.pop()
        in_link = in_link or node.tag == "a"
        if not in_link and node.tag not in NO_TEXT:
            n += _strip_len(node.text)
        for child in node:
            if isinstance(child.tag, str):
                stack.append((child, in_link))
            if not in_link:
                n += _strip_len(child.tail)
    return n


def class_noise(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """Step 3 of the HTML cascade (pipeline.clean.html_page), on the lxml tree: (rule, element) of
    the boxes whose class, id or aria-label words say boilerplate (`html.drop_tokens`), outer
    boxes first. Never, on its words alone, a box holding the <h1>, an <article>, <main>, the
    article body or more than half of the page's paragraph text; a weak word only for a box with
    at most WEAK_MAX_CHARS of text outside its links."""
    data = load_data()
    tags = []
    marked: set[etree._Element] = set()  # step 2 noise waiting for the date reader: gone already
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.getparent() in marked or el.get(CONTENT_MARK) is not None:
            marked.add(el)
        else:
            tags.append(el)
    para, holders, total = _paragraph_guards(tags)
    out: list[tuple[str, etree._Element]] = []
    dead: set[etree._Element] = set()
    for el in tags:
        if el.getparent() in dead:
            dead.add(el)
            continue
        if el.tag in ("html", "body", "article", "main") or el in holders:
            continue
        values = (el.get("class") or "").split()
        values += [v for v in (el.get("id"), el.get("aria-label")) if v]
        hit = token_hit(values, data.drop_tokens)
        if hit is None or (total and para.get(el, 0) > GUARD_SHARE * total):
            continue
        if hit in data.weak_tokens and _text_outside_links(el) > WEAK_MAX_CHARS:
            continue  # "read-more", "print-area": words that also name a box of article text
        out.append((f"class:{hit}", el))
        dead.add(el)
    return out


def thin(root: etree._Element) -> list[tuple[str, str]]:
    """Remove from the lxml tree what the cleaner drops unread (module docstring); returns the
    (rule, summary) of the removed elements. Noise that holds what is read first is marked
    (CONTENT_MARK) for the cleaner to remove once it has read it."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(el)
    drops: list[tuple[str, str]] = []
    for step in (noise, class_noise):
        for why, el in step(root):
            if _reads_first(el):
                el.set(CONTENT_MARK, why)
                continue
            drops.append((why, _summary(el)))
            _remove(el)
    for el in list(root.iter(*TEXTLESS)):
        _remove(el)
    for el in root.iter():
        attrib = el.attrib
        if attrib:
            for name in [name for name in attrib if name not in READ_ATTRIBUTES]:
                del attrib[name]
    _drop_blank_text(root)
    return drops


def _blank(text: str | None) -> bool:
    return text is not None and not text.strip()


def _line_edge(el: etree._Element | None) -> bool:
    """A block element, or None: the start or the end of the parent."""
    return el is None or (isinstance(el.tag, str) and el.tag in LINE_TAGS)


def _drop_blank_text(root: etree._Element) -> None:
    """Blank text between two line edges (a block element, or the start or end of a block parent)
    is never written, whatever the cleaning later removes: either side still ends a line."""
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in KEEP_SPACES:
            continue
        if tag == "head":
            for inner in el.iter():
                if inner is not el and _blank(inner.tail):
                    inner.tail = None
        if tag not in LINE_TAGS:
            continue
        children = list(el)
        if _blank(el.text) and _line_edge(children[0] if children else None):
            el.text = None
        for i, child in enumerate(children):
            if _blank(child.tail) and _line_edge(child) and _line_edge(children[i + 1] if i + 1 < len(children) else None):
                child.tail = None


def parse_page(html: str) -> BeautifulSoup:
    """The page as BeautifulSoup over lxml, built from the thinned markup (module docstring)."""
    if html.startswith("\ufeff"):
        html = html[1:]
    parser = etree.HTMLParser(recover=True, remove_comments=False)
    drops: list[tuple[str, str]] = []
    html = _NOT_XML.sub("", html)
    try:
        parser.feed(_PAGE_END.sub("", html))
        root = parser.close()
        if root is not None and not _TOO_DEEP(root.getroottree()):
            drops = thin(root)
            html = etree.tostring(root, encoding="unicode", method="html")
    except (etree.ParserError, ValueError, LookupError):
        drops = []  # rare: BeautifulSoup gets the page as it is, noise and all, rather than nothing
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    vars(soup)["prepass_drops"] = drops
    return soup

"""Content finder of the HTML path: which part of a page is the article, without knowing the site.

Works on the BeautifulSoup tree left once the noise tags and the class-name rules went
(pipeline.clean.html_page, steps 0 to 3). One pass over the tree measures every element
(`measure`); the steps below read those figures, so a page costs a few walks over its
elements, never one walk per element.

Measures (`Measures`), per element, over its visible text:
  chars        text length (each string stripped);
  own_chars    text sitting directly in the element, not in a child element;
  link_chars   text inside <a>; link density = link_chars / chars.
Punctuation is read later, by the line rules (a prose paragraph ends like a sentence): as a
condition on good blocks here (a comma in any block under 200 characters) it lost recall
for no precision on the measured pages.

Cascade (`find_content`), in the spirit of jusText's good paragraphs, boilerpipe's text and
link densities, Readability's class weights and trafilatura's pruning of link boxes:
  1. Chrome boxes. An element whose class, id or itemprop words say page chrome
     (comment, sidebar, related, modal, widget...: `content.negative_tokens` of
     data/boilerplate.yaml) marks its whole subtree as chrome: its text does not count
     as article text in step 2 (a modal dialog or a comment thread may hold prose).
  2. Good text. A text block (p, pre, td, blockquote, and a div, section, list item...
     holding text of its own) is good when it has GOOD_MIN_CHARS characters or more, a
     link density under GOOD_MAX_LINKS and lies outside the chrome boxes: running prose,
     not a label, a teaser title or a link. Each element gets the good characters of the
     blocks under it (its good mass).
  3. Root by density. Going down from <body>, the root moves into the child that holds
     DESCEND_SHARE of the good mass, until no child does; the <h1> is not left behind when
     it sits right above the text. Under ROOT_MIN_GOOD characters of good text in the
     whole page, the finder gives up and the caller keeps its markup-based root.
  4. Root by markup. When an <article>, <main>, [role=main] or [itemprop=articleBody]
     under that root holds SEMANTIC_SHARE of its good mass, it becomes the root: the page
     says where its article is and the density agrees. Not when the <h1> or a good block
     above it stays outside: the lead and the dateline often sit with the title, outside
     [itemprop=articleBody].
  5. Pruning inside the root (`prune`), outer boxes first, never a box holding the <h1> or
     more than BOX_MAX_GOOD_SHARE of the root's good text (that box is the article, whatever
     its shape: a blog post whose heading links to the post itself is no teaser):
     - teaser: a box of at most TEASER_MAX_CHARS whose heading is a link (another
       article's card), unless the heading is the page's own title (blogs link a post's
       title to the post);
     - link_para: a paragraph that is a link (LINK_PARA_DENSITY) with at most a label outside
       it (LINK_PARA_OWN_CHARS: "Lire aussi :", "Read more:"), unless it spells an address;
     - link_box: a div, list or table whose link density exceeds LINK_BOX_DENSITY with
       less than LINK_BOX_OWN_CHARS of text outside its links (related articles, tags, a
       menu the tag rules missed). Lists of the article (laureates, each a link and a
       description) have enough text outside their links to stay;
     - negative_class: a box with chrome words (step 1) holding at most
       NEGATIVE_MAX_SHARE of the root's text; here a content word cancels a chrome word
       only as the head (last word) of a class value ("post-ratings" is a ratings box,
       "entry-content" content), except beside the words that also name the article's
       lead (`content.lead_tokens`: "article-teaser");
     - no_prose: below the first good block (position: above it sit the rubric, the
       dateline and the byline, which the line rules and the date reader want), a div or
       section without any good text and without a heading, list, table, figure, caption,
       quotation or preformatted block (author boxes, "follow us" lines, widgets).
       Headings, lists, tables and captions of the article body therefore stay, even
       when short;
     - caption: with `html.drop_captions`, a picture's caption (<figcaption>, or the class
       words `html.caption_tokens`), unless it names what the tool extracts (an amount, a
       project, a grant: `html.caption_keep`) or the captions hold CAPTION_STORY_SHARE of
       the root's text (a gallery, a photo story: they are the story).
The line rules (pipeline.clean.lines) then work on the text of the root, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

from pipeline.clean.rules import head_words, line_key, load_data, token_hit

PARA_TAGS = frozenset({"p", "pre", "td", "blockquote"})
OWN_TEXT_TAGS = frozenset({"div", "section", "li", "article", "main", "span", "font", "center", "dd"})
PARA_MIN_CHARS = 25  # a text block of its own needs this much
GOOD_MIN_CHARS = 80  # a good block (prose) is this long at least...
GOOD_MAX_LINKS = 0.3  # ...and not more than this share links
ROOT_MIN_GOOD = 200  # a page with less good text keeps the markup-based root
DESCEND_SHARE = 0.9  # the root goes down into a child holding this share of the good text
SEMANTIC_SHARE = 0.6  # an <article> holding this share of the root's good text becomes the root
TEASER_MAX_CHARS = 600
TEASER_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
TEASER_HEADING_LINKS = 0.7  # a heading this much link is the title of another page
LINK_BOX_DENSITY = 0.35
LINK_BOX_OWN_CHARS = 200
NEGATIVE_MAX_SHARE = 0.25
KEEP_INSIDE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "figure", "figcaption", "blockquote", "pre"})
PRUNED = ("div", "section", "ul", "ol", "table", "dl", "header", "footer", "span", "article", "li", "p", "figcaption")
CAPTION_STORY_SHARE = 0.3  # captions holding this share of the root's text are the story (a gallery)
BOX_MAX_GOOD_SHARE = 0.5  # a box holding more of the root's good text is the article, whatever its shape
LINK_PARA_DENSITY = 0.6  # a paragraph this much link...
LINK_PARA_OWN_CHARS = 40  # ...with at most a label outside its links ("Read more:") points elsewhere
_ADDRESS_MARKS = ("@", "://", "www.")


@dataclass(slots=True)
class Measures:
    chars: int = 0
    link_chars: int = 0
    own_chars: int = 0  # text directly inside the element, not in a child element

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def _visible_string(node: object) -> bool:
    # Comments, CDATA, doctypes and processing instructions are NavigableString subclasses
    return type(node) is NavigableString


def measure(root: Tag) -> dict[int, Measures]:
    """Measures of every element under (and including) `root`, keyed by id(element)."""
    tags: list[Tag] = [root]
    out: dict[int, Measures] = {id(root): Measures()}
    for node in root.descendants:
        if isinstance(node, Tag):
            tags.append(node)
            out[id(node)] = Measures()
        elif _visible_string(node):
            parent = node.parent
            m = out.get(id(parent))
            if m is None:
                continue
            n = len(node.strip())
            m.own_chars += n
    # reversed document order: every element comes after all its descendants
    for el in reversed(tags):
        m = out[id(el)]
        m.chars += m.own_chars
        if el.name == "a":
            m.link_chars = m.chars
        parent = el.parent
        if el is root or parent is None:
            continue
        pm = out.get(id(parent))
        if pm is not None:
            pm.chars += m.chars
            pm.link_chars += m.link_chars
    return out


def attr_values(el: Tag, names: tuple[str, ...] = ("id", "itemprop")) -> list[str]:
    """The class words of `el` and the values of its attributes `names`, as written."""
    values: list[str] = []
    cls = el.get("class")
    if isinstance(cls, list):
        values.extend(cls)
    elif cls:
        values.extend(str(cls).split())  # a soup built with multi_valued_attributes=None
    for name in names:
        if el.get(name):
            values.append(str(el[name]))
    return values


def says_content(values: list[str], head_only: bool = False) -> bool:
    """A class/id value holds a content word; with `head_only`, as its head word (its last:
    "post-ratings" names ratings, "entry-content" content)."""
    return token_hit(head_words(values) if head_only else values, load_data().content_positive) is not None


def class_weight(el: Tag) -> int:
    """+1 when the class/id/itemprop words say content, -1 when they say page chrome, 0 when
    they say nothing or both."""
    values = attr_values(el)
    if not values:
        return 0
    weight = -1 if token_hit(values, load_data().content_negative) else 0
    if says_content(values):
        weight += 1
    return weight


def is_chrome(el: Tag, head_only: bool = False) -> bool:
    """class_weight(el) < 0, asking for the content words only when the chrome words hit. With
    `head_only`, content words count only as the head of a value: the first words of
    "post-ratings" or "c-article__footer" name whose box it is, not what it holds."""
    values = attr_values(el)
    if not values:
        return False
    data = load_data()
    hit = token_hit(values, data.content_negative)
    # "article-teaser" is the article's own lead: there any content word cancels the chrome word
    return hit is not None and not says_content(values, head_only and hit not in data.content_lead_words)


def _is_text_block(el: Tag, m: Measures) -> bool:
    if m.chars < PARA_MIN_CHARS:
        return False
    return el.name in PARA_TAGS or (el.name in OWN_TEXT_TAGS and m.own_chars >= PARA_MIN_CHARS)


def _semantic(el: Tag) -> bool:
    return el.name in ("article", "main") or el.get("itemprop") == "articleBody" or el.get("role") == "main"


def _is_teaser(
    el: Tag, m: Measures, measures: dict[int, Measures], first_heading: dict[int, Tag], title: str = ""
) -> bool:
    """A short box whose heading is a link: another article's teaser. Not when the heading is
    the page's own title (`title`: its line key): blogs link a post's title to the post."""
    if m.chars > TEASER_MAX_CHARS:
        return False
    heading = first_heading.get(id(el))
    if heading is None:
        return False
    hm = measures.get(id(heading))
    if hm is None or hm.chars == 0 or hm.link_density <= TEASER_HEADING_LINKS:
        return False
    return not title or line_key(heading.get_text(" ")) != title


def _is_link_para(el: Tag, m: Measures) -> bool:
    """A paragraph that is a link with at most a label ("Read more: <a>…</a>"): a pointer to
    another page. Not when it spells an address (an e-mail, a URL): that is information."""
    if m.link_density < LINK_PARA_DENSITY or m.chars - m.link_chars > LINK_PARA_OWN_CHARS:
        return False
    text = el.get_text(" ")
    return not any(mark in text for mark in _ADDRESS_MARKS)


def is_caption(el: Tag) -> bool:
    values = attr_values(el, ("id",))
    return bool(values) and token_hit(values, load_data().caption_tokens) is not None


def caption_chars(elements: list[Tag], measures: dict[int, Measures]) -> int:
    """Characters of the captions among `elements` (page order), each counted once."""
    inside: set[int] = set()
    n = 0
    for el in elements:
        if id(el.parent) in inside:
            inside.add(id(el))
        elif el.name == "figcaption" or is_caption(el):
            inside.add(id(el))
            n += measures[id(el)].chars
    return n


def names_funding(text: str) -> bool:
    """A caption that names what the tool extracts (an amount, a project, a grant) stays."""
    key = line_key(text)
    return any(rx.search(key) for rx in load_data().caption_keep)


def _tags_under(root: Tag) -> list[Tag]:
    return [node for node in root.descendants if isinstance(node, Tag)]


def holders_of(elements: list[Tag], names: frozenset[str], root: Tag) -> set[int]:
    """id() of the elements (up to `root`) holding a descendant named in `names`: one pass, where
    a bs4 search per element would walk each subtree again."""
    out: set[int] = set()
    for el in elements:
        if el.name not in names:
            continue
        for parent in el.parents:
            if id(parent) in out:
                break  # its ancestors are in already
            out.add(id(parent))
            if parent is root:
                break
    return out


def first_headings(elements: list[Tag], root: Tag, names: frozenset[str] = TEASER_HEADINGS) -> dict[int, Tag]:
    """id(element) -> the first element named in `names` (teaser headings) inside it, in page order."""
    out: dict[int, Tag] = {}
    for el in reversed(elements):  # the earliest heading is written last
        if el.name in names:
            for parent in el.parents:
                out[id(parent)] = el
                if parent is root:
                    break
    return out


def prune(
    root: Tag, measures: dict[int, Measures], mass: dict[int, int], blocks: list[Tag], title: str = ""
) -> list[tuple[str, Tag]]:
    """Step 5: (reason, element) for the boxes inside the root that are not article text.
    Outer boxes first; an element inside a cut box is not listed again. `title`: the line key
    of the page's title."""
    # a list item or an <article> card goes only as a teaser: a short item is content
    total = measures[id(root)].chars or 1
    good_total = mass.get(id(root), 0)

    def holds_the_article(el: Tag) -> bool:
        # by its good text; on a page without good text (a root chosen by markup), by its text
        if good_total:
            return mass.get(id(el), 0) > BOX_MAX_GOOD_SHARE * good_total
        return measures[id(el)].chars > BOX_MAX_GOOD_SHARE * total

    out: list[tuple[str, Tag]] = []
    skip: set[int] = set()
    elements = _tags_under(root)
    order = {id(el): i for i, el in enumerate(elements)}
    first_heading = first_headings(elements, root)
    keeps = holders_of(elements, KEEP_INSIDE, root)
    with_h1 = holders_of(elements, frozenset({"h1"}), root)
    # the first good block opens the body: above it sit the rubric, the dateline, the byline
    body_start = min((order[id(b)] for b in blocks if id(b) in order), default=len(elements))
    # a gallery or a photo story tells its story in its captions
    keep_captions = not load_data().drop_captions or caption_chars(elements, measures) > CAPTION_STORY_SHARE * total
    for el in (el for el in elements if el.name in PRUNED):
        if id(el.parent) in skip:
            skip.add(id(el))
            continue
        m = measures.get(id(el))
        if m is None or m.chars == 0:
            continue
        why = None
        caption = el.name == "figcaption" or is_caption(el)
        if caption and not keep_captions and not names_funding(el.get_text(" ")):
            out.append(("caption", el))
            skip.add(id(el))
            continue
        if el.name == "figcaption":
            continue
        if el.name == "p":
            if _is_link_para(el, m):
                out.append(("link_para", el))
            continue
        if el.name in ("article", "li"):
            if _is_teaser(el, m, measures, first_heading, title) and not holds_the_article(el):
                out.append(("teaser", el))
                skip.add(id(el))
            continue
        if _is_teaser(el, m, measures, first_heading, title):
            why = "teaser"
        elif m.link_density > LINK_BOX_DENSITY and m.chars - m.link_chars < LINK_BOX_OWN_CHARS:
            why = "link_box"
        elif m.chars <= NEGATIVE_MAX_SHARE * total and is_chrome(el, head_only=True):
            why = "negative_class"
        elif (
            el.name in ("div", "section")
            and not mass.get(id(el))
            and order[id(el)] > body_start
            and id(el) not in keeps
        ):
            why = "no_prose"
        if why is not None and id(el) not in with_h1 and not holds_the_article(el):
            out.append((why, el))
            skip.add(id(el))
    return out


def good_mass(body: Tag, measures: dict[int, Measures]) -> tuple[dict[int, int], list[Tag]]:
    """Steps 1 and 2: id(element) -> characters of good text blocks under it, and the good
    blocks in page order."""
    chrome: set[int] = set()
    mass: dict[int, int] = {}
    blocks: list[Tag] = []
    for el in _tags_under(body):  # document order: a parent before its children
        if id(el.parent) in chrome or (el.name not in ("html", "body") and is_chrome(el)):
            chrome.add(id(el))
            continue
        m = measures.get(id(el))
        if m is None or not _is_text_block(el, m) or m.chars < GOOD_MIN_CHARS or m.link_density > GOOD_MAX_LINKS:
            continue
        blocks.append(el)
        # count a block once: only its own text when it holds other text blocks
        n = m.own_chars if el.name in OWN_TEXT_TAGS else m.chars
        node: Tag | None = el
        while isinstance(node, Tag):
            mass[id(node)] = mass.get(id(node), 0) + n
            if node is body:
                break
            node = node.parent
    return mass, blocks


def dense_root(body: Tag, mass: dict[int, int], first_h1: dict[int, Tag] | None = None) -> Tag | None:
    """Step 3: going down from `body`, the smallest element that still holds DESCEND_SHARE of
    the good text, not leaving the <h1> behind; None under ROOT_MIN_GOOD of good text."""
    node, total = body, mass.get(id(body), 0)
    if total < ROOT_MIN_GOOD:
        return None
    while True:
        children = [c for c in node.children if isinstance(c, Tag)]
        if not children:
            return node
        best = max(children, key=lambda c: mass.get(id(c), 0))
        n = mass.get(id(best), 0)
        if n < DESCEND_SHARE * total:
            return node
        h1 = first_h1.get(id(node)) if first_h1 is not None else node.find("h1")
        if h1 is not None and h1 is not best and not _inside(h1, best):
            return node
        node, total = best, n


def semantic_root(root: Tag, mass: dict[int, int], blocks: list[Tag] | None = None) -> Tag:
    """Step 4: the marked-up article under `root` holding the most good text, when it holds
    SEMANTIC_SHARE of it and leaves neither the <h1> nor a good block above it (the lead) out;
    else `root`."""
    total = mass.get(id(root), 0)
    elements = _tags_under(root)
    marked = [el for el in elements if _semantic(el)]
    if not marked or not total:
        return root
    best = max(marked, key=lambda el: mass.get(id(el), 0))
    if mass.get(id(best), 0) < SEMANTIC_SHARE * total:
        return root
    # the lead and the dateline often sit with the <h1> outside [itemprop=articleBody]
    h1 = root.find("h1")
    if h1 is not None and h1 is not best and not _inside(h1, best):
        return root
    above = set()
    for el in elements:
        if el is best:
            break
        above.add(id(el))
    return root if any(id(b) in above for b in blocks or ()) else best


def _inside(el: Tag, box: Tag) -> bool:
    return any(p is box for p in el.parents)


def find_content(soup: BeautifulSoup | Tag, title: str | None = None) -> tuple[Tag | None, list[tuple[str, Tag]]]:
    """The article's root element (None when the page has too little prose to tell) and the
    (reason, element) to cut inside it (`title`: the page's title, never a teaser's)."""
    body = soup.body if isinstance(soup, BeautifulSoup) and soup.body else soup
    measures = measure(body)
    mass, blocks = good_mass(body, measures)
    root = dense_root(body, mass, first_headings(_tags_under(body), body, frozenset({"h1"})))
    if root is not None:
        root = semantic_root(root, mass, blocks)
    if root is None:
        return None, []
    return root, prune(root, measures, mass, blocks, line_key(title) if title else "")


def prune_markup_root(root: Tag, title: str | None = None) -> list[tuple[str, Tag]]:
    """Step 5 on a root chosen by markup (a page with too little prose for the finder): its
    teasers, link boxes and chrome boxes go alike."""
    measures = measure(root)
    mass, blocks = good_mass(root, measures)
    return prune(root, measures, mass, blocks, line_key(title) if title else "")

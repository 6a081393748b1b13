"""Clean stage: scraped page (HTML or plain text) -> article body text.

Output format (extraction computes character offsets into it): NFC; one block
per line (heading, paragraph, list item as "- item", table row as cells joined
by " | "); whitespace runs (tabs, U+00A0, U+202F...) collapsed to one space
inside a line; no empty line; no line padding. Typographic characters (’ « »
–) stay as written. Every dropped line or element is reported in
`CleanDoc.dropped` as (rule name, text) so that a wrong cut can be traced.

Rules and word lists live in data/boilerplate.yaml.

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
     header keeps its title and date), landmark roles of page chrome.
  3. Remove elements whose class, id or aria-label words say boilerplate
     (`html.drop_tokens`: cookie, share, newsletter, comments, related,
     breadcrumb, ad...). Words, not substrings: "article-share" goes,
     "shareholder" stays. Guard: an element holding the <h1>, an <article>,
     <main> or the article body, or more than half of the page's paragraph
     text, is never removed on its class alone ("post has-sidebar").
  4. Choose the content root, first that holds enough paragraph text
     (paragraphs, list items, table cells): the <article> with most text,
     [itemprop=articleBody], <main>, [role=main]; else, going down from
     <body>, the smallest element that still holds three quarters of the
     text, without leaving the <h1> behind (a wrapper whose children are
     the title, the text and a table stays whole); else <body>.
  5. Walk the root into blocks: headings, paragraphs, list items, table rows
     (layout tables, whose cells hold whole paragraphs, are walked as
     containers), blockquotes, figcaptions, and text sitting directly in
     divs. A <br> is a space, unless the block is a run of short lines (an
     address, a list of names), which then stay separate lines.
  6. The line rules below, as for plain text.

Plain text cascade (`clean_text`)
  1. NFC, invisible characters removed, whitespace collapsed in each line.
  2. Hyphenation mended (pipeline.hyphenation): "bé-\\nnéfique" joins two
     lines, "bé-néfique" is mended in place, compounds stay.
  3. Bullets ("•", "-", "–", the PDF Wingdings bullet U+F0A7, "1.", "a)"...)
     followed by a space make list items ("-5 %" is not one).
  4. Wrapped lines joined: a line that does not end a sentence, followed
     (without a blank line) by one starting in lowercase, continues it.
  5. The line rules.
  6. Title: among the heading-like lines above the body (at most 25 words,
     not ending like a sentence, not a list item, not a dateline), the first
     of 6 words or more (shorter ones are often the site's name), else the
     first of them.

Line rules (shared; `_filter`), in order:
  1. Glued labels stripped: "PublicitéLe ministre..." keeps "Le ministre...".
  2. Each line matched against `line_rules` (exact labels and short-line
     regexes): share bars, ads, comment and login boxes, newsletter boxes,
     polls, related-article headers, download links, calls to action, form
     labels, consent buttons, navigation, print layout (tables of contents,
     running footers), credits, agency bylines, press contacts. A bar of
     links goes when each of its parts matches ("Facebook | Twitter").
     Lines without any letter or digit ("×", "***") go too.
  3. Privacy notices: a line phrased as a site's notice ("nous collectons vos
     données", "cookies") goes with every adjacent line that talks about
     personal data, so a whole notice block leaves, even its lines without
     the key phrase, while a news paragraph about data stays.
  4. A poll label takes the question that follows it.
  5. Above the body only (before the first prose paragraph): section labels
     ("Business") and menu bars of short labels ("Budget | Fiscalité |
     Collectivités", unless the next line has as many cells: a table).
  6. Lists of other headlines with their dates ("Titre - 17/01/2025"): two or
     more in a row with no prose paragraph after them, or one ending the text.
  7. Tail zone. The body starts at the first prose paragraph (15 words or
     more, ending like a sentence). After that, a strong end marker (comments
     header, "À lire aussi", share bar, "Pour aller plus loin", press
     contacts, "Pour en savoir plus" followed by download links) opens a tail
     where every line is dropped, until article paragraphs resume: a prose
     paragraph of 40 words or more, or two prose paragraphs in a row. A lone
     promotional blurb between download links therefore stays out, while an
     article whose share bar sits between its lead and its body comes back.
     In HTML, headings right before the resumed prose come back with it.
  8. A line repeating the previous kept line (title printed twice) goes.
Shorter content lines are never dropped for being short: a project title in
a list of laureates, a line naming ministries or an amount only goes when a
rule names it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline.clean.hyphenation import mend_hyphens
from pipeline.paths import DATA_DIR

if TYPE_CHECKING:  # pragma: no cover
    from bs4 import PageElement

DATA_FILE = DATA_DIR / "boilerplate.yaml"

PROSE_MIN_WORDS = 15  # a paragraph this long, ending like a sentence, is article prose
RESUME_MIN_WORDS = 40  # one prose paragraph this long ends a tail zone by itself
SHORT_BR_LINE_WORDS = 12  # <br>-separated segments up to this length stay separate lines
ROOT_MIN_CHARS = 200  # a root candidate must hold this much paragraph text
DESCEND_SHARE = 0.75  # go down into a child holding at least this share of the paragraph text
MENU_MIN_PARTS = 3  # a site menu bar has at least this many labels...
MENU_PART_WORDS = 4  # ...each at most this long
TITLE_MIN_WORDS = 6  # shorter heading lines above a text are more often site names than headlines
TITLE_MAX_WORDS = 25
# Deeper elements become text (step 0). The recursive block walk uses ~3 frames a level,
# so this keeps it far below Python's recursion limit, even inside a deep task runner stack.
MAX_DEPTH = 200
DATE_LINE_WORDS = 10  # a line this short holding a date is a dateline, not a title
GUARD_SHARE = 0.5  # never drop, on class alone, an element with more than this share of the text

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_SENTENCE_END = re.compile(r"[.!…][»\"”’)\]]*$")
_BLOCK_END = re.compile(r"[.!?…:;][»\"”’)\]]*$")
_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[a-z]\))\s+(?=\S)")
_KEY_TRIM = " *•·.:;,!?…\"'«»“”-–—|>›#"
_GLUED = re.compile(r"^(Publicité|PUBLICITÉ|Advertisement)(?=[A-ZÀ-ÖØ-Þ«\"“0-9])")
_PART_SEPARATORS = re.compile(r"\s+[|·•]\s+|\s*:\s+")
_BAR_SEPARATORS = re.compile(r"\s+[|·•]\s+")
_DATE = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
    r"\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·)\s+")


@dataclass
class CleanDoc:
    text: str  # the cleaned body text, one block per line
    title: str | None
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (rule name, removed text)


@dataclass(frozen=True)
class Line:
    text: str
    kind: str = "para"  # 'para' | 'heading' | 'item' | 'row'
    gap_before: bool = False  # a blank line preceded it in the source


@dataclass(frozen=True)
class Rule:
    name: str
    exact: frozenset[str]
    regex: tuple[re.Pattern[str], ...]
    max_words: int | None
    tail: bool
    tail_if_next: tuple[str, ...]
    head_only: bool
    next_question: bool


@dataclass(frozen=True)
class Match:
    rule: Rule
    entry: str  # what matched: the folded exact label, or the regex source


@dataclass(frozen=True)
class _Data:
    rules: tuple[Rule, ...]
    headline_dates: tuple[re.Pattern[str], ...]
    privacy_strong: tuple[re.Pattern[str], ...]
    privacy_weak: tuple[re.Pattern[str], ...]
    bullets: tuple[str, ...]
    drop_tags: frozenset[str]
    chrome_tags: frozenset[str]
    drop_roles: frozenset[str]
    drop_tokens: tuple[str, ...]


# ---------------------------------------------------------------- data


class _Uncombined(dict):
    """str.translate table that deletes combining marks, filled as characters are met
    (a translate in C instead of a Python test per character)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_UNCOMBINED = _Uncombined()


# Each line is keyed by several rules in turn (whole line, its parts, privacy, headlines):
# remember a whole document's worth, so a long text costs one pass per character, not seven.
@lru_cache(maxsize=1 << 16)
def line_key(text: str) -> str:
    """Comparison form of a line: lowercase, no accents, straight apostrophes,
    single spaces, decoration trimmed at both ends."""
    t = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    t = t.translate(_UNCOMBINED).lower()
    return " ".join(t.split()).strip(_KEY_TRIM)


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _rule(raw: dict[str, Any]) -> Rule:
    return Rule(
        name=raw["name"],
        exact=frozenset(line_key(str(e)) for e in raw.get("exact", [])),
        regex=_compile(raw.get("regex", [])),
        max_words=raw.get("max_words"),
        tail=bool(raw.get("tail", False)),
        tail_if_next=tuple(raw.get("tail_if_next", [])),
        head_only=raw.get("scope") == "head",
        next_question=bool(raw.get("next_question", False)),
    )


@cache
def load_data() -> _Data:
    with DATA_FILE.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    html = raw["html"]
    return _Data(
        rules=tuple(_rule(r) for r in raw["line_rules"]),
        headline_dates=_compile(raw["headline_with_date"]),
        privacy_strong=_compile(raw["privacy"]["strong"]),
        privacy_weak=_compile(raw["privacy"]["weak"]),
        bullets=tuple(raw["bullets"]),
        drop_tags=frozenset(html["drop_tags"]),
        chrome_tags=frozenset(html["chrome_tags"]),
        drop_roles=frozenset(html["drop_roles"]),
        drop_tokens=tuple(html["drop_tokens"]),
    )


# ---------------------------------------------------------------- line predicates


def _match_whole(text: str) -> Match | None:
    key = line_key(text)
    words = len(key.split())
    for rule in load_data().rules:
        if key in rule.exact:
            return Match(rule, key)
        if rule.max_words is not None and words > rule.max_words:
            continue
        for rx in rule.regex:
            if rx.search(key):
                return Match(rule, rx.pattern)
    return None


def match_line(text: str) -> Match | None:
    """The first line rule that names `text` as boilerplate (head-only rules included).
    A bar of links ("Partager : Facebook | Twitter | E-mail") matches when each of its
    parts does."""
    whole = _match_whole(text)
    if whole is not None:
        return whole
    parts = [p for p in _PART_SEPARATORS.split(text) if has_alnum(p)]
    if len(parts) < 2:
        return None
    found = [_match_whole(p) for p in parts]
    if all(f is not None and not f.rule.head_only for f in found):
        return found[0]
    return None


def _bar_parts(text: str) -> list[str]:
    return [p for p in _BAR_SEPARATORS.split(text) if p.strip()]


def is_menu_bar(text: str, next_text: str | None) -> bool:
    """A row of short labels ("Budget | Fiscalité | Collectivités"): site menu above
    the article. A next line with as many parts makes it a table header instead."""
    parts = _bar_parts(text)
    if len(parts) < MENU_MIN_PARTS or any(c.isdigit() for c in text):
        return False
    if any(len(p.split()) > MENU_PART_WORDS or _BLOCK_END.search(p) for p in parts):
        return False
    return next_text is None or len(_bar_parts(next_text)) != len(parts)


def is_prose(text: str) -> bool:
    """A paragraph of running text: long enough and ending like a sentence (not a question)."""
    return len(text.split()) >= PROSE_MIN_WORDS and bool(_SENTENCE_END.search(text))


def has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def privacy_level(text: str) -> int:
    """2 for a site's privacy/consent notice, 1 for a line about personal data, 0 otherwise."""
    key = line_key(text)
    data = load_data()
    if any(rx.search(key) for rx in data.privacy_strong):
        return 2
    return 1 if any(rx.search(key) for rx in data.privacy_weak) else 0


def is_dated_headline(text: str) -> bool:
    key = line_key(text)
    return any(rx.search(key) for rx in load_data().headline_dates)


def strip_glued_label(text: str) -> tuple[str, str | None]:
    """("Le ministre…", "Publicité") for "PublicitéLe ministre…": an ad label the
    scraper glued to the next sentence."""
    m = _GLUED.match(text)
    if not m:
        return text, None
    return text[m.end() :].lstrip(), m.group(1)


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


# ---------------------------------------------------------------- the line filter


def _privacy_drops(lines: list[Line]) -> set[int]:
    """Indexes of privacy notice blocks: maximal runs of adjacent lines about
    personal data that hold at least one notice-phrased line."""
    levels = [privacy_level(ln.text) for ln in lines]
    out: set[int] = set()
    i = 0
    while i < len(lines):
        if levels[i] == 0:
            i += 1
            continue
        j = i
        while j < len(lines) and levels[j] > 0:
            j += 1
        if max(levels[i:j]) == 2:
            out.update(range(i, j))
        i = j
    return out


def _headline_drops(lines: list[Line], dropped: set[int]) -> set[int]:
    """Runs of dated headlines (other articles) after the last prose paragraph, or
    one ending the text. A dated list followed by article prose is content (a
    timeline of decisions)."""
    flags = [is_dated_headline(ln.text) and i not in dropped for i, ln in enumerate(lines)]
    out: set[int] = set()
    i = 0
    while i < len(lines):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and (flags[j] or j in dropped):
            j += 1
        run = [k for k in range(i, j) if flags[k]]
        after = [k for k in range(j, len(lines)) if k not in dropped]
        if not after or (len(run) >= 2 and not any(is_prose(lines[k].text) for k in after)):
            out.update(run)
        i = j
    return out


def _first_prose(lines: list[Line], verdict: list[str | None]) -> int:
    return next((i for i, ln in enumerate(lines) if verdict[i] is None and is_prose(ln.text)), len(lines))


def _opens_tail(i: int, hits: list[Match | None], verdict: list[str | None]) -> bool:
    hit = hits[i]
    if hit is None or verdict[i] != hit.rule.name:
        return False
    if hit.rule.tail:
        return True
    if hit.rule.tail_if_next:
        following = [h.rule.name for h in hits[i + 1 : i + 4] if h is not None]
        return any(name in hit.rule.tail_if_next for name in following)
    return False


def _resumes(i: int, lines: list[Line], verdict: list[str | None]) -> bool:
    """Article paragraphs resume at line i (inside a tail zone)."""
    if verdict[i] is not None or not is_prose(lines[i].text):
        return False
    if len(lines[i].text.split()) >= RESUME_MIN_WORDS:
        return True
    nxt = next((k for k in range(i + 1, len(lines)) if verdict[k] is None), None)
    return nxt is not None and is_prose(lines[nxt].text)


def _tail_drops(lines: list[Line], hits: list[Match | None], verdict: list[str | None]) -> dict[int, str]:
    out: dict[int, str] = {}
    body = _first_prose(lines, verdict)
    marker: str | None = None
    for i in range(len(lines)):
        if marker is not None:
            if _resumes(i, lines, verdict):
                marker = None
                k = i - 1
                while k >= 0 and k in out and lines[k].kind == "heading":
                    del out[k]
                    k -= 1
            elif verdict[i] is None:
                out[i] = f"tail:{marker}"
        if i > body and marker is None and _opens_tail(i, hits, verdict):
            marker = verdict[i]
    return out


def _above_body_drops(lines: list[Line], hits: list[Match | None], body: int) -> dict[int, str]:
    """Section labels and menu bars, which only mean boilerplate above the article."""
    out: dict[int, str] = {}
    for i in range(body):
        hit = hits[i]
        if hit is not None and hit.rule.head_only:
            out[i] = hit.rule.name
        elif hit is None and lines[i].kind != "row":
            following = lines[i + 1].text if i + 1 < len(lines) else None
            if is_menu_bar(lines[i].text, following):
                out[i] = "menu"
    return out


def _verdicts(lines: list[Line]) -> list[str | None]:
    """Steps 2 to 7 of the line rules: for each line, the rule that drops it, or None."""
    hits = [match_line(ln.text) for ln in lines]
    verdict: list[str | None] = [
        "no_letters" if not has_alnum(ln.text) else (h.rule.name if h and not h.rule.head_only else None)
        for ln, h in zip(lines, hits)
    ]
    for i in _privacy_drops(lines):
        verdict[i] = verdict[i] or "privacy"
    for i, h in enumerate(hits[:-1]):
        if h and h.rule.next_question and is_question(lines[i + 1].text):
            verdict[i + 1] = verdict[i + 1] or h.rule.name
    for i, why in _above_body_drops(lines, hits, _first_prose(lines, verdict)).items():
        verdict[i] = verdict[i] or why
    for i in _headline_drops(lines, {i for i, v in enumerate(verdict) if v}):
        verdict[i] = "headline_list"
    for i, why in _tail_drops(lines, hits, verdict).items():
        verdict[i] = why
    return verdict


def _filter(lines: list[Line]) -> tuple[list[Line], list[tuple[str, str]]]:
    """Apply the line rules; returns the kept lines and the (rule, text) dropped, in text order."""
    dropped: list[tuple[str, str]] = []
    labels: list[str | None] = []
    stripped: list[Line] = []
    for ln in lines:
        text, label = strip_glued_label(ln.text)
        labels.append(label)
        stripped.append(replace(ln, text=text))
    kept: list[Line] = []
    previous = ""
    for ln, label, why in zip(stripped, labels, _verdicts(stripped)):
        if label:
            dropped.append(("advertising", label))
        if why is None and line_key(ln.text) == previous:
            why = "duplicate"
        if why:
            dropped.append((why, ln.text))
            continue
        kept.append(ln)
        previous = line_key(ln.text)
    return kept, dropped


# ---------------------------------------------------------------- rendering


def collapse(text: str) -> str:
    """One space for each whitespace run, no padding: the in-line whitespace rule."""
    return " ".join(text.split())


def _render(lines: Iterable[Line]) -> str:
    out = []
    for ln in lines:
        text = collapse(ln.text)
        if text:
            out.append(f"- {text}" if ln.kind == "item" else text)
    return "\n".join(out)


def _normalise(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).translate(_INVISIBLE)


def _is_date_line(text: str) -> bool:
    return len(text.split()) <= DATE_LINE_WORDS and bool(_DATE.search(text))


def _title_from_lines(lines: list[Line]) -> str | None:
    """Among the heading-like lines above the body (short, not a sentence, not a
    list item, not a date line), the first long enough to be a headline rather
    than a site name ("Le Journal de l'Estuaire"); else the first of them."""
    body = next((i for i, ln in enumerate(lines) if is_prose(ln.text)), len(lines))
    heads = [
        ln.text
        for ln in lines[:body]
        if ln.kind in ("para", "heading")
        and not _SENTENCE_END.search(ln.text)
        and len(ln.text.split()) <= TITLE_MAX_WORDS
        and not _is_date_line(ln.text)
    ]
    return next((t for t in heads if len(t.split()) >= TITLE_MIN_WORDS), heads[0] if heads else None)


# ---------------------------------------------------------------- plain text


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


def _text_lines(raw: str) -> list[Line]:
    """Source lines, whitespace collapsed, bullets read, blank lines remembered."""
    bullets = load_data().bullets
    out: list[Line] = []
    gap = False
    for src in raw.splitlines():
        text = collapse(src)
        if not text:
            gap = True
            continue
        body, is_item = _split_bullet(text, bullets)
        out.append(Line(body, "item" if is_item else "para", gap))
        gap = False
    return out


def _continues(prev_last: str, prev_alnum: bool, nxt: Line) -> bool:
    """`nxt` is the wrapped continuation of the paragraph whose last line is
    `prev_last` (`prev_alnum`: that paragraph has a letter or digit so far)."""
    return (
        not nxt.gap_before
        and nxt.kind == "para"
        and prev_alnum
        and nxt.text[0].islower()
        # The end of the joined paragraph is the end of its last line: lines are joined by a
        # space, which the end pattern cannot cross. Testing the whole paragraph each time
        # made a text of many short lines quadratic.
        and not _BLOCK_END.search(prev_last)
    )


def unwrap(lines: list[Line]) -> list[Line]:
    firsts: list[Line] = []
    parts: list[list[str]] = []
    alnum: list[bool] = []
    for ln in lines:
        if firsts and _continues(parts[-1][-1], alnum[-1], ln):
            parts[-1].append(ln.text)
            alnum[-1] = alnum[-1] or has_alnum(ln.text)
        else:
            firsts.append(ln)
            parts.append([ln.text])
            alnum.append(has_alnum(ln.text))
    return [first if len(texts) == 1 else replace(first, text=" ".join(texts)) for first, texts in zip(firsts, parts)]


def clean_text(raw: str) -> CleanDoc:
    """Clean scraped plain text (see the module docstring for the cascade)."""
    text = "\n".join(collapse(line) for line in _normalise(raw).splitlines())
    text = mend_hyphens(text)
    lines = unwrap(_text_lines(text))
    kept, dropped = _filter(lines)
    return CleanDoc(text=_render(kept), title=_title_from_lines(kept), dropped=dropped)


# ---------------------------------------------------------------- HTML

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
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
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


def tokens_of(value: str) -> list[str]:
    """Word parts of a class/id/label value: "articleShare-bar" -> article, share, bar."""
    value = _CAMEL.sub("-", value)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return [t for t in re.split(r"[^a-z0-9]+", value) if t]


@lru_cache(maxsize=8192)
def _tokens_cached(value: str) -> tuple[str, ...]:
    return tuple(tokens_of(value))  # class names repeat from element to element and page to page


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[tuple[str, bool, bool, tuple[str, ...]], ...]:
    out = []
    for pat in patterns:
        body = pat.lstrip("^")
        out.append((pat, pat.startswith("^"), body.endswith("*"), tuple(body.rstrip("*").split("-"))))
    return tuple(out)


def token_hit(values: Iterable[str], patterns: Iterable[str]) -> str | None:
    """The first drop token matching one of the attribute values (see html.drop_tokens)."""
    parts_list = [p for p in (_tokens_cached(v) for v in values) if p]
    if not parts_list:  # most elements: no class, id or label at all
        return None
    for pat, first_only, prefix, wanted in _compiled(tuple(patterns)):
        n = len(wanted)
        for parts in parts_list:
            starts = (0,) if first_only else range(len(parts) - n + 1)
            for s in starts:
                window = parts[s : s + n]
                if len(window) < n:
                    continue
                if window[:-1] == wanted[:-1] and (
                    window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]
                ):
                    return pat
    return None


def _attr_values(el: Tag) -> list[str]:
    values: list[str] = []
    cls = el.get("class")
    if isinstance(cls, list):
        values.extend(cls)
    elif cls:
        values.append(str(cls))
    for name in ("id", "aria-label"):
        if el.get(name):
            values.append(str(el[name]))
    return values


def _in_content(el: Tag) -> bool:
    return any(
        p.name in ("article", "main") or p.get("itemprop") == "articleBody" or p.get("role") == "main"
        for p in el.parents
        if isinstance(p, Tag)
    )


def _hidden(el: Tag) -> bool:
    return (
        el.has_attr("hidden")
        or str(el.get("aria-hidden", "")).lower() == "true"
        or bool(_HIDDEN_STYLE.search(str(el.get("style", ""))))
    )


def _paragraph_chars(el: Tag) -> int:
    return sum(len(collapse(p.get_text(" "))) for p in el.find_all(_PARAGRAPHS))


def _protected(el: Tag, total: int) -> bool:
    if el.name in ("html", "body", "article", "main"):
        return True
    if el.find(["h1", "article", "main"]) or el.find(attrs={"itemprop": "articleBody"}):
        return True
    return total > 0 and _paragraph_chars(el) > GUARD_SHARE * total


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
    """Steps 2 and 3 of the HTML cascade."""
    data = load_data()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for el in soup.find_all(list(data.drop_tags)):
        if not _decomposed(el):
            _remove(el, f"tag:{el.name}", dropped)
    for el in soup.find_all(True):
        if _decomposed(el):
            continue
        if _hidden(el) and el.name not in ("html", "body"):
            _remove(el, "hidden", dropped)
        elif el.name in data.chrome_tags and not _in_content(el):
            _remove(el, f"tag:{el.name}", dropped)
        elif str(el.get("role", "")).lower() in data.drop_roles:
            _remove(el, f"role:{el['role']}", dropped)
    total = _paragraph_chars(soup)
    for el in soup.find_all(True):
        if _decomposed(el) or el.name in ("html", "body"):
            continue
        hit = token_hit(_attr_values(el), data.drop_tokens)
        if hit and not _protected(el, total):
            _remove(el, f"class:{hit}", dropped)


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


def _has_block(el: Tag) -> bool:
    return el.find(lambda t: isinstance(t, Tag) and t.name in _BLOCKS) is not None


def _inline_text(el: PageElement) -> str:
    if isinstance(el, NavigableString):
        return "" if isinstance(el, Comment) else str(el)
    if not isinstance(el, Tag):
        return ""
    if el.name == "br":
        return _BR
    return "".join(_inline_text(c) for c in el.children)


def _block_lines(text: str, kind: str) -> list[Line]:
    """Lines of one block: <br> segments stay lines only when all are short."""
    segments = [collapse(mend_hyphens(s)) for s in text.split(_BR)]
    segments = [s for s in segments if s]
    if len(segments) > 1 and all(len(s.split()) <= SHORT_BR_LINE_WORDS for s in segments):
        return unwrap([Line(s, kind) for s in segments])
    joined = collapse(" ".join(segments))
    return [Line(joined, kind)] if joined else []


def _flat_text(el: Tag) -> str:
    return collapse(mend_hyphens(el.get_text(" ").replace(_BR, " ")))


def _is_layout_table(table: Tag) -> bool:
    if table.get("role") == "presentation" or table.find("table"):
        return True
    return any(len(collapse(c.get_text(" "))) > 400 for c in table.find_all(["td", "th"]))


def _table_lines(table: Tag) -> Iterator[Line]:
    caption = table.find("caption")
    if caption:
        yield from _block_lines(_inline_text(caption), "para")
    for tr in table.find_all("tr"):
        cells = [_flat_text(c) for c in tr.find_all(["td", "th"], recursive=False)]
        if any(cells):
            yield Line(" | ".join(cells), "row")


def _kind_of(el: Tag, inherited: str) -> str:
    if el.name in _HEADINGS:
        return "heading"
    if el.name == "li":
        return "item"
    # a paragraph inside a list item is still that item
    return "item" if inherited == "item" else "para"


def html_lines(el: Tag, kind: str = "para") -> Iterator[Line]:
    """Step 5 of the HTML cascade: the blocks under `el`, in document order."""
    buf: list[str] = []

    def flush() -> Iterator[Line]:
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
        elif child.name in _BLOCKS or _has_block(child):
            yield from flush()
            yield from html_lines(child, _kind_of(child, kind))
        else:
            buf.append(_inline_text(child))
    yield from flush()


def clean_html(html: str | BeautifulSoup) -> CleanDoc:
    """Clean an HTML page (see the module docstring for the cascade). A soup
    passed in is modified."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "lxml")
    limit_depth(soup)
    title = title_of(soup)
    dropped: list[tuple[str, str]] = []
    strip_noise(soup, dropped)
    root = content_root(soup)
    lines = [replace(ln, text=_normalise(ln.text)) for ln in html_lines(root, _kind_of(root, "para"))]
    kept, line_drops = _filter([ln for ln in lines if ln.text])
    return CleanDoc(text=_render(kept), title=title, dropped=dropped + line_drops)

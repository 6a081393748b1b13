"""Publication date of an article, from its HTML metadata or the top of its text.

`published_from_html` cascade, first parsable value wins:
  1. JSON-LD `datePublished` (script type application/ld+json; nodes found in
     lists, "@graph" and nested objects; article-typed nodes before the others;
     malformed JSON skipped),
  2. <meta property="article:published_time"> (then og:published_time),
  3. <meta itemprop="datePublished">,
  4. <meta name="date|pubdate|publish-date|DC.date.issued|dcterms.date|...">,
  5. any element itemprop="datePublished" (<time datetime>, <span content>),
     then <time pubdate>,
  6. the first <time datetime> inside <article> or <header>.
Steps 5 and 6 skip elements inside aside/footer/nav or inside containers whose
class or id says related articles, comments, sidebars: those dates belong to
other pages.

`published_from_text` reads the top of a cleaned text (one block per line):
the first few non-empty lines, stopping at the first long paragraph, where
the body has begun. A date line is short and holds a full date plus only
lead words ("Publié le", "Le", "Mis en ligne le", "Par <author>,"); a date
announced as an update ("mis à jour le") is never the publication. The first
long paragraph may still open with a dateline ("PARIS, 12 mars 2019 (AFP) -"), and a
byline may follow that paragraph (a standfirst, then "3 mars 2021 à 9h40 par la
rédaction"). Last, a crawler's stamp opening the text ("date 2021-09"): a full one is
the date; a month one vouches for a day the lead gives as "ce mardi 8 juin".
Names, limits and word lists live in data/dates.yaml, section `metadata`.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag

from pipeline.clean.markup import parse_page

from pipeline.extract.dates import DateMention, find_dates, load_rules, parse_date
from pipeline.text import word_key


@dataclass(frozen=True)
class _Rules:
    article_type_suffixes: tuple[str, ...]
    meta_properties: tuple[str, ...]
    meta_names: tuple[str, ...]
    skip_tags: frozenset[str]
    skip_class_words: tuple[str, ...]
    top_lines: int
    long_line: int
    date_line_max: int
    line_words: frozenset[str]
    author_leads: frozenset[str]
    newsroom_words: frozenset[str]
    update_cue: re.Pattern[str]
    publication_cue: re.Pattern[str]
    stamp: re.Pattern[str]
    today_words: frozenset[str]
    byline_after_long: int
    stamp_paragraphs: int
    clock: re.Pattern[str]
    closing_lines: int
    closing_dateline: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    raw = load_rules()["metadata"]
    cues = sorted(raw["update_cues"], key=len, reverse=True)
    return _Rules(
        article_type_suffixes=tuple(raw["article_type_suffixes"]),
        meta_properties=tuple(word_key(p) for p in raw["meta_properties"]),
        meta_names=tuple(word_key(n) for n in raw["meta_names"]),
        skip_tags=frozenset(raw["skip_tags"]),
        skip_class_words=tuple(raw["skip_class_words"]),
        top_lines=int(raw["top_lines"]),
        long_line=int(raw["long_line"]),
        date_line_max=int(raw["date_line_max"]),
        line_words=frozenset(word_key(w) for w in raw["date_line_words"]),
        author_leads=frozenset(word_key(w) for w in raw["author_leads"]),
        newsroom_words=frozenset(word_key(w) for w in raw["newsroom_words"]),
        publication_cue=re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+")
                                     for c in sorted(raw["publication_cues"], key=len, reverse=True)) + r")\s*:?\s*\Z",
            re.IGNORECASE,
        ),
        update_cue=re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")(?!\w)",
            re.IGNORECASE,
        ),
        stamp=re.compile(raw["stamp"]),
        today_words=frozenset(word_key(w) for w in raw["today_words"]),
        byline_after_long=int(raw["byline_after_long"]),
        stamp_paragraphs=int(raw["stamp_paragraphs"]),
        clock=re.compile(raw["clock"]),
        closing_lines=int(raw["closing_lines"]),
        closing_dateline=re.compile(raw["closing_dateline"]),
    )


# -------------------------------------------------------------------- HTML


def _json_nodes(data: Any) -> Iterator[dict[str, Any]]:
    # Depth-first in document order: "@graph" lists, arrays of objects and "mainEntity" nesting alike.
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _json_nodes(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_nodes(item)


def _is_article_node(node: dict[str, Any], suffixes: tuple[str, ...]) -> bool:
    types = node.get("@type", [])
    types = [types] if isinstance(types, str) else types
    return any(isinstance(t, str) and t.endswith(suffixes) for t in types)


_LD_JSON = re.compile(r"ld\+json", re.IGNORECASE)


@dataclass
class _PageIndex:
    """The elements the cascade reads, listed in one walk of the page (in page order):
    a bs4 search per step would walk the whole tree again each time."""

    scripts: list[Tag] = field(default_factory=list)  # JSON-LD blocks
    metas: list[Tag] = field(default_factory=list)
    dated: list[Tag] = field(default_factory=list)  # [itemprop=datePublished]
    times: list[Tag] = field(default_factory=list)


def _index(soup: BeautifulSoup) -> _PageIndex:
    index = _PageIndex()
    for el in soup.descendants:
        if not isinstance(el, Tag):
            continue
        name = el.name
        if name == "script" and _LD_JSON.search(str(el.get("type") or "")):
            index.scripts.append(el)
        elif name == "meta":
            index.metas.append(el)
        elif name == "time":
            index.times.append(el)
        if el.get("itemprop") == "datePublished":
            index.dated.append(el)
    return index


def _json_ld_dates(index: _PageIndex) -> Iterator[str]:
    nodes: list[dict[str, Any]] = []
    for script in index.scripts:
        try:
            nodes.extend(_json_nodes(json.loads(script.string or script.get_text() or "")))
        except (json.JSONDecodeError, RecursionError):
            continue  # a broken block says nothing; the next steps may
    dated = [n for n in nodes if isinstance(n.get("datePublished"), str)]
    suffixes = _rules().article_type_suffixes
    # The article's own node first: a WebPage or a cited CreativeWork may carry other dates.
    for node in sorted(dated, key=lambda n: not _is_article_node(n, suffixes)):
        yield node["datePublished"]


def _meta_contents(index: _PageIndex, attribute: str, wanted: tuple[str, ...]) -> Iterator[str]:
    metas = [m for m in index.metas if m.get(attribute) and m.get("content")]
    # The wanted names are in priority order; among equals the page order decides.
    for name in wanted:
        for meta in metas:
            if word_key(str(meta[attribute])) == name:
                yield str(meta["content"])


def _in_other_content(element: Tag) -> bool:
    rules = _rules()
    for parent in element.parents:
        if parent.name in rules.skip_tags:
            return True
        classes = parent.get("class") or []
        marks = " ".join([*([classes] if isinstance(classes, str) else classes), str(parent.get("id", ""))]).lower()
        if any(word in marks for word in rules.skip_class_words):
            return True
    return False


def _element_date(element: Tag) -> str:
    return str(element.get("datetime") or element.get("content") or element.get_text(" ", strip=True))


def _microdata_dates(index: _PageIndex) -> Iterator[str]:
    for element in index.dated:
        if element.name != "meta" and not _in_other_content(element):
            yield _element_date(element)
    for element in (t for t in index.times if t.has_attr("pubdate")):
        if not _in_other_content(element):
            yield _element_date(element)


def _first_time_in_article(index: _PageIndex) -> Iterator[str]:
    for element in (t for t in index.times if t.has_attr("datetime")):
        if element.find_parent(["article", "header"]) and not _in_other_content(element):
            yield str(element["datetime"])


def published_from_html(soup: BeautifulSoup | str) -> datetime.date | None:
    """Publication date from the page's metadata (cascade in the module
    docstring), else None. Accepts a parsed soup or the HTML itself."""
    if isinstance(soup, str):
        soup = parse_page(soup)
    # the run reads the date, then the cleaner asks again (pipeline.clean.html_page): once a page
    cached = vars(soup).get("published_from_html", _UNREAD)
    if cached is not _UNREAD:
        return cached
    value = _published(soup)
    vars(soup)["published_from_html"] = value
    return value


_UNREAD = object()


def _published(soup: BeautifulSoup) -> datetime.date | None:
    rules = _rules()
    index = _index(soup)
    steps = (
        _json_ld_dates(index),
        _meta_contents(index, "property", rules.meta_properties),
        _meta_contents(index, "itemprop", ("datepublished",)),
        _meta_contents(index, "name", rules.meta_names),
        _microdata_dates(index),
        _first_time_in_article(index),
    )
    for step in steps:
        for raw in step:
            value = parse_date(raw)
            if value is not None:
                return value
    return None


# -------------------------------------------------------------------- text

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_AUTHOR_WORDS = 5  # "Par Jean-Marc de La Tour": a name, not a sentence
_DATELINE_BEFORE = re.compile(r"\s*(?:[^\W\d_][\w'’ .-]{0,40},\s*)?")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:[-–—:]|\s*$)")


def _top_lines(text: str) -> Iterator[tuple[re.Match[str], int]]:
    """The first non-empty lines, each with the number of long paragraphs before it."""
    rules = _rules()
    seen = longs = 0
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        yield line, longs
        seen += 1
        if len(line.group().strip()) > rules.long_line:
            longs += 1
        if seen >= rules.top_lines or longs > rules.byline_after_long:
            return


def _only_lead_words(residue: str) -> bool:
    rules = _rules()
    residue = rules.update_cue.sub(" ", residue)
    name_words = 0
    for word in _WORD.findall(residue):
        folded = word_key(word)
        if folded in rules.author_leads:
            name_words = _AUTHOR_WORDS
        elif name_words and (word[0].isupper() or folded in rules.line_words or folded in rules.newsroom_words):
            name_words -= 1
        elif folded not in rules.line_words:
            return False
    return True


def _publication(line: str, dates: list[DateMention]) -> DateMention | None:
    # Each date is judged by the words since the previous one: "…, mis à jour le 13/03/2019".
    previous_end = 0
    for mention in dates:
        if not _rules().update_cue.search(line, previous_end, mention.start):
            return mention
        previous_end = mention.end
    return None


def _is_dateline(line: str, mention: DateMention) -> bool:
    after = _DATELINE_AFTER.match(line, mention.end)
    if not (_DATELINE_BEFORE.fullmatch(line, 0, mention.start) and after):
        return False
    if after.group().strip():
        return True
    # "Paris, le 3 mai 2022" alone on its line: a place of three words at most, never an author
    before = line[:mention.start]
    return len(_WORD.findall(before)) <= 3 and not any(word_key(w) in _rules().author_leads for w in _WORD.findall(before))


def _date_of_line(line: str) -> DateMention | None:
    # No base date here: only full dates (day, month and year written) can be a publication date.
    dates = [m for m in find_dates(line) if m.precision == "day" and m.explicit_year]
    if not dates:
        return None
    if len(line.strip()) > _rules().date_line_max:
        # a long kicker ("Dossier de presse — <ministry> — Paris, le <date>") is read by its parts
        return dates[0] if _is_dateline(line, dates[0]) else _kicker_date(line, dates, after_separator=True)
    residue = "".join(line[a:b] for a, b in zip([0] + [m.end for m in dates], [m.start for m in dates] + [len(line)]))
    if _only_lead_words(residue) or _is_dateline(line, dates[0]):
        return _publication(line, dates)
    cued = next((d for d in dates if _rules().publication_cue.search(line, 0, d.start)), None)
    if cued is not None:
        return cued  # "Actualité Publié le 27 mai 2020": the cue says it, whatever else the line holds
    return _kicker_date(line, dates)


def _kicker_date(line: str, dates: list[DateMention], after_separator: bool = False) -> DateMention | None:
    """"Publié le 8 juin 2021 · Rubrique X · Lecture 5 min", "Service de presse – 3 mai 2022",
    "Communiqué – Lyon, le 3 mai 2022": a kicker or byline split by separators; the part holding
    the date must be a date line on its own, a place's dateline, or say it is a publication
    ("Question publiée au JO le <date>"). `after_separator`: a line too long to be a date line
    is read only by its later parts, never from its start ("Par <a long name>, le <date>")."""
    bounds = [0, *(i for sep in _SEPARATOR.finditer(line) for i in sep.span()), len(line)]
    for start, end in zip(bounds[::2], bounds[1::2]):
        part = [d for d in dates if start <= d.start and d.end <= end]
        if not part or (after_separator and start == 0):
            continue
        inner = "".join(line[a:b] for a, b in zip([start] + [d.end for d in part], [d.start for d in part] + [end]))
        # the place's dateline only after a separator: a whole line is judged above
        place_dateline = (start > 0 and _DATELINE_BEFORE.fullmatch(line, start, part[0].start)
                          and not line[part[-1].end:end].strip())
        if _only_lead_words(inner) or place_dateline:
            return _publication(line, part)
        if start > 0 and _rules().publication_cue.search(line, start, part[0].start):
            return part[0]
    return None


# Between the parts of a kicker: a dot or bar, or a dash with a space on each side
# (never the hyphen inside "Bourgogne-Franche-Comté").
_SEPARATOR = re.compile(r"\s*[·|•]\s*|\s+[-–—]\s+")


def _is_byline(line: str) -> bool:
    # "11 mai 2022 à 7h52 par la rédaction": a clock time or an author, not a bare date
    rules = _rules()
    return bool(rules.clock.search(line)) or any(word_key(w) in rules.author_leads for w in _WORD.findall(line))


def _stamped_day(text: str) -> tuple[datetime.date, int, int] | None:
    """The day a crawler's stamp at the very top gives or vouches for (see data/dates.yaml)."""
    rules = _rules()
    stamp = rules.stamp.match(text)
    if stamp is None:
        return None
    year, month = int(stamp["year"]), int(stamp["month"])
    if stamp["day"]:
        try:
            return datetime.date(year, month, int(stamp["day"])), stamp.start("year"), stamp.end()
        except ValueError:
            return None
    if not 1 <= month <= 12:
        return None
    lines = [m for m in _LINE.finditer(text, stamp.end()) if m.group().strip()][:rules.stamp_paragraphs]
    for lead in lines:
        for mention in find_dates(lead.group(), datetime.date(year, month, 1)):
            words = _WORD.findall(lead.group()[mention.start:mention.end])
            if (mention.precision == "day" and not mention.weekday_only and words
                    and word_key(words[0]) in rules.today_words
                    and (mention.value.year, mention.value.month) == (year, month)):
                return mention.value, lead.start() + mention.start, lead.start() + mention.end
    return None


def published_from_text(clean_text: str) -> tuple[datetime.date, int, int] | None:
    """(date, start, end) of the publication date stated at the top of
    `clean_text`, `clean_text[start:end]` being the date expression; else None."""
    text = clean_text or ""
    for line, longs_before in _top_lines(text):
        mention = _date_of_line(line.group())
        if mention is not None and (not longs_before or _is_byline(line.group())):
            return mention.value, line.start() + mention.start, line.start() + mention.end
    return _stamped_day(text) or _closing_day(text)


def _closing_day(text: str) -> tuple[datetime.date, int, int] | None:
    """The date an official text signs off with at its foot ("Fait à Lyon, le 3 mai 2022"), or a
    publication cue there ("Publié le 28 septembre 2023"), when its top gave none."""
    rules = _rules()
    lines = [m for m in _LINE.finditer(text) if m.group().strip()][-rules.closing_lines:]
    for line in reversed(lines):
        for sentence in re.finditer(r"[^.!?]+[.!?]?", line.group()):
            part = sentence.group()
            dates = [d for d in find_dates(part) if d.precision == "day" and d.explicit_year]
            for d in dates:
                before = part[:d.start]
                if rules.closing_dateline.match(before) or rules.publication_cue.search(before):
                    start = line.start() + sentence.start() + d.start
                    return d.value, start, line.start() + sentence.start() + d.end
    return None

"""Line rules of the clean stage: which lines of a page or text are boilerplate, shared by
the HTML and plain-text paths, and the rendering of the kept lines.

Line rules (`filter_lines`), in order:
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
from collections.abc import Iterable
from dataclasses import replace

from pipeline.clean.rules import Match, line_key, load_data
from pipeline.model import CleanLine

PROSE_MIN_WORDS = 15  # a paragraph this long, ending like a sentence, is article prose
RESUME_MIN_WORDS = 40  # one prose paragraph this long ends a tail zone by itself
MENU_MIN_PARTS = 3  # a site menu bar has at least this many labels...
MENU_PART_WORDS = 4  # ...each at most this long
TITLE_MIN_WORDS = 6  # shorter heading lines above a text are more often site names than headlines
TITLE_MAX_WORDS = 25
DATE_LINE_WORDS = 10  # a line this short holding a date is a dateline, not a title

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_SENTENCE_END = re.compile(r"[.!…][»\"”’)\]]*$")
_BLOCK_END = re.compile(r"[.!?…:;][»\"”’)\]]*$")
_GLUED = re.compile(r"^(Publicité|PUBLICITÉ|Advertisement)(?=[A-ZÀ-ÖØ-Þ«\"“0-9])")
_PART_SEPARATORS = re.compile(r"\s+[|·•]\s+|\s*:\s+")
_BAR_SEPARATORS = re.compile(r"\s+[|·•]\s+")
_DATE = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
    r"\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)


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
    if data.privacy_strong_any.search(key):
        return 2
    return 1 if data.privacy_weak_any.search(key) else 0


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


def _privacy_drops(lines: list[CleanLine]) -> set[int]:
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


def _headline_drops(lines: list[CleanLine], dropped: set[int]) -> set[int]:
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


def _first_prose(lines: list[CleanLine], verdict: list[str | None]) -> int:
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


def _resumes(i: int, lines: list[CleanLine], verdict: list[str | None]) -> bool:
    """Article paragraphs resume at line i (inside a tail zone)."""
    if verdict[i] is not None or not is_prose(lines[i].text):
        return False
    if len(lines[i].text.split()) >= RESUME_MIN_WORDS:
        return True
    nxt = next((k for k in range(i + 1, len(lines)) if verdict[k] is None), None)
    return nxt is not None and is_prose(lines[nxt].text)


def _tail_drops(lines: list[CleanLine], hits: list[Match | None], verdict: list[str | None]) -> dict[int, str]:
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


def _above_body_drops(lines: list[CleanLine], hits: list[Match | None], body: int) -> dict[int, str]:
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


def _verdicts(lines: list[CleanLine]) -> list[str | None]:
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


def filter_lines(lines: list[CleanLine]) -> tuple[list[CleanLine], list[tuple[str, str]]]:
    """Apply the line rules; returns the kept lines and the (rule, text) dropped, in text order."""
    dropped: list[tuple[str, str]] = []
    labels: list[str | None] = []
    stripped: list[CleanLine] = []
    for ln in lines:
        text, label = strip_glued_label(ln.text)
        labels.append(label)
        stripped.append(replace(ln, text=text))
    kept: list[CleanLine] = []
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


def render(lines: Iterable[CleanLine]) -> str:
    out = []
    for ln in lines:
        text = collapse(ln.text)
        if text:
            out.append(f"- {text}" if ln.kind == "item" else text)
    return "\n".join(out)


def normalise(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).translate(_INVISIBLE)


def _is_date_line(text: str) -> bool:
    return len(text.split()) <= DATE_LINE_WORDS and bool(_DATE.search(text))


def title_from_lines(lines: list[CleanLine]) -> str | None:
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


def _continues(prev_last: str, prev_alnum: bool, nxt: CleanLine) -> bool:
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


def unwrap(lines: list[CleanLine]) -> list[CleanLine]:
    firsts: list[CleanLine] = []
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

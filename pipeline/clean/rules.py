"""Rule data of the clean stage: data/boilerplate.yaml loaded and compiled once, the
comparison key of a line, and the matching of class/id/label words against drop tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any


from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA_FILE = DATA_DIR / "boilerplate.yaml"

_KEY_TRIM = " *•·.:;,!?…\"'«»“”-–—|>›#"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


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
class BoilerplateRules:
    """data/boilerplate.yaml, compiled."""

    rules: tuple[Rule, ...]
    headline_dates: tuple[re.Pattern[str], ...]
    privacy_strong: tuple[re.Pattern[str], ...]
    privacy_weak: tuple[re.Pattern[str], ...]
    privacy_strong_any: re.Pattern[str]  # the patterns above as one alternation: one search a line
    privacy_weak_any: re.Pattern[str]
    bullets: tuple[str, ...]
    drop_tags: frozenset[str]
    chrome_tags: frozenset[str]
    drop_roles: frozenset[str]
    drop_tokens: tuple[str, ...]
    weak_tokens: frozenset[str]
    guarded_tags: frozenset[str]
    content_positive: tuple[str, ...]
    content_negative: tuple[str, ...]
    content_lead_words: frozenset[str]
    head_meta: tuple[re.Pattern[str], ...]
    drop_captions: bool
    caption_keep: tuple[re.Pattern[str], ...]
    caption_tokens: tuple[str, ...]




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


def _any_of(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


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
def load_data() -> BoilerplateRules:
    raw = load_rules(DATA_FILE.name)
    html = raw["html"]
    return BoilerplateRules(
        rules=tuple(_rule(r) for r in raw["line_rules"]),
        headline_dates=_compile(raw["headline_with_date"]),
        privacy_strong=_compile(raw["privacy"]["strong"]),
        privacy_weak=_compile(raw["privacy"]["weak"]),
        privacy_strong_any=_any_of(raw["privacy"]["strong"]),
        privacy_weak_any=_any_of(raw["privacy"]["weak"]),
        bullets=tuple(raw["bullets"]),
        drop_tags=frozenset(html["drop_tags"]),
        chrome_tags=frozenset(html["chrome_tags"]),
        drop_roles=frozenset(html["drop_roles"]),
        drop_tokens=tuple(html["drop_tokens"]),
        weak_tokens=frozenset(html["weak_tokens"]),
        guarded_tags=frozenset(html["guarded_tags"]),
        content_positive=tuple(raw["content"]["positive_tokens"]),
        content_negative=tuple(raw["content"]["negative_tokens"]),
        content_lead_words=frozenset(raw["content"]["lead_tokens"]),
        head_meta=_compile(html["head_meta"]),
        drop_captions=bool(html["drop_captions"]),
        caption_keep=_compile(html["caption_keep"]),
        caption_tokens=tuple(html["caption_tokens"]),
    )


def tokens_of(value: str) -> list[str]:
    """Word parts of a class/id/label value: "articleShare-bar" -> article, share, bar."""
    value = _CAMEL.sub("-", value)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return [t for t in re.split(r"[^a-z0-9]+", value) if t]


@lru_cache(maxsize=8192)
def _head_word(value: str) -> str:
    parts = _tokens_cached(value)
    return parts[-1] if parts else ""


def head_words(values: Iterable[str]) -> list[str]:
    """The last word of each class/id value ("post-ratings" -> "ratings"): the word naming
    what the box is, in the way class names are compounded."""
    return [w for w in map(_head_word, values) if w]


@lru_cache(maxsize=8192)
def _tokens_cached(value: str) -> tuple[str, ...]:
    return tuple(tokens_of(value))  # class names repeat from element to element and page to page


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[dict[str, list[int]], tuple[tuple[str, bool, bool, tuple[str, ...]], ...]]:
    """The patterns parsed, and an index from a first word to the patterns that can start
    with it (prefix patterns under each of their possible first letters' key "")."""
    out = []
    index: dict[str, list[int]] = {}
    for i, pat in enumerate(patterns):
        body = pat.lstrip("^")
        wanted = tuple(body.rstrip("*").split("-"))
        prefix = body.endswith("*")
        out.append((pat, pat.startswith("^"), prefix, wanted))
        # a one-word prefix pattern can start with any word: it is tried on every element
        index.setdefault("" if prefix and len(wanted) == 1 else wanted[0], []).append(i)
    return index, tuple(out)


# One answer cache per pattern list, found by the list's identity: the lists are the rule data's
# tuples, asked about ~100 times a page each; keying one cache by (values, patterns) hashed the
# whole pattern tuple at every call. An entry holds its list, so that the identity stays its own.
_HIT_CACHES: dict[int, tuple[object, tuple[str, ...], dict[tuple[str, ...], str | None]]] = {}
_HIT_CACHE_SIZE = 1 << 14
_MISS = object()


def token_hit(values: Iterable[str], patterns: Iterable[str]) -> str | None:
    """The first drop token matching one of the attribute values (see html.drop_tokens)."""
    values = tuple(values)
    if not values:  # most elements: no class, id or label at all
        return None
    entry = _HIT_CACHES.get(id(patterns))
    if entry is None or entry[0] is not patterns:
        entry = (patterns, tuple(patterns), {})
        _HIT_CACHES[id(patterns)] = entry
    cache = entry[2]
    hit = cache.get(values, _MISS)
    if hit is _MISS:
        hit = _token_hit(values, entry[1])
        if len(cache) < _HIT_CACHE_SIZE:  # class lists repeat from element to element and page to page
            cache[values] = hit
    return hit  # type: ignore[return-value]


@lru_cache(maxsize=16)
def _first_words(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words a pattern's first part must be, and the prefixes it may start with: an element
    whose words meet neither (most elements) matches no pattern, told by a set and one
    str.startswith instead of a pattern-by-pattern test."""
    words, prefixes = set(), []
    for pat in patterns:
        body = pat.lstrip("^")
        parts = body.rstrip("*").split("-")
        if body.endswith("*") and len(parts) == 1:
            prefixes.append(parts[0])
        else:
            words.add(parts[0])
    return frozenset(words), tuple(prefixes)


def _token_hit(values: tuple[str, ...], patterns: tuple[str, ...]) -> str | None:
    parts_list = [p for p in (_tokens_cached(v) for v in values) if p]
    if not parts_list:
        return None
    first, prefixes = _first_words(patterns)
    words = {w for parts in parts_list for w in parts}
    if first.isdisjoint(words) and not any(w.startswith(prefixes) for w in words):
        return None
    index, compiled = _compiled(patterns)
    tried = sorted({i for w in words | {""} for i in index.get(w, ())})
    for i in tried:
        pat, first_only, prefix, wanted = compiled[i]
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

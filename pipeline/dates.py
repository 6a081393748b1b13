"""Dates written in French press text.

`find_dates` reads every date expression of a text with compiled regexes whose
lexicon (months, weekdays, lead and context words) lives in data/dates.yaml.
One regex per form, tried together; where candidates overlap the one that
starts first wins, then the longest; a candidate that cannot be a date
("31/02/2019", "le 32 juin 2018", a year outside 1990-2100, a day-month
without a base date) still claims its span, so no shorter reading of the same
words ("juin 2018") slips out instead.

Forms, by precision:
  day    "mercredi 20 juin 2018", "1er juillet 2019 à 10h30", "20/06/2018",
         "20.06.2018", "20-06-2018", "2018-06-20", "20/06/18";
         without a year ("le 20 juin", "lundi 23 septembre", "le 22 mai dernier")
         only with a base date: the year is the one that puts the date closest
         to the base, the past winning ties, "dernier" forcing on/before the base
         and "prochain" after it; a written weekday picks among candidate years;
         a bare weekday ("a annoncé lundi", "ce mardi", "lundi prochain") only
         with a base and outside habitual or holiday phrasings ("le lundi",
         "Mardi gras"): the latest such day on or before the base, or the next
         one after it with "prochain".
  month  "juin 2018", "sept. 2019", "début juin 2018"; a lone month needs a
         period lead or a direction word and a base ("en février dernier").
  year   a year after a period lead ("en 2021", "depuis 2019", "fin 2020").
         A bare number is never a year: "Action publique 2022" is a name.

dateparser is deliberately not used inside `find_dates`: once our own match has
split day, month and year, `datetime.date` validates them exactly, whereas
dateparser invents missing parts ("en 2021" -> 5 January), reads "le 32 juin"
as 1932 and "lundi un" as the first of the month. `parse_date` keeps it only
as a last resort for non-French absolute forms found in metadata
("September 25, 2019").

`parse_date` cascade: ISO 8601 (also with time and offset), then the single
day-precision date `find_dates` finds, then RFC 2822, then dateparser.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "dates.yaml"
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: datetime.date
    precision: str  # 'day' | 'month' | 'year'
    explicit_year: bool
    weekday_only: bool


@functools.cache
def load_rules() -> dict[str, Any]:
    """The parsed data/dates.yaml (shared with metadata.py)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# ---------------------------------------------------------------- patterns


def _alternation(words: Iterable[str]) -> str:
    # Longest first so that "septembre" is preferred to "sept" before the lookahead has to reject it.
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        part = re.escape(word).replace(r"\ ", r"\s*").replace("'", "['’]")
        parts.append(part)
    return "(?:" + "|".join(parts) + ")"


def _fold(word: str) -> str:
    return word.lower().replace("’", "'")


@dataclass(frozen=True)
class _Lexicon:
    month_of: dict[str, int]
    weekday_of: dict[str, int]
    first_day: frozenset[str]
    direction_of: dict[str, str]
    noise_before: frozenset[str]
    noise_after: tuple[str, ...]
    patterns: tuple[tuple[re.Pattern[str], str], ...]


@functools.cache
def _lexicon() -> _Lexicon:
    rules = load_rules()
    month_of: dict[str, int] = {}
    full: set[str] = set()
    for number, names in rules["months"].items():
        for name in names["full"]:
            month_of[_fold(name)] = int(number)
            full.add(_fold(name))
        for name in names["short"]:
            month_of[_fold(name)] = int(number)
    weekday_of = {_fold(k): int(v) for k, v in rules["weekdays"].items()}
    first_day = frozenset(re.sub(r"\s+", "", _fold(w)) for w in rules["first_day"])
    direction_of = {_fold(k): v for k, v in rules["direction_words"].items()}

    month = _alternation(month_of)
    full_month = _alternation(full)
    weekday = _alternation(weekday_of)
    day = "(?:" + _alternation(rules["first_day"]) + r"|[0-3]?\d)"
    day_lead = _alternation(rules["day_leads"])
    period_lead = _alternation(rules["period_leads"])
    direction = _alternation(direction_of)
    # A year must not be the head of an amount ("en 2000 euros", "2018 M€").
    year_end = r"(?!\d|[.,]\d|\s*(?:%|€|M€|k€|euros?\b|millions?\b|milliards?\b))"
    time = r"(?:\s*(?:à|,|-)?\s*\d{1,2}\s?[h:]\s?(?:\d{2})?(?![\w:]))?"
    direction_tail = rf"(?:\s+(?P<dir>{direction})(?!\w))?"
    before = r"(?<![\w.,/-])"

    patterns = (
        (
            rf"{before}(?:(?P<lead>{day_lead})\s+)?(?:(?P<wd>{weekday})\s+)?"
            rf"(?P<day>{day})\s*(?P<month>{month})(?!\w)\.?"
            rf"(?:\s+(?P<year>\d{{4}}){year_end})?{time}{direction_tail}",
            "day",
        ),
        (
            rf"{before}(?:(?P<lead>{day_lead})\s+)?(?:(?P<wd>{weekday})\s+)?"
            r"(?:(?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)(?P<year>\d{4})"
            r"|(?P<sday>[0-3]?\d)/(?P<smonth>[01]?\d)/(?P<syear>\d{2})"
            r"|(?P<iyear>\d{4})-(?P<imonth>[01]\d)-(?P<iday>[0-3]\d))"
            rf"(?!\d|[./-]\d){time}",
            "numeric",
        ),
        (
            rf"(?<!\w)(?:(?P<lead>{period_lead})(?:\s+|-))?(?P<month>{month})(?!\w)\.?"
            rf"\s+(?P<year>\d{{4}}){year_end}",
            "month_year",
        ),
        (
            rf"(?<!\w)(?:(?P<lead>{period_lead})(?:\s+|-))?(?P<month>{full_month})(?!\w){direction_tail}",
            "month",
        ),
        (rf"(?<!\w)(?P<lead>{period_lead})(?:\s+|-)(?P<year>\d{{4}}){year_end}", "year"),
        (rf"(?<!\w)(?:(?P<lead>{day_lead})\s+)?(?P<wd>{weekday})(?!\w){direction_tail}", "weekday"),
    )
    noise = rules["weekday_noise"]
    return _Lexicon(
        month_of=month_of,
        weekday_of=weekday_of,
        first_day=first_day,
        direction_of=direction_of,
        noise_before=frozenset(_fold(w) for w in noise["before"]),
        noise_after=tuple(_fold(w) for w in noise["after"]),
        patterns=tuple((re.compile(p, re.IGNORECASE), kind) for p, kind in patterns),
    )


# -------------------------------------------------------------- resolution


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _closest(candidates: Iterable[datetime.date | None], base: datetime.date, direction: str | None) -> datetime.date | None:
    # "dernier" keeps the base itself (an article may say it the same day), "prochain" does not.
    pool = [
        c
        for c in candidates
        if c is not None and (direction is None or (c <= base if direction == "past" else c > base))
    ]
    if not pool:
        return None
    return min(pool, key=lambda c: (abs((c - base).days), c > base))


def _years_around(base: datetime.date) -> range:
    return range(base.year - 1, base.year + 2)


def _resolve_day(
    month: int, day: int, base: datetime.date, direction: str | None, weekday: int | None
) -> datetime.date | None:
    candidates = [_make_date(y, month, day) for y in _years_around(base)]
    if weekday is not None:
        # "lundi 23 septembre": the written weekday tells the year when it matches only one candidate.
        agreeing = [c for c in candidates if c is not None and c.weekday() == weekday]
        candidates = agreeing or candidates
    return _closest(candidates, base, direction)


def _resolve_month(month: int, base: datetime.date, direction: str | None) -> datetime.date | None:
    candidates = [_make_date(y, month, 1) for y in _years_around(base)]
    return _closest(candidates, base.replace(day=1), direction)


def _resolve_weekday(weekday: int, base: datetime.date, direction: str | None) -> datetime.date:
    if direction == "next":
        return base + datetime.timedelta(days=(weekday - base.weekday() - 1) % 7 + 1)
    return base - datetime.timedelta(days=(base.weekday() - weekday) % 7)


# -------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    mention: DateMention | None  # None: the words claim the span but are no usable date


def _direction(lex: _Lexicon, m: re.Match[str]) -> str | None:
    word = m.groupdict().get("dir")
    return lex.direction_of[_fold(word)] if word else None


def _day_number(lex: _Lexicon, raw: str) -> int:
    return 1 if re.sub(r"\s+", "", _fold(raw)) in lex.first_day else int(raw)


def _weekday_number(lex: _Lexicon, m: re.Match[str]) -> int | None:
    word = m.group("wd")
    return lex.weekday_of[_fold(word)] if word else None


def _textual_day(lex: _Lexicon, m: re.Match[str], base: datetime.date | None) -> DateMention | None:
    day = _day_number(lex, m.group("day"))
    month = lex.month_of[_fold(m.group("month"))]
    if m.group("year"):
        value = _make_date(int(m.group("year")), month, day)
    elif base is not None:
        value = _resolve_day(month, day, base, _direction(lex, m), _weekday_number(lex, m))
    else:
        value = None  # no year and nothing to take it from
    if value is None:
        return None
    return DateMention(m.start(), m.end(), value, "day", bool(m.group("year")), False)


def _numeric_day(m: re.Match[str]) -> DateMention | None:
    if m.group("iyear"):
        year, month, day = m.group("iyear"), m.group("imonth"), m.group("iday")
    elif m.group("syear"):
        short = int(m.group("syear"))
        # Two-digit years: the press of 1990-1999 or of this century.
        year = str(1900 + short if short >= 90 else 2000 + short)
        month, day = m.group("smonth"), m.group("sday")
    else:
        year, month, day = m.group("year"), m.group("month"), m.group("day")
    value = _make_date(int(year), int(month), int(day))
    return DateMention(m.start(), m.end(), value, "day", True, False) if value else None


def _month_year(lex: _Lexicon, m: re.Match[str]) -> DateMention | None:
    value = _make_date(int(m.group("year")), lex.month_of[_fold(m.group("month"))], 1)
    return DateMention(m.start(), m.end(), value, "month", True, False) if value else None


def _lone_month(lex: _Lexicon, m: re.Match[str], base: datetime.date | None) -> DateMention | None:
    # Without a lead or a direction word a month name is too weak ("Mars", "Mai 68" style names).
    if base is None or not (m.group("lead") or m.group("dir")):
        return None
    value = _resolve_month(lex.month_of[_fold(m.group("month"))], base, _direction(lex, m))
    return DateMention(m.start(), m.end(), value, "month", False, False) if value else None


def _lone_year(m: re.Match[str]) -> DateMention | None:
    value = _make_date(int(m.group("year")), 1, 1)
    return DateMention(m.start(), m.end(), value, "year", True, False) if value else None


_SENTENCE_END = ".!?:;«\"(\n"
_PREVIOUS_WORD = re.compile(r"([\w'’]+)\W*$")


def _starts_sentence(text: str, pos: int) -> bool:
    head = text[max(0, pos - 20) : pos].rstrip(" \t\u00a0")
    return not head or head[-1] in _SENTENCE_END


def _is_weekday_noise(lex: _Lexicon, text: str, m: re.Match[str]) -> bool:
    word = m.group("wd")
    if not word.islower() and not (word[1:].islower() and _starts_sentence(text, m.start())):
        # "Vendredi" inside a sentence is a name, "LUNDI" a heading; at a sentence start it is a day.
        return True
    previous = _PREVIOUS_WORD.search(text, max(0, m.start() - 40), m.start())
    before = m.group("lead") or (previous.group(1) if previous else "")
    if _fold(before) in lex.noise_before:
        return True
    after = _fold(text[m.end("wd") : m.end("wd") + 40]).lstrip()
    return any(re.match(re.escape(w) + r"(?!\w)", after) for w in lex.noise_after)


def _bare_weekday(lex: _Lexicon, text: str, m: re.Match[str], base: datetime.date | None) -> DateMention | None:
    if base is None or _is_weekday_noise(lex, text, m):
        return None
    value = _resolve_weekday(lex.weekday_of[_fold(m.group("wd"))], base, _direction(lex, m))
    return DateMention(m.start(), m.end(), value, "day", False, True)


def _candidates(text: str, base: datetime.date | None) -> Iterator[_Candidate]:
    lex = _lexicon()
    readers: dict[str, Callable[[re.Match[str]], DateMention | None]] = {
        "day": lambda m: _textual_day(lex, m, base),
        "numeric": _numeric_day,
        "month_year": lambda m: _month_year(lex, m),
        "month": lambda m: _lone_month(lex, m, base),
        "year": _lone_year,
        "weekday": lambda m: _bare_weekday(lex, text, m, base),
    }
    for pattern, kind in lex.patterns:
        for m in pattern.finditer(text):
            yield _Candidate(m.start(), m.end(), readers[kind](m))


def _as_date(base: datetime.date | None) -> datetime.date | None:
    # A datetime is a date subclass; comparing the two raises, so keep the calendar day only.
    return base.date() if isinstance(base, datetime.datetime) else base


def find_dates(text: str, base: datetime.date | None = None) -> list[DateMention]:
    """Every date expression of `text`, sorted, non-overlapping; `base` (the
    publication date) resolves expressions without a year or relative to it."""
    if not text:
        return []
    base = _as_date(base)
    chosen: list[_Candidate] = []
    for candidate in sorted(_candidates(text, base), key=lambda c: (c.start, -c.end)):
        if not chosen or candidate.start >= chosen[-1].end:
            chosen.append(candidate)
    return [c.mention for c in chosen if c.mention is not None]


# --------------------------------------------------------------- parse_date


def _from_iso(s: str) -> datetime.date | None:
    try:
        parsed = datetime.datetime.fromisoformat(s)
    except ValueError:
        return None
    # The date as written, in the publisher's own time zone: the day readers saw.
    return _make_date(parsed.year, parsed.month, parsed.day)


def _from_rfc2822(s: str) -> datetime.date | None:
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return _make_date(parsed.year, parsed.month, parsed.day)


@functools.cache
def _fallback_parser() -> Any:
    from dateparser.date import DateDataParser  # slow import, only needed for foreign forms

    return DateDataParser(
        languages=["fr", "en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True},
    )


_WRITTEN_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _from_dateparser(s: str) -> datetime.date | None:
    written = _WRITTEN_YEAR.search(s)
    # Only absolute forms: dateparser would turn "hier" or "il y a 3 jours" into dates relative to today.
    if written is None or len(s) > 64:
        return None
    try:
        parsed = _fallback_parser().get_date_data(s).date_obj
    except Exception:  # dateparser raises assorted errors on odd input; a miss is the answer
        return None
    if parsed is None or parsed.year != int(written.group(1)):
        return None
    return _make_date(parsed.year, parsed.month, parsed.day)


def parse_date(s: str, base: datetime.date | None = None) -> datetime.date | None:
    """The single day-precision date `s` expresses, else None (nothing, a
    month or a year only, or several different days)."""
    s = (s or "").strip()
    if not s:
        return None
    iso = _from_iso(s)
    if iso is not None:
        return iso
    days = {m.value for m in find_dates(s, base) if m.precision == "day"}
    if days:
        return days.pop() if len(days) == 1 else None
    return _from_rfc2822(s) or _from_dateparser(s)

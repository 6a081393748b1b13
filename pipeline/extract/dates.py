"""Dates written in French press text.

`find_dates` works in three steps:

1. Find. Compiled regexes, one per form, whose lexicon (months, weekdays, lead
   and context words) lives in data/dates.yaml, find and delimit every
   candidate and read its parts as written: day, month, year, weekday,
   direction word. Where candidates overlap the one that starts first wins,
   then the longest; a candidate that turns out to be no date ("31/02/2019",
   "le 32 juin 2018") still claims its span, so no shorter reading of the
   same words ("juin 2018") slips out instead.
2. Resolve. A form whose every part is written, the year in four digits
   ("14 mars 2018", "juin 2018", "en 2021"), is its parts as read: dateparser
   would only confirm them (step 3), and its first call in a process costs
   ~0.3 s, the whole extraction of a short article. Otherwise dateparser
   (languages ['fr'], results cached per candidate and base) reads the candidate reduced to its date words ("le 22 mai dernier"
   -> "22 mai"), with the parts the form must have as REQUIRE_PARTS and the
   publication date as RELATIVE_BASE for forms without a year. PREFER_DATES_FROM
   is `past` after "dernier"/"passé", `future` after "prochain"; with no
   direction word both readings are taken and the one closest to the base
   wins, the past winning ties. Two readings get other preferences: a bare
   weekday uses `current_period` (the latest such day on or before the base:
   `past` would skip the base day itself), and a form whose year is written
   gets no base and `current_period` (`past` would send "20/06/19" a century back).
3. Check. Every dateparser reading is cross-checked against the parts the
   regex read, and rejected when it disagrees: day, month and weekday when
   written, the year when written (its last two digits for "20/06/18"), the
   direction word, a year within one of the base's for forms without one, and
   1990-2100 for all. Only the parts the form has come from the reading: the
   value of a month is its first day, of a year its 1 January. This is what
   keeps dateparser's guesses out: it invents day and month for "en 2021"
   (kept: the year only), reads "le 32 juin" as 1932 and finds the first of
   the month in "lundi un" (rejected: day and weekday disagree).

Forms, by precision:
  day    "mercredi 14 mars 2018", "1er juillet 2019 à 10h30", "14/03/2018",
         "14.03.2018", "14-03-2018", "2018-03-14", "14/03/18";
         without a year ("le 20 juin", "lundi 23 septembre", "le 22 mai dernier")
         only with a base date; a written weekday picks among the readings;
         a bare weekday ("a annoncé lundi", "ce mardi", "lundi prochain") only
         with a base and outside habitual or holiday phrasings ("le lundi",
         "Mardi gras"): the latest such day on or before the base, or the next
         one after it with "prochain".
  month  "juin 2018", "sept. 2019", "début juin 2018"; a lone month needs a
         period lead or a direction word and a base ("en février dernier").
  year   a year after a period lead ("en 2021", "depuis 2019", "fin 2020").
         A bare number is never a year: "Action publique 2022" is a name.
Without a base, forms without a year give nothing: dateparser would read them
against today, and the same article would give other dates next year.

`parse_date` cascade: ISO 8601 (also with time and offset), then the single
day-precision date `find_dates` finds, then RFC 2822, then a second, strict
dateparser (French and English, every part required) for the absolute forms
of other languages found in metadata ("September 25, 2019").
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.paths import DATA_DIR
from pipeline import rules
from pipeline.text import word_key

DATA_FILE = DATA_DIR / "dates.yaml"
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
    return rules.load_rules(DATA_FILE.name)


# ---------------------------------------------------------------- patterns


def _alternation(words: Iterable[str]) -> str:
    # Longest first so that "septembre" is preferred to "sept" before the lookahead has to reject it.
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        part = re.escape(word).replace(r"\ ", r"\s*").replace("'", "['’]")
        parts.append(part)
    return "(?:" + "|".join(parts) + ")"


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
            month_of[word_key(name)] = int(number)
            full.add(word_key(name))
        for name in names["short"]:
            month_of[word_key(name)] = int(number)
    weekday_of = {word_key(k): int(v) for k, v in rules["weekdays"].items()}
    first_day = frozenset(re.sub(r"\s+", "", word_key(w)) for w in rules["first_day"])
    direction_of = {word_key(k): v for k, v in rules["direction_words"].items()}

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
        noise_before=frozenset(word_key(w) for w in noise["before"]),
        noise_after=tuple(word_key(w) for w in noise["after"]),
        patterns=tuple((re.compile(p, re.IGNORECASE), kind) for p, kind in patterns),
    )


# ------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Reading:
    """What the regex read in one candidate, before dateparser resolves it."""

    start: int
    end: int
    precision: str  # 'day' | 'month' | 'year'
    query: str  # the candidate reduced to its date words: what dateparser reads
    parts: tuple[str, ...]  # dateparser's REQUIRE_PARTS: the parts the form has written
    day: int | None = None
    month: int | None = None
    year: int | None = None
    year_digits: int = 4
    weekday: int | None = None
    direction: str | None = None  # 'past' | 'future' (dateparser's words), None
    weekday_only: bool = False


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@functools.cache
def _dateparser_rules() -> dict[str, Any]:
    return load_rules()["dateparser"]


def _dateparser(settings: dict[str, Any]) -> Any:
    from dateparser.date import DateDataParser  # slow import, paid once per process

    # A parser holds its settings (RELATIVE_BASE included) from construction; building one
    # costs ~0.02 ms against ~0.8 ms for a parse, and sharing one across bases would mean
    # mutating it under Prefect's threads. `_read` caches what matters: the readings.
    rules = _dateparser_rules()
    return DateDataParser(languages=rules["languages"], settings={**settings, "PARSERS": rules["parsers"]})


@functools.lru_cache(maxsize=65536)
def _read(query: str, base: datetime.date | None, prefer: str, parts: tuple[str, ...]) -> datetime.date | None:
    """dateparser's reading of `query`, unchecked; None when it reads nothing."""
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": prefer,
        "REQUIRE_PARTS": list(parts),
        # Parts not written are taken as the first, not the base's: "février" read on 30 January
        # would otherwise be a 30 February, which dateparser moves to another (leap) year.
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_MONTH_OF_YEAR": "first",
    }
    if base is not None:
        settings["RELATIVE_BASE"] = datetime.datetime.combine(base, datetime.time())
    try:
        parsed = _dateparser(settings).get_date_data(query).date_obj
    except Exception:  # dateparser raises assorted errors on odd input; no reading is the answer
        return None
    return parsed.date() if parsed is not None else None


def _checked(reading: datetime.date | None, r: _Reading, base: datetime.date | None) -> datetime.date | None:
    """The value of `r` from dateparser's `reading`, or None when the reading
    disagrees with what the regex read (module docstring, step 3)."""
    if reading is None:
        return None
    if r.day is not None and reading.day != r.day:
        return None
    if r.month is not None and reading.month != r.month:
        return None
    if r.year is not None and (reading.year if r.year_digits == 4 else reading.year % 100) != r.year:
        return None
    if r.weekday_only and reading.weekday() != r.weekday:
        return None
    # Only the parts the form has come from the reading: dateparser fills the others from its base.
    if r.precision == "year":
        value = _make_date(reading.year, 1, 1)
    elif r.precision == "month":
        value = _make_date(reading.year, reading.month, 1)
    else:
        value = _make_date(reading.year, reading.month, reading.day)
    if value is None or r.year is not None or base is None:
        return value
    anchor = base.replace(day=1) if r.precision == "month" else base
    if abs(value.year - base.year) > 1:
        return None
    if r.weekday_only:
        days = (value - base).days
        return value if (0 < days <= 7 if r.direction == "future" else -7 < days <= 0) else None
    if r.direction == "past" and value > anchor or r.direction == "future" and value <= anchor:
        return None
    return value


def _preferences(r: _Reading) -> tuple[str, ...]:
    if r.weekday_only:
        # dateparser's `past` never gives the base day itself: a paper dated Monday saying "lundi" means that day.
        return ("future",) if r.direction == "future" else ("current_period",)
    if r.direction:
        return (r.direction,)
    return ("past", "future")  # both, the closest wins


def _as_written(r: _Reading) -> datetime.date | None:
    """The date of a form whose every part is written, the year in four digits: its parts as read.

    dateparser would only confirm them (step 3 rejects any reading that differs), at ~0.5 ms
    a call and ~0.3 s for its first call in a process, which a one-article run pays in full.
    """
    if r.precision == "year":
        return _make_date(r.year, 1, 1)
    if r.month is None:
        return None
    if r.precision == "month":
        return _make_date(r.year, r.month, 1)
    return _make_date(r.year, r.month, r.day) if r.day is not None else None



def _resolve(r: _Reading, base: datetime.date | None) -> datetime.date | None:
    if r.year is not None:
        if r.year_digits == 4:
            return _as_written(r)
        # Every part is written: the reading must not depend on a base, nor on today.
        return _checked(_read(r.query, None, "current_period", r.parts), r, None)
    if base is None:
        return None
    # A month is read against the base's month: dateparser builds "février" on the base's day
    # first, and a 29 or 30 sends it to the next leap year before PREFER_DAY_OF_MONTH applies.
    anchor = base.replace(day=1) if r.precision == "month" else base
    values = []
    for prefer in _preferences(r):
        value = _checked(_read(r.query, anchor, prefer, r.parts), r, base)
        if value is None:
            continue
        values.append(value)
        if r.weekday is not None and not r.weekday_only and value.weekday() != r.weekday:
            # "vendredi 14 février" may be of the year before the past reading or after the future one.
            further = value - datetime.timedelta(days=1) if prefer == "past" else value
            values.append(_checked(_read(r.query, further, prefer, r.parts), r, base))
    values = [v for v in values if v is not None]
    if r.weekday is not None and not r.weekday_only:
        # "lundi 23 septembre": the written weekday tells the year when it matches one reading.
        values = [v for v in values if v.weekday() == r.weekday] or values
    if not values:
        return None
    return min(values, key=lambda v: (abs((v - anchor).days), v > anchor))


# -------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    reading: _Reading | None  # None: the words claim the span but are no usable date


def _direction(lex: _Lexicon, m: re.Match[str]) -> str | None:
    word = m.groupdict().get("dir")
    return lex.direction_of[word_key(word)] if word else None


def _day_number(lex: _Lexicon, raw: str) -> int:
    return 1 if re.sub(r"\s+", "", word_key(raw)) in lex.first_day else int(raw)


def _weekday_number(lex: _Lexicon, m: re.Match[str]) -> int | None:
    word = m.group("wd")
    return lex.weekday_of[word_key(word)] if word else None


def _month_word(m: re.Match[str]) -> str:
    return word_key(m.group("month"))


def _textual_day(lex: _Lexicon, m: re.Match[str]) -> _Reading:
    # The first day goes to dateparser as "1": it does not read "premier".
    day = _day_number(lex, m.group("day"))
    year = m.group("year")
    return _Reading(
        m.start(),
        m.end(),
        "day",
        f"{day} {_month_word(m)}" + (f" {year}" if year else ""),
        ("day", "month", "year") if year else ("day", "month"),
        day=day,
        month=lex.month_of[_month_word(m)],
        year=int(year) if year else None,
        weekday=_weekday_number(lex, m),
        direction=_direction(lex, m),
    )


def _numeric_day(m: re.Match[str]) -> _Reading:
    if m.group("iyear"):
        year, month, day = m.group("iyear"), m.group("imonth"), m.group("iday")
        query = f"{year}-{month}-{day}"
    elif m.group("syear"):
        year, month, day = m.group("syear"), m.group("smonth"), m.group("sday")
        query = f"{day}/{month}/{year}"
    else:
        year, month, day = m.group("year"), m.group("month"), m.group("day")
        query = f"{day}{m.group('sep')}{month}{m.group('sep')}{year}"
    return _Reading(
        m.start(),
        m.end(),
        "day",
        query,
        ("day", "month", "year"),
        day=int(day),
        month=int(month),
        year=int(year),
        year_digits=len(year),
    )


def _month_year(lex: _Lexicon, m: re.Match[str]) -> _Reading:
    year = m.group("year")
    return _Reading(
        m.start(), m.end(), "month", f"{_month_word(m)} {year}", ("month", "year"),
        month=lex.month_of[_month_word(m)], year=int(year),
    )


def _lone_month(lex: _Lexicon, m: re.Match[str]) -> _Reading | None:
    # Without a lead or a direction word a month name is too weak ("Mars", "Mai 68" style names).
    if not (m.group("lead") or m.group("dir")):
        return None
    return _Reading(
        m.start(), m.end(), "month", _month_word(m), ("month",),
        month=lex.month_of[_month_word(m)], direction=_direction(lex, m),
    )


def _lone_year(m: re.Match[str]) -> _Reading:
    return _Reading(m.start(), m.end(), "year", m.group("year"), ("year",), year=int(m.group("year")))


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
    if word_key(before) in lex.noise_before:
        return True
    after = word_key(text[m.end("wd") : m.end("wd") + 40]).lstrip()
    return any(re.match(re.escape(w) + r"(?!\w)", after) for w in lex.noise_after)


def _bare_weekday(lex: _Lexicon, text: str, m: re.Match[str]) -> _Reading | None:
    if _is_weekday_noise(lex, text, m):
        return None
    # Only the weekday word goes to dateparser: given "lundi un" it reads the first of the month.
    return _Reading(
        m.start(), m.end(), "day", word_key(m.group("wd")), (),
        weekday=_weekday_number(lex, m), direction=_direction(lex, m), weekday_only=True,
    )


def _candidates(text: str) -> Iterator[_Candidate]:
    lex = _lexicon()
    readers: dict[str, Callable[[re.Match[str]], _Reading | None]] = {
        "day": lambda m: _textual_day(lex, m),
        "numeric": _numeric_day,
        "month_year": lambda m: _month_year(lex, m),
        "month": lambda m: _lone_month(lex, m),
        "year": _lone_year,
        "weekday": lambda m: _bare_weekday(lex, text, m),
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
    for candidate in sorted(_candidates(text), key=lambda c: (c.start, -c.end)):
        if not chosen or candidate.start >= chosen[-1].end:
            chosen.append(candidate)
    mentions = []
    # Spans are settled before any resolution: dateparser runs only for the candidates kept.
    for r in (c.reading for c in chosen if c.reading is not None):
        value = _resolve(r, base)
        if value is not None:
            mentions.append(DateMention(r.start, r.end, value, r.precision, r.year is not None, r.weekday_only))
    return mentions


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

"""Euro amounts written in French press text, read in millions of euros (M€).

No library reads "2, 310 milliards d'€", "près d'un demi milliard" or "9,4 et 8,6 M€",
so the rules are written here; every word they use lives in data/amounts.yaml.

Cascade of `find_amounts`:

1. normalise: fold no-break and thin spaces, curly apostrophes and dashes to their ASCII
   forms, one character for one, so offsets found in the folded text index the input.
2. atoms: scan the numbers left to right - digits ("200 000", "200.000", "24,3", the PDF
   artefact "2, 310"), "un demi", "une centaine de", written numbers ("vingt-cinq") - and
   read the unit right after each (scale word or abbreviation, "et demi", euro marker).
   Each atom is then
     euro      an explicit euro marker after it, or "€"/"EUR" before it;
     implicit  a scale word alone ("jusqu'à 50 millions") not followed by a counted noun;
     bare      no unit at all ("9,4" in "9,4 et 8,6 M€"): it may borrow the next unit;
     rejected  anything else: other currencies, "2 millions d'habitants", "5 Mo", "85 %".
3. groups: two figures joined as a range ("entre X et Y", "de X à Y", "X-Y") make one
   amount (value = low end, range_high = high end, qualifier "min" unless a qualifier
   phrase says otherwise); bare figures joined as a list ("X et Y M€", "X, Y et Z M€")
   borrow the unit of the last one. A bare year ("2018") never borrows a unit.
4. context: the longest qualifier phrase ending right before the number (or before the
   range opener), "chacun de" before that; "chacun", "par projet" and suffix
   qualifiers ("5 M€ environ") after the unit. An amount never reaches into the previous one.
5. value: Decimal arithmetic, number x 10**power, so "200 000 €" is exactly 0.2.

Decisions: vague quantities ("quelques millions", "des centaines de millions") give no
amount; a written number without a scale before "euros" ("un euro d'économies") is not a
funding amount; a lone dot group before a scale is a decimal point ("1.250 M€" is 1.25),
elsewhere a thousands separator ("200.000 €"); "€ 200 000" is read like "200 000 €".

Every regex quantifier is bounded and every context lookup works in a small window, so
the time is linear in the length of the text whatever it holds.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, cast

from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA_FILE = DATA_DIR / "amounts.yaml"

Qualifier = Literal["exact", "approx", "min", "max"]
_Status = Literal["euro", "implicit", "bare", "rejected"]

EURO_POWER = -6  # plain euros, as a power of ten of millions of euros
_LOOKBACK = 48  # longest qualifier phrase plus generous whitespace
_MAX_LIST = 8  # figures sharing one unit; real lists are far shorter


@dataclass(frozen=True)
class Amount:
    """One euro amount in a text; text[start:end] is the whole expression."""

    start: int
    end: int
    value: float  # millions of euros; the low end of a range
    qualifier: str  # 'exact' | 'approx' | 'min' | 'max'
    each: bool = False  # the figure applies to each of several items ("chacun", "par projet")
    range_high: float | None = None  # high end of "entre X et Y", "de X à Y"
    implicit_currency: bool = False  # a scale word without a euro marker ("jusqu'à 50 millions")
    number_start: int = -1  # where the number itself starts, after qualifier and opener words


@functools.cache
def lexicon() -> dict[str, Any]:
    """The parsed data/amounts.yaml."""
    return load_rules(DATA_FILE.name)


# --- regex building -------------------------------------------------------------------


def _phrase(phrase: str, *, word_start: bool = True, word_end: bool = True) -> str:
    """Regex of one lexicon phrase: spaces match a short whitespace run, an apostrophe may be
    followed by a space (PDF text), and word edges are respected unless told otherwise."""
    parts = []
    for part in re.split(r"(\s+|')", phrase.strip()):
        if not part:
            continue
        if part.isspace():
            parts.append(r"\s{1,3}")
        elif part == "'":
            parts.append(r"'\s?")
        else:
            parts.append(re.escape(part))
    body = "".join(parts)
    head = r"(?<!\w)" if word_start and phrase[:1].isalnum() else ""
    tail = r"(?!\w)" if word_end and phrase[-1:].isalnum() else ""
    return head + body + tail


def _alt(phrases: Iterable[str], *, word_start: bool = True, word_end: bool = True) -> str:
    """Alternation of phrases, longest first so that a fuller phrase wins at the same place.
    Turning a word edge off lets an entry be glued to its neighbour ("MEUR", "M$", "Mds€")."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "(?:" + "|".join(_phrase(p, word_start=word_start, word_end=word_end) for p in ordered) + ")"


def _groups(by_name: dict[str, list[str]]) -> str:
    """Named alternation groups, one per qualifier class, so that match.lastgroup names the class."""
    return "|".join(f"(?P<{name}>{_alt(phrases)})" for name, phrases in by_name.items())


_LEX = lexicon()
_FOLD = str.maketrans({src: dst for dst, srcs in _LEX["normalise"].items() for src in srcs})

_SCALE_POWER: dict[str, int] = {
    form.casefold(): entry["power"]
    for entry in (*_LEX["scale_words"], *_LEX["scale_abbreviations"])
    for form in entry["forms"]
}
_IMPLICIT_SCALES = frozenset(f.casefold() for e in _LEX["scale_words"] if e["implicit"] for f in e["forms"])
_NUMBER_WORDS: dict[str, int] = {k.casefold(): v for k, v in _LEX["number_words"].items()}
_APPROX_NOUNS: dict[str, int] = {k.casefold(): v for k, v in _LEX["approx_nouns"].items()}
_YEAR_LOW, _YEAR_HIGH = _LEX["year_span"]

# Units may be glued to the number ("2,5M€", "5millions"), so they have no word start.
_SCALE_WORD = _alt((f for e in _LEX["scale_words"] for f in e["forms"]), word_start=False)
_SCALE_ABBREVIATION = _alt(
    (f for e in _LEX["scale_abbreviations"] for f in e["forms"]), word_start=False, word_end=False
)
_EURO = _alt(_LEX["euro"], word_start=False)
_DE = r"(?:d'\s?|de\s{1,3})"

# First letters of written numbers: lets the scanner leave every other word after one test
# instead of trying each alternative there (a long run of letters or spaces costs ~100x less).
_NUMBER_FIRST = "".join(sorted({p[0].casefold() for p in (*_NUMBER_WORDS, *_LEX["half_before_scale"])}))

_NUMBER = re.compile(
    rf"""
      (?<![0-9])(?<![0-9][.,])
      (?P<int>[0-9]{{1,3}}(?P<gsep>[ .])[0-9]{{3}}(?:(?P=gsep)[0-9]{{3}}){{0,5}}|[0-9]{{1,15}})
      (?:[,.](?P<frac>[0-9]{{1,9}}))?
      (?![0-9])
    | (?<!\w)(?=[{re.escape(_NUMBER_FIRST)}])
      (?:
        (?P<approx>une?\s{{1,3}}(?P<noun>{_alt(_APPROX_NOUNS)})\s{{1,3}}{_DE})
      | (?P<half>{_alt(_LEX["half_before_scale"])}-?)(?=\s{{0,3}}{_SCALE_WORD})
      | (?P<words>{_alt(_NUMBER_WORDS)}
          (?:[-\s]{{1,3}}(?:et[-\s]{{1,3}}{_alt(_LEX["number_word_et_before"])}|{_alt(_NUMBER_WORDS)})){{0,7}})
      )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# "2, 310 milliards": a space after the decimal comma, left by PDF line justification.
_PDF_FRACTION = re.compile(r", ([0-9]{1,3})(?![0-9])")

_UNIT = re.compile(
    rf"""
    [ \n]{{0,3}}
    (?:
        (?P<word>{_SCALE_WORD})
        (?P<half>\s{{1,3}}{_alt(_LEX["half_after_scale"])})?
        (?:\s{{0,3}}{_DE}?(?P<word_cur>{_EURO}))?
      | (?P<abbr>{_SCALE_ABBREVIATION})
        (?:\s?(?:d'\s?)?(?P<abbr_cur>{_EURO})|(?!\w))  # "M€", "MEUR"; never the "m" of "minimum"
      | (?P<cur>{_EURO})
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

_FOREIGN_SYMBOL = _alt(_LEX["foreign_symbols"], word_start=False)
_FOREIGN_AFTER = re.compile(rf"\s{{0,3}}{_DE}?(?:{_alt(_LEX['foreign_words'])}|{_FOREIGN_SYMBOL})", re.IGNORECASE)
_FOREIGN_BEFORE = re.compile(rf"{_FOREIGN_SYMBOL}\s?\Z", re.IGNORECASE)
_EURO_BEFORE = re.compile(rf"{_alt(_LEX['euro_before'])}\s?\Z", re.IGNORECASE)
_COUNTED = re.compile(rf"\s{{0,3}}{_DE}(?!{_alt(_LEX['not_count_heads'])})\w", re.IGNORECASE)

_QUALIFIER_BEFORE = re.compile(rf"(?:{_groups(_LEX['qualifiers'])})\s{{0,3}}\Z", re.IGNORECASE)
_QUALIFIER_AFTER = re.compile(rf"\s{{1,3}}(?:{_groups(_LEX['suffix_qualifiers'])})", re.IGNORECASE)

_EACH = _LEX["each"]
_EACH_AFTER = re.compile(
    rf"\s{{1,3}}(?:{_alt(_EACH['after'])}|{_alt(_EACH['per'])}\s{{1,3}}{_alt(_EACH['per_nouns'])})",
    re.IGNORECASE,
)
_EACH_BEFORE = re.compile(rf"{_alt(_EACH['before'])}(?:\s{{1,3}}{_DE})?\s{{0,3}}\Z", re.IGNORECASE)

_RANGES = _LEX["ranges"]
_BETWEEN_BEFORE = re.compile(rf"{_alt(_RANGES['between'])}\s{{1,3}}\Z", re.IGNORECASE)
_FROM_BEFORE = re.compile(rf"{_alt(_RANGES['from'])}\s{{0,3}}\Z", re.IGNORECASE)
_BETWEEN_JOIN = re.compile(rf"\s{{1,3}}{_alt(_RANGES['between_joiners'])}\s{{1,3}}", re.IGNORECASE)
_FROM_JOIN = re.compile(rf"\s{{1,3}}{_alt(_RANGES['from_joiners'])}\s{{1,3}}", re.IGNORECASE)
_DASH_JOIN = re.compile(_alt(_RANGES["dash_joiners"]))
_LIST_JOIN = re.compile(rf"\s{{1,3}}{_alt(_LEX['lists']['joiners'])}\s{{1,3}}", re.IGNORECASE)
_LIST_SEP = re.compile(rf"\s{{0,3}}{_alt(_LEX['lists']['separators'])}\s{{1,3}}", re.IGNORECASE)


# --- step 1: normalise ----------------------------------------------------------------


def normalise(text: str) -> str:
    """Fold typographic spaces, apostrophes and dashes, one character for one."""
    return text.translate(_FOLD)


# --- step 2: atoms --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Atom:
    """A number with the unit written right after it."""

    start: int  # the number, or a euro sign written before it
    num_start: int
    end: int  # after the unit; after the number when there is none
    scaled: Decimal  # the number read before a scale of millions or more ("1.250" -> 1.25)
    plain: Decimal  # the number read otherwise ("1.250" -> 1250)
    half: Decimal  # 0.5 for "un milliard et demi", else 0
    power: int | None  # of the unit; None when bare
    status: _Status
    approx: bool = False  # "une centaine de"
    linkable: bool = False  # may borrow the unit of a following figure

    def value_with(self, power: int) -> Decimal:
        number = self.scaled if power >= 0 else self.plain
        return (number + self.half).scaleb(power)


def _digits(int_part: str, gsep: str | None, frac: str | None) -> tuple[Decimal, Decimal]:
    """(scaled, plain) readings of digits: they differ only for a lone dot group ("1.250")."""
    plain = Decimal(int_part.replace(gsep, "") if gsep else int_part)
    if frac:
        plain += Decimal("0." + frac)
    lone_dot_group = gsep == "." and int_part.count(".") == 1 and not frac
    return (Decimal(int_part) if lone_dot_group else plain), plain


def _words_value(words: str) -> int:
    """Value of a written number: "quatre-vingt-dix" 90, "deux cents" 200, "trois cent mille" 300000."""
    total, current, previous = 0, 0, 0
    for token in re.split(r"[-\s]+", words.casefold()):
        value = _NUMBER_WORDS.get(token)
        if value is None:  # the "et" of "trente et un"
            continue
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        elif value == 20 and previous == 4:  # "quatre-vingt": 4 x 20, not 4 + 20
            current += 76
        else:
            current += value
        previous = value
    return total + current


def _read_number(match: re.Match[str]) -> tuple[Decimal, Decimal, str]:
    """(scaled, plain, kind) of a _NUMBER match."""
    if match["approx"]:
        value = Decimal(_APPROX_NOUNS[match["noun"].casefold()])
        return value, value, "approx"
    if match["half"]:
        return Decimal("0.5"), Decimal("0.5"), "half"
    if match["words"]:
        value = Decimal(_words_value(match["words"]))
        return value, value, "words"
    scaled, plain = _digits(match["int"], match["gsep"], match["frac"])
    return scaled, plain, "digits"


def _is_year(match: re.Match[str]) -> bool:
    digits = match["int"]
    return bool(digits) and len(digits) == 4 and not match["frac"] and _YEAR_LOW <= int(digits) <= _YEAR_HIGH


def _unit_after(text: str, match: re.Match[str]) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """(unit, PDF fraction glued before it) after a number."""
    unit = _UNIT.match(text, match.end())
    if unit or not match["int"] or match["gsep"] or match["frac"] or len(match["int"]) > 3:
        return unit, None
    glued = _PDF_FRACTION.match(text, match.end())
    if glued and (unit := _UNIT.match(text, glued.end())):
        return unit, glued
    return None, None


def _has_euro(unit: re.Match[str] | None) -> bool:
    return bool(unit and (unit["word_cur"] or unit["abbr_cur"] or unit["cur"]))


def _unit_power(unit: re.Match[str]) -> int | None:
    scale = unit["word"] or unit["abbr"]
    return _SCALE_POWER[scale.casefold()] if scale else None


def _status(text: str, match: re.Match[str], unit: re.Match[str] | None, end: int, floor: int) -> tuple[_Status, int]:
    """(status, start) of a number with this unit; start moves back over a euro sign written
    before the number ("€ 200 000", "EUR 5 millions")."""
    start = match.start()
    if _has_euro(unit):
        return "euro", start
    window = max(floor, start - 6)
    before = _EURO_BEFORE.search(text, window, start) if match["int"] else None
    if unit is None:
        return ("euro", before.start()) if before else ("bare", start)
    if _FOREIGN_BEFORE.search(text, window, start) or _FOREIGN_AFTER.match(text, end):
        return "rejected", start
    if before:
        return "euro", before.start()
    if unit["word"] and unit["word"].casefold() in _IMPLICIT_SCALES and not _COUNTED.match(text, end):
        return "implicit", start
    return "rejected", start


def _read_atom(text: str, match: re.Match[str], floor: int) -> _Atom:
    scaled, plain, kind = _read_number(match)
    unit, glued = _unit_after(text, match)
    if glued:
        scaled, plain = _digits(match["int"], None, glued[1])
    end = unit.end() if unit else match.end()
    status, start = _status(text, match, unit, end, floor)
    power = _unit_power(unit) if unit else None
    if status == "euro" and power is None:
        power = EURO_POWER
    if status == "euro" and kind == "words" and power == EURO_POWER and plain < 1000:
        status = "rejected"  # "un euro d'économies": a ratio, not a funding amount
    if kind == "approx" and status == "bare":
        status = "rejected"  # "une centaine de projets"
    return _Atom(
        start=start,
        num_start=match.start(),
        end=end,
        scaled=scaled,
        plain=plain,
        half=Decimal("0.5") if unit and unit["half"] else Decimal(0),
        power=power,
        status=status,
        approx=kind == "approx",
        linkable=status == "bare" and kind in ("digits", "words") and not _is_year(match),
    )


def _atoms(text: str) -> Iterator[_Atom]:
    pos = floor = 0
    while match := _NUMBER.search(text, pos):
        atom = _read_atom(text, match, floor)
        yield atom
        pos = floor = atom.end


# --- step 3: groups -------------------------------------------------------------------


def _range_opener(text: str, low: _Atom, high: _Atom, floor: int) -> int | None:
    """Start of the range "low .. high" (its "entre"/"de" opener, or the low number when the
    joiner alone makes a range); None when the two figures are not a range."""
    if high.status not in ("euro", "implicit") or not (low.linkable or low.status in ("euro", "implicit")):
        return None
    gap = text[low.end : high.start]
    window = max(floor, low.start - _LOOKBACK)
    if _BETWEEN_JOIN.fullmatch(gap):
        opener = _BETWEEN_BEFORE.search(text, window, low.start)
        return opener.start() if opener else None
    if _FROM_JOIN.fullmatch(gap):
        opener = _FROM_BEFORE.search(text, window, low.start)
        if opener:
            return opener.start()
        return low.start if low.status != "euro" else None  # "2 à 3 M€"; but "2 M€ à 3 M€" is two amounts
    if _DASH_JOIN.fullmatch(gap) and low.status == "bare":
        return low.start
    return None


def _list_end(text: str, atoms: list[_Atom], first: int) -> int | None:
    """Index of the figure whose unit the figures from `first` on share ("9,4 et 8,6 M€",
    "1,2, 3,4 et 5,6 M€"), or None. A separator alone never links: "en 2019, 5 M€"."""
    for k in range(first, min(first + _MAX_LIST, len(atoms) - 1)):
        atom, following = atoms[k], atoms[k + 1]
        if not (atom.linkable or atom.status == "implicit"):
            return None
        gap = text[atom.end : following.start]
        if _LIST_JOIN.fullmatch(gap):
            return k + 1 if following.status in ("euro", "implicit") else None
        if not _LIST_SEP.fullmatch(gap):
            return None
    return None


def _borrowed_power(atom: _Atom, unit_atom: _Atom) -> int:
    """The atom's own power, else the one of the figure whose unit it shares (never bare)."""
    return cast(int, atom.power if atom.power is not None else unit_atom.power)


def _single(text: str, atom: _Atom, floor: int, ceiling: int, unit_atom: _Atom | None = None) -> Amount:
    """The amount of one figure, with the unit of `unit_atom` when it borrows one."""
    source = unit_atom or atom
    start, qualifier, each_before = _left(text, atom.start, atom.start, floor)
    end, suffix_qualifier, each_after = _right(text, atom.end, ceiling)
    return Amount(
        start=start,
        end=end,
        value=float(atom.value_with(_borrowed_power(atom, source))),
        qualifier=qualifier or suffix_qualifier or ("approx" if atom.approx else "exact"),
        each=each_before or each_after,
        implicit_currency=source.status == "implicit",
        number_start=atom.num_start,
    )


def _range(text: str, low: _Atom, high: _Atom, opener: int, floor: int, ceiling: int) -> Amount:
    """One amount for "entre X et Y": a bare low end borrows the high end's scale unless that
    puts it above the high end ("de 500 000 à 2 millions d'euros": 0.5, not 500 000)."""
    top = high.value_with(_borrowed_power(high, high))
    bottom = low.value_with(_borrowed_power(low, high))
    if low.power is None and bottom > top:
        bottom = min(bottom, low.value_with(EURO_POWER))
    start, qualifier, each_before = _left(text, low.num_start, opener, floor)
    end, suffix_qualifier, each_after = _right(text, high.end, ceiling)
    bottom, top = min(bottom, top), max(bottom, top)
    return Amount(
        start=start,
        end=end,
        value=float(bottom),
        qualifier=qualifier or suffix_qualifier or "min",  # the low end is a lower bound
        each=each_before or each_after,
        range_high=float(top),
        implicit_currency=high.status == "implicit" and low.status != "euro",
        number_start=low.num_start,
    )


def _start_of(text: str, atoms: list[_Atom], k: int) -> int:
    """Where atom k starts: the ceiling for the words read after the atom before it."""
    return atoms[k].start if k < len(atoms) else len(text)


def _amounts_at(text: str, atoms: list[_Atom], i: int, floor: int) -> tuple[list[Amount], int]:
    """The amounts that begin with atoms[i], and the index of the next atom to read."""
    atom = atoms[i]
    if i + 1 < len(atoms) and (opener := _range_opener(text, atom, atoms[i + 1], floor)) is not None:
        return [_range(text, atom, atoms[i + 1], opener, floor, _start_of(text, atoms, i + 2))], i + 2
    if (last := _list_end(text, atoms, i)) is not None:
        members = []
        for k in range(i, last):
            members.append(_single(text, atoms[k], floor, atoms[k + 1].start, atoms[last]))
            floor = members[-1].end
        return members, last  # the figure that carries the unit is read next, like any other
    if atom.status in ("euro", "implicit"):
        return [_single(text, atom, floor, _start_of(text, atoms, i + 1))], i + 1
    return [], i + 1


def _assemble(text: str, atoms: list[_Atom]) -> Iterator[Amount]:
    floor = i = 0
    while i < len(atoms):
        amounts, i = _amounts_at(text, atoms, i, floor)
        for amount in amounts:
            floor = amount.end
            yield amount


# --- step 4: context ------------------------------------------------------------------


def _qualifier_before(text: str, pos: int, floor: int) -> tuple[int, Qualifier] | None:
    match = _QUALIFIER_BEFORE.search(text, max(floor, pos - _LOOKBACK), pos)
    return (match.start(), cast(Qualifier, match.lastgroup)) if match else None


def _left(text: str, num_start: int, opener: int, floor: int) -> tuple[int, Qualifier | None, bool]:
    """(start, qualifier, each) of the words before a number. A qualifier next to the number
    wins over a range opener: in "plus de 2 à 3 M€" the "de" belongs to "plus de"."""
    found = _qualifier_before(text, num_start, floor)
    if found is None and opener < num_start:
        found = _qualifier_before(text, opener, floor)
    start, qualifier = found if found else (opener, None)
    each = _EACH_BEFORE.search(text, max(floor, start - _LOOKBACK), start)
    return (each.start(), qualifier, True) if each else (start, qualifier, False)


def _right(text: str, end: int, ceiling: int) -> tuple[int, Qualifier | None, bool]:
    """(end, qualifier, each) of the words after a unit, in either order ("2 M€ chacun au maximum")."""
    qualifier: Qualifier | None = None
    each = False
    for _ in range(2):
        if not each and (match := _EACH_AFTER.match(text, end, ceiling)):
            each, end = True, match.end()
        elif qualifier is None and (match := _QUALIFIER_AFTER.match(text, end, ceiling)):
            qualifier, end = cast(Qualifier, match.lastgroup), match.end()
        else:
            break
    return end, qualifier, each


# --- public API -----------------------------------------------------------------------


def find_amounts(text: str) -> list[Amount]:
    """Every euro amount in text, sorted by start and non-overlapping."""
    folded = normalise(text)
    return list(_assemble(folded, list(_atoms(folded))))


def parse_amount(s: str) -> Amount | None:
    """The amount that covers most of s (the longest one found), or None when s holds none."""
    found = find_amounts(s)
    return max(found, key=lambda a: a.end - a.start, default=None)


@dataclass(frozen=True)
class _Style:
    power: int
    template: str  # {n}: the number; {s}: French plural mark of the scale word
    group: str = " "
    decimal: str = ","


_STYLES: dict[str, _Style] = {name: _Style(**spec) for name, spec in _LEX["styles"].items()}
FORMAT_STYLES: tuple[str, ...] = tuple(_STYLES)


def _render_number(number: Decimal, group: str, decimal: str) -> str:
    digits = format(number.normalize(), "f")
    int_part, _, frac = digits.partition(".")
    if group:
        head = len(int_part) % 3 or 3
        int_part = group.join([int_part[:head], *(int_part[i : i + 3] for i in range(head, len(int_part), 3))])
    return int_part + (decimal + frac if frac else "")


def format_amount(value_m_eur: float, style: str) -> str:
    """value_m_eur written in a French style from FORMAT_STYLES ("M€", "millions d'euros",
    "euros", "k€", "milliards d'euros", ...). Raises ValueError for an unknown style or a
    value that is not a finite non-negative number (the reader has no sign)."""
    spec = _STYLES.get(style)
    if spec is None:
        raise ValueError(f"unknown amount style {style!r}; known: {', '.join(FORMAT_STYLES)}")
    if not math.isfinite(value_m_eur) or value_m_eur < 0:
        raise ValueError(f"cannot write {value_m_eur!r} as an amount")
    number = Decimal(repr(float(value_m_eur))).scaleb(-spec.power)
    plural = "s" if abs(number) >= 2 else ""  # French: "1,5 million", "2 millions"
    return spec.template.format(n=_render_number(number, spec.group, spec.decimal), s=plural)

"""Properties of the parsers and the cleaner on generated input (hypothesis).

Two kinds: nothing raises whatever the text (and the results keep their invariants),
and what is written in a supported French form reads back to what was written.
tests/test_amounts.py and tests/test_dates.py hold the first properties of each
parser (round trip of each amount style alone, dates from a small alphabet); these
extend them: amounts inside sentences, with typographic spaces, as ranges and lists,
next to other currencies; dates in every written form, with and without a year;
the cleaner and the hyphen mender on any text.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import tempfile
import unicodedata

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.extract.amounts import FORMAT_STYLES, find_amounts, format_amount, lexicon
from pipeline.clean.cleaner import clean_html, clean_text
from pipeline.extract.dates import MAX_YEAR, MIN_YEAR, find_dates, load_rules, parse_date
from pipeline.clean.hyphenation import mend_hyphens
from pipeline.ingest import read_source
from pipeline.clean.metadata import published_from_html, published_from_text

D = datetime.date
# No deadline: the properties are about results, and a loaded CI machine must not fail them.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEX = lexicon()
RULES = load_rules()

# ------------------------------------------------------------------------ amounts

VALUES = st.decimals(min_value="0.01", max_value="5000", places=2).map(float)
STYLES = st.sampled_from(FORMAT_STYLES)
# Words around an amount that neither count, qualify nor hold a figure.
CONTEXT = st.lists(
    st.sampled_from(["Le", "projet", "numérique", "a", "obtenu", "la", "région", "pour", "son", "déploiement",
                     "en", "ligne", "du", "fonds", ",", ".", ":", "(", ")", "«", "»", "–", "\n"]),
    max_size=6,
).map(" ".join)
SPACES = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])


def _wrapped(before: str, amount: str, after: str) -> tuple[str, int]:
    """before + amount + after, words apart; and where the amount starts."""
    head = f"{before} " if before else ""
    return f"{head}{amount} {after}".rstrip(), len(head)


@PROPERTY
@given(VALUES, STYLES, CONTEXT, CONTEXT)
def test_an_amount_in_a_sentence_reads_back(value: float, style: str, before: str, after: str) -> None:
    written = format_amount(value, style)
    text, start = _wrapped(before, written, after)
    [amount] = find_amounts(text)
    assert (amount.start, amount.end) == (start, start + len(written)), text
    assert math.isclose(amount.value, value, rel_tol=0.005), text
    assert amount.qualifier == "exact"


@PROPERTY
@given(VALUES, STYLES, SPACES)
def test_typographic_spaces_read_like_spaces(value: float, style: str, space: str) -> None:
    written = format_amount(value, style)
    typeset = written.replace(" ", space)
    [plain], [fancy] = find_amounts(written), find_amounts(typeset)
    assert (fancy.start, fancy.end, fancy.value) == (plain.start, plain.end, plain.value), typeset


@PROPERTY
@given(st.integers(min_value=1, max_value=10**10), st.sampled_from(["euros", "€", "EUR", "€ devant"]))
def test_whole_euros_read_back_exactly(euros: int, style: str) -> None:
    # The decimal arithmetic must give 123 456 789 € as 123.456789 M€, not a float near it.
    text = format_amount(euros / 10**6, style)
    [amount] = find_amounts(text)
    assert amount.value == euros / 10**6, text


@PROPERTY
@given(VALUES, VALUES, st.sampled_from([("entre {a} et {b} M€", "min"), ("de {a} à {b} M€", "min")]))
def test_a_range_reads_back_as_its_two_ends(low: float, high: float, form: tuple[str, str]) -> None:
    assume(low < high)
    template, qualifier = form
    number = lambda v: format_amount(v, "M€").removesuffix(" M€")  # noqa: E731 - the figure as written
    text = "une aide " + template.format(a=number(low), b=number(high))
    [amount] = find_amounts(text)
    assert math.isclose(amount.value, low, rel_tol=0.005) and math.isclose(amount.range_high, high, rel_tol=0.005)
    assert amount.qualifier == qualifier, text


@PROPERTY
@given(st.lists(VALUES, min_size=2, max_size=4))
def test_a_list_sharing_one_unit_reads_back_in_order(values: list[float]) -> None:
    figures = [format_amount(v, "M€").removesuffix(" M€") for v in values]
    text = "ils reçoivent " + ", ".join(figures[:-1]) + f" et {figures[-1]} M€"
    found = find_amounts(text)
    assert [round(a.value, 2) for a in found] == [round(v, 2) for v in values], text


FOREIGN_WORDS = st.sampled_from(LEX["foreign_words"])
FOREIGN_SYMBOLS = st.sampled_from(LEX["foreign_symbols"])


@PROPERTY
@given(
    VALUES,
    st.one_of(
        st.tuples(st.just("{n} millions de {w}"), FOREIGN_WORDS),
        st.tuples(st.just("{n} millions {w}"), FOREIGN_WORDS),
        st.tuples(st.just("{n} {w}"), FOREIGN_WORDS),
        st.tuples(st.just("{w}{n} millions"), FOREIGN_SYMBOLS),
        st.tuples(st.just("{w} {n}"), FOREIGN_SYMBOLS),
        st.tuples(st.just("{n} millions de {w}"), FOREIGN_SYMBOLS),
        st.tuples(st.just("{n} M{w}"), FOREIGN_SYMBOLS),
    ),
    CONTEXT,
)
def test_other_currencies_are_never_euros(value: float, form: tuple[str, str], after: str) -> None:
    template, currency = form
    number = format_amount(value, "M€").removesuffix(" M€")
    text = f"une levée de {template.format(n=number, w=currency)} {after}"
    assert find_amounts(text) == [], text


@PROPERTY
@given(VALUES, st.sampled_from(["{n} %", "{n}%", "{n}\u00a0%", "{n} pour cent", "{n} points de pourcentage"]), CONTEXT)
def test_percentages_are_never_euros(value: float, template: str, after: str) -> None:
    number = format_amount(value, "M€").removesuffix(" M€")
    text = f"une hausse de {template.format(n=number)} {after}"
    assert find_amounts(text) == [], text


# -------------------------------------------------------------------------- dates

YEARS = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR)
DAYS_IN_RANGE = st.dates(min_value=D(MIN_YEAR, 1, 1), max_value=D(MAX_YEAR, 12, 31))
WEEKDAY_NAME = {n: w for w, n in RULES["weekdays"].items()}
MONTH_SPELLINGS = {int(m): names["full"] + [s + dot for s in names["short"] for dot in ("", ".")]
                   for m, names in RULES["months"].items()}


@st.composite
def written_days(draw: st.DrawFn) -> tuple[str, D]:
    """A day in one of the written forms that carry their year."""
    day = draw(DAYS_IN_RANGE)
    first = draw(st.sampled_from(["1er", "premier", "1ᵉʳ", "1"]))
    textual = (
        (f"{WEEKDAY_NAME[day.weekday()]} " if draw(st.booleans()) else "")
        + f"{first if day.day == 1 else day.day} {draw(st.sampled_from(MONTH_SPELLINGS[day.month]))} {day.year}"
        + draw(st.sampled_from(["", " à 10h30", " à 9 h 15"]))
    )
    forms = [textual, f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d.%m.%Y}", f"{day:%d-%m-%Y}",
             f"{day:%Y-%m-%d}"]
    if 1990 <= day.year <= 1999 or 2000 <= day.year <= 2068:  # two-digit years: dateparser's own century
        forms.append(f"{day:%d/%m/%y}")
    return draw(st.sampled_from(forms)), day


@PROPERTY
@given(written_days(), st.sampled_from(["", "le ", "Le "]), st.sampled_from(["", ", le comité", " à Paris"]))
def test_a_written_day_reads_back(written: tuple[str, D], lead: str, tail: str) -> None:
    expression, day = written
    text = f"Annoncé {lead}{expression}{tail}."
    [mention] = find_dates(text)
    assert (mention.value, mention.precision, mention.explicit_year) == (day, "day", True), text
    assert text[mention.start : mention.end] == lead + expression


@PROPERTY
@given(st.dates(min_value=D(MIN_YEAR + 1, 1, 1), max_value=D(MAX_YEAR - 1, 12, 31)),
       st.integers(min_value=-150, max_value=150), st.booleans())
def test_a_day_without_year_is_the_one_closest_to_the_base(base: D, delta: int, with_weekday: bool) -> None:
    day = base + datetime.timedelta(days=delta)
    weekday = f"{WEEKDAY_NAME[day.weekday()]} " if with_weekday else ""
    month = MONTH_SPELLINGS[day.month][0]
    [mention] = find_dates(f"signé {weekday}{day.day} {month} à Paris", base)
    assert (mention.value, mention.explicit_year) == (day, False)


@PROPERTY
@given(st.dates(min_value=D(MIN_YEAR + 1, 1, 1), max_value=D(MAX_YEAR - 1, 12, 31)),
       st.integers(min_value=0, max_value=300), st.sampled_from(["dernier", "prochain"]))
def test_a_direction_word_picks_the_side_of_the_base(base: D, distance: int, word: str) -> None:
    day = base - datetime.timedelta(days=distance) if word == "dernier" else base + datetime.timedelta(days=distance + 1)
    month = MONTH_SPELLINGS[day.month][0]
    [mention] = find_dates(f"le {day.day} {month} {word}", base)
    assert mention.value == day


@PROPERTY
@given(st.dates(min_value=D(MIN_YEAR + 1, 1, 1), max_value=D(MAX_YEAR - 1, 12, 31)),
       st.sampled_from(sorted(RULES["weekdays"])), st.sampled_from(["", " prochain", " dernier"]))
def test_a_bare_weekday_falls_in_the_week_of_the_base(base: D, weekday: str, direction: str) -> None:
    [mention] = find_dates(f"a annoncé {weekday}{direction} les lauréats", base)
    days = (mention.value - base).days
    assert mention.value.weekday() == RULES["weekdays"][weekday]
    assert (1 <= days <= 7) if direction == " prochain" else (-6 <= days <= 0)


@PROPERTY
@given(YEARS, st.integers(min_value=1, max_value=12), st.sampled_from(["en ", "depuis ", "fin ", ""]))
def test_a_month_and_year_read_back(year: int, month: int, lead: str) -> None:
    [mention] = find_dates(f"{lead}{MONTH_SPELLINGS[month][0]} {year}")
    assert (mention.value, mention.precision) == (D(year, month, 1), "month")


@PROPERTY
@given(st.text(), st.one_of(st.none(), st.dates()))
def test_find_dates_never_raises_on_any_text_and_base(text: str, base: D | None) -> None:
    mentions = find_dates(text, base)
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert MIN_YEAR <= mention.value.year <= MAX_YEAR
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


DATE_WORDS = st.lists(
    st.sampled_from(["le", "1er", "31", "29", "0", "32", "février", "juin", "sept.", "2019", "1985", "2101", "/", "-",
                     ".", "lundi", "prochain", "dernier", "en", "mi-", "12/13/2019", "31/02/2019", "T10:00", "+02:00"]),
    max_size=10,
).map(" ".join)


@PROPERTY
@given(st.one_of(st.text(), DATE_WORDS), st.one_of(st.none(), st.dates()))
def test_parse_date_never_raises(s: str, base: D | None) -> None:
    value = parse_date(s, base)
    assert value is None or MIN_YEAR <= value.year <= MAX_YEAR


# -------------------------------------------------------------------------- cleaner


def _check_clean_text(text: str) -> None:
    assert "\r" not in text and "\n\n" not in text
    assert all(line and line == line.strip() for line in text.split("\n")) or text == ""
    assert unicodedata.is_normalized("NFC", text)


LINES = st.lists(
    st.sampled_from(["Le comité a retenu le projet de la région, qui reçoit une aide.", "Partager", "- un point",
                     "suite de la phrase coupée", "bé-", "néfique pour tous.", "", "   ", "Titre court",
                     "Publié le 12 mars 2019", "Facebook | Twitter", "•\tpuce", "« citation »", "\t"]),
    max_size=12,
)


@PROPERTY
@given(st.one_of(st.text(), LINES.map("\n".join)))
def test_clean_text_never_raises_and_keeps_its_format(raw: str) -> None:
    _check_clean_text(clean_text(raw).text)


@PROPERTY
@given(LINES, st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3))
@example(["bé-", "", "néfique pour tous."], ["\r"])  # a blank line written "\r\r" still stops the hyphen join
def test_line_endings_do_not_change_the_clean_text(lines: list[str], endings: list[str]) -> None:
    mixed = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    # "\r" closing one line and "\n" closing the empty line after it read as one CRLF: that
    # input has a line fewer, and its text may rightly differ (a hyphen then joins across it)
    assume(re.split(r"\r\n|\r|\n", mixed)[:-1] == lines)
    assert clean_text(mixed).text == clean_text("\n".join(lines)).text


TAGS = ["div", "p", "span", "article", "main", "nav", "script", "style", "table", "tr", "td", "ul", "li", "h1", "br",
        "aside", "footer", "header", "time", "b", "a", "section", "!--", "html", "body", "meta"]
ATTRIBUTES = ["", ' class="share"', ' class="article-body"', " hidden", ' style="display:none"', ' role="main"',
              ' itemprop="articleBody"', ' datetime="2019-02-31"', ' property="article:published_time" content="x"']


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    """Markup as broken as a scraper may save it: unbalanced, misnested, with entities."""
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        kind = draw(st.sampled_from(["open", "close", "text", "entity"]))
        tag = draw(st.sampled_from(TAGS))
        if kind == "open":
            parts.append(f"<{tag}{draw(st.sampled_from(ATTRIBUTES))}>")
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "entity":
            parts.append(draw(st.sampled_from(["&amp;", "&nbsp;", "&#xZZ;", "&lt;script&gt;", "&", "<", ">", "&#0;"])))
        else:
            parts.append(draw(st.text(max_size=40)))
    return "".join(parts)


@PROPERTY
@given(st.one_of(st.text(), tag_soup()))
def test_clean_html_never_raises_and_keeps_its_format(html: str) -> None:
    doc = clean_html(html)
    _check_clean_text(doc.text)
    assert doc.title is None or isinstance(doc.title, str)


@PROPERTY
@given(st.one_of(st.text(), tag_soup()))
def test_publication_date_readers_never_raise(s: str) -> None:
    for value in (published_from_html(s), (published_from_text(s) or (None,))[0]):
        assert value is None or MIN_YEAR <= value.year <= MAX_YEAR


def _letters(s: str) -> str:
    return "".join(c for c in s if c not in "-\u00ad" and not c.isspace())


@PROPERTY
@given(st.one_of(st.text(), st.lists(st.sampled_from(["bé-", "néfique", "-", "\n", " ", "\u00ad", "Saint-Denis", "e-",
                                                       "http://a-b.fr", "a", "tion", "\t"]), max_size=20).map("".join)))
def test_mending_hyphens_only_removes_hyphens_and_breaks(text: str) -> None:
    assert _letters(mend_hyphens(text)) == _letters(text)


# -------------------------------------------------------------------------- ingest


@PROPERTY
@given(st.binary(max_size=2000), st.sampled_from([".html", ".txt", ".htm"]))
def test_reading_any_bytes_never_raises(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "article" + suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        src = read_source(path)
    if src.error:
        assert "\n" not in src.error and src.text == ""
    else:
        assert src.text.strip() and src.encoding

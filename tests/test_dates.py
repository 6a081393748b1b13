from __future__ import annotations

import datetime
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import dates
from pipeline.extract.dates import DateMention, find_dates, load_rules, parse_date

from conftest import SHARED, seed_text

D = datetime.date
# Weekdays of the bases used below, so that the weekday cases can be checked by eye.
SAT_2019_01_05 = D(2019, 1, 5)
WED_2019_09_25 = D(2019, 9, 25)
MON_2018_11_12 = D(2018, 11, 12)
RULES = load_rules()


def spans(text: str, base: D | None = None) -> list[tuple[str, D, str]]:
    return [(text[m.start : m.end], m.value, m.precision) for m in find_dates(text, base)]


def only(text: str, base: D | None = None) -> DateMention:
    [mention] = find_dates(text, base)
    return mention


def fold(word: str) -> str:
    return word.lower().replace("’", "'")


# ----------------------------------------------------------------- day forms


@pytest.mark.parametrize(
    ("text", "base", "expression", "value", "explicit_year"),
    [
        ("ont dévoilé mercredi 20 juin 2018 les lauréats", None, "mercredi 20 juin 2018", D(2018, 6, 20), True),
        ("entrera en vigueur le 1er juillet 2019.", None, "le 1er juillet 2019", D(2019, 7, 1), True),
        ("la réunion du 20 juin 2018 à 10h30, au ministère", None, "20 juin 2018 à 10h30", D(2018, 6, 20), True),
        ("prévue le 5 mars 2020 à 9 h 15 à Bercy", None, "le 5 mars 2020 à 9 h 15", D(2020, 3, 5), True),
        ("LE 20 JUIN 2018", None, "LE 20 JUIN 2018", D(2018, 6, 20), True),
        ("Le 20 Juin 2018, le ministre", None, "Le 20 Juin 2018", D(2018, 6, 20), True),
        ("a été signé le 20 juin", D(2018, 6, 28), "le 20 juin", D(2018, 6, 20), False),
        ("a présidé, lundi 23 septembre, le comité", WED_2019_09_25, "lundi 23 septembre", D(2019, 9, 23), False),
        ("annoncé le 22 mai dernier par le ministre", D(2018, 6, 28), "le 22 mai dernier", D(2018, 5, 22), False),
    ],
)
def test_day_expressions(text: str, base: D | None, expression: str, value: D, explicit_year: bool) -> None:
    mention = only(text, base)
    assert text[mention.start : mention.end] == expression
    assert (mention.value, mention.precision, mention.explicit_year, mention.weekday_only) == (
        value,
        "day",
        explicit_year,
        False,
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("le 20/06/2018", D(2018, 6, 20)),
        ("le 20.06.2018", D(2018, 6, 20)),
        ("le 20-06-2018", D(2018, 6, 20)),
        ("le 2018-06-20", D(2018, 6, 20)),
        ("le 20/06/18", D(2018, 6, 20)),
        ("le 3/9/2019", D(2019, 9, 3)),
        ("le 31/12/99", D(1999, 12, 31)),
        ("Publié le 12/03/2019 à 10h30", D(2019, 3, 12)),
        ('"datePublished": "2019-09-25T08:00:00+02:00"', D(2019, 9, 25)),
    ],
)
def test_numeric_dates_are_day_first(text: str, value: D) -> None:
    mention = only(text)
    assert (mention.value, mention.precision, mention.explicit_year) == (value, "day", True)


def test_a_time_stays_in_the_span_of_a_numeric_date() -> None:
    text = "Publié le 12/03/2019 à 10h30, mis à jour"
    mention = only(text)
    assert text[mention.start : mention.end] == "le 12/03/2019 à 10h30"


# Each month spelling of dates.yaml, in the phrasing it is written for.
MONTH_CASES = [
    ("janvier", "le 3 janvier 2019", D(2019, 1, 3)),
    ("janv", "le 3 janv. 2019", D(2019, 1, 3)),
    ("jan", "3 jan 2019", D(2019, 1, 3)),
    ("février", "le 14 février 2019", D(2019, 2, 14)),
    ("fevrier", "le 14 fevrier 2019", D(2019, 2, 14)),
    ("févr", "14 févr. 2019", D(2019, 2, 14)),
    ("fevr", "14 fevr. 2019", D(2019, 2, 14)),
    ("fév", "14 fév. 2019", D(2019, 2, 14)),
    ("fev", "14 fev 2019", D(2019, 2, 14)),
    ("mars", "le 12 mars 2019", D(2019, 3, 12)),
    ("avril", "le 2 avril 2019", D(2019, 4, 2)),
    ("avr", "2 avr. 2019", D(2019, 4, 2)),
    ("mai", "le 22 mai 2018", D(2018, 5, 22)),
    ("juin", "le 20 juin 2018", D(2018, 6, 20)),
    ("juillet", "le 1er juillet 2019", D(2019, 7, 1)),
    ("juil", "1er juil. 2019", D(2019, 7, 1)),
    ("août", "le 15 août 2020", D(2020, 8, 15)),
    ("aout", "le 15 aout 2020", D(2020, 8, 15)),
    ("septembre", "le 25 septembre 2017", D(2017, 9, 25)),
    ("sept", "25 sept. 2017", D(2017, 9, 25)),
    ("sep", "25 sep 2017", D(2017, 9, 25)),
    ("octobre", "le 8 octobre 2021", D(2021, 10, 8)),
    ("oct", "8 oct. 2021", D(2021, 10, 8)),
    ("novembre", "le 12 novembre 2018", D(2018, 11, 12)),
    ("nov", "12 nov. 2018", D(2018, 11, 12)),
    ("décembre", "le 20 décembre 2018", D(2018, 12, 20)),
    ("decembre", "le 20 decembre 2018", D(2018, 12, 20)),
    ("déc", "20 déc. 2018", D(2018, 12, 20)),
    ("dec", "20 dec 2018", D(2018, 12, 20)),
]


@pytest.mark.parametrize(("spelling", "text", "value"), MONTH_CASES)
def test_every_month_spelling(spelling: str, text: str, value: D) -> None:
    assert spelling in text
    assert only(text).value == value


def test_month_cases_cover_the_lexicon() -> None:
    spellings = {fold(w) for names in RULES["months"].values() for w in names["full"] + names["short"]}
    assert spellings == {case[0] for case in MONTH_CASES}


FIRST_DAY_CASES = [
    ("1 er", "1er", "à compter du 1er juillet 2019"),
    ("1 er", "1 er", "à compter du 1 er juillet 2019"),
    ("1ᵉʳ", "1ᵉʳ", "à compter du 1ᵉʳ juillet 2019"),
    ("premier", "premier", "à compter du premier juillet 2019"),
]


@pytest.mark.parametrize(("entry", "written", "text"), FIRST_DAY_CASES)
def test_first_of_the_month(entry: str, written: str, text: str) -> None:
    mention = only(text)
    assert (text[mention.start : mention.end], mention.value) == (f"{written} juillet 2019", D(2019, 7, 1))


def test_first_day_cases_cover_the_lexicon() -> None:
    assert set(RULES["first_day"]) == {case[0] for case in FIRST_DAY_CASES}


# ------------------------------------------------------- years from the base


@pytest.mark.parametrize(
    ("text", "base", "value", "why"),
    [
        ("le 20 décembre", SAT_2019_01_05, D(2018, 12, 20), "closest is last year"),
        ("le 3 janvier", D(2018, 12, 28), D(2019, 1, 3), "closest is next year"),
        ("le 20 juin", D(2018, 6, 21), D(2018, 6, 20), "closest is this year"),
        ("le 3 janvier dernier", D(2018, 12, 28), D(2018, 1, 3), "dernier: on or before the base"),
        ("le 28 décembre dernier", D(2018, 12, 28), D(2018, 12, 28), "dernier keeps the base day"),
        ("le 20 décembre prochain", SAT_2019_01_05, D(2019, 12, 20), "prochain: after the base"),
        ("vendredi 20 décembre", D(2019, 6, 20), D(2019, 12, 20), "the weekday picks 2019 (2018-12-20 is a Thursday)"),
        ("jeudi 20 décembre", D(2019, 6, 20), D(2018, 12, 20), "the weekday picks 2018"),
        ("le 29 février", D(2020, 3, 10), D(2020, 2, 29), "only a leap year has it"),
    ],
)
def test_a_missing_year_is_taken_from_the_base(text: str, base: D, value: D, why: str) -> None:
    mention = only(text, base)
    assert (mention.value, mention.explicit_year) == (value, False), why


def test_a_datetime_base_is_read_as_its_day() -> None:
    assert only("le 20 juin", datetime.datetime(2018, 6, 28, 23, 59)).value == D(2018, 6, 20)


@pytest.mark.parametrize("text", ["le 20 juin", "lundi 23 septembre", "a annoncé lundi", "en février dernier"])
def test_without_base_a_date_without_year_is_not_returned(text: str) -> None:
    assert find_dates(text) == []


# ---------------------------------------------------------- bare weekdays

WEEKDAY_CASES = [
    ("lundi", "le gouvernement a annoncé lundi les lauréats", D(2019, 9, 23)),
    ("mardi", "dévoilé mardi à Paris", D(2019, 9, 24)),
    ("mercredi", "le ministre a déclaré mercredi que", WED_2019_09_25),
    ("jeudi", "la liste publiée jeudi compte", D(2019, 9, 19)),
    ("vendredi", "Vendredi, le comité a retenu", D(2019, 9, 20)),
    ("samedi", "dès samedi les candidats", D(2019, 9, 21)),
    ("dimanche", "a indiqué dimanche le ministère", D(2019, 9, 22)),
]


@pytest.mark.parametrize(("weekday", "text", "value"), WEEKDAY_CASES)
def test_a_bare_weekday_is_the_latest_one_on_or_before_the_base(weekday: str, text: str, value: D) -> None:
    mention = only(text, WED_2019_09_25)
    assert text[mention.start : mention.end].lower() == weekday
    assert (mention.value, mention.precision, mention.weekday_only, mention.explicit_year) == (
        value,
        "day",
        True,
        False,
    )


def test_weekday_cases_cover_the_lexicon() -> None:
    assert set(RULES["weekdays"]) == {case[0] for case in WEEKDAY_CASES}


@pytest.mark.parametrize(
    ("text", "base", "expression", "value"),
    [
        ("annoncé ce mardi", SAT_2019_01_05, "ce mardi", D(2019, 1, 1)),
        ("signé lundi dernier", MON_2018_11_12, "lundi dernier", MON_2018_11_12),
        ("réuni lundi à Paris", MON_2018_11_12, "lundi", MON_2018_11_12),
        ("attendu lundi prochain", MON_2018_11_12, "lundi prochain", D(2018, 11, 19)),
        ("attendu mercredi prochain", MON_2018_11_12, "mercredi prochain", D(2018, 11, 14)),
        ("publiée mardi passé", SAT_2019_01_05, "mardi passé", D(2019, 1, 1)),
        ("a signé lundi un accord", SAT_2019_01_05, "lundi", D(2018, 12, 31)),
    ],
)
def test_weekday_context_words(text: str, base: D, expression: str, value: D) -> None:
    mention = only(text, base)
    assert (text[mention.start : mention.end], mention.value) == (expression, value)


def test_lundi_un_gives_no_first_of_the_month() -> None:
    # dateparser reads "lundi un" as the 1st; here "un" is an article and only the weekday counts.
    assert [m.value.day for m in find_dates("lundi un", SAT_2019_01_05)] == [31]


# Each weekday_noise entry of dates.yaml, in the phrasing it keeps out.
NOISE_CASES = [
    ("le", "le lundi, les bureaux ferment"),
    ("chaque", "une réunion chaque mardi"),
    ("un", "un jeudi de septembre"),
    ("du", "la permanence du lundi"),
    ("au", "ouvert du lundi au vendredi"),
    ("gras", "pour mardi gras"),
    ("saint", "fêté vendredi saint"),
    ("de pâques", "ce lundi de Pâques"),
    ("de pentecôte", "travailler lundi de Pentecôte"),
    ("noir", "depuis ce jeudi noir"),
]


@pytest.mark.parametrize(("noise", "text"), NOISE_CASES)
def test_weekday_noise_is_not_a_date(noise: str, text: str) -> None:
    assert noise in text.lower()
    assert find_dates(text, SAT_2019_01_05) == []


def test_noise_cases_cover_the_lexicon() -> None:
    noise = RULES["weekday_noise"]
    assert {fold(w) for w in noise["before"] + noise["after"]} == {case[0] for case in NOISE_CASES}


@pytest.mark.parametrize(
    "text",
    [
        "Recevez notre newsletter tous les lundis et jeudis",
        "le roman où Robinson rencontre Vendredi sur l'île",
        "LUNDI MATIN, le journal",
    ],
)
def test_weekday_words_that_are_no_date(text: str) -> None:
    assert find_dates(text, SAT_2019_01_05) == []


# ------------------------------------------------------ months and years


@pytest.mark.parametrize(
    ("text", "base", "expression", "value", "precision"),
    [
        ("attendue en juin 2018", None, "en juin 2018", D(2018, 6, 1), "month"),
        ("publié en sept. 2019", None, "en sept. 2019", D(2019, 9, 1), "month"),
        ("Juin 2018", None, "Juin 2018", D(2018, 6, 1), "month"),
        ("l'appel lancé en février dernier", D(2018, 6, 20), "en février dernier", D(2018, 2, 1), "month"),
        ("lancé en juin", D(2018, 11, 13), "en juin", D(2018, 6, 1), "month"),
        ("le rapport attendu en mars prochain", D(2019, 3, 20), "en mars prochain", D(2020, 3, 1), "month"),
        ("un bilan octobre dernier", D(2019, 3, 20), "octobre dernier", D(2018, 10, 1), "month"),
        ("pour un lancement en 2021", None, "en 2021", D(2021, 1, 1), "year"),
    ],
)
def test_coarser_precisions(text: str, base: D | None, expression: str, value: D, precision: str) -> None:
    mention = only(text, base)
    assert (text[mention.start : mention.end], mention.value, mention.precision) == (expression, value, precision)


# Each period lead of dates.yaml: it makes a bare year (or a bare month) a date.
PERIOD_CASES = [
    ("en", "33 projets en 2018", "en 2018", D(2018, 1, 1), "year"),
    ("depuis", "lancé depuis février 2018", "depuis février 2018", D(2018, 2, 1), "month"),
    ("dès", "disponible dès janvier 2020", "dès janvier 2020", D(2020, 1, 1), "month"),
    ("d'ici", "généralisé d’ici 2022", "d’ici 2022", D(2022, 1, 1), "year"),
    ("jusqu'en", "financé jusqu'en 2023", "jusqu'en 2023", D(2023, 1, 1), "year"),
    ("à partir de", "déployé à partir de 2020", "à partir de 2020", D(2020, 1, 1), "year"),
    ("courant", "prévu courant 2019", "courant 2019", D(2019, 1, 1), "year"),
    ("début", "attendu début 2020", "début 2020", D(2020, 1, 1), "year"),
    ("fin", "livré fin mars 2021", "fin mars 2021", D(2021, 3, 1), "month"),
    ("mi", "achevé mi-2020", "mi-2020", D(2020, 1, 1), "year"),
    ("au mois de", "retenus au mois de juin", "au mois de juin", D(2018, 6, 1), "month"),
    ("l'année", "sur l'année 2019", "l'année 2019", D(2019, 1, 1), "year"),
]


@pytest.mark.parametrize(("lead", "text", "expression", "value", "precision"), PERIOD_CASES)
def test_every_period_lead(lead: str, text: str, expression: str, value: D, precision: str) -> None:
    mention = only(text, D(2018, 11, 13))
    assert (text[mention.start : mention.end], mention.value, mention.precision) == (expression, value, precision)


def test_period_cases_cover_the_lexicon() -> None:
    assert {fold(w) for w in RULES["period_leads"]} == {case[0] for case in PERIOD_CASES}


# Each direction word of dates.yaml; the base is Tuesday 2018-11-13.
DIRECTION_CASES = [
    ("dernier", "le 22 mai dernier", D(2018, 5, 22)),
    ("dernier", "en décembre dernier", D(2017, 12, 1)),  # closest would be 2018-12
    ("passé", "lundi passé", D(2018, 11, 12)),
    ("prochain", "le 22 mai prochain", D(2019, 5, 22)),
    ("prochain", "mardi prochain", D(2018, 11, 20)),  # not the base day itself
]


@pytest.mark.parametrize(("word", "text", "value"), DIRECTION_CASES)
def test_every_direction_word(word: str, text: str, value: D) -> None:
    mention = only("publié " + text, D(2018, 11, 13))
    assert mention.value == value
    assert ("publié " + text)[mention.start : mention.end].endswith(word)


def test_direction_cases_cover_the_lexicon() -> None:
    assert {fold(w) for w in RULES["direction_words"]} == {case[0] for case in DIRECTION_CASES}


DAY_LEAD_CASES = [("le", "signé le 20 juin"), ("ce", "annoncé ce 20 juin")]


@pytest.mark.parametrize(("lead", "text"), DAY_LEAD_CASES)
def test_day_leads_are_part_of_the_expression(lead: str, text: str) -> None:
    mention = only(text, D(2018, 6, 28))
    assert text[mention.start : mention.end] == f"{lead} 20 juin"


def test_day_lead_cases_cover_the_lexicon() -> None:
    assert {fold(w) for w in RULES["day_leads"]} == {case[0] for case in DAY_LEAD_CASES}


# ---------------------------------------------------- what is not a date


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2019",
        "le 32 juin",
        "le 32 juin 2018",  # no "juin 2018" left behind either
        "le 29 février 2019",
        "lundi 31 février 2020",
        "le 0 mars 2019",
        "le 12/13/2019",
        "en 1985",
        "le 20 juin 1989",
        "juin 2101",
        "un budget de 2000 euros en 2000 euros",
        "un total porté en 2018 M€",
        "le programme Action publique 2022",
        "l'appel à projets 2019",
        "version 1.2.20 du logiciel",
        "au 01.02.03.04.05",
        "un ratio de 1,20 juin",
        "sept projets retenus",
        "en sept ans",
        "120 mars",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, SAT_2019_01_05) == []


def test_mentions_are_sorted_and_do_not_overlap() -> None:
    text = "Lancé en février 2018, le fonds a retenu le 20 juin 2018 puis lundi 23 septembre 2019 des projets, d'ici 2022."
    assert spans(text, WED_2019_09_25) == [
        ("en février 2018", D(2018, 2, 1), "month"),
        ("le 20 juin 2018", D(2018, 6, 20), "day"),
        ("lundi 23 septembre 2019", D(2019, 9, 23), "day"),
        ("d'ici 2022", D(2022, 1, 1), "year"),
    ]


@given(st.text(alphabet=st.sampled_from(list("0123456789/.- lundimarsjuinenle1erprochaindernier,")), max_size=80))
def test_find_dates_never_raises_and_keeps_its_invariants(text: str) -> None:
    mentions = find_dates(text, SAT_2019_01_05)
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert 1990 <= mention.value.year <= 2100
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


# ------------------------------------------------ dateparser and its checks


def _recorded_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []
    real = dates._read

    def record(*args: object) -> D | None:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(dates, "_read", record)
    return calls


# What dateparser is asked for each form: the candidate reduced to its date words, the base
# (only without a written year), PREFER_DATES_FROM and REQUIRE_PARTS. Base: Tuesday 2018-11-13.
TUE_2018_11_13 = D(2018, 11, 13)
DAY_MONTH = ("day", "month")
ALL_PARTS = ("day", "month", "year")


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        # every part written, the year in four digits: the parts as read, nothing left to ask
        ("le 1er juillet 2019 à 10h30", []),
        ("en sept. 2019", []),
        ("en 2021", []),
        ("le 20/06/18", [("20/06/18", None, "current_period", ALL_PARTS)]),  # the century is dateparser's
        ("le 22 mai", [("22 mai", TUE_2018_11_13, "past", DAY_MONTH), ("22 mai", TUE_2018_11_13, "future", DAY_MONTH)]),
        ("le 22 mai dernier", [("22 mai", TUE_2018_11_13, "past", DAY_MONTH)]),
        ("le premier mai prochain", [("1 mai", TUE_2018_11_13, "future", DAY_MONTH)]),
        ("en février dernier", [("février", D(2018, 11, 1), "past", ("month",))]),
        ("a annoncé lundi", [("lundi", TUE_2018_11_13, "current_period", ())]),
        ("attendu lundi prochain", [("lundi", TUE_2018_11_13, "future", ())]),
    ],
)
def test_what_dateparser_is_asked(monkeypatch: pytest.MonkeyPatch, text: str, reads: list[tuple]) -> None:
    calls = _recorded_reads(monkeypatch)
    assert find_dates(text, TUE_2018_11_13)
    assert calls == reads


@pytest.mark.parametrize(("query", "prefer", "parts", "value"), [
    ("22 mai", "past", DAY_MONTH, D(2018, 5, 22)),
    ("22 mai", "future", DAY_MONTH, D(2019, 5, 22)),
    ("lundi", "current_period", (), D(2018, 11, 12)),
    ("février", "past", ("month",), D(2018, 2, 1)),
])
def test_dateparser_s_absolute_parser_alone_reads_every_kind_of_query(query, prefer, parts, value) -> None:
    """dates.yaml's `parsers: [absolute-time]`: the queries are date words only, which that parser reads;
    the relative-time parser it leaves out would build every time zone's pattern on its first call."""
    assert RULES["dateparser"]["parsers"] == ["absolute-time"]
    base = D(2018, 11, 1) if parts == ("month",) else TUE_2018_11_13
    assert dates._read(query, base, prefer, parts) == value


def test_dateparser_reads_the_languages_of_dates_yaml() -> None:
    assert RULES["dateparser"]["languages"] == ["fr"]
    assert dates._read("20 juin 2018", None, "current_period", ALL_PARTS) == D(2018, 6, 20)
    assert dates._read("20 June 2018", None, "current_period", ALL_PARTS) is None


def test_dateparser_readings_are_cached_per_candidate_and_base() -> None:
    dates._read.cache_clear()
    text = "signé le 14 juillet, puis le 14 juillet 2021"
    first = find_dates(text, D(2021, 9, 1))
    misses = dates._read.cache_info().misses
    assert find_dates(text, D(2021, 9, 1)) == first
    assert dates._read.cache_info().misses == misses


# dateparser's guesses, as it gives them for these candidates (1.5.0, French): each reading is
# handed to find_dates in place of dateparser's and must be refused, or trimmed to what is written.
@pytest.mark.parametrize(
    ("text", "reading", "expected", "pitfall"),
    [
        ("lancé en 2021", D(2021, 1, 5), [("en 2021", D(2021, 1, 1), "year")], "day and month invented"),
        ("le 32 juin", D(1932, 6, 5), [], "the day read as a two-digit year"),
        ("le 32 juin", D(2018, 6, 5), [], "the same, with a year in range: the day is the base's"),
        ("a signé lundi un accord", D(2019, 1, 1), [], "'lundi un' read as the first, a Tuesday"),
        ("le 31/02/2019", D(2019, 3, 3), [], "an impossible day carried into the next month"),
        ("le 12/13/2019", D(2019, 12, 13), [], "day and month swapped"),
        ("le 20/06/18", D(2019, 6, 20), [], "another year than the written one"),
    ],
)
def test_the_cross_check_refuses_dateparser_guesses(
    monkeypatch: pytest.MonkeyPatch, text: str, reading: D, expected: list, pitfall: str
) -> None:
    monkeypatch.setattr(dates, "_read", lambda *args: reading)
    assert spans(text, SAT_2019_01_05) == expected, pitfall


@pytest.mark.parametrize(
    ("text", "base", "value", "why"),
    [
        ("le 20/06/19", SAT_2019_01_05, D(2019, 6, 20), "PREFER past would move a written two-digit year a century back"),
        ("depuis février prochain", D(2020, 9, 29), D(2021, 2, 1), "read on the 29th, dateparser jumps to the next leap year"),
        ("le vendredi 14 février passé", D(2021, 6, 16), D(2020, 2, 14), "the weekday picks the year before the past reading"),
        ("mardi 19 juin passé", D(2018, 5, 30), D(2017, 6, 19), "the weekday and the direction agree on 2017"),
        ("le 29 février", D(2022, 6, 1), None, "dateparser's leap years (2020, 2024) are too far from the base"),
    ],
)
def test_dateparser_settings_pitfalls(text: str, base: D, value: D | None, why: str) -> None:
    assert [m.value for m in find_dates(text, base)] == ([value] if value else []), why


@pytest.mark.parametrize(("text", "value"), [("le 31/12/68", D(2068, 12, 31)), ("le 9/6/85", None), ("le 1/1/90", D(1990, 1, 1))])
def test_two_digit_years_take_dateparser_century(text: str, value: D | None) -> None:
    # 00-68 are this century, 69-99 the last one, and 1969-1989 are before the press we read.
    assert [m.value for m in find_dates(text)] == ([value] if value else [])


# ---------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("s", "base", "value"),
    [
        ("2019-09-25", None, D(2019, 9, 25)),
        ("2019-09-25T08:00:00+02:00", None, D(2019, 9, 25)),
        ("2019-09-24T23:30:00-05:00", None, D(2019, 9, 24)),  # the publisher's own day, not UTC's
        ("2019-09-25T06:00:00Z", None, D(2019, 9, 25)),
        ("2019-09-25 10:00:00", None, D(2019, 9, 25)),
        ("25/09/2019", None, D(2019, 9, 25)),
        ("  Publié le 25 septembre 2019 ", None, D(2019, 9, 25)),
        ("Wed, 25 Sep 2019 10:00:00 GMT", None, D(2019, 9, 25)),
        ("September 25, 2019", None, D(2019, 9, 25)),
        ("le 20 juin", D(2018, 6, 28), D(2018, 6, 20)),
        ("lundi", MON_2018_11_12, MON_2018_11_12),
    ],
)
def test_parse_date(s: str, base: D | None, value: D) -> None:
    assert parse_date(s, base) == value


@pytest.mark.parametrize(
    "s",
    [
        "",
        "   ",
        "juin 2018",
        "en 2021",
        "le 20 juin",  # no base
        "hier",
        "il y a 3 jours",
        "31/02/2019",
        "1985-06-20",
        "Publié le 12/03/2019, mis à jour le 13/03/2019",  # two days: which one is the caller's to decide
        "pas une date",
    ],
)
def test_parse_date_none(s: str) -> None:
    assert parse_date(s) is None


# ------------------------------------------------------------------- seeds


def _seed_cases() -> list[tuple[str, D, set[D]]]:
    gold_path = SHARED / "gold" / "seeds.json"
    if not gold_path.is_file():
        return []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    cases = []
    for name, article in gold["articles"].items():
        announced = {
            D.fromisoformat(day)
            for project in gold["projects"]
            if name in project.get("mentions", {})
            for day in project.get("announced_on") or []
            if day
        }
        for published in article["published_on"]:
            if published and announced:
                cases.append((name, D.fromisoformat(published), announced))
    return cases


@pytest.mark.parametrize(("name", "base", "announced"), _seed_cases())
def test_seed_announcement_dates_are_found(seeds_dir: object, name: str, base: D, announced: set[D]) -> None:
    text = seed_text(name[:3])
    found = {m.value for m in find_dates(text, base) if m.precision == "day"}
    assert found & announced


def test_seed_dates_keep_their_evidence(seeds_dir: object) -> None:
    text = seed_text("004")
    for mention in find_dates(text, WED_2019_09_25):
        written = text[mention.start : mention.end]
        assert re.search(r"\d|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche", written, re.IGNORECASE)
        assert written == written.strip()


# --- a form whose every part is written is read without dateparser: checked by the calendar alone

@pytest.mark.parametrize("text", ["le 31/02/2019", "le 32 juin 2018", "le 29 février 2019"])
def test_a_written_date_that_does_not_exist_is_no_date(text: str) -> None:
    assert find_dates(text) == []

from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.amounts import (
    FORMAT_STYLES,
    Amount,
    find_amounts,
    format_amount,
    lexicon,
    normalise,
    parse_amount,
)

from conftest import GOLD, seed_text

LEX = lexicon()
QUALIFIERS = ("exact", "approx", "min", "max")


def only(text: str) -> Amount:
    """The single amount of text, checked to cover exactly the expression it was read from."""
    found = find_amounts(text)
    assert len(found) == 1, found
    return found[0]


def spans(text: str) -> list[str]:
    return [text[a.start : a.end] for a in find_amounts(text)]


# --- single amounts: value, qualifier and exact span inside a sentence ------------------

SINGLE = [
    # decimal comma and point, scales, euro markers
    ("Le chantier a reçu 24,3 millions d'euros du fonds.", "24,3 millions d'euros", 24.3, "exact"),
    ("une aide de 1,25 M€ pour la refonte", "1,25 M€", 1.25, "exact"),
    ("une aide de 1.25 M€ pour la refonte", "1.25 M€", 1.25, "exact"),
    ("soit 2, 310 milliards d'€ engagés", "2, 310 milliards d'€", 2310.0, "exact"),
    ("soit 2,310 milliards d'euros engagés", "2,310 milliards d'euros", 2310.0, "exact"),
    ("la plateforme, dotée de 12 millions d’euros, ouvrira", "12 millions d’euros", 12.0, "exact"),
    ("un budget de 4 M€ sur trois ans", "4 M€", 4.0, "exact"),
    ("un budget de 4 M € sur trois ans", "4 M €", 4.0, "exact"),
    ("un budget de 4 M EUR sur trois ans", "4 M EUR", 4.0, "exact"),
    ("un budget de 4 MEUR sur trois ans", "4 MEUR", 4.0, "exact"),
    ("un budget de 4 millions € sur trois ans", "4 millions €", 4.0, "exact"),
    ("une hausse de 1,2 Md€ des crédits", "1,2 Md€", 1200.0, "exact"),
    ("un plan de 3 Mds€ pour la rénovation", "3 Mds€", 3000.0, "exact"),
    ("un plan de 3 Mds d'euros pour la rénovation", "3 Mds d'euros", 3000.0, "exact"),
    ("l'État consacre 2 milliards d'euros au plan", "2 milliards d'euros", 2000.0, "exact"),
    ("l'État consacre 1 milliard d'euros au plan", "1 milliard d'euros", 1000.0, "exact"),
    ("une subvention de 150 k€ accordée", "150 k€", 0.15, "exact"),
    ("une subvention de 150 K€ accordée", "150 K€", 0.15, "exact"),
    ("un coût de 450 milliers d'euros", "450 milliers d'euros", 0.45, "exact"),
    ("le projet obtient 200 000 € du fonds", "200 000 €", 0.2, "exact"),
    ("le projet obtient 200 000 euros du fonds", "200 000 euros", 0.2, "exact"),
    ("le projet obtient 200\u00a0000\u00a0€ du fonds", "200\u00a0000\u00a0€", 0.2, "exact"),
    ("le projet obtient 200\u202f000\u202f€ du fonds", "200\u202f000\u202f€", 0.2, "exact"),
    ("le projet obtient 200.000 € du fonds", "200.000 €", 0.2, "exact"),
    ("une enveloppe de 1 200 000 euros a été votée", "1 200 000 euros", 1.2, "exact"),
    ("une enveloppe de 1.200.000 € a été votée", "1.200.000 €", 1.2, "exact"),
    ("une enveloppe de 1 234 567,89 € a été votée", "1 234 567,89 €", 1.23456789, "exact"),
    ("un montant de 750 000 EUR hors taxes", "750 000 EUR", 0.75, "exact"),
    ("un montant de € 200 000 alloué", "€ 200 000", 0.2, "exact"),
    ("un montant de 200 000€ alloué", "200 000€", 0.2, "exact"),
    ("Financement : 2,5M€ sur trois ans", "2,5M€", 2.5, "exact"),
    ("un fonds de 5millions d'euros", "5millions d'euros", 5.0, "exact"),
    ("the fund invests €12m in the project", "€12m", 12.0, "exact"),
    ("un montant de EUR 5 millions", "EUR 5 millions", 5.0, "exact"),
    ("un financement (2,9 M€) pour la prévision", "2,9 M€", 2.9, "exact"),
    ("avec un budget de 10 mille euros", "10 mille euros", 0.01, "exact"),
    ("l'opération coûtera 1,5 million d'euros", "1,5 million d'euros", 1.5, "exact"),
    ("UN MONTANT DE 3 MILLIONS D'EUROS", "3 MILLIONS D'EUROS", 3.0, "exact"),
    ("le ministère récupère 1.250 M€", "1.250 M€", 1.25, "exact"),
    # written numbers
    ("il touchera un million d'euros", "un million d'euros", 1.0, "exact"),
    ("elle a reçu dix millions d'euros", "dix millions d'euros", 10.0, "exact"),
    ("un fonds d'un demi-milliard d'euros", "un demi-milliard d'euros", 500.0, "exact"),
    ("un fonds d'un demi milliard d'euros", "un demi milliard d'euros", 500.0, "exact"),
    ("un fonds d'un demi-million d'euros", "un demi-million d'euros", 0.5, "exact"),
    ("au total près d'un demi milliard d'euros", "près d'un demi milliard d'euros", 500.0, "approx"),
    ("au total près d’un demi milliard d’euros", "près d’un demi milliard d’euros", 500.0, "approx"),
    ("un chantier à 3 millions et demi d'euros", "3 millions et demi d'euros", 3.5, "exact"),
    ("une centaine de millions d'euros seront redistribués", "une centaine de millions d'euros", 100.0, "approx"),
    ("une dizaine de millions d'euros par an", "une dizaine de millions d'euros", 10.0, "approx"),
    ("une vingtaine de millions d’euros", "une vingtaine de millions d’euros", 20.0, "approx"),
    ("plus d'une centaine de millions d'euros", "plus d'une centaine de millions d'euros", 100.0, "min"),
    ("vingt-cinq millions d'euros pour les hôpitaux", "vingt-cinq millions d'euros", 25.0, "exact"),
    ("quatre-vingt-dix millions d'euros engagés", "quatre-vingt-dix millions d'euros", 90.0, "exact"),
    ("quatre-vingts millions d'euros engagés", "quatre-vingts millions d'euros", 80.0, "exact"),
    ("soixante-quinze millions d'euros engagés", "soixante-quinze millions d'euros", 75.0, "exact"),
    ("vingt et un millions d'euros engagés", "vingt et un millions d'euros", 21.0, "exact"),
    ("soixante et onze millions d'euros engagés", "soixante et onze millions d'euros", 71.0, "exact"),
    ("deux cents millions d'euros engagés", "deux cents millions d'euros", 200.0, "exact"),
    ("cent cinquante millions d'euros engagés", "cent cinquante millions d'euros", 150.0, "exact"),
    ("trois cent mille euros engagés", "trois cent mille euros", 0.3, "exact"),
    ("cinq mille euros de prime", "cinq mille euros", 0.005, "exact"),
    ("dix-sept millions d'euros engagés", "dix-sept millions d'euros", 17.0, "exact"),
    # qualifiers before the number
    ("chaque lauréat touchera plus de 5 millions d'euros chacun", "plus de 5 millions d'euros chacun", 5.0, "min"),
    ("le fonds mobilise près de 350 M€ au total", "près de 350 M€", 350.0, "approx"),
    ("le fonds mobilise environ 30 M€ au total", "environ 30 M€", 30.0, "approx"),
    ("le fonds mobilise d'environ 30 M€ au total", "environ 30 M€", 30.0, "approx"),
    ("pour un coût de l'ordre de 3 M€", "de l'ordre de 3 M€", 3.0, "approx"),
    ("une passerelle au coût estimé à 6 M€", "estimé à 6 M€", 6.0, "approx"),
    ("des études estimées à 1,5 million d'euros", "estimées à 1,5 million d'euros", 1.5, "approx"),
    ("quelque 200 millions d'euros ont été engagés", "quelque 200 millions d'euros", 200.0, "approx"),
    ("le coût atteindrait ~4 M€", "~4 M€", 4.0, "approx"),
    ("une aide qui dépasse pas moins de 12 M€", "pas moins de 12 M€", 12.0, "min"),
    ("une aide au-delà de 10 M€ est rare", "au-delà de 10 M€", 10.0, "min"),
    ("un soutien d'au moins 2 M€", "au moins 2 M€", 2.0, "min"),
    ("le fonds apportera jusqu'à 50 millions", "jusqu'à 50 millions", 50.0, "max"),
    ("le fonds apportera jusqu’à 50 millions d’euros", "jusqu’à 50 millions d’euros", 50.0, "max"),
    ("un projet de moins d'un million d'euros", "moins d'un million d'euros", 1.0, "max"),
    ("une aide plafonnée à 300 000 €", "plafonnée à 300 000 €", 0.3, "max"),
    ("dans la limite de 2 M€ par an", "dans la limite de 2 M€", 2.0, "max"),
    ("des dépenses n'excédant pas 500 000 €", "n'excédant pas 500 000 €", 0.5, "max"),
    ("avec un maximum de 5 M€ de crédits", "un maximum de 5 M€", 5.0, "max"),
    ("un prêt ne dépassant pas 1 M€", "ne dépassant pas 1 M€", 1.0, "max"),
    ("Près de 40 M€ ont été mobilisés", "Près de 40 M€", 40.0, "approx"),
    # qualifiers after the amount
    ("un coût de 5 M€ environ pour l'État", "5 M€ environ", 5.0, "approx"),
    ("un apport de 2 M€ au minimum", "2 M€ au minimum", 2.0, "min"),
    ("un apport de 2 M€ maximum", "2 M€ maximum", 2.0, "max"),
    ("livré 5 M€ au plus tard en juin", "5 M€", 5.0, "exact"),
]


@pytest.mark.parametrize(("text", "span", "value", "qualifier"), SINGLE)
def test_single_amount(text: str, span: str, value: float, qualifier: str) -> None:
    amount = only(text)
    assert text[amount.start : amount.end] == span
    assert amount.value == pytest.approx(value)
    assert amount.qualifier == qualifier
    assert amount.range_high is None
    assert amount.start <= amount.number_start < amount.end


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("il recevra plus de 5 millions d'euros chacun", "5 millions"),
        ("au total près d'un demi milliard d'euros", "un demi"),
        ("un montant de € 200 000 alloué", "200 000"),
        ("il y a entre 2 et 3 M€ en jeu", "2 et 3"),
        ("une aide allant de 1 à 5 M€", "1 à 5"),
        ("dotés chacun de 2 M€", "2 M€"),
    ],
)
def test_number_start_skips_qualifier_opener_and_sign(text: str, number: str) -> None:
    amount = only(text)
    assert text[amount.number_start :].startswith(number)


@pytest.mark.parametrize(
    ("text", "span", "implicit"),
    [
        ("le fonds apportera jusqu'à 50 millions", "jusqu'à 50 millions", True),
        ("la Région verse deux millions.", "deux millions", True),
        ("un plan d'un milliard et demi", "un milliard et demi", True),
        ("jusqu'à 50 millions de l'État", "jusqu'à 50 millions", True),
        ("jusqu'à 50 millions de la Région", "jusqu'à 50 millions", True),
        ("jusqu'à 50 millions d'ici 2022", "jusqu'à 50 millions", True),
        ("jusqu'à 50 millions d'euros", "jusqu'à 50 millions d'euros", False),
        ("entre 2 et 3 millions pour la phase suivante", "entre 2 et 3 millions", True),
    ],
)
def test_implicit_currency(text: str, span: str, implicit: bool) -> None:
    amount = only(text)
    assert text[amount.start : amount.end] == span
    assert amount.implicit_currency is implicit


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("huit projets reçoivent plus de 5 millions d’euros chacun", "plus de 5 millions d’euros chacun"),
        ("deux lauréats à 3 M€ chacune", "3 M€ chacune"),
        ("un soutien de 1 M€ par projet", "1 M€ par projet"),
        ("une dotation de 500 000 € par lauréat", "500 000 € par lauréat"),
        ("trois dossiers retenus, 3 M€ pour chacun d'entre eux", "3 M€ pour chacun d'entre eux"),
        ("une prime de 20 000 € pour chaque établissement", "20 000 € pour chaque établissement"),
        ("les deux projets, dotés chacun de 2 M€", "chacun de 2 M€"),
        ("les deux projets, dotés chacun de plus de 2 M€", "chacun de plus de 2 M€"),
        ("de 1 à 2 M€ chacun", "de 1 à 2 M€ chacun"),
        ("2 M€ chacun au maximum", "2 M€ chacun au maximum"),
    ],
)
def test_each(text: str, span: str) -> None:
    amount = only(text)
    assert text[amount.start : amount.end] == span
    assert amount.each


@pytest.mark.parametrize("text", ["un budget de 5 M€ par an", "un budget de 5 M€ pour le projet"])
def test_not_each(text: str) -> None:
    assert only(text).each is False


# --- ranges and lists sharing a unit ------------------------------------------------------

RANGES = [
    ("il faut entre 2 et 3 millions d'euros", "entre 2 et 3 millions d'euros", 2.0, 3.0, "min"),
    ("des subventions allant de 200 000 € à 35 M€", "allant de 200 000 € à 35 M€", 0.2, 35.0, "min"),
    ("des aides de 200 000 € à 35 M€", "de 200 000 € à 35 M€", 0.2, 35.0, "min"),
    ("une aide allant de 1 à 5 M€", "allant de 1 à 5 M€", 1.0, 5.0, "min"),
    ("des projets de 2-3 M€", "2-3 M€", 2.0, 3.0, "min"),
    ("des projets de 2–3 M€", "2–3 M€", 2.0, 3.0, "min"),
    ("des projets de 2 à 3 M€", "de 2 à 3 M€", 2.0, 3.0, "min"),
    ("entre 2 M€ et 3 M€ par dossier", "entre 2 M€ et 3 M€ par dossier", 2.0, 3.0, "min"),
    ("de 500 000 à 2 millions d'euros", "de 500 000 à 2 millions d'euros", 0.5, 2.0, "min"),
    ("d'un à trois millions d'euros", "d'un à trois millions d'euros", 1.0, 3.0, "min"),
    ("allant d'un à trois millions d'euros", "allant d'un à trois millions d'euros", 1.0, 3.0, "min"),
    ("entre 800 et 1 200 millions d'euros", "entre 800 et 1 200 millions d'euros", 800.0, 1200.0, "min"),
    ("environ entre 2 et 3 M€", "environ entre 2 et 3 M€", 2.0, 3.0, "approx"),
    ("plus de 2 à 3 M€", "plus de 2 à 3 M€", 2.0, 3.0, "min"),
]


@pytest.mark.parametrize(("text", "span", "low", "high", "qualifier"), RANGES)
def test_range(text: str, span: str, low: float, high: float, qualifier: str) -> None:
    amount = only(text)
    assert text[amount.start : amount.end] == span
    assert (amount.value, amount.range_high) == (pytest.approx(low), pytest.approx(high))
    assert amount.qualifier == qualifier


MANY = [
    ("respectivement 9,4 M€ et 8,6 M€", [("9,4 M€", 9.4), ("8,6 M€", 8.6)]),
    ("ils obtiennent 9,4 et 8,6 M€", [("9,4", 9.4), ("8,6 M€", 8.6)]),
    ("soit 1,2, 3,4 et 5,6 M€", [("1,2", 1.2), ("3,4", 3.4), ("5,6 M€", 5.6)]),
    ("deux et trois millions d'euros", [("deux", 2.0), ("trois millions d'euros", 3.0)]),
    ("200 000 et 300 000 euros", [("200 000", 0.2), ("300 000 euros", 0.3)]),
    ("2 millions et 3 millions d'euros", [("2 millions", 2.0), ("3 millions d'euros", 3.0)]),
    ("1 M€ en 2018 et 3 M€ en 2019", [("1 M€", 1.0), ("3 M€", 3.0)]),
    ("en 2019, 5 M€ ont été versés", [("5 M€", 5.0)]),
    ("les lots à 2, 3 et 5 M€", [("2", 2.0), ("3", 3.0), ("5 M€", 5.0)]),
    ("un coût de € 10 000 minimum", [("€ 10 000 minimum", 0.01)]),
    ("12 000 ministères et 5 M€", [("5 M€", 5.0)]),
    ("5 M€ et 2 M€", [("5 M€", 5.0), ("2 M€", 2.0)]),
    ("126 M € 17 projets", [("126 M €", 126.0)]),
    ("passé de 2 M€ en 2018 à 3 M€ en 2020", [("2 M€", 2.0), ("3 M€", 3.0)]),
    ("un plan de 2 M€ à Lyon, 3 M€ à Nantes", [("2 M€", 2.0), ("3 M€", 3.0)]),
    ("5 M€ (IA) - 4 M€ (cloud)", [("5 M€", 5.0), ("4 M€", 4.0)]),
]


@pytest.mark.parametrize(("text", "expected"), MANY)
def test_several_amounts(text: str, expected: list[tuple[str, float]]) -> None:
    found = find_amounts(text)
    assert [(text[a.start : a.end], a.value) for a in found] == [(s, pytest.approx(v)) for s, v in expected]
    assert all(a.range_high is None and not a.implicit_currency for a in found)


# --- not euro amounts ---------------------------------------------------------------------

NOT_AMOUNTS = [
    "le dispositif traite près de 5 millions de flux par an",
    "une région de 2 millions d'habitants",
    "une formation ouverte à 900 000 fonctionnaires",
    "les données de 9 500 opérateurs",
    "une valorisation de 5 milliards de dollars",
    "the startup raised $5m last week",
    "le club a payé $ 5 millions",
    "un transfert de 10 millions de livres",
    "the fund raised £3m",
    "un budget de 20 millions de francs",
    "un budget de 20 millions de francs suisses",
    "une levée de CHF 4 millions",
    "une levée de 12 millions CHF",
    "une levée de 5 M$",
    "une levée de 5 MUSD",
    "85% des projets déposés",
    "15 % restants",
    "PDF (1 201.7 Ko) - mis à jour",
    "le plan 2018",
    "ouvert de 18h00 à 22h00",
    "appelez le 01 23 45 67 89",
    "publié le 17/01/2025",
    "122 dossiers déposés",
    "quelques millions d'euros",
    "des centaines de millions d'euros",
    "plusieurs dizaines de millions d'euros",
    "une centaine de projets",
    "pour un euro investi, deux euros d'économies",
    "un débit de 50 M",
    "un fichier de 5 Mo",
    "un trajet de 3 km",
    "un fichier de 5Mo",
    "un trajet de 3km",
    "un délai de 12 mois",
    "deux millions de visiteurs",
    "entre 2018 et 2022",
    "le 25 septembre 2017",
    "Action publique 2022",
    "",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_not_an_euro_amount(text: str) -> None:
    assert find_amounts(text) == []


# --- every lexicon entry, run through the parser ------------------------------------------


def _qualifier_phrases(group: str) -> list[tuple[str, str]]:
    return [(phrase, qualifier) for qualifier, phrases in LEX[group].items() for phrase in phrases]


def _before(phrase: str, rest: str) -> str:
    return phrase + rest if phrase.endswith("'") else f"{phrase} {rest}"


@pytest.mark.parametrize(("phrase", "qualifier"), _qualifier_phrases("qualifiers"))
def test_every_qualifier_phrase(phrase: str, qualifier: str) -> None:
    text = "le projet reçoit " + _before(phrase, "12 M€") + " du fonds"
    amount = only(text)
    assert text[amount.start : amount.end] == _before(phrase, "12 M€")
    assert amount.qualifier == qualifier


@pytest.mark.parametrize(("phrase", "qualifier"), _qualifier_phrases("qualifiers"))
def test_every_qualifier_phrase_before_written_number(phrase: str, qualifier: str) -> None:
    # "près d'un demi milliard", "plus d'un million": the phrase sits before "un"
    assert only(_before(phrase, "un million d'euros")).qualifier == qualifier


@pytest.mark.parametrize(("phrase", "qualifier"), _qualifier_phrases("suffix_qualifiers"))
def test_every_suffix_qualifier(phrase: str, qualifier: str) -> None:
    text = f"un apport de 12 M€ {phrase}."
    amount = only(text)
    assert (text[amount.start : amount.end], amount.qualifier) == (f"12 M€ {phrase}", qualifier)


@pytest.mark.parametrize("marker", LEX["euro"])
def test_every_euro_marker(marker: str) -> None:
    assert only(f"un coût de 12 000 {marker} au total").value == pytest.approx(0.012)
    assert only(f"un coût de 12 M{marker} au total").value == pytest.approx(12.0)


@pytest.mark.parametrize("marker", LEX["euro_before"])
def test_every_euro_marker_before(marker: str) -> None:
    text = f"un coût de {marker} 12 000 au total"
    amount = only(text)
    assert (text[amount.start : amount.end], amount.value) == (f"{marker} 12 000", pytest.approx(0.012))


@pytest.mark.parametrize("word", LEX["foreign_words"])
def test_every_foreign_word(word: str) -> None:
    assert find_amounts(f"jusqu'à 12 millions de {word}") == []
    assert find_amounts(f"jusqu'à 12 millions {word}") == []


@pytest.mark.parametrize("symbol", LEX["foreign_symbols"])
def test_every_foreign_symbol(symbol: str) -> None:
    assert find_amounts(f"une levée de {symbol}12 millions") == []
    assert find_amounts(f"une levée de {symbol} 12 millions") == []
    assert find_amounts(f"une levée de 12 millions {symbol}") == []
    assert find_amounts(f"une levée de 12 M{symbol}") == []


@pytest.mark.parametrize(
    ("form", "power", "implicit"),
    [(f, e["power"], e["implicit"]) for e in LEX["scale_words"] for f in e["forms"]],
)
def test_every_scale_word(form: str, power: int, implicit: bool) -> None:
    assert only(f"un apport de 12 {form} d'euros").value == pytest.approx(12 * 10.0**power)
    alone = find_amounts(f"un apport de 12 {form}.")
    if implicit:  # "jusqu'à 50 millions": euros understood
        assert [(a.value, a.implicit_currency) for a in alone] == [(pytest.approx(12 * 10.0**power), True)]
    else:  # "12 mille" alone is never money
        assert alone == []
    assert find_amounts(f"un total de 12 {form} de visiteurs") == []


@pytest.mark.parametrize(
    ("form", "power"), [(f, e["power"]) for e in LEX["scale_abbreviations"] for f in e["forms"]]
)
def test_every_scale_abbreviation(form: str, power: int) -> None:
    for text in (f"12 {form}€", f"12 {form} €", f"12 {form}EUR", f"12 {form} d'euros"):
        assert only(text).value == pytest.approx(12 * 10.0**power), text
    assert find_amounts(f"un total de 12 {form} sur le compteur") == []


@pytest.mark.parametrize(("word", "value"), LEX["number_words"].items())
def test_every_number_word(word: str, value: int) -> None:
    amount = only(f"un plan de {word} millions d'euros")
    assert amount.value == pytest.approx(value)


ET_COMPOUNDS = {"un": ("vingt et un millions d'euros", 21.0), "onze": ("soixante et onze millions d'euros", 71.0)}


def test_et_compound_cases_cover_the_lexicon() -> None:
    assert set(ET_COMPOUNDS) == set(LEX["number_word_et_before"])


@pytest.mark.parametrize(("text", "value"), ET_COMPOUNDS.values())
def test_every_et_compound(text: str, value: float) -> None:
    assert only(text).value == pytest.approx(value)


@pytest.mark.parametrize(("noun", "value"), LEX["approx_nouns"].items())
def test_every_approx_noun(noun: str, value: int) -> None:
    amount = only(f"une {noun} de millions d'euros")
    assert (amount.value, amount.qualifier) == (pytest.approx(value), "approx")
    assert only(f"une {noun} d'euros").value == pytest.approx(value * 1e-6)
    assert find_amounts(f"une {noun} de dossiers") == []


@pytest.mark.parametrize("half", LEX["half_before_scale"])
def test_every_half_before_scale(half: str) -> None:
    assert only(f"un fonds d'{half}-milliard d'euros").value == pytest.approx(500.0)
    assert only(f"un fonds d'{half} milliard d'euros").value == pytest.approx(500.0)


@pytest.mark.parametrize("half", LEX["half_after_scale"])
def test_every_half_after_scale(half: str) -> None:
    assert only(f"un milliard {half} d'euros").value == pytest.approx(1500.0)
    assert only(f"3 millions {half}").value == pytest.approx(3.5)


@pytest.mark.parametrize("phrase", LEX["each"]["after"])
def test_every_each_phrase_after(phrase: str) -> None:
    text = f"trois projets à 2 M€ {phrase}, dit-on"
    amount = only(text)
    assert (text[amount.start : amount.end], amount.each) == (f"2 M€ {phrase}", True)


@pytest.mark.parametrize("per", LEX["each"]["per"])
@pytest.mark.parametrize("noun", LEX["each"]["per_nouns"])
def test_every_each_per_noun(per: str, noun: str) -> None:
    text = f"une aide de 2 M€ {per} {noun} retenu"
    amount = only(text)
    assert (text[amount.start : amount.end], amount.each) == (f"2 M€ {per} {noun}", True)


@pytest.mark.parametrize("word", LEX["each"]["before"])
def test_every_each_word_before(word: str) -> None:
    text = f"deux projets dotés {word} de 2 M€"
    amount = only(text)
    assert (text[amount.start : amount.end], amount.each) == (f"{word} de 2 M€", True)


@pytest.mark.parametrize("opener", LEX["ranges"]["between"])
@pytest.mark.parametrize("joiner", LEX["ranges"]["between_joiners"])
def test_every_between_range(opener: str, joiner: str) -> None:
    amount = only(f"{opener} 2 {joiner} 3 M€")
    assert (amount.value, amount.range_high) == (2.0, 3.0)
    assert len(find_amounts(f"ils touchent 2 {joiner} 3 M€")) == 2  # without the opener: a list


@pytest.mark.parametrize("opener", LEX["ranges"]["from"])
@pytest.mark.parametrize("joiner", LEX["ranges"]["from_joiners"])
def test_every_from_range(opener: str, joiner: str) -> None:
    text = "des aides " + _before(opener, f"200 000 € {joiner} 3 M€")
    amount = only(text)
    assert text[amount.start : amount.end] == _before(opener, f"200 000 € {joiner} 3 M€")
    assert (amount.value, amount.range_high) == (pytest.approx(0.2), 3.0)


@pytest.mark.parametrize("dash", LEX["ranges"]["dash_joiners"])
def test_every_dash_range(dash: str) -> None:
    amount = only(f"des projets à 2{dash}3 M€")
    assert (amount.value, amount.range_high) == (2.0, 3.0)
    assert len(find_amounts(f"des projets à 2 {dash} 3 M€")) == 1  # spaced: "2" stands alone


@pytest.mark.parametrize("joiner", LEX["lists"]["joiners"])
@pytest.mark.parametrize("separator", LEX["lists"]["separators"])
def test_every_list_word(joiner: str, separator: str) -> None:
    text = f"soit 1,5{separator} 2,5 {joiner} 3,5 M€"
    assert [a.value for a in find_amounts(text)] == [1.5, 2.5, 3.5]
    assert [a.value for a in find_amounts(f"soit 1,5{separator} 3,5 M€")] == [3.5]  # no joiner: no list


NOT_COUNT_HEADS = {"l'": "de l'État", "la": "de la Région", "ici": "d'ici 2022"}


def test_not_count_head_cases_cover_the_lexicon() -> None:
    assert set(NOT_COUNT_HEADS) == set(LEX["not_count_heads"])


@pytest.mark.parametrize("tail", NOT_COUNT_HEADS.values())
def test_every_not_count_head(tail: str) -> None:
    text = f"jusqu'à 50 millions {tail}"
    amount = only(text)
    assert (text[amount.start : amount.end], amount.implicit_currency) == ("jusqu'à 50 millions", True)


LOW_YEAR, HIGH_YEAR = LEX["year_span"]


@pytest.mark.parametrize(
    ("number", "borrows"), [(LOW_YEAR, False), (HIGH_YEAR, False), (LOW_YEAR - 1, True), (HIGH_YEAR + 1, True)]
)
def test_year_span_never_borrows_a_unit(number: int, borrows: bool) -> None:
    values = [a.value for a in find_amounts(f"soit {number} et 3 M€")]
    assert values == ([float(number), 3.0] if borrows else [3.0])


@pytest.mark.parametrize(("target", "sources"), LEX["normalise"].items())
def test_every_normalised_character(target: str, sources: list[str]) -> None:
    for char in sources:
        assert len(char) == 1 and normalise(f"a{char}b") == f"a{target}b"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("un coût de 200\u00a0000 € en 2019", "200\u00a0000 €"),
        ("un coût de 12 millions d\u2019euros", "12 millions d\u2019euros"),
        ("un coût de 12 millions d\u2018euros", "12 millions d\u2018euros"),
        ("un coût de 12 millions d\u02bceuros", "12 millions d\u02bceuros"),
        ("un coût\tde 12 M€", "12 M€"),
    ],
)
def test_typographic_variants_keep_offsets(text: str, span: str) -> None:
    amount = only(text)
    assert text[amount.start : amount.end] == span


# --- seed articles --------------------------------------------------------------------------

SEED_AMOUNTS = {
    # value, qualifier, each, range_high of every euro amount each seed states, in order
    "000": [(126, "exact")] * 2 + [(20, "exact"), (43.6, "exact"), (126, "exact"), (700, "exact"),
            (43.6, "exact"), (24.3, "exact"), (19.3, "exact"), (20, "exact"), (9.6, "exact"),
            (7.9, "exact"), (5.2, "exact"), (4, "exact"), (1.7, "exact"), (1.4, "exact"), (2, "exact"),
            (2.9, "exact")],
    "001": [(5, "min"), (700, "exact")],
    "002": [(195, "exact"), (195, "exact"), (500, "approx"), (9.4, "exact")],
    "003": [(700, "exact"), (19.3, "exact"), (3.6, "exact"), (4, "exact")],
    "004": [(700, "exact"), (0.2, "min"), (350, "approx"), (700, "exact")],
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(SEED_AMOUNTS))
def test_seed_articles(seeds_dir, prefix: str) -> None:
    text = seed_text(prefix)
    found = find_amounts(text)
    assert [(a.value, a.qualifier) for a in found] == [(pytest.approx(v), q) for v, q in SEED_AMOUNTS[prefix]]
    assert all(text[a.start : a.end].strip() == text[a.start : a.end] for a in found)


def test_seed_gold_mention_amounts_are_read(seeds_dir) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for project in gold["projects"]:
        for article, mention in project["mentions"].items():
            if mention["amount_m_eur"] is None:
                continue
            found = find_amounts(seed_text(article[:3]))
            assert any(
                math.isclose(a.value, mention["amount_m_eur"]) and a.qualifier == mention["qualifier"] for a in found
            ), (project["key"], article)


def test_seed_each_and_range(seeds_dir) -> None:
    each = [a for a in find_amounts(seed_text("001")) if a.each]
    assert [(a.value, a.qualifier) for a in each] == [(5.0, "min")]
    [ranged] = [a for a in find_amounts(seed_text("004")) if a.range_high is not None]
    assert (ranged.value, ranged.range_high) == (pytest.approx(0.2), 35.0)


# --- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "".join(random.Random(0).choice("0123456789 ") for _ in range(1_000_000)),
        "".join(random.Random(1).choice("0123456789 ,.\u00a0") for _ in range(200_000)),
        "9" * 1_000_000,
        " " * 1_000_000,
        "1, " * 30_000,
        "1 et " * 30_000,
        "entre 1 et " * 10_000,
        "de 1 à " * 10_000,
        "plus de " * 20_000,
        "un " * 30_000,
        "1 millions de " * 10_000 + "visiteurs",
        "d'" * 50_000,
    ],
    ids=["digits-spaces-1MB", "digits-separators", "digit-run", "space-run", "commas", "et", "entre",
         "de-a", "qualifiers", "un", "millions-de", "apostrophes"],
)  # fmt: skip
def test_hostile_input_returns(text: str) -> None:
    assert find_amounts(text) == []


def test_many_amounts_are_all_found() -> None:
    assert len(find_amounts("1 M€ " * 20_000)) == 20_000


# --- properties -------------------------------------------------------------------------------

# No deadline: the properties are about results, and a loaded CI machine must not fail them.
PROPERTY = settings(deadline=None)

VOCAB = [
    "1", "24,3", "200", "000", "2,", "310", "1.250", "9 500", "2018", "M€", "M", "€", "EUR", "euros", "d'euros",
    "millions", "milliard", "k€", "Mds€", "et", "demi", "un", "une", "centaine", "de", "d'", "à", "-", ",",
    "entre", "allant", "plus", "près", "jusqu'à", "chacun", "par", "projet", "dollars", "$", "%", "\u00a0",
    "\u202f", "’", "–", "\n", "environ", "au", "moins", "maximum", "quatre-vingt", "vingt", "mille",
]  # fmt: skip


def check_invariants(text: str, found: list[Amount]) -> None:
    previous_end = 0
    for amount in found:
        assert previous_end <= amount.start <= amount.number_start < amount.end <= len(text)
        assert amount.qualifier in QUALIFIERS
        assert amount.value >= 0 and math.isfinite(amount.value)
        assert amount.range_high is None or amount.range_high >= amount.value
        previous_end = amount.end


@PROPERTY
@given(st.text())
def test_find_amounts_never_raises_on_any_text(text: str) -> None:
    check_invariants(text, find_amounts(text))


@PROPERTY
@given(st.lists(st.sampled_from(VOCAB), max_size=40).map(" ".join))
def test_find_amounts_never_raises_on_amount_like_text(text: str) -> None:
    check_invariants(text, find_amounts(text))


@PROPERTY
@given(st.lists(st.sampled_from(VOCAB), max_size=40).map("".join))
def test_find_amounts_never_raises_on_glued_tokens(text: str) -> None:
    check_invariants(text, find_amounts(text))


VALUES = st.decimals(min_value="0.01", max_value="5000", places=2).map(float)


@PROPERTY
@given(VALUES, st.sampled_from(FORMAT_STYLES))
def test_format_then_parse_round_trips(value: float, style: str) -> None:
    text = format_amount(value, style)
    amount = parse_amount(text)
    assert amount is not None, text
    assert (amount.start, amount.end) == (0, len(text))
    assert math.isclose(amount.value, value, rel_tol=0.005), text
    assert amount.qualifier == "exact"


@pytest.mark.parametrize("style", FORMAT_STYLES)
@pytest.mark.parametrize("value", [0.01, 0.2, 1.5, 24.3, 2310.0, 5000.0])
def test_every_style_reads_back(style: str, value: float) -> None:
    text = format_amount(value, style)
    amount = only(text)
    assert (amount.start, amount.end, amount.value, amount.qualifier) == (0, len(text), pytest.approx(value), "exact")


ALL_QUALIFIERS = st.sampled_from(_qualifier_phrases("qualifiers"))


@given(VALUES, st.sampled_from(FORMAT_STYLES), ALL_QUALIFIERS)
@settings(deadline=None, max_examples=300)
def test_qualifier_before_round_trips(value: float, style: str, phrase_qualifier: tuple[str, str]) -> None:
    phrase, qualifier = phrase_qualifier
    text = _before(phrase, format_amount(value, style))
    amount = parse_amount(text)
    assert amount is not None and (amount.start, amount.end) == (0, len(text)), text
    assert amount.qualifier == qualifier, text
    assert math.isclose(amount.value, value, rel_tol=0.005), text


@PROPERTY
@given(VALUES, st.sampled_from(FORMAT_STYLES), st.sampled_from(_qualifier_phrases("suffix_qualifiers")))
def test_qualifier_after_round_trips(value: float, style: str, phrase_qualifier: tuple[str, str]) -> None:
    phrase, qualifier = phrase_qualifier
    text = f"{format_amount(value, style)} {phrase}"
    amount = parse_amount(text)
    assert amount is not None and amount.qualifier == qualifier, text


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (24.3, "M€", "24,3 M€"),
        (1.5, "millions d'euros", "1,5 million d'euros"),
        (2.0, "millions d'euros", "2 millions d'euros"),
        (0.2, "euros", "200 000 euros"),
        (0.2, "€ (espace insécable)", "200\u00a0000\u00a0€"),
        (0.2, "€ (point des milliers)", "200.000 €"),
        (2310.0, "milliards d'euros", "2,31 milliards d'euros"),
        (1234.5, "M€", "1 234,5 M€"),
        (1.25, "M€ (point décimal)", "1.25 M€"),
        (0.15, "k€", "150 k€"),
    ],
)
def test_format_amount(value: float, style: str, text: str) -> None:
    assert format_amount(value, style) == text


def test_format_amount_rejects_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown amount style"):
        format_amount(1.0, "dollars")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("24,3 M€", "24,3 M€"),
        ("  près de 350 M€ ", "près de 350 M€"),
        ("doté de 126 M€ dont 20 M€ pour un projet", "126 M€"),
        ("projets de 2 à 3 M€ et 5 M€", "de 2 à 3 M€"),
    ],
)
def test_parse_amount_takes_the_longest(text: str, span: str) -> None:
    amount = parse_amount(text)
    assert amount is not None and text[amount.start : amount.end] == span


@pytest.mark.parametrize("text", ["", "122 dossiers", "5 milliards de dollars"])
def test_parse_amount_none(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_format_amount_rejects_what_cannot_be_read_back(value: float) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        format_amount(value, "M€")

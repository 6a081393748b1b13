"""Projects named by their place in a selection (pipeline/extract/membership.py): the selection,
not a funding verb, says the noun phrase is a project."""

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def amounts(text: str) -> dict:
    res = extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-05-04"))
    for m in res.mentions:
        assert text[m.start:m.end] == m.name  # every name is a span of the text
    return {m.name: m.amount_m_eur for m in res.mentions}


@pytest.mark.parametrize("text, expected", [
    ("Parmi les projets retenus figure la dématérialisation des permis de chasse.",
     {"dématérialisation des permis de chasse": None}),
    ("Parmi les projets retenus figure la numérisation des registres paroissiaux, pour 2 millions d'euros.",
     {"numérisation des registres paroissiaux": 2.0}),
    ("Parmi les douze lauréats, on trouve le portail Cléo, l'outil Sirius et la messagerie Pléiade.",
     {"Cléo", "Sirius", "Pléiade"}),
])
def test_items_after_among_the_selected(text, expected):
    got = amounts(text)
    if isinstance(expected, set):  # the three items are named, however long each name is
        assert all(sum(word in name for name in got) == 1 for word in expected), got
    else:
        assert got == expected, got


@pytest.mark.parametrize("text, expected", [
    ("Avec 6 M€, la refonte du portail des aides agricoles est le projet le mieux doté.",
     {"refonte du portail des aides agricoles": 6.0}),
    ("La refonte du portail des aides agricoles est le projet le mieux doté, avec 6 M€.",
     {"refonte du portail des aides agricoles": 6.0}),
    ("L'application Vigimer figure parmi les lauréats de cette deuxième vague.", {"Vigimer": None}),
    ("La cartographie des friches fait partie des six projets retenus en Normandie.", {"cartographie des friches": None}),
])
def test_subject_of_a_membership_verb(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize("text", [
    "Parmi les projets retenus, la moitié concerne la santé.",
    "La DGFiP figure parmi les lauréats de cette deuxième vague.",  # a body: its project is named elsewhere
    "Trois entreprises de la métropole figurent parmi les lauréats du concours.",  # bodies, counted
])
def test_no_membership_project(text):
    assert amounts(text) == {}


SELECTION = "Le jury a désigné les lauréats de la deuxième vague de l'appel à projets."


@pytest.mark.parametrize("follow, name, carrier", [
    ("Météo-France développera un outil de prévision des orages à l'échelle communale.",
     "outil de prévision des orages à l'échelle communale", "Météo-France"),
    ("Quant à la Caisse nationale d'assurance vieillesse, elle expérimentera la détection automatique des dossiers incomplets.",
     "détection automatique des dossiers incomplets", "Caisse nationale d'assurance vieillesse"),
])
def test_what_a_laureate_will_build_after_a_selection(follow, name, carrier):
    res = extract_article(Article(id="t", path="t.txt", text=f"{SELECTION}\n{follow}", published_on="2021-05-04"))
    got = {m.name: m.carriers for m in res.mentions}
    assert got == {name: [carrier]}, got


def test_what_a_body_will_build_is_no_project_without_a_selection():
    assert amounts("Météo-France développera un outil de prévision des orages à l'échelle communale.") == {}

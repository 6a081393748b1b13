"""The gazetteer matcher: case, accents, apostrophes, hyphens, acronyms, typos, successive names."""

from __future__ import annotations

import pytest

from pipeline.extract.organizations import load_gazetteer, qualified_name
from pipeline.text import fold


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def names(gaz, text, year=None):
    return [o.name for o in gaz.find(text, year=year)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("le ministère de l'Intérieur", "Ministère de l'Intérieur"),
        ("LE MINISTÈRE DE L’INTÉRIEUR", "Ministère de l'Intérieur"),
        ("le ministere de l'interieur", "Ministère de l'Intérieur"),
        ("Météo France", "Météo-France"),
        ("Météo-France", "Météo-France"),
        ("la direction de l’administration pénitentiaire", "Direction de l'administration pénitentiaire"),
        ("l'Agence régionale de santé de Nouvelle Aquitaine", "Agence régionale de santé de Nouvelle-Aquitaine"),
        ("la DDT des Vosges", "Direction départementale des territoires des Vosges"),
        ("la préfecture de la Charente-Maritime", "Préfecture de la Charente-Maritime"),
        ("la DGFiP", "Direction générale des finances publiques"),
        ("la DGFIP", "Direction générale des finances publiques"),
        ("portés par la Dinsic.", "@DINSIC"),  # the canonical name, read from the gazetteer by its acronym
    ],
)
def test_variants_resolve_to_the_canonical_name(gaz, text, expected):
    if expected.startswith("@"):
        expected = gaz.resolve(expected[1:])
    assert expected in names(gaz, text)


@pytest.mark.parametrize(
    "text",
    [
        "pendant trois ans, les agents",  # "ans" is a word, not the Agence du numérique en santé
        "la caf de ce mois",  # an acronym folded to a common word is not matched
        "la CAF a versé",  # a template acronym shared by every department names none of them
    ],
)
def test_acronyms_that_are_words_or_ambiguous_do_not_match(gaz, text):
    assert names(gaz, text) == []


def test_offsets_point_at_the_text(gaz):
    text = "Porté par la DINSIC et Pôle emploi, avec l’OFII et la préfecture du Nord."
    for o in gaz.find(text):
        assert text[o.start:o.end] == o.surface
        assert fold(o.surface)


def test_generic_direction_is_qualified_by_its_ministry(gaz):
    got = names(gaz, "Ministère de l'Intérieur, Direction des ressources humaines")
    assert got[-1] == qualified_name("Direction des ressources humaines", "Ministère de l'Intérieur")


def test_typo_in_a_long_name_is_tolerated(gaz):
    assert "Direction de l'administration pénitentiaire" in names(gaz, "à la direction de l'administration pénitenciaire afin")


def test_shared_name_follows_the_article_year(gaz):
    by_year = {y: names(gaz, "le Quai d'Orsay reçoit 3 M€", year=y) for y in (2019, 2024)}
    assert all(len(v) == 1 for v in by_year.values())
    assert all(gaz.get(v[0]).kind == "ministry" for v in by_year.values())


@pytest.mark.parametrize(
    "cell, year, expected",
    [
        ("Armées", 2021, "Ministère des Armées"),
        ("Agriculture et Alimentation", 2021, "Ministère de l'Agriculture et de l'Alimentation"),
        ("Solidarités et Santé", 2021, "Ministère des Solidarités et de la Santé"),
        ("Nulle part", 2021, None),
    ],
)
def test_ministry_written_without_ministere(gaz, cell, year, expected):
    assert gaz.ministry_by_words(cell, year) == expected


def test_rows_for_the_organizations_table(gaz):
    rows = gaz.rows()
    assert len(rows) > 1000
    assert {"name", "acronym", "kind", "parent"} <= set(rows[0])
    assert len({r["name"] for r in rows}) == len(rows)

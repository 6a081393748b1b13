"""Projects named only as the coordinated members of a "respectivement" sentence
(pipeline/extract/respectively.py): subjects paired in order with the amounts after it, or
names after it, behind a repeated preposition, paired with the amounts before it."""

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def amounts(text: str) -> dict:
    res = extract_article(Article(id="t", path="t.txt", text=text, published_on="2022-03-01"))
    for m in res.mentions:
        assert text[m.start:m.end] == m.name
    return {m.name: m.amount_m_eur for m in res.mentions}


@pytest.mark.parametrize("text, expected", [
    ("Les deux projets, la maison de santé de Riom et la crèche de Thiers, recevront respectivement 900 000 € et 450 000 €.",
     {"maison de santé de Riom": 0.9, "crèche de Thiers": 0.45}),
    ("La maison de santé de Riom et la crèche de Thiers ont été dotées respectivement de 900 000 € et 450 000 €.",
     {"maison de santé de Riom": 0.9, "crèche de Thiers": 0.45}),
    ("La rénovation du gymnase, l'extension de l'école et la création d'un parking bénéficient respectivement "
     "de 1 M€, 800 000 € et 200 000 €.",
     {"rénovation du gymnase": 1.0, "extension de l'école": 0.8, "création d'un parking": 0.2}),
])
def test_coordinated_subjects_take_the_amounts_in_order(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize("text", [
    "L'Inria et le CNRS recevront respectivement 2 M€ et 3 M€.",  # bodies, not projects
    "Les taux de réussite atteignent respectivement 80 % et 90 %.",  # no amounts
])
def test_no_project_from_bodies_or_without_amounts(text):
    assert amounts(text) == {}


@pytest.mark.parametrize("text, expected", [
    ("Le conseil a voté 1,4 et 0,6 M€ respectivement pour la rénovation du collège de Lure et pour l'extension "
     "du gymnase de Melisey.",
     {"rénovation du collège de Lure": 1.4, "extension du gymnase de Melisey": 0.6}),
    ("L'État engage 300 000 € et 120 000 €, respectivement à la restauration du lavoir d'Arc et à la création "
     "d'un verger à Cirey.",
     {"restauration du lavoir d'Arc": 0.3, "verger à Cirey": 0.12}),
])
def test_amounts_first_then_names_behind_a_repeated_preposition(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize("text", [
    # the preposition not repeated: "pour A et B" may be one name with an "et" inside
    "Le conseil a voté 1,4 et 0,6 M€ respectivement pour la rénovation du collège de Lure et l'extension du gymnase.",
    # three names for two amounts: no order to trust
    "Le conseil a voté 1,4 et 0,6 M€ respectivement pour la halle, pour le collège et pour la piscine de Lure.",
])
def test_amounts_first_without_one_name_per_amount_name_nothing_from_this_rule(text):
    res = extract_article(Article(id="t", path="t.txt", text=text, published_on="2022-03-01"))
    assert "respectively_object" not in {m.rule for m in res.mentions}

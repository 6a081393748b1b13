"""Segmentation of clean text into lines and sentences with exact offsets."""

from __future__ import annotations

import pytest

from pipeline.extract.segment import line_kind, sentences, split_lines


@pytest.mark.parametrize(
    "line, kind",
    [
        ("- Numérique pour tous, pour aider les usagers.", "item"),
        # plain-text articles keep their own bullets
        ("• La rénovation de la piscine : 1,2 M€", "item"),
        ("* Une application pour les usagers", "item"),
        ("–  Un portail unique des aides", "item"),
        ("-2 % sur un an", "heading"),
        ("Projet | Porteur | Montant", "row"),
        ("Liste des lauréats", "heading"),
        ("Ministère de la Culture, Direction générale des patrimoines", "heading"),
        ("Le projet vise à créer un portail. Il sera ouvert en 2020.", "para"),
    ],
)
def test_line_kind(line, kind):
    assert line_kind(line) == kind


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Le projet est lancé. Il coûte 2 M€.", ["Le projet est lancé.", "Il coûte 2 M€."]),
        ("M. Dupont a présidé le comité. Mme Martin aussi.", ["M. Dupont a présidé le comité.", "Mme Martin aussi."]),
        ("Un montant de 1.5 M€ est prévu. Voilà.", ["Un montant de 1.5 M€ est prévu.", "Voilà."]),
        ("« C'est décisif. » Le ministre l'a dit.", ["« C'est décisif. »", "Le ministre l'a dit."]),
        ("Selon J. Martin, le budget est bouclé.", ["Selon J. Martin, le budget est bouclé."]),
    ],
)
def test_sentences(text, expected):
    assert [s.text for s in sentences(text)] == expected


def test_offsets_point_at_their_text():
    text = "Titre\n\nPremière phrase. Seconde phrase !\n- Un item"
    lines = split_lines(text)
    assert [ln.text for ln in lines] == ["Titre", "Première phrase. Seconde phrase !", "- Un item"]
    for s in sentences(text, lines):
        assert text[s.start:s.end] == s.text

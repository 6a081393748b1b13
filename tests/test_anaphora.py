"""Amounts given through an anaphora one or two sentences after the project is named
("Ce soutien s'élève à …", "L'État y consacre …"): bound to the one project named just before,
or across a paragraph to the article's only project; never when two projects were named, nor
when the amount is a fund's total."""

from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def amounts_by_name(text: str) -> dict:
    res = extract_article(Article(id="t", path="t.txt", text=text, published_on="2022-05-10"))
    for m in res.mentions:
        assert text[m.start:m.end] == m.name
        if m.amount_span:
            assert text[m.amount_span[0]:m.amount_span[1]]
    return {m.name: (m.amount_m_eur, m.amount_qualifier) for m in res.mentions}


NAMED = "La métropole a présenté le projet «Rivage Clair», porté par la commune, pour dépolluer les berges du fleuve."

ANAPHORAS = [
    ("Ce soutien s'élève à 4,5 M€.", (4.5, "exact")),
    ("Cette aide représente 4,5 millions d'euros.", (4.5, "exact")),
    ("Le coût de l'opération atteint 4,5 millions d'euros environ.", (4.5, "approx")),
    ("L'État y consacre 4,5 millions d'euros au moins.", (4.5, "min")),
    ("Ces travaux, d'un montant global estimé à 4,5 M€, commenceront au printemps.", (4.5, "approx")),
    ("Le chantier durera deux ans. Ce financement se monte à 4,5 M€.", (4.5, "exact")),
]


@pytest.mark.parametrize("follow, want", ANAPHORAS, ids=[a[0][:28] for a in ANAPHORAS])
def test_an_anaphoric_amount_goes_to_the_project_named_before(follow, want):
    got = amounts_by_name(f"{NAMED} {follow}")
    assert got.get("Rivage Clair") == want, got


def test_two_projects_named_before_take_no_anaphoric_amount():
    text = ("La métropole a présenté le projet «Rivage Clair» et le projet «Halle Verte», portés par la commune. "
            "Ce soutien s'élève à 4,5 M€.")
    got = amounts_by_name(text)
    assert {"Rivage Clair", "Halle Verte"} <= set(got), got
    assert got["Rivage Clair"][0] is None and got["Halle Verte"][0] is None


@pytest.mark.parametrize("follow", [
    "L'enveloppe totale du fonds s'élève à 40 M€.",
    "Au total, ce financement de 40 M€ est réparti entre dix-sept projets.",
])
def test_a_total_or_envelope_is_not_the_projects_amount(follow):
    got = amounts_by_name(f"{NAMED} {follow}")
    assert got.get("Rivage Clair") == (None, None), got


ACROSS_A_PARAGRAPH = [
    ("Ce soutien s'élève à 4,5 M€.", (4.5, "exact")),
    ("Coût total de l'opération : 4,5 millions d'euros.", (4.5, "exact")),
    ("Le maire l'a rappelé : ce programme doit durer trois ans. Coût de l'opération : 4,5 M€.", (4.5, "exact")),
    ("L'État financera leur projet et y ajoutera 4,5 millions d'euros de crédits.", (4.5, "min")),
    # the aid, not the overall cost given beside it
    ("L'aide de l'État atteindra 4,5 millions d'euros, sur un coût total estimé à 12 millions d'euros.", (4.5, "exact")),
]


@pytest.mark.parametrize("follow, want", ACROSS_A_PARAGRAPH, ids=[a[0][:28] for a in ACROSS_A_PARAGRAPH])
def test_the_articles_only_project_takes_an_anaphoric_amount_of_the_next_paragraph(follow, want):
    got = amounts_by_name(f"{NAMED}\n{follow}")
    assert got.get("Rivage Clair") == want, got


@pytest.mark.parametrize("text", [
    # two projects named: "ce soutien" may be either
    "La métropole a présenté le projet «Rivage Clair». La commune lance le projet «Halle Verte».\n"
    "Ce soutien s'élève à 4,5 M€.",
    # the project is named two paragraphs before
    f"{NAMED}\nLe chantier commencera en mars.\nCe soutien s'élève à 4,5 M€.",
    # an amount nobody took lies in between
    f"{NAMED}\nLa région a voté 2 M€ pour ses lycées. Ce soutien s'élève à 4,5 M€.",
])
def test_no_anaphoric_amount_across_a_paragraph_when_the_referent_is_unsure(text):
    got = amounts_by_name(text)
    assert got.get("Rivage Clair") == (None, None), got


def test_a_project_that_has_its_amount_keeps_it():
    text = ("Le projet «Rivage Clair», porté par la commune, reçoit 2 M€ de l'État. "
            "Ce soutien s'élève à 4,5 M€ en comptant la région.")
    assert amounts_by_name(text).get("Rivage Clair") == (2.0, "exact")


def test_a_body_fronted_as_topic_takes_the_amount_of_the_next_sentence():
    # the nearest sentence that names a project is the one "ce soutien" speaks of
    text = ("Le CHU de Brest reçoit une aide de 50 M€. Quant au centre hospitalier de Morlaix, que la ministre a "
            "visité cet été, l'agence régionale de santé s'est engagée à en soutenir le projet de reconstruction. "
            "Ce soutien atteint 12 millions d'euros.")
    got = amounts_by_name(text)
    assert got == {"CHU de Brest": (50.0, "exact"), "centre hospitalier de Morlaix": (12.0, "exact")}, got

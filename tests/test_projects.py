"""Project mentions: one test per phrasing the extractor reads, and per trap it must refuse.

Each case is a short article written for the test; the expectation lists the names read,
with the amount (M€, qualifier) and carriers each gets. Spans are checked to point at
their text (the `doc.char_span` discipline: every offset must show its value).
"""

from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def extract(text: str, published: str | None = "2021-03-02"):
    art = Article(id="t", path="t.txt", text=text, published_on=published)
    res = extract_article(art)
    for m in res.mentions:
        assert text[m.start:m.end] == m.name
        if m.amount_span:
            assert text[m.amount_span[0]:m.amount_span[1]]
    return res.mentions


def by_name(mentions):
    return {m.name: m for m in mentions}


PROSE = [
    # (text, name, amount, qualifier, carriers)
    ("Le comité a retenu plusieurs dossiers. Au total, 3,5 millions d'euros ont été investis dans Vigie Crues, un outil d'alerte.",
     "Vigie Crues", 3.5, "exact", []),
    ("Parmi les lauréats figure Passeport Vert, doté de 2 M€. Il est porté par le ministère de l'Intérieur.",
     "Passeport Vert", 2.0, "exact", ["Ministère de l'Intérieur"]),
    ("Le ministère de la Culture se voit accorder 1,2 M€ pour la création de son portail des archives sonores.",
     "portail des archives sonores", 1.2, "exact", ["Ministère de la Culture"]),
    ("Le fonds attribue 0,8 M€ au ministère de la Justice afin de créer un greffe numérique des tribunaux.",
     "greffe numérique des tribunaux", 0.8, "exact", ["Ministère de la Justice"]),
    ("Les lauréats concernent le ministère des Armées (gestion des réservistes - 3 M€ - et suivi des munitions - 1,5 M€).",
     "gestion des réservistes", 3.0, "exact", ["Ministère des Armées"]),
    ("Le projet «Tempo», porté par le ministère de l'Intérieur, doit simplifier les titres de séjour.",
     "Tempo", None, None, ["Ministère de l'Intérieur"]),
    ("Viennent ensuite Hélios, une plateforme de suivi énergétique, et Atlas, un logiciel de cartographie, qui obtiennent respectivement 4,1 M€ et 2,2 M€.",
     "Atlas", 2.2, "exact", []),
    ("La plus forte dotation, 600 000 euros, va à Examen Libre, un service d'inscription en ligne.",
     "Examen Libre", 0.6, "exact", []),
    ("Une plateforme nationale de signalement des fraudes, pilotée par la DGFiP, bénéficie de 3,2 M€.",
     "plateforme nationale de signalement des fraudes", 3.2, "exact", []),
    ("On notera la modernisation du registre des associations, projet doté de 900 000 €.",
     "modernisation du registre des associations", 0.9, "exact", []),
    ("Météo-France (1,4 M€) complète la liste des lauréats.",
     "Météo-France", 1.4, "exact", ["Météo-France"]),
    ("Les projets lauréats bénéficient de plus de 5 millions d'euros chacun : Mercure, un assistant des agents, en fait partie.",
     "Mercure", None, None, []),
]


@pytest.mark.parametrize("text, name, amount, qualifier, carriers", PROSE, ids=[c[1] for c in PROSE])
def test_prose_phrasings(text, name, amount, qualifier, carriers):
    got = by_name(extract(text))
    assert name in got, list(got)
    m = got[name]
    assert (m.amount_m_eur, m.amount_qualifier) == (amount, qualifier)
    for c in carriers:
        assert c in m.carriers


def test_respectivement_pairs_names_and_amounts_in_order():
    got = by_name(extract(PROSE[6][0]))
    assert (got["Hélios"].amount_m_eur, got["Atlas"].amount_m_eur) == (4.1, 2.2)


LIST = """Appel à projets : les lauréats

Huit projets ont été retenus ; ils obtiennent chacun plus de 5 millions d'euros :
- Orion, pour unifier la gestion des subventions.
- Registre national des aidants (RNA), visant à simplifier les démarches des familles.
- Offre de stockage souverain : Nuage Public, pour héberger les données sensibles.

La sélection s'est appuyée sur trois critères :
- la qualité du service rendu aux usagers ;
- les économies attendues.
"""


def test_list_of_laureates_and_not_a_list_of_criteria():
    got = by_name(extract(LIST))
    assert set(got) == {"Orion", "Registre national des aidants", "Offre de stockage souverain : Nuage Public"}
    assert got["Registre national des aidants"].acronym == "RNA"
    assert all((m.amount_m_eur, m.amount_qualifier) == (5.0, "min") for m in got.values())
    assert "Nuage Public" in got["Offre de stockage souverain : Nuage Public"].aliases


BLOCKS = """Liste des dossiers lauréats :

Guichet unique des permis de pêche

Ministère de la Mer, Direction des pêches maritimes et de l'aquaculture

Le projet vise à réunir les démarches des pêcheurs. Le projet «Filet» y sera intégré.

Assistant des greffes

Ministère de la Justice

Un outil d'aide aux greffiers, doté de 1,1 M€.
"""


def test_title_carriers_description_blocks():
    got = by_name(extract(BLOCKS))
    assert set(got) == {"Guichet unique des permis de pêche", "Assistant des greffes"}
    assert got["Guichet unique des permis de pêche"].carriers == ["Ministère de la Mer", "Direction des pêches maritimes et de l'aquaculture"]
    assert got["Assistant des greffes"].carriers == ["Ministère de la Justice"]


# items mostly made of organisation names: the next item is no carrier line of the one above
LIST_OF_CARRIED_ITEMS = [
    """Les projets suivants ont obtenu chacun plus de 5 millions d'euros :
- Route Claire, porté par le Cnous et le ministère de la Mer ;
- Phare Numérique, porté par le ministère de la Mer ;
- Nautilus, porté par la Délégation générale à l'emploi et à la formation professionnelle ;
""",
    """Les projets retenus sont les suivants :
- Phare Numérique : accompagner les agents dans leurs outils, porté par le ministère de la Mer – 1,2 M€ ;
- Nautilus : prévenir les ruptures de parcours, porté par la Délégation interministérielle à l'encadrement supérieur de l'État et l'Institut national de recherches archéologiques préventives – 7,2 M€ ;
""",
]


@pytest.mark.parametrize("text", LIST_OF_CARRIED_ITEMS, ids=["bounds", "descriptions"])
def test_an_item_naming_its_carriers_is_not_the_carrier_line_of_the_item_above(text):
    got = by_name(extract(text))
    assert "Phare Numérique" in got and "Nautilus" in got
    assert got["Phare Numérique"].carriers == ["Ministère de la Mer"]
    assert "Ministère de la Mer" not in got["Nautilus"].carriers


TABLE = """Les lauréats et leurs montants
Projet | Porteur | Ministère de rattachement | Montant (M€)
Billetterie commune | Réunion des musées nationaux | Culture | 3,9
Contrôle des plages | ARS d'Occitanie | Solidarités et Santé | 1,4
TOTAL | | | 5,3
"""


def test_table_with_a_unit_in_the_header_and_a_total_row():
    got = by_name(extract(TABLE, published="2020-02-14"))
    assert set(got) == {"Billetterie commune", "Contrôle des plages"}
    assert got["Billetterie commune"].amount_m_eur == 3.9
    assert "Ministère de la Culture" in got["Billetterie commune"].carriers
    assert "Agence régionale de santé d'Occitanie" in got["Contrôle des plages"].carriers


TRAPS = [
    "Créé en 2017, le fonds de transformation de l'action publique dispose de 700 M€ et a choisi 17 projets.",
    "Ces projets s'inscrivent dans le programme « Action publique 2022 » voulu par le gouvernement.",
    "Les lauréats ont été dévoilés lors du «GovTech Summit», a souligné le ministre.",
    "Au total, 126 M€ pour dix-sept projets ont été engagés par le comité de pilotage.",
    "Chaque lauréat devra tenir une «promesse de sobriété», a précisé Gérald Martin, ministre de l'Action publique.",
    "Une partie des lauréats concerne aussi, de loin, les communes rurales.",
    "Le financement va de 200 000 € à 35 M€ selon les projets.",
    "Le ministère de l'Intérieur et la DGFiP ont salué la sélection des lauréats.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_give_no_project(text):
    assert extract(text) == []

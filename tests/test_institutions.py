"""Institutions written as a kind and a place: one case per entry of data/institutions.yaml."""

import pytest
import yaml

from pipeline.extract.institutions import DATA, find_institutions
from pipeline.extract.org_headed import project_end, split_head

CASES = {
    "university hospital": ("La modernisation du centre hospitalier universitaire (CHU) de Brest avance.",
                            "Centre hospitalier universitaire de Brest"),
    "regional university hospital": ("Les blocs du CHRU – centre hospitalier régional universitaire – de Lille seront refaits.",
                                     "Centre hospitalier régional universitaire de Lille"),
    "hospital": ("Le centre hospitalier de Pont-l'Abbé-sur-Odet recevra une aide.", "Centre hospitalier de Pont-l'Abbé-sur-Odet"),
    "hospital group": ("Le GHT Armor a ouvert son bâtiment.", "GHT Armor"),
    "school": ("La cantine de la cité scolaire Jules Ferry sera agrandie.", "Cité scolaire Jules Ferry"),
    "gendarmerie": ("La caserne de gendarmerie de Saint-Lô sera isolée.", "Gendarmerie de Saint-Lô"),
    "sub-prefecture": ("Les bureaux de la sous-préfecture de Mortagne-au-Perche ferment.", "Sous-préfecture de Mortagne-au-Perche"),
    "urban community": ("Un outil de la communauté urbaine du Grand Annecy.", "Communauté urbaine du Grand Annecy"),
    "agglomeration community": ("La communauté d'agglomération du Pays Basque vote.", "Communauté d'agglomération du Pays Basque"),
    "community of communes": ("La communauté de communes des Monts du Lyonnais signe.", "Communauté de communes des Monts du Lyonnais"),
    "metropolis": ("La métropole de Lyon finance un réseau.", "Métropole de Lyon"),
    "metropolis named first": ("Le projet porté par Brest Métropole avance.", "Brest Métropole"),
    "commune": ("La ville de Saint-Flour rénove son école.", "Ville de Saint-Flour"),
    "association": ("Porté par l'association Les Jardins du Causse, le verger ouvrira.", "Association Les Jardins du Causse"),
    "company": ("La SAS Biogaz de la Vère construira l'unité.", "Biogaz de la Vère"),
}


def test_every_entry_has_a_case():
    kinds = {e["kind"] for e in yaml.safe_load(DATA.read_text(encoding="utf-8"))["institutions"]}
    assert kinds == set(CASES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_entry(kind):
    text, name = CASES[kind]
    assert name in [x.name for x in find_institutions(text)]


@pytest.mark.parametrize("text, names", [
    ("les hôpitaux de Vierzon (Cher) et de Guéret ont été aidés", ["Centre hospitalier de Vierzon", "Centre hospitalier de Guéret"]),
    ("Le CHU a signé.", []),  # no place: which CHU is the article's business
    ("La Métropole a voté.", []),
    ("Un chantier au CHU de Caen. Ces travaux", ["Centre hospitalier universitaire de Caen"]),
])
def test_phrasings(text, names):
    assert [x.name for x in find_institutions(text)] == names


@pytest.mark.parametrize("text, carriers, project", [
    ("- Le CHU de Caen : trier les appels d'urgence par l'IA ;", ["Centre hospitalier universitaire de Caen"], "trier les appels d'urgence par l'IA"),
    ("Centre hospitalier de Dax. — Prévoir les pics d'affluence", ["Centre hospitalier de Dax"], "Prévoir les pics d'affluence"),
])
def test_org_headed(text, carriers, project):
    spans = [(x.start, x.end, x.name) for x in find_institutions(text)]
    got = split_head(text, 0, len(text), spans)
    assert got is not None and got[0] == carriers
    end = project_end(text, got[1], len(text))
    assert text[got[1]:end].strip(" ;") == project


def test_head_with_other_words_is_not_a_carrier():
    text = "Le président du CHU de Caen : une annonce attendue"
    spans = [(x.start, x.end, x.name) for x in find_institutions(text)]
    assert split_head(text, 0, len(text), spans) is None


def test_project_stops_before_a_listing_parenthesis():
    text = "repérer les dépôts sauvages (gravats, pneus, etc.) sur les photos"
    assert text[:project_end(text, 0, len(text))].strip() == "repérer les dépôts sauvages"


@pytest.mark.parametrize("text, name", [
    ("la communauté de communes du Pays de l'Aulne-Maritime vote", "Communauté de communes du Pays de l'Aulne-Maritime"),
    ("la communauté de communes du Val de la Sarthe Nord vote", "Communauté de communes du Val de la Sarthe Nord"),
])
def test_a_place_joined_by_de_la_or_de_l(text, name):
    assert [x.name for x in find_institutions(text)] == [name]

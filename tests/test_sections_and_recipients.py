"""Section headings that label a policy area, a report's numbered paragraphs, a town named as
the recipient, and words that never name a project (pipeline/extract/structure.py,
prose.py, phrases.is_trap). Phrasings written for these tests, in the shapes of council
decision summaries, parliamentary reports and local news."""

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def found(text: str) -> dict[str, tuple[float | None, list[str]]]:
    res = extract_article(Article(id="t", path="t.txt", text=text, published_on="2023-07-10"))
    for m in res.mentions:
        assert text[m.start:m.end] == m.name  # every name is its evidence span
    return {m.name: (m.amount_m_eur, m.carriers) for m in res.mentions}


COUNCIL = """Commission permanente du 3 juillet : les décisions
Le conseil départemental a engagé 2,4 M€ de crédits lors de sa séance.

{h1}
Déjà aidée par l'État, la halle gourmande de Ribérac, portée par la commune, reçoit une aide de 150 000 €.

{h2}
Une subvention de 80 000 € est attribuée à « Le Fournil partagé », boulangerie associative de Mareuil.

{h3}
La commune de Tocane obtient 45 000 € pour la réfection du pont de la Dronne.
"""


@pytest.mark.parametrize("headings", [
    ("Santé", "Économie sociale et solidaire", "Voirie"),
    ("1. Commerce et artisanat", "2. Numérique et tiers-lieux", "3. Routes et ouvrages"),
])
def test_a_heading_that_labels_a_policy_area_is_no_project(headings):
    got = found(COUNCIL.format(h1=headings[0], h2=headings[1], h3=headings[2]))
    heading_words = {h.split(". ")[-1] for h in headings}
    assert not heading_words & set(got)
    assert "Le Fournil partagé" in got and got["Le Fournil partagé"][0] == 0.08
    assert got["réfection du pont de la Dronne"][0] == 0.045


def test_a_heading_with_an_article_still_names_its_section():
    text = """Les lauréats de l'appel Bourgs actifs
Le jury a retenu trois projets.

1. La Cantine du Pré
L'association ouvre un restaurant solidaire dans l'ancienne école. Aide : 28 000 €.

2. Le Bus des services
La communauté de communes équipe un bus de postes informatiques. Aide : 60 000 €.
"""
    got = found(text)
    assert got.get("Cantine du Pré", (None,))[0] == 0.028 or got.get("La Cantine du Pré", (None,))[0] == 0.028
    assert any("Bus des services" in name and v[0] == 0.06 for name, v in got.items())


def test_a_report_s_numbered_paragraphs_are_read_as_prose():
    # as the clean stage writes "8. …", "9. …": items of a list
    text = """Rapport sur la mission Transformation publique

- Créé en 2019 avec une ambition de 500 M€ sur cinq ans, le fonds a vu ses crédits ramenés à 40 M€ en 2024, ce que le rapporteur regrette vivement.
- Le projet SIRIUS de la direction générale des entreprises, lauréat en 2023 pour 2,2 M€, n'avait consommé que 0,8 M€ à la fin de l'année suivante.
- Le rapporteur spécial relève que, pour aucun de ces projets, les gains annoncés dans le dossier n'ont fait l'objet d'une mesure contradictoire.
"""
    got = found(text)
    assert set(got) == {"SIRIUS"}
    assert got["SIRIUS"][0] == 2.2


@pytest.mark.parametrize("text, name, amount, carrier", [
    ("36 000 € sont attribués à Saint-Aulaye pour la rénovation de son lavoir.",
     "rénovation de son lavoir", 0.036, "Commune de Saint-Aulaye"),
    ("La préfecture accorde 52 000 € à Eymet pour la création d'une aire de jeux.",
     "aire de jeux", 0.052, "Commune d'Eymet"),
])
def test_a_town_that_receives_carries_the_purpose_after_it(text, name, amount, carrier):
    got = found(text)
    assert got == {name: (amount, [carrier])}


@pytest.mark.parametrize("text, not_a_name", [
    ("Vitrac. Les travaux démarrent\n\nLes travaux de la voie verte aménagée sur l'ancienne ligne débuteront lundi "
     "4 septembre. Longue de 4,2 km, elle a reçu 185 000 € de l'État au titre de la DSIL, le reste étant financé par "
     "la commune et le Département.", "km"),
    ("C'est un peu plus de 2 millions d'euros pour une chose très concrète : des accès le premier jour.", "chose"),
    ("Au total, l'établissement et ses partenaires obtiennent 6,1 M€ sur cinq ans.", "établissement et ses partenaires"),
    ("L'appel est doté de 1,5 milliard d'euros à l'échelle nationale.", "échelle nationale"),
])
def test_words_that_never_name_a_project(text, not_a_name):
    assert not_a_name not in found(text)


@pytest.mark.parametrize("heading", ["Pôle mère-enfant", "Lumicité", "Bâtiment de médecine"])
def test_a_noun_phrase_or_a_rare_word_above_its_paragraph_is_the_project_s_name(heading):
    text = f"""Investissements hospitaliers : trois opérations retenues
L'agence régionale de santé a arrêté la liste des opérations soutenues.

{heading}
Le centre hospitalier de Sarlat reconstruit ce service, qui ouvrira en 2027. Aide accordée : 7,5 M€.

Plateau technique
Le centre hospitalier de Bergerac modernise ses blocs opératoires. Aide accordée : 4 M€.
"""
    got = found(text)
    assert got.get(heading, (None,))[0] == 7.5


LAUREATES = """Prix de l'innovation 2024 : les trois lauréats
Le jury a distingué trois jeunes entreprises issues de laboratoires publics.

Hydrelis (Vannes)
Hydrelis met au point des capteurs de fuite pour les réseaux d'eau. La start-up pourra recevoir jusqu'à 400 000 € pour industrialiser ses capteurs.

Solvera (Laval)
Solvera recycle les solvants des ateliers de peinture. Elle obtient une aide de 320 000 €, dont 200 000 € de subvention et 120 000 € d'avance remboursable.

Grainothèque
Ce service partagé entre quatre communes recense les semences locales. Le jury lui attribue 60 000 euros.
"""


def test_laureate_headings_their_town_and_shares_of_one_grant():
    got = found(LAUREATES)
    assert got["Hydrelis"] == (0.4, ["Hydrelis"])  # the company the heading names carries its project
    assert got["Solvera"][0] == 0.32  # the whole aid, not one of its shares
    assert got["Grainothèque"][0] == 0.06


def test_a_heading_with_its_expansion_in_parentheses_is_no_long_intertitle():
    text = """Fonds d'innovation : les projets retenus
Parmi les lauréats :

SIGMA (système intégré de gestion des marchés et des achats publics)
La direction des achats de l'État reçoit 2,6 M€ pour unifier ses outils.

Boussole
Porté par l'Insee, ce projet vise à simplifier les enquêtes. Le fonds y consacre 1,2 M€.
"""
    got = found(text)
    assert got["SIGMA (système intégré de gestion des marchés et des achats publics)"][0] == 2.6
    assert got["Boussole"] == (1.2, ["Institut national de la statistique et des études économiques"])


def test_a_duration_between_the_amount_and_its_purpose():
    got = found("Le CHU de Brest reçoit 12 millions d'euros sur quatre ans pour ATLAS (archivage territorial "
                "des examens d'imagerie). Ce projet sera déployé en 2025.")
    # the acronym is the project's own name: the hospital carries it, it does not rename it
    assert list(got) == ["ATLAS"] or list(got) == ["ATLAS (archivage territorial des examens d'imagerie)"]
    assert list(got.values())[0][0] == 12.0


TEN = """Inclusion numérique : les lauréats de l'appel du Département
Le Département a retenu quatre projets. Tour d'horizon.

1. Le Bus connecté du Val d'Erve
Porté par la communauté de communes du Val d'Erve-Charnie, ce bus aménagé sillonnera 19 communes. Montant : 75 000 euros.

2. EmploiClic
La Mission locale Sarthe-Sud reçoit 41 500 € pour EmploiClic, un parcours de quatre semaines.

3. La Maison des démarches
À Montval-sur-Loir, la commune crée une maison des démarches dans l'ancienne poste. Aide départementale : 35 000 €.

4. TREMPLIN
Le CCAS de Vibraye obtient 27 000 € pour TREMPLIN, qui repère les fragilités numériques.

5. Les ateliers de Code & Bocage
L'association Code & Bocage proposera des ateliers de programmation aux collégiens. Montant : 22 500 €.
"""


@pytest.mark.parametrize("name, carrier", [
    ("Bus connecté du Val d'Erve", "Communauté de communes du Val d'Erve-Charnie"),  # after "porté par", unlisted
    ("EmploiClic", "Mission locale Sarthe-Sud"),  # a kind of body and its name, as the subject
    ("Maison des démarches", "Commune de Montval-sur-Loir"),  # "À <town>, la commune …"
    ("TREMPLIN", "CCAS de Vibraye"),  # an acronym heading is a name, not a policy area
    ("ateliers de Code & Bocage", "Association Code & Bocage"),
])
def test_the_carrier_a_laureate_s_paragraph_names(name, carrier):
    got = found(TEN)
    assert got[name][1] == [carrier]


def test_another_company_named_in_the_paragraph_is_not_the_laureate():
    text = TEN + """
6. Répar'Écran
60 000 € vont à Répar'Écran, l'atelier de reconditionnement créé par l'entreprise d'insertion Tremplin Atelier.
"""
    got = found(text)
    assert got["Répar'Écran"] == (0.06, [])


def test_a_project_selected_with_an_amount_after_two_fronted_places():
    got = found("À dix kilomètres de là, à Peyrelevade, la maison de santé portée par la communauté de communes "
                "Plateau Haute-Corrèze a elle aussi été retenue, avec 520 000 €.")
    assert got == {"maison de santé": (0.52, ["Communauté de communes Plateau Haute-Corrèze"])}


@pytest.mark.parametrize("written, name", [
    ("communauté de communes Plateau Haute-Corrèze a elle aussi été retenue", "communauté de communes Plateau Haute-Corrèze"),
    ("syndicat mixte du bassin de l'Isle qui", "syndicat mixte du bassin de l'Isle"),
    ("syndicat d'énergie des Côtes-d'Armor", "syndicat d'énergie des Côtes-d'Armor"),
    ("association Code & Bocage pour", "association Code & Bocage"),
])
def test_a_body_s_name_ends_at_the_first_other_lower_case_word(written, name):
    from pipeline.extract.headed_lists import body_name_length

    assert written[:body_name_length(written)] == name

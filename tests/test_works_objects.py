"""Works named in one sentence, funded in the next by an amount that points back (works_objects.py),
and the small readings that came with it: a rate before "soit N", paragraphs opened by a commune's
name, sentences that speak of several projects. Every phrasing is our own wording."""

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def mentions(text: str) -> dict:
    return {m.name: m for m in extract_article(Article(id="t", path="t.txt", text=text, published_on="2022-03-04")).mentions}


def funded(text: str, name: str):
    """The mention named `name`, failing with every mention read when there is none."""
    got = mentions(text)
    assert name in got, got
    return got[name]


@pytest.mark.parametrize("text, name, amount, carriers", [
    # the subject builds, a pronoun receives
    ("Le Syndicat intercommunal des eaux du Causse (SIEC) construit une station de pompage à Valbrune. "
     "Il bénéficiera de 640 000 euros.",
     "station de pompage à Valbrune", 0.64, ["Syndicat intercommunal des eaux du Causse"]),
    # a demonstrative subject, a hospital as the builder
    ("Le centre hospitalier de Montauriol installera une centrale photovoltaïque sur ses parkings. "
     "Cette centrale est financée à hauteur de 1,1 M€.",
     "centrale photovoltaïque sur ses parkings", 1.1, ["Centre hospitalier de Montauriol"]),
    # "lui accorde", the object after a frame of emphasis
    ("La communauté de communes engagera pour sa part la renaturation des berges de la Sorgue. "
     "La Région lui accorde 300 000 €.",
     "renaturation des berges de la Sorgue", 0.3, []),
    # "y sont consacrés"; "remplace … par" names the new equipment, its measure left out
    ("La laiterie Bodin, à Cressac, remplace sa vieille chaudière au gaz par une pompe à chaleur industrielle de 800 kW. "
     "450 000 € y sont consacrés.",
     "pompe à chaleur industrielle", 0.45, []),
    # the object's own quoted name after it
    ("L'association Terres d'Oc déploiera un réseau de stations météo dans les vergers, « Ciel ouvert ». "
     "Ce réseau est soutenu à hauteur de 90 000 euros.",
     "Ciel ouvert", 0.09, ["Association Terres d'Oc"]),
    # "le réseau existant": an adjectival participle inside the name
    ("Le syndicat d'énergie du Val étend le réseau de chaleur existant du quartier des Tilleuls. "
     "L'aide de l'agence s'élève à 700 000 €.",
     "réseau de chaleur existant du quartier des Tilleuls", 0.7, ["Syndicat d'énergie du Val"]),
])
def test_works_then_an_amount_that_points_back(text, name, amount, carriers):
    got = funded(text, name)
    assert (got.amount_m_eur, got.carriers) == (amount, carriers)


def test_as_many_works_as_amounts_in_order():
    got = mentions("L'agglomération crée une voie verte entre Arles-sur-Tech et Céret, et aménage la gare routière "
                   "de Prades. Ces deux opérations reçoivent respectivement 1,4 et 0,6 M€.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {
        "voie verte entre Arles-sur-Tech et Céret": 1.4, "gare routière de Prades": 0.6}, got


@pytest.mark.parametrize("text", [
    # an adjunct stands where the object should: the object is further and not read
    "La cave coopérative expérimentera avec l'appui d'une jeune entreprise l'irrigation goutte-à-goutte. "
    "Elle touchera 120 000 €.",
    # two works, one amount: which one gets it is not said
    "La commune rénove la halle aux grains et construit un préau à l'école. Elle bénéficiera de 200 000 €.",
    # the amount's sentence names its own project: the works before are context
    "La commune rénove la halle aux grains. Le projet Halle Vivante, lui, reçoit 200 000 €.",
    # nothing points back: the amount is the fund's
    "La commune rénove la halle aux grains. Le fonds régional dispose de 20 millions d'euros.",
])
def test_no_works_project_without_a_certain_link(text):
    got = mentions(text)
    assert not any(m.rule == "works_before_amount" for m in got.values()), got


def test_a_rate_then_soit_reads_the_amount_as_the_grant():
    got = mentions("La restauration du lavoir de Saint-Clar, estimée à 90 000 € HT, sera subventionnée à hauteur "
                   "de 40 %, soit 36 000 €.")
    assert "restauration du lavoir de Saint-Clar" in got, got
    assert got["restauration du lavoir de Saint-Clar"].amount_m_eur == 0.036


def test_paragraphs_opened_by_a_commune_give_it_the_projects():
    text = ("Les subventions du canton\n\n"
            "Montcabrier. La réfection du pont de la Grave bénéficie de 48 000 €.\n\n"
            "Lavercantière. La rénovation de la salle polyvalente reçoit 75 000 euros.\n\n"
            "Calendrier. Les travaux commenceront en mai.\n")
    got = mentions(text)
    assert got["réfection du pont de la Grave"].carriers == ["Commune de Montcabrier"], got
    assert got["rénovation de la salle polyvalente"].carriers == ["Commune de Lavercantière"], got


def test_one_place_lead_is_not_a_layout():
    got = mentions("Montcabrier. La réfection du pont de la Grave bénéficie de 48 000 €.")
    assert got["réfection du pont de la Grave"].carriers == [], got


def test_a_sentence_about_several_projects_names_none():
    got = mentions("Dotation 2021 : 1,2 million d'euros pour le canton. Tour d'horizon des principaux projets du secteur.")
    assert not any("projets" in n for n in got), got


DASH_TABLE = ("Dotation 2022 : les opérations retenues\n"
              "Sous-préfecture de Figeac – Publié le 2 mai 2022\n\n"
              "Les opérations ci-dessous sont subventionnées par l'État.\n\n"
              "{header}"
              "Cajarc-le-Bas — Rénovation du lavoir — 22 000 €\n"
              "Communauté de communes du Ségala Ouest — Extension de la crèche de Latronquière — 180 000 €\n"
              "Saint-Cirq-Madelon — Création d'une aire de jeux — 15 500 €\n")


@pytest.mark.parametrize("header", ["Bénéficiaire — Opération — Subvention\n", ""])
def test_a_table_written_with_dashes(header):
    got = mentions(DASH_TABLE.format(header=header))
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == {
        "Rénovation du lavoir": (0.022, ["Commune de Cajarc-le-Bas"]),
        "Extension de la crèche de Latronquière": (0.18, ["Communauté de communes du Ségala Ouest"]),
        "Création d'une aire de jeux": (0.0155, ["Commune de Saint-Cirq-Madelon"]),
    }, got


def test_a_header_puts_the_name_first():
    got = mentions("Projet — Porteur — Aide\n"
                   "Tiers-lieu de la gare — Commune de Lunan-le-Haut — 90 000 €\n"
                   "Jardin partagé des Aubépines — Association Les Aubépines — 12 000 €\n")
    assert set(got) == {"Tiers-lieu de la gare", "Jardin partagé des Aubépines"}, got
    assert got["Jardin partagé des Aubépines"].carriers == ["Association Les Aubépines"], got


def test_one_dash_line_is_no_table():
    got = mentions("Cajarc-le-Bas — Rénovation du lavoir — 22 000 €\n\nLe reste de l'article parle d'autre chose.")
    assert not any(m.rule == "table_row" for m in got.values()), got


@pytest.mark.parametrize("text, name, amount", [
    # passive works, what the building becomes; a sentence without an amount in between
    ("À Montfaucon-le-Haut, l'ancienne poste sera transformée en maison de santé. La commune y accueillera trois "
     "médecins. Le département lui attribue 150 000 €.", "maison de santé", 0.15),
    # passive works, the subject is the project
    ("Enfin, la halle aux grains de Lectoure-sur-Gers sera entièrement rénovée. Elle bénéficiera de 210 000 €.",
     "halle aux grains de Lectoure-sur-Gers", 0.21),
    # "rouvrira", and a capitalised article opening the proper name
    ("L'association Les Écrans du Causse rouvrira le cinéma Le Vox, fermé depuis dix ans. Ce projet, qui prévoit "
     "deux salles, est soutenu à hauteur de 260 000 €.", "cinéma Le Vox", 0.26),
])
def test_works_told_otherwise(text, name, amount):
    assert funded(text, name).amount_m_eur == amount


def test_a_scheme_introduced_by_name_is_no_project():
    got = mentions("Villages d'avenir : trois nouveaux projets soutenus dans le Gers\n\n"
                   "Le programme Villages d'avenir, piloté par l'Agence nationale de la cohésion des territoires, "
                   "accompagne les communes rurales. À Lectoure-sur-Gers, la halle aux grains sera rénovée. "
                   "Le programme lui attribue 210 000 €.")
    assert not any("avenir" in n.lower() for n in got), got
    assert "halle aux grains" in got, got


def test_a_funded_programme_stays_a_project():
    got = mentions("La Région portera le programme Écoles Sobres : la récupération des eaux de pluie dans douze "
                   "lycées. 2 M€ y sont consacrés.")
    assert any("Écoles Sobres" in n for n in got), got


def test_a_loan_to_the_commune_names_no_project():
    got = mentions("La Banque des Territoires y ajoutera un prêt de 400 000 € à la commune.")
    assert "commune" not in got, got


def test_laureate_of_a_named_call():
    # "X est lauréat de l'appel Y : N pour …": X is the project, Y the call, the purpose describes X
    got = mentions("Enfin, le laboratoire commun FORGEBAT, créé avec l'entreprise Pierres du Jura, est lauréat "
                   "de l'appel LabInnov : 310 000 € pour développer des mortiers recyclés.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"FORGEBAT": 0.31}, got


def test_a_pronoun_funded_after_a_defined_acronym():
    got = mentions("Le Campus des métiers de la forêt (CMF) réunit l'université et trois lycées. Il sera doté de "
                   "8 M€ sur six ans pour créer des formations en alternance.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Campus des métiers de la forêt": 8.0}, got


def test_a_laboratory_defined_by_its_acronym_is_a_body():
    got = mentions("Une chercheuse du Laboratoire des sols et des forêts (LSF) obtient 250 000 € pour SYLVA, "
                   "qui étudiera les sols forestiers.")
    assert "Laboratoire des sols et des forêts" not in got, got


def test_a_heading_names_the_project_before_its_frame():
    text = ("Deux succès pour nos laboratoires\n\n"
            "ORCHIS, dans le programme prioritaire Forêts\n\n"
            "Le projet ORCHIS, coordonné par l'université, reçoit 2,1 M€ pour étudier les orchidées.\n\n"
            "BRYON, lauréat de l'appel Jeunes chercheurs\n\n"
            "Le projet BRYON, porté par une doctorante de l'université, reçoit 300 000 €.\n")
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items() if m.amount_m_eur} == {"ORCHIS": 2.1, "BRYON": 0.3}, got


@pytest.mark.parametrize("title", ["Cap Villages : 12 nouveaux lauréats pour le fonds régional",
                                   "Cap Villages – Les lauréats 2022"])
def test_a_heading_that_announces_laureates_names_the_scheme(title):
    got = mentions(f"{title}\n\nLe programme Cap Villages a retenu la halle de Lunel-Viel. "
                   "Accueil > Actualités > Cap Villages\n\nLa rénovation de la halle de Lunel-Viel reçoit 90 000 €.")
    assert not any("Cap Villages" in n for n in got), got
    assert "rénovation de la halle de Lunel-Viel" in got, got


def test_their_project_named_after_a_possessive():
    got = mentions("Les gendarmes, enfin, verront leur projet Écho-Route soutenu à hauteur de près de 2 M€.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Écho-Route": 2.0}, got


def test_c_est_n_points_back_to_the_works_just_told():
    got = mentions("L'Agence nationale des titres sécurisés va refondre entièrement le parcours en ligne de demande "
                   "de carte grise. C'est 1,8 million d'euros du fonds.")
    assert [m.amount_m_eur for n, m in got.items() if n.startswith("parcours en ligne de demande")] == [1.8], got


def test_a_financing_plan_lists_funders_not_projects():
    got = mentions("Article 1 : Le plan de financement de la rénovation de la médiathèque de Lunel-Viel est arrêté "
                   "comme suit :\n- coût total de l'opération : 900 000 € HT ;\n- État, dotation de soutien : 300 000 € ;\n"
                   "- Région Occitanie, programme bâtiments durables : 150 000 € ;\n- autofinancement : 450 000 €.\n")
    assert not any("Région" in n or "programme" in n or "autofinancement" in n for n in got), got


@pytest.mark.parametrize("text, name, amount, carriers", [
    # the funder between the amount and its purpose
    ("La commune de Vallon-sur-Gée a obtenu une subvention de 120 000 € de l'État pour la rénovation de sa mairie.",
     "rénovation de sa mairie", 0.12, ["Commune de Vallon-sur-Gée"]),
    # a club is a body that receives, its works the project
    ("La somme de 80 000 € a été attribuée au club de rugby de Doué pour la rénovation des vestiaires.",
     "rénovation des vestiaires", 0.08, ["Club de rugby de Doué"]),
    # "Grâce à une subvention de N, la ville va pouvoir réhabiliter X"
    ("Grâce à une subvention de 500 000 €, la ville de Saumur va pouvoir réhabiliter le théâtre municipal.",
     "théâtre municipal", 0.5, ["Ville de Saumur"]),
])
def test_common_grant_phrasings(text, name, amount, carriers):
    got = funded(text, name)
    assert (got.amount_m_eur, got.carriers) == (amount, carriers)


def test_a_university_receives_for_its_programme():
    got = mentions("L'université de Tours se voit attribuer 2,3 M€ au titre de l'appel à projets Compétences "
                   "d'avenir pour son programme de formation aux métiers du numérique.")
    assert "université de Tours" not in got, got
    assert got["programme de formation aux métiers du numérique"].amount_m_eur == 2.3, got


def test_laureate_layouts_with_their_carriers():
    text = ("Les lauréats de l'appel à projets régional\n\n"
            "Le jury a retenu six projets :\n\n"
            "1) Agrivoltaïsme du Plateau – porté par la SCIC Énergies du Plateau – 420 000 €\n"
            "2) Tiers-lieu L'Atelier – porté par l'association Les Fabricants – 95 000 €\n\n"
            "• Réseau de bornes de recharge, porté par le syndicat d'énergie des Côtes-d'Armor : 310 000 €\n"
            "• Cantine bio de Lamballe, portée par la commune de Lamballe : 60 000 €\n\n"
            "Projet : Voie verte du Blavet\nPorteur : Département du Morbihan\nAide régionale : 280 000 €\n")
    got = {n: (m.amount_m_eur, m.carriers) for n, m in mentions(text).items()}
    assert got["Agrivoltaïsme du Plateau"] == (0.42, ["SCIC Énergies du Plateau"]), got
    assert got["Tiers-lieu L'Atelier"] == (0.095, ["Association Les Fabricants"]), got
    assert got["Réseau de bornes de recharge"] == (0.31, ["Syndicat d'énergie des Côtes-d'Armor"]), got
    assert got["Voie verte du Blavet"][0] == 0.28, got


@pytest.mark.parametrize("text, name, amount", [
    # a cost in parentheses, then the grant: the subject before the parenthesis, the grant its amount
    ("La rénovation de la salle Jean-Vilar (coût : 800 000 €) bénéficie d'une subvention de 320 000 €.",
     "rénovation de la salle Jean-Vilar", 0.32),
    # "dont M apportés par" the funder: its share of what the subject costs
    ("L'extension du gymnase de Riom coûtera 2,4 M€, dont 900 000 € apportés par l'État.",
     "extension du gymnase de Riom", 0.9),
    # "dont M pour X": one recipient's share of a programme's sum
    ("Le plan consacre 100 millions d'euros à la rénovation des bâtiments publics, dont 4,5 millions pour la "
     "cité administrative de Clermont-Ferrand.", "cité administrative de Clermont-Ferrand", 4.5),
])
def test_costs_totals_and_shares(text, name, amount):
    assert funded(text, name).amount_m_eur == amount
    assert all(m.amount_m_eur != 100.0 for m in mentions(text).values())


@pytest.mark.parametrize("text, name, carriers", [
    ("Porté par la direction interministérielle du numérique, le projet Ariane reçoit 2 M€.",
     "Ariane", ["Direction interministérielle du numérique"]),
    ("Le projet Boréal, piloté conjointement par la DGFiP, obtient 3 M€.",
     "Boréal", ["Direction générale des finances publiques"]),
])
def test_carriers_fronted_or_after_an_adverb(text, name, carriers):
    got = mentions(text)
    assert got[name].carriers == carriers, got


@pytest.mark.parametrize("text, name, amount", [
    # a passive funding verb without a comma; a fronted place; a common noun and its proper name
    ("Au CHU de Poitiers, le projet de nouvel hôpital Lusignan est soutenu à hauteur de 80 M€.",
     "nouvel hôpital Lusignan", 80.0),
    # the amount in an incise between the verb and its object
    ("Les crédits du plan financeront aussi, à hauteur de 3 M€, la modernisation de l'hôpital de Loches.",
     "modernisation de l'hôpital de Loches", 3.0),
])
def test_hospital_investment_phrasings(text, name, amount):
    assert funded(text, name).amount_m_eur == amount


def test_a_body_named_by_its_kind_after_porte_par():
    got = mentions("Je suis heureux de vous annoncer que le projet Vigie-Eau, porté par le syndicat des eaux du Vexin, "
                   "recevra 1,3 million d'euros.")
    assert got["Vigie-Eau"].carriers == ["Syndicat des eaux du Vexin"], got


@pytest.mark.parametrize("text, expected", [
    # an erratum: the corrected figure, not the one it replaces
    ("Erratum : le montant attribué au projet Némo était erroné. Il s'élève à 1,4 M€ et non à 4,1 M€.",
     {"Némo": 1.4}),
    # a project lead's post
    ("Fiers d'annoncer que notre projet VitiSense a été retenu par la Région ! Une subvention de 250 k€ va nous "
     "permettre de déployer nos capteurs.", {"VitiSense": 0.25}),
    # a timeline
    ("2022 : premiers lauréats, dont la plateforme Orchestra (2 M€). 2023 : deuxième vague, avec le portail "
     "Hermès (1,5 M€).", {"plateforme Orchestra": 2.0, "portail Hermès": 1.5}),
    # an audit: what was spent is not what was granted
    ("Le projet Pégase, doté initialement de 5 M€, n'a consommé que 3,2 M€ à la fin de 2022.", {"Pégase": 5.0}),
    # laureates by category
    ("Catégorie « Mobilité » : la navette autonome de Saint-Lys (1,1 M€). Catégorie « Énergie » : la centrale "
     "solaire citoyenne de Muret (650 000 €).",
     {"navette autonome de Saint-Lys": 1.1, "centrale solaire citoyenne de Muret": 0.65}),
])
def test_other_genres(text, expected):
    got = {n: m.amount_m_eur for n, m in mentions(text).items()}
    assert got == expected, got


def test_a_hospital_group_and_a_year_before_the_object():
    got = mentions("Le GHT Armor a réalisé en 2023 la première tranche du nouveau bâtiment de psychiatrie, financée "
                   "à hauteur de 7 millions d'euros par le Ségur.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"première tranche du nouveau bâtiment de psychiatrie": 7.0}, got


@pytest.mark.parametrize("text, name, amount", [
    # a possessed works noun alone: the subject it belongs to names the project
    ("Quant à la médiathèque de Lannion, elle recevra 250 000 € pour son extension.", "médiathèque de Lannion", 0.25),
    ("La halle de Tréguier recevra 90 000 € pour sa rénovation.", "halle de Tréguier", 0.09),
    # an ordinal and a name in apposition
    ("Nous avons retenu trois projets. Le premier, Agorasso, permettra aux associations de déclarer leurs "
     "subventions en ligne ; il recevra 700 000 €.", "Agorasso", 0.7),
])
def test_possessed_works_and_ordinals(text, name, amount):
    assert funded(text, name).amount_m_eur == amount

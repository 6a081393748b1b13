"""Prose structures of real press pages, in the project's own wording: works named after the
hospital or school they are for, carriers heading list items, colon enumerations read
from the dependency parse."""

import pytest

from pipeline.extract.article import extract_article
from pipeline.model import Article


def mentions(text: str) -> dict:
    return {m.name: m for m in extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-05-04")).mentions}


@pytest.mark.parametrize("text, name, carrier", [
    ("L'État portera à 60 millions d'euros sa part du projet de reconstruction du CHU de Brest, a dit la ministre.",
     "reconstruction du CHU de Brest", "Centre hospitalier universitaire de Brest"),
    ("Le projet d'extension de la cité scolaire Jules Ferry a été validé, avec 3 M€ de la Région.",
     "extension de la cité scolaire Jules Ferry", "Cité scolaire Jules Ferry"),
])
def test_works_named_after_their_institution(text, name, carrier):
    got = mentions(text)
    assert name in got, got
    assert got[name].carriers == [carrier]


@pytest.mark.parametrize("text, carriers", [
    # "- <administration> : <what it will do>": the head is the carrier, the rest the project
    ("Les administrations et projets retenus sont les suivants :\n"
     "- Le CHU de Caen : trier les appels d'urgence par l'IA ;\n"
     "- La communauté urbaine du Grand Annecy : prévoir l'affluence des déchetteries ;\n",
     {"trier les appels d'urgence par l'IA": ["Centre hospitalier universitaire de Caen"],
      "prévoir l'affluence des déchetteries": ["Communauté urbaine du Grand Annecy"]}),
    # "<administration>. — <title>" headings
    ("Huit projets seront accompagnés\n\n"
     "Centre hospitalier de Dax. — Prévoir les pics d'affluence aux urgences\n\n"
     "Un modèle lit les passages des années passées pour prévoir ceux de la semaine.\n",
     {"Prévoir les pics d'affluence aux urgences": ["Centre hospitalier de Dax"]}),
])
def test_items_headed_by_their_carrier(text, carriers):
    got = mentions(text)
    for name, want in carriers.items():
        assert got[name].carriers == want


@pytest.mark.parametrize("text, expected", [
    ("Les deux candidatures de la région ont été retenues : Marélia pour la pêche côtière et Voirium pour la voirie.",
     {"Marélia", "Voirium"}),
    ("Trois projets ont été sélectionnés : Tribox+ pour le tri, Quai@Num pour les ports, et Voirium.",
     {"Tribox+", "Quai@Num", "Voirium"}),
])
def test_colon_enumeration(text, expected):
    assert expected <= set(mentions(text))


def test_colon_after_criteria_is_no_enumeration():
    assert mentions("Les critères retenus : la sobriété, la sécurité et la simplicité.") == {}


def test_it_is_a_project_noun():
    text = ("La ministre a détaillé 2 M€ de soutien aux territoires. En pratique, il s'agit d'une application "
            "de signalement des nids-de-poule dans la communauté d'agglomération du Pays Basque.")
    got = mentions(text)
    name = "application de signalement des nids-de-poule"
    assert name in got, got
    assert got[name].carriers == ["Communauté d'agglomération du Pays Basque"]


def test_amount_unit_is_no_name():
    assert "M EUR de l'Etat" not in mentions("Hors les 75 M EUR de l'Etat, la future médiathèque sera payée par la ville.")


def test_envelope_of_the_one_named_project():
    got = mentions("Pour la Bretagne, le projet Marélia aidera la pêche côtière, avec une enveloppe de l'État de 12,5 M€.")
    assert got["Marélia"].amount_m_eur == 12.5


def test_envelope_shared_by_several_projects_stays_a_total():
    got = mentions("Le projet Marélia fait partie des 12 projets retenus, avec une enveloppe de l'État de 40 M€.")
    assert got["Marélia"].amount_m_eur is None


def test_numbered_project_and_its_subject():
    text = ("Quatre projets ont reçu 3 M€ au total. Le 1er projet, sur la détection des fuites des réseaux d'eau, "
            "sera mené par la ville.")
    assert "détection des fuites des réseaux d'eau" in mentions(text)


def test_new_project_of_works_on_a_school():
    got = mentions("La Région paiera 4 M€ pour un nouveau projet d'agrandissement du lycée Jules Ferry à Laval.")
    assert got["agrandissement du lycée Jules Ferry"].carriers == ["Lycée Jules Ferry"]


@pytest.mark.parametrize("text, unwanted", [
    # the participle's agent is who spends, not what is funded; and "a" is a word, not the
    # first letter of "agences"
    ("Cette année, 300 millions d'euros vont être alloués par les agences régionales de santé aux établissements.",
     "régionales de santé"),
    ("Cette année, 12 M€ ont été attribués par les antennes locales du fonds.", "ntennes locales du fonds"),
])
def test_agent_of_a_funding_participle_is_no_project(text, unwanted):
    got = mentions(text)
    assert not any(unwanted in n or n in unwanted for n in got), got


def test_participle_then_purpose_still_names_the_project():
    got = mentions("Au total, 4 M€ ont été attribués par le fonds au portail Orion de suivi des dossiers.")
    assert any("Orion" in n and m.amount_m_eur == 4.0 for n, m in got.items()), got


@pytest.mark.parametrize("acronym, words, strict, fits", [
    ("IA", "Intérêt sur l'intelligence artificielle", True, False),  # "intelligence" would give no letter
    ("IA", "intelligence artificielle", True, True),
    ("PEG", "Plateforme d'échange des greffes", True, True),  # small words may give no letter
    ("SEL", "Service en ligne", True, True),  # ... or one
    ("RCL", "registre consulaire en ligne", True, True),
    ("DSN", "Déclaration sociale et fiscale nominative", True, False),
    ("DSN", "Déclaration sociale et fiscale nominative", False, True),  # a name may hold more words than its acronym
])
def test_acronym_spelled_by_its_expansion(acronym, words, strict, fits):
    from pipeline.extract.context import acronym_fits
    assert acronym_fits(acronym, words, strict=strict) is fits


@pytest.mark.parametrize("text", [
    # the rest of the sentence says the amount funds a number of projects: an envelope
    "Près de 9 M€ ont été alloués à la montée en gamme des téléservices, permettant de financer 31 projets.",
])
def test_amount_that_funds_a_number_of_projects_is_no_ones(text):
    got = mentions(text)
    assert all(m.amount_m_eur is None for m in got.values()), got


def test_programme_named_in_quotes_is_a_project():
    got = mentions("Le ministère a présenté le coût du programme « Cellules connectées », qui s'élèverait à 40 millions d'euros.")
    assert "Cellules connectées" in got and got["Cellules connectées"].amount_m_eur == 40.0, got


def test_national_programme_in_quotes_stays_a_trap():
    got = mentions("La commune a rejoint le programme « Petites villes de demain », doté de 3 milliards d'euros.")
    assert not any("Petites villes" in n for n in got), got


@pytest.mark.parametrize("text, name, amount", [
    ("La commission permanente a adopté la réfection du pont de la route départementale 9, à hauteur de 52.300 euros, avant l'été.",
     "réfection du pont de la route départementale 9", 0.0523),
    ("La commission a approuvé l'aménagement du parvis de la mairie de Lons, pour un montant de 120 000 euros.",
     "aménagement du parvis de la mairie de Lons", 0.12),
])
def test_works_named_before_what_they_cost(text, name, amount):
    got = mentions(text)
    assert name in got and got[name].amount_m_eur == amount, got


def test_a_body_supported_up_to_an_amount_is_no_works():
    assert mentions("Le Département soutient la commune de Lons, à hauteur de 20 000 euros.") == {}


@pytest.mark.parametrize("text, name, amount, carriers", [
    # a place after "à" or "de" belongs to the name, it does not start one
    ("Parmi les projets soutenus figurent la création d'une maison de santé à Aubigny (450 000 €) et la rénovation "
     "de l'école Jules-Ferry de Vierzon (1,2 M€).", "création d'une maison de santé à Aubigny", 0.45, []),
    ("Deux projets bretons sont lauréats : le jumeau numérique du port de Brest, qui recevra 1,8 M€.",
     "jumeau numérique du port de Brest", 1.8, []),
    # an active verb of spending, then "dans"
    ("L'État investit 30 millions d'euros dans la rénovation énergétique de la cité administrative de Tours.",
     "rénovation énergétique de la cité administrative de Tours", 30.0, []),
    # the recipient carries, the purpose after it is the project
    ("La Région a décidé d'accorder une subvention de 800 000 euros à la commune de Figeac pour la construction d'un nouveau gymnase.",
     "construction d'un nouveau gymnase", 0.8, ["Commune de Figeac"]),
    # "permettra à ORG de <verbe> X"
    ("Ce financement de 4 millions d'euros permettra à Pôle emploi de déployer son outil d'aide au diagnostic.",
     "outil d'aide au diagnostic", 4.0, ["Pôle emploi"]),
    # the object after "financera à hauteur de N €"
    ("Le FTAP financera à hauteur de 2,4 millions d'euros le projet de refonte du système d'information des greffes.",
     "refonte du système d'information des greffes", 2.4, []),
    # a body whose works the sentence announces, the amount given through "y"
    ("Le lycée Jean-Monnet de Blois sera entièrement rénové : la Région y consacre 18 millions d'euros.",
     "lycée Jean-Monnet de Blois", 18.0, ["Lycée Jean-Monnet de Blois"]),
    # one project, not the hospital and its purpose apart; "l'hôpital" with its elided article
    ("Le centre hospitalier de Cholet va recevoir 12 millions d'euros pour moderniser ses urgences.",
     "centre hospitalier de Cholet", 12.0, ["Centre hospitalier de Cholet"]),
    ("Dans l'Aude, l'hôpital de Carcassonne obtient 7,5 millions d'euros au titre du Ségur pour rénover son service de psychiatrie.",
     "service de psychiatrie", 7.5, ["Centre hospitalier de Carcassonne"]),
])
def test_prose_phrasings_of_funded_works(text, name, amount, carriers):
    got = mentions(text)
    assert name in got, got
    assert got[name].amount_m_eur == amount and got[name].carriers == carriers, got[name]
    assert len(got) == (2 if "Vierzon" in text else 1), got


@pytest.mark.parametrize("text, expected", [
    # carrier and amount in one parenthesis, items after a selection
    ("Parmi les lauréats de cette deuxième vague : Dossier médical numérique (AP-HP, 2 M€), Signal Conso (DGCCRF, 1,1 M€) "
     "et Mon espace santé (CNAM, 4 M€).",
     {"Dossier médical numérique": 2.0, "Signal Conso": 1.1, "Mon espace santé": 4.0}),
    # "X, porté par ORG, est financé à hauteur de …": the subject before the incise, named by its works
    ("Le projet de numérisation du cadastre, porté par la DGFiP, est financé à hauteur de 8 millions d'euros.",
     {"numérisation du cadastre": 8.0}),
    # a school named "collège <Nom> d'<Lieu>" stays whole
    ("Trois collèges du département seront reconstruits : le collège Pasteur de Lens (14 M€), le collège Curie d'Arras (11 M€) "
     "et le collège Hugo de Béthune (9 M€).",
     {"collège Pasteur de Lens": 14.0, "collège Curie d'Arras": 11.0, "collège Hugo de Béthune": 9.0}),
    # a fronted topic and a verb of giving
    ("Pour le projet de tramway de Caen, l'État apporte une subvention de 23 millions d'euros.", {"tramway de Caen": 23.0}),
    # a feminine participle, a recipient named by its kind, then the purpose
    ("Une subvention de 1,2 million d'euros a été accordée au syndicat mixte pour l'extension du réseau de chaleur de Grenoble.",
     {"extension du réseau de chaleur de Grenoble": 1.2}),
    # an active selection verb before the colon
    ("La DINUM a sélectionné trois projets : une plateforme de signalement des violences et un outil de prévision des crues.",
     {"plateforme de signalement des violences": None, "outil de prévision des crues": None}),
])
def test_more_prose_phrasings(text, expected):
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == expected, got


def test_carrier_in_the_parenthesis():
    got = mentions("Parmi les lauréats : Signal Conso (DGCCRF, 1,1 M€) et Mon espace santé (CNAM, 4 M€).")
    assert got["Signal Conso"].carriers == ["Direction générale de la concurrence, de la consommation et de la répression des fraudes"]
    assert got["Mon espace santé"].carriers == ["Caisse nationale de l'assurance maladie"]


def test_markdown_table_cells_lose_their_outer_pipes():
    got = mentions("| Projet | Porteur | Montant |\n|---|---|---|\n| Zeta | DGFiP | 5 M€ |\n| Eta | Insee | 2 M€ |\n")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Zeta": 5.0, "Eta": 2.0}, got


def test_carrier_in_parentheses_after_a_listed_name():
    got = mentions("Les projets retenus sont les suivants :\n- Beta Connect (ministère de la Culture) : 1,5 M€\n"
                   "- Plateforme Alpha (ministère de l'Intérieur) : 3 M€\n")
    assert got["Beta Connect"].carriers == ["Ministère de la Culture"], got
    assert "Plateforme Alpha" in got, got


def test_owner_after_a_named_project_carries_it():
    got = mentions("Lauréat du fonds, le projet Iota de l'Urssaf, doté de 6 millions d'euros, automatisera le recouvrement.")
    assert list(got) == ["Iota"] and got["Iota"].amount_m_eur == 6.0, got
    assert got["Iota"].carriers == ["Union de recouvrement des cotisations de sécurité sociale et d'allocations familiales"]


def test_ceiling_given_to_every_laureate():
    text = ("Les douze lauréats de l'appel bénéficieront d'un appui en ingénierie pouvant aller jusqu'à 250 000 €.\n\n"
            "Dans la région, deux projets ont été retenus :\n\n- Rivage Plus, porté par la Région Bretagne ;\n"
            "- Port Vivant, porté par la ville de Lorient.\n")
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.amount_qualifier) for n, m in got.items()} == {
        "Rivage Plus": (0.25, "max"), "Port Vivant": (0.25, "max")}, got


def test_a_total_shared_by_laureates_is_no_ones():
    text = ("Les douze lauréats se partagent 3 M€.\n\nDans la région, deux projets ont été retenus :\n\n"
            "- Rivage Plus, porté par la Région Bretagne ;\n- Port Vivant, porté par la ville de Lorient.\n")
    got = mentions(text)
    assert got and all(m.amount_m_eur is None for m in got.values()), got


@pytest.mark.parametrize("text, expected", [
    # lower-case words that the acronym after them spells belong to the name; a sentence that
    # defines an acronym is worth the model even without an amount
    ("Depuis janvier, le programme Télésanté en prison (TEP) suscite des critiques. Il a coûté 12 millions d'euros.",
     {"Télésanté en prison": (12.0, "exact")}),
    # a common word quoted for emphasis is no name
    ("C'est un projet « exemplaire », estime la préfète, et l'État y consacre 3 M€.", {}),
    # "débloqués pour"
    ("Côté Lot, 410.000 euros sont débloqués pour le chantier du Pont Valentré à Cahors.",
     {"chantier du Pont Valentré à Cahors": (0.41, "exact")}),
    # "fléchés vers"
    ("Au moins 150 millions d'euros sont fléchés directement vers la ligne Hydra, selon la préfecture.",
     {"ligne Hydra": (150.0, "min")}),
    # the increase is a lower bound; the aid given in the next sentence is the award
    ("L'État va augmenter de 20 millions d'euros son soutien au projet de reconstruction du CHU de Brest. "
     "L'aide de l'État atteindra ainsi 95 millions d'euros.",
     {"reconstruction du CHU de Brest": (95.0, "exact")}),
])
def test_names_and_amounts_of_real_page_shapes(text, expected):
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.amount_qualifier) for n, m in got.items()} == expected, got


def test_a_capitalised_noun_after_a_comma_is_the_next_name_not_an_apposition():
    got = mentions("Le fonds a permis quelques réussites : Démarches Pro, Alerte-Conso, la Base Nationale des Rues, etc.")
    assert "Alerte-Conso" not in got, got
    got = mentions("Parmi les lauréats, Hélios, une chaîne de calcul des impôts, reçoit 2 M€.")
    assert "Hélios" in got, got


def test_an_acronym_defining_bodies_in_the_plural_is_no_project():
    got = mentions("Pour ces projets, les centres communaux d'action sociale (CCAS) seront associés.")
    assert not any("centres" in n.lower() for n in got), got


def test_named_programme_stops_before_a_glued_joining_word():
    got = mentions("Le programme LiDAR HD de l'IGN a reçu 2 M€.")
    assert list(got) == ["LiDAR HD"], got


def test_a_named_project_and_its_acronym_take_the_sentence_amount_once():
    got = mentions("Dans les prisons, le programme Télésanté en prison (TEP), piloté par la direction de "
                   "l'administration pénitentiaire du ministère de la Justice, bénéficiera de 6,1 M€.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Télésanté en prison": 6.1}, got


@pytest.mark.parametrize("text, expected", [
    # a name given with "baptisé" folds the description and its amount into it
    ("Le ministère de la Culture a obtenu 2,1 M€ pour son projet de numérisation des archives nationales, baptisé Mémoria.",
     {"Mémoria": 2.1}),
    # a name wrapped in quotes is named without them
    ("Ce dispositif, baptisé « Alerte Canicule », est financé à hauteur de 600 000 euros par le fonds.", {"Alerte Canicule": 0.6}),
    # an envelope for one works
    ("Le conseil régional a débloqué une enveloppe de 3 millions d'euros destinée à la rénovation thermique du lycée agricole de Tulle.",
     {"rénovation thermique du lycée agricole de Tulle": 3.0}),
    # "Grâce aux N €, ORG va <verbe> X"
    ("Grâce aux 5 millions d'euros du fonds, la CNAF va refondre son simulateur de droits.", {"simulateur de droits": 5.0}),
    # each name ends before the next amount
    ("Dans le détail, l'enveloppe se répartit ainsi : 1,2 M€ pour la plateforme Omega, 800 000 € pour l'application Sigma "
     "et 500 000 € pour le portail Tau.", {"Omega": 1.2, "Sigma": 0.8, "Tau": 0.5}),
    # "soutiendra X à hauteur de N €"
    ("L'Ademe soutiendra la construction d'une chaufferie biomasse à Millau à hauteur de 1,3 million d'euros.",
     {"construction d'une chaufferie biomasse à Millau": 1.3}),
])
def test_regional_press_phrasings(text, expected):
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == expected, got


def test_an_envelope_for_several_projects_stays_a_total():
    got = mentions("La Région a débloqué une enveloppe de 3 millions d'euros destinée aux projets des lycées, dont le lycée Pasteur.")
    assert all(m.amount_m_eur is None for m in got.values()), got


@pytest.mark.parametrize("text, expected", [
    # a receiving verb before "une enveloppe de N" / "N sur trois ans": the frame, not a total
    ("Lauréat de l'appel, le Cerema a reçu une enveloppe de 1,4 M€ afin de développer un outil de suivi des ponts.",
     {"outil de suivi des ponts": 1.4}),
    ("Retenu par le jury, le projet Cassiopée de la Chancellerie recevra 12 millions d'euros sur trois ans.",
     {"Cassiopée": 12.0}),
    # a hospital funded with no works named is the project, with its amount
    ("L'hôpital de Cahors touchera 12 millions d'euros dans le cadre du Ségur de la santé.", {"hôpital de Cahors": 12.0}),
    # ... and with works named, the works are, carried by the hospital
    ("Le CHU d'Angers va bénéficier de 45 millions d'euros pour la reconstruction de ses urgences.",
     {"reconstruction de ses urgences": 45.0}),
    # a count before the colon introduces the list; the amounts in parentheses are the items'
    ("Le fonds a retenu trois projets : Orion (1 M€), Véga (2 M€) et Lyra (0,5 M€).", {"Orion": 1.0, "Véga": 2.0, "Lyra": 0.5}),
    # the noun phrase inside a relative incise is not what is funded
    ("Le projet Hermès, qui vise à automatiser le traitement des amendes, sera financé à hauteur de 8 millions d'euros.",
     {"Hermès": 8.0}),
    # a capitalised complement ("en Ehpad") and the agent of "porté par" are inside the subject
    ("Le projet de téléconsultation en Ehpad porté par l'ARS Occitanie a obtenu un financement de 700 000 €.",
     {"téléconsultation en Ehpad": 0.7}),
    ("Le projet d'agrandissement de la médiathèque de Riom, estimé à 8 millions d'euros, est subventionné à hauteur "
     "de 2 millions d'euros par l'État.", {"agrandissement de la médiathèque de Riom": 2.0}),
    ("L'État finance la construction d'une nouvelle gendarmerie à Dijon pour un montant de 7 millions d'euros.",
     {"construction d'une nouvelle gendarmerie à Dijon": 7.0}),
    # what the amount "servira à" / "ira à"
    ("La subvention de l'État, de 3 millions d'euros, servira à la construction d'une nouvelle caserne de pompiers à Montbrison.",
     {"construction d'une nouvelle caserne de pompiers à Montbrison": 3.0}),
    ("Ces 2 millions d'euros iront principalement au réaménagement du port de Camaret.", {"réaménagement du port de Camaret": 2.0}),
    # the amount as the subject of "financer"
    ("À Challans, 420 000 € financeront l'extension du groupe scolaire des Marais.",
     {"extension du groupe scolaire des Marais": 0.42}),
    ("Pour la création du campus numérique de Brest, l'État met sur la table 15 millions d'euros.",
     {"campus numérique de Brest": 15.0}),
])
def test_recipient_and_frame_phrasings(text, expected):
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == expected, got


@pytest.mark.parametrize("text, expected", [
    # "Lauréat du X," is a role, not a second name; the owner's name may end after the capitals
    ("Lauréat du fonds, le projet Tremplin de Pôle emploi est doté de 5 M€.", {"Tremplin": (5.0, ["Pôle emploi"])}),
    ("Ce sont 2 millions d'euros qui seront investis dans la rénovation du gymnase de Montluçon.",
     {"rénovation du gymnase de Montluçon": (2.0, [])}),
    # a list item's amount in parentheses is not part of its name
    ("Les communes aidées :\n- Commune de Saint-Flour : rénovation de la mairie (120 000 €)\n"
     "- Commune d'Aurillac : extension de la crèche (300 000 €)\n",
     {"rénovation de la mairie": (0.12, ["Commune de Saint-Flour"]), "extension de la crèche": (0.3, ["Commune d'Aurillac"])}),
])
def test_names_end_where_their_owner_or_amount_starts(text, expected):
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == expected, got


@pytest.mark.parametrize("text, expected", [
    # a body named by its kind and its own name carries the purpose after it
    ("Le Département accorde 120 000 euros au syndicat des eaux du Val pour le renouvellement d'une conduite.",
     {"renouvellement d'une conduite": (0.12, ["Syndicat des eaux du Val"])}),
    # the hospital funded and the works its amount is "destinés à": one project, carried by the hospital
    ("Le centre hospitalier du Mans reçoit la plus grosse part, avec 30 millions d'euros destinés à la "
     "modernisation de son plateau technique.",
     {"modernisation de son plateau technique": (30.0, ["Centre hospitalier du Mans"])}),
])
def test_recipient_bodies_carry_the_purpose(text, expected):
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == expected, got


def test_items_with_other_bullets_are_named_without_them():
    got = mentions("Les projets retenus :\n• La rénovation de la piscine de Guéret : 1,2 M€\n"
                   "• La création d'une maison de santé à Bourganeuf : 650 000 €\n")
    assert {n: m.amount_m_eur for n, m in got.items()} == {
        "rénovation de la piscine de Guéret": 1.2, "création d'une maison de santé à Bourganeuf": 0.65}, got


SECTIONS = ("Les projets soutenus cette année\n\n"
            "1. Sirène Pro\n\nPorté par l'Insee, ce service ouvrira le répertoire aux entreprises. Montant accordé : 2,1 M€.\n\n"
            "2. Atelier des territoires\n\nLa plateforme, pilotée par l'Agence nationale de la cohésion des territoires, recevra 1,4 M€.\n")


def test_short_headings_opening_a_paragraph_about_a_funded_project():
    got = mentions(SECTIONS)
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == {
        "Sirène Pro": (2.1, ["Institut national de la statistique et des études économiques"]),
        "Atelier des territoires": (1.4, ["Agence nationale de la cohésion des territoires"]),
    }, got


@pytest.mark.parametrize("text", [
    # one section only: an article's headline above its paragraph
    "Sirène Pro\n\nPorté par l'Insee, ce service ouvrira le répertoire aux entreprises. Montant accordé : 2,1 M€.\n",
    # news intertitles, numbered or not
    "Des travaux dès l'été\n\nLe chantier coûtera 2 M€.\n\nUne ouverture en 2025\n\nLa salle, estimée à 1 M€, ouvrira en mai.\n",
    "1. Le plus utile : la navette\n\nLa navette, financée à hauteur de 300 000 €, roule depuis mai.\n\n"
    "2. Les équipes changent d'échelle\n\nLe fonds, piloté par la DINUM, a reçu 2 M€ de plus.\n",
])
def test_no_section_projects_from_a_headline_or_intertitles(text):
    got = mentions(text)
    assert not any(m.rule == "headed_section" for m in extract_article(
        Article(id="t", path="t.txt", text=text, published_on="2021-05-04")).mentions), got


def test_a_commune_column_names_the_commune_that_carries_each_row():
    text = ("Les projets retenus dans le département\n\n| Commune | Projet | Montant |\n| --- | --- | --- |\n"
            "| Aurillac | Rénovation énergétique de la médiathèque | 650 000 € |\n"
            "| Mauriac | Réhabilitation de la halle du marché | 210 000 € |\n")
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == {
        "Rénovation énergétique de la médiathèque": (0.65, ["Commune d'Aurillac"]),
        "Réhabilitation de la halle du marché": (0.21, ["Commune de Mauriac"]),
    }, got


@pytest.mark.parametrize("text, expected", [
    # a fronted participle funds the subject after the comma
    ("Dotée de 2 M€, la future plateforme Rénov'Info aidera les ménages à rénover leur logement.",
     {"future plateforme Rénov'Info": 2.0}),
    # the sentence after a lone amount says what it funds
    ("Le montant de l'aide s'élève à 450 000 euros. Elle permettra de financer la rénovation de la salle des fêtes de Murat.",
     {"rénovation de la salle des fêtes de Murat": 0.45}),
    ("La subvention atteint 450 000 euros. Elle permettra de rénover la salle des fêtes de Murat.",
     {"salle des fêtes de Murat": 0.45}),
    # "au financement de X": X is funded
    ("Le conseil régional participe à hauteur de 1,1 M€ au financement de la nouvelle gare routière de Millau.",
     {"nouvelle gare routière de Millau": 1.1}),
])
def test_fronted_and_following_purposes(text, expected):
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == expected, got


def test_a_place_joined_by_es_stays_whole():
    got = mentions("La commune de Riom-ès-Montagnes a obtenu 300 000 € pour la rénovation de sa piscine municipale.")
    assert [m.carriers for m in got.values()] == [["Commune de Riom-ès-Montagnes"]], got


@pytest.mark.parametrize("text, carrier", [
    ("À titre d'illustration, la Lozère toucherait 31 000 euros afin de créer un service d'alerte des éleveurs.",
     "Conseil départemental de la Lozère"),
    ("Le Gers obtiendra 40 000 euros pour créer un portail des aides sociales.", "Conseil départemental du Gers"),
])
def test_a_departement_named_by_its_place_carries_what_it_receives(text, carrier):
    got = mentions(text)
    assert [m.carriers for m in got.values()] == [[carrier]], got


def test_what_the_assembly_votes_is_carried_by_its_collectivity():
    text = ("La commission permanente du Conseil départemental du Cantal s'est réunie lundi.\n"
            "Enfin, les élus ont voté la réfection du pont de Vic, à hauteur de 42 000 euros.")
    got = mentions(text)
    assert {n: m.carriers for n, m in got.items()} == {"réfection du pont de Vic": ["Conseil départemental du Cantal"]}, got


def test_numbered_laureates_whose_names_open_with_an_article():
    # "Le Fournil …", "Une ludothèque …": news intertitles open so too, but they are not
    # numbered entries each followed by the grant of its paragraph.
    text = ("Appel à projets « Villages actifs » : les lauréats\n\n"
            "1. Le Fournil de Montcabrier\n\nLa commune rouvrira la boulangerie fermée en 2019. Elle reçoit 30 000 €.\n\n"
            "2. Une ludothèque itinérante\n\nUne camionnette aménagée passera dans douze villages. Aide : 14 500 €.\n\n"
            "3. Les Ateliers du lin\n\nL'ancienne filature accueillera des artisans. Subvention : 41 000 euros.\n")
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == {
        "Fournil de Montcabrier": 0.03, "ludothèque itinérante": 0.0145, "Ateliers du lin": 0.041}, got


@pytest.mark.parametrize("text, expected", [
    # a prefecture's grants by commune: "- <Commune> : <works> – <amount>"
    (("Dotation de soutien à l'investissement local : les opérations retenues\n\n"
            "Le préfet a arrêté la liste suivante :\n"
            "- Pont-l'Évêque-sur-Dives : réfection de la toiture de la salle des fêtes – 84 000 € ;\n"
            "- Saint-Hilaire-du-Bois : création d'un cheminement piéton vers l'école – 126 500 € ;\n"
            "- Communauté de communes du Pays de la Rance : extension de la crèche intercommunale – 310 000 € ;\n"
            "- Maisons-sous-Roches : mise aux normes de la cantine – 58 000 €.\n"), {
        "réfection de la toiture de la salle des fêtes": (0.084, ["Commune de Pont-l'Évêque-sur-Dives"]),
        "création d'un cheminement piéton vers l'école": (0.1265, ["Commune de Saint-Hilaire-du-Bois"]),
        "extension de la crèche intercommunale": (0.31, ["Communauté de communes du Pays de la Rance"]),
        "mise aux normes de la cantine": (0.058, ["Commune de Maisons-sous-Roches"]),
    }),
    # a regional health agency's release: "N. <body> – <works>", then the aid under a cost
    (("Investissement hospitalier : trois opérations validées\n\n"
            "1. Centre hospitalier de Pontbriand – extension de la maternité\n\n"
            "Le chantier ajoutera douze chambres. Coût total : 21 millions d'euros. L'agence apporte 7 millions "
            "d'euros sur quatre ans.\n\n"
            "2. CHU de Morlanne – rénovation des blocs opératoires\n\n"
            "Six salles seront remises aux normes. Aide de l'agence : 3,5 millions d'euros.\n\n"
            "3. Groupement hospitalier Vallée-Verte – plateforme de télésurveillance\n\n"
            "Un outil commun suivra les patients chroniques à domicile. Aide de l'agence : 900 000 €.\n"), {
        "extension de la maternité": (7.0, ["Centre hospitalier de Pontbriand"]),
        "rénovation des blocs opératoires": (3.5, ["Centre hospitalier universitaire de Morlanne"]),
        "plateforme de télésurveillance": (0.9, ["Groupement hospitalier Vallée-Verte"]),
    }),
], ids=["list-by-commune", "sections-headed-by-a-body"])
def test_layouts_that_name_the_carrier_before_the_works(text, expected):
    got = mentions(text)
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == expected, got


@pytest.mark.parametrize("text", [
    # named projects described after the colon: the head is the project, not a place
    "Les projets retenus :\n- Data-Pêche : un outil de suivi des quotas – 1,2 M€ ;\n"
    "- Hub-Archives : une plateforme de versement – 800 000 € ;\n- Pass-Sport : un guichet unique – 600 000 €.\n",
    # one item by commune only
    "Les projets retenus :\n- Saint-Aubin-des-Prés : rénovation de l'école – 200 000 € ;\n"
    "- Sirène Pro : un service de répertoire – 2 M€.\n",
])
def test_no_list_by_commune(text):
    assert not any(c.startswith("Commune ") for m in mentions(text).values() for c in m.carriers)


def test_lone_bullets_between_paragraphs_are_headings():
    # the cleaner writes a numbered heading "2. X" as "- X"; each alone between paragraphs
    text = ("Appel à projets « Villages actifs » : les lauréats\n"
            "Le jury a retenu trois dossiers.\n"
            "- Le Fournil de Montcabrier\nLa commune rouvrira la boulangerie fermée en 2019. Elle reçoit 30 000 €.\n"
            "- Une ludothèque itinérante\nUne camionnette aménagée passera dans douze villages. Aide : 14 500 €.\n"
            "- Les Ateliers du lin\nL'ancienne filature accueillera des artisans. Subvention : 41 000 euros.\n")
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == {
        "Fournil de Montcabrier": 0.03, "ludothèque itinérante": 0.0145, "Ateliers du lin": 0.041}, got


@pytest.mark.parametrize("text, not_a_name", [
    ("Lundi, la sous-préfecture a annoncé que le village toucherait plus de 90 000 euros de l'État pour la réfection "
     "du lavoir.", "Lundi"),
    ("Le montant est versé sous forme de subvention (600 000 €) et d'avance remboursable (400 000 €).",
     "forme de subvention"),
    ("Le programme 352 « Innovation et territoires » porte 40 M€ de crédits.", "Innovation et territoires"),
    ("L'appel comporte un volet « Petites communes », doté de 2 M€.", "volet « Petites communes »"),
])
def test_words_that_are_no_project(text, not_a_name):
    assert not_a_name not in mentions(text)


def test_a_fronted_participle_clause_is_not_the_subject():
    got = mentions("Le projet Solaris couvrira de panneaux les toits du campus. "
                   "Coordonné par le pôle immobilier, il reçoit 1,8 million d'euros sur trois ans.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Solaris": 1.8}, got


def test_a_hospital_funded_for_its_own_works_names_the_project():
    got = mentions("Dans la vallée, l'hôpital de proximité de Roquelaure-sur-Gers obtient environ 9 millions "
                   "d'euros pour sa reconstruction sur une parcelle cédée par la commune.")
    assert {n: (m.amount_m_eur, m.carriers) for n, m in got.items()} == {
        "hôpital de proximité de Roquelaure-sur-Gers": (9.0, ["Centre hospitalier de Roquelaure-sur-Gers"])}, got


def test_an_infinitive_alone_is_no_name():
    got = mentions("Le gymnase de Vauclair ne répond plus aux normes. La Région a annoncé mardi une aide de 2 M€ "
                   "pour le rénover, sur un chantier chiffré à 5 M€.")
    assert "rénover" not in got, got


def test_a_measured_object_stays_in_the_name():
    got = mentions("Le syndicat des rivières reçoit une aide de 90 000 euros pour la plantation de 8 kilomètres "
                   "de ripisylve le long du ruisseau.")
    assert list(got) == ["plantation de 8 kilomètres de ripisylve"], got


def test_a_name_in_apposition_right_before_the_verb_is_the_subject():
    got = mentions("Plus modeste, l'outil de suivi des contrôles sanitaires de la préfecture de région, "
                   "Sentinelle-Abattoirs, obtient un peu plus de 2 millions d'euros.")
    assert {n: m.amount_m_eur for n, m in got.items()} == {"Sentinelle-Abattoirs": 2.0}, got


def test_the_subject_of_a_laureates_paragraph_carries_it():
    text = ("Les lauréats du budget participatif\n"
            "- La Ressourcerie du Val\nÀ Sainte-Colombe, l'association Les Trois Tiroirs ouvrira une boutique de réemploi. "
            "Aide : 18 000 €.\n"
            "- Le four à pain communal\nLa commune de Montferrand-le-Bas rallumera le four de la place. Elle reçoit 9 000 €.\n"
            "- Le verger conservatoire\nPorté par la SARL Pommes d'Antan, le verger comptera 200 arbres. Subvention : 12 000 €.\n")
    got = mentions(text)
    assert {n: m.carriers for n, m in got.items()} == {
        "Ressourcerie du Val": ["Association Les Trois Tiroirs"],
        "four à pain communal": ["Commune de Montferrand-le-Bas"],
        "verger conservatoire": ["Pommes d'Antan"],
    }, got


@pytest.mark.parametrize("text, not_a_name", [
    ("La ville de Lunel a reçu 300 000 € de la dotation d'équipement des territoires ruraux (DETR).",
     "de la dotation d'équipement des territoires ruraux"),
    ("Plan de financement :\n- Coût total de l'opération : 2 400 000 €\n- Autofinancement et emprunt : 900 000 €\n"
     "- Certificats d'économies d'énergie : 100 000 €\n", "Autofinancement et emprunt"),
])
def test_counts_frames_and_financing_lines_are_no_project(text, not_a_name):
    got = mentions(text)
    assert not_a_name not in got and not any(n.lower().startswith(("coût", "certificats")) for n in got), got


def test_a_fiche_reads_its_amount_after_other_fields():
    text = ("Les dossiers soutenus\n"
            "Création d'une noue paysagère rue des Prés\n"
            "Porteur : commune de Vellexon-sur-Saône\n"
            "Axe : gestion des eaux pluviales\n"
            "Montant de la subvention : 74 000 €\n"
            "Extension du réseau de chaleur du quartier des Forges\n"
            "Porteur : commune de Grandvelle-la-Forge\n"
            "Axe : chaleur renouvelable\n"
            "Montant de la subvention : 410 000 €\n")
    got = mentions(text)
    assert {n: m.amount_m_eur for n, m in got.items()} == {
        "Création d'une noue paysagère rue des Prés": 0.074,
        "Extension du réseau de chaleur du quartier des Forges": 0.41}, got

"""Clean stage: boilerplate removal, line format, HTML cascade, seeds."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.clean.cleaner import (
    CleanDoc,
    clean_html,
    clean_text,
    line_key,
    load_data,
    match_line,
    strip_site_suffix,
    token_hit,
    tokens_of,
)

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "data" / "clean"
SHARED = HERE.parents[0].parent / "shared"

TITLE = "Transformation publique : douze projets financés en 2019"
LEAD = (
    "Le comité de pilotage a retenu douze projets portés par les ministères et leurs opérateurs, "
    "pour un total de 71 millions d'euros répartis sur trois ans."
)
BODY = (
    "Le plus gros chèque revient au guichet unique des aides agricoles, doté de 12,5 M€, "
    "devant un outil de prévision des crues conçu par le service central d'hydrométéorologie."
)
MORE = (
    "La gendarmerie obtient de son côté 8,6 M€ pour un logiciel d'aide à la rédaction des "
    "procédures, testé dans trois départements avant sa généralisation prévue en 2021."
)
LONG = (
    "Les porteurs devront rendre compte de l'avancement de leurs projets tous les six mois devant "
    "la direction interministérielle, qui publiera un tableau de bord des résultats obtenus pour les "
    "usagers et les agents, ainsi que le détail des économies constatées au terme de chaque année "
    "de mise en œuvre."
)


def page(*lines: str) -> str:
    """A plain-text article: title, lead, the given lines, then a closing paragraph."""
    return "\n\n".join([TITLE, LEAD, *lines, BODY])


def kept_lines(doc: CleanDoc) -> list[str]:
    return doc.text.split("\n")


# --------------------------------------------------------------------------- line rules

# Real-looking boilerplate lines from French news sites, ministry pages and PDF press kits.
BOILERPLATE_LINES: list[tuple[str, str]] = [
    ("advertising", "PUBLICITÉ"),
    ("advertising", "Contenu sponsorisé"),
    ("share_end", "Partagez cet article :"),
    ("share", "Partager sur LinkedIn"),
    ("share", "Partagez par e-mail"),
    ("share", "Suivez-nous sur les réseaux sociaux"),
    ("share", "Partager : Facebook | Twitter | WhatsApp | E-mail"),
    ("share", "Facebook · Twitter · LinkedIn"),
    ("page_tools", "Taille du texte A- A+"),
    ("page_tools", "Temps de lecture : 4 min"),
    ("page_tools", "Lecture 3 min"),
    ("page_tools", "Imprimer | Envoyer par e-mail | Taille du texte"),
    ("paywall", "Vous avez lu 3 articles gratuits ce mois-ci."),
    ("paywall", "Profitez de notre offre découverte à 1 € le premier mois"),
    ("paywall", "Abonnez-vous pour lire la suite de cet article"),
    ("paywall", "Pour lire la suite, connectez-vous"),
    ("paywall", "Subscribe today to read the full story and our archive."),
    ("paywall", "To continue reading this article, please subscribe."),
    ("paywall", "Kostenlos registrieren und weiterlesen"),
    ("paywall", "Suscríbete y apoya el periodismo local"),
    ("comments", "12 commentaires"),
    ("comments", "0 réaction"),
    ("comments", "Laisser un commentaire"),
    ("comments", "Réagissez à cet article"),
    ("comments", "Soyez le premier à réagir"),
    ("comments", "Cette page vous a-t-elle été utile ?"),
    ("comments", "Rédiger un commentaire..."),
    ("login", "Vous devez être inscrit pour réagir."),
    ("login", "Cliquez ici pour vous inscrire"),
    ("login", "Pas encore abonné ? Découvrez nos offres"),
    ("login", "Déjà abonné ? Identifiez-vous"),
    ("login", "Connectez-vous pour commenter"),
    ("newsletter", "Inscrivez-vous gratuitement à notre newsletter quotidienne"),
    ("newsletter", "La lettre d'information du ministère"),
    ("newsletter", "Abonnez-vous à nos alertes"),
    ("newsletter", "Recevez la lettre de la transformation publique"),
    ("newsletter", "La lettre d'Acteurs Publics"),
    ("newsletter", "Inscrivez-vous pour recevoir nos alertes"),
    ("newsletter", "Je m'abonne"),
    ("newsletter", "Follow the Herald on Facebook and Instagram for daily updates"),
    ("newsletter", "Zapraszamy też do subskrypcji naszego serwisu"),
    ("newsletter", "Recevez chaque semaine notre sélection"),
    ("related_inline", "À lire aussi : Le fonds de transformation rouvre ses candidatures"),
    ("related_inline", "LIRE AUSSI > Budget 2022, les crédits de la mission en hausse"),
    ("related_inline", "Vous aimerez aussi : « Cinq ans de réforme de l'État »"),
    ("related_inline", "» Voir aussi : notre dossier sur la relance"),
    ("further_info", "Pour en savoir plus :"),
    ("download", "Télécharger le rapport annuel"),
    ("download", "Rapport d'activité 2020 (PDF, 2,3 Mo)"),
    ("download", "Dossier de presse - PDF - 845 Ko"),
    ("cta", "Retrouvez l'ensemble des lauréats sur le site du ministère"),
    ("cta", "Découvrez-les en vidéo"),
    ("cta", "Découvrez la liste des projets retenus"),
    ("cta", "Consultez le dossier de presse"),
    ("cta", "Accéder au formulaire de candidature"),
    ("form", "Tous les champs sont obligatoires"),
    ("form", "Les champs marqués d'une * sont requis"),
    ("form", "Coordonnées de votre destinataire"),
    ("form", "Votre adresse électronique *"),
    ("form", "Recopiez le captcha"),
    ("navigation", "Accueil > Actualités > Communiqués"),
    ("navigation", "Accueil / Presse"),
    ("navigation", "Vous êtes ici : Accueil"),
    ("navigation", "Page 2 sur 5"),
    ("navigation", "Aller à la navigation"),
    ("navigation", "Rechercher dans le site"),
    ("print_layout", "Les projets lauréats ............ 4"),
    ("print_layout", "Dossier de presse – FTAP | page 7"),
    ("print_layout", "Rapport annuel - page 12 / 40"),
    ("print_layout", "Liberté • Égalité • Fraternité"),
    ("print_layout", "RÉPUBLIQUE FRANÇAISE"),
    ("photo_credit", "© Jean Dupont / Ouest Images"),
    ("photo_credit", "Crédit photo : Préfecture du Cher"),
    ("photo_credit", "Photo : DR"),
    ("photo_credit", "Illustration : Adobe Stock"),
    ("photo_credit", "Source image : ministère des Armées"),
    ("photo_credit", "(c) Ville de Tours"),
    ("photo_credit", "Copyright Agence Hans Lucas"),
    ("photo_credit", "Foto: Stadtarchiv Freiburg"),
    ("photo_credit", "Crédits photos : Agence Vues d'en haut"),
    ("photo_credit", "Image : Agence de l'eau"),
    ("copyright", "Le Journal du Centre © 2021 – Mentions légales"),
    ("copyright", "Tous droits réservés"),
    ("copyright", "Reproduction interdite sans autorisation"),
    ("taxonomy", "Tags : FTAP, numérique, préfecture"),
    ("taxonomy", "Mots-clés : transformation publique"),
    ("taxonomy", "Catégorie : Actualités"),
    ("taxonomy", "Rubrique : Territoires"),
    ("taxonomy", "Étiquettes : DITP, DINUM"),
    ("agency_byline", "(AFP)"),
    ("agency_byline", "Avec Reuters"),
    ("agency_byline", "mpf/abl/ide"),
    ("contact_press", "Contacts presse :"),
    ("contact_press", "Service de presse du ministère"),
    ("contact_press", "Relations presse"),
]

# Content lines that share words with boilerplate and must stay.
CONTENT_LINES = [
    "Ministère de la Justice, direction des services judiciaires",
    "Guichet numérique du permis de chasser",
    "Projet Sillage : 1,25 M€",
    "1,4 M€",
    "2021",
    "Publié le 12 mars 2021",
    "Le 3 novembre 2021",
    "Mis à jour le 4 avril 2022",
    "Par Claire Martin, à Rennes",
    "Partager les données entre administrations, une priorité",
    "Partage de données : un chantier interministériel",
    "Retrouver la confiance des usagers",
    "Découvrir les métiers du numérique public",
    "Accueil des usagers en préfecture : 2,1 M€",
    "Politique de la ville : 3 M€ pour les quartiers",
    "Publicité foncière : la DGFiP dématérialise ses fichiers",
    "Sondage d'opinion : 72 % des usagers satisfaits",
    "Crédit d'impôt recherche : un dispositif évalué",
    "Source : ministère de l'Action et des Comptes publics.",
    "Emploi : 20 M€ pour l'intelligence artificielle",
    "Les commentaires des syndicats ont été nombreux lors de la concertation.",
    "Télécharger ses justificatifs deviendra possible pour tous les usagers dès janvier, grâce à un "
    "nouveau coffre-fort numérique accessible depuis le portail unique.",
    "Projet | Porteur | Montant (M€)",
    "E-Contacts Plus : un assistant virtuel",
    "Agence régionale de santé Grand Est",
]


def rule_entries() -> list[tuple[str, str]]:
    return [(r.name, rx.pattern) for r in load_data().rules for rx in r.regex]


def exact_entries() -> list[tuple[str, str]]:
    return [(r.name, e) for r in load_data().rules for e in sorted(r.exact)]


@pytest.mark.parametrize("rule, line", BOILERPLATE_LINES)
def test_boilerplate_line_matches_its_rule(rule: str, line: str) -> None:
    hit = match_line(line)
    assert hit is not None and hit.rule.name == rule


@pytest.mark.parametrize("rule, line", BOILERPLATE_LINES)
def test_boilerplate_line_leaves_the_page(rule: str, line: str) -> None:
    # At the end of the article: a tail marker would also take what follows it.
    doc = clean_text("\n\n".join([TITLE, LEAD, BODY, line]))
    assert kept_lines(doc) == [TITLE, LEAD, BODY]
    assert (rule, line) in doc.dropped


def test_every_regex_is_exercised() -> None:
    hit = {(m.rule.name, m.entry) for _, line in BOILERPLATE_LINES if (m := match_line(line))}
    # Whole-line parts of a link bar report the part's own entry.
    missing = [e for e in rule_entries() if e not in hit and e[0] not in ("section_label",)]
    assert not missing


@pytest.mark.parametrize("rule, label", exact_entries())
def test_every_exact_label_matches_as_written_on_pages(rule: str, label: str) -> None:
    # Labels come capitalised, in capitals, with a colon, an ellipsis or a bullet.
    for variant in (label, label.upper(), f"{label} :", f"{label}…", f"• {label}", f"*{label}*"):
        hit = match_line(variant)
        assert hit is not None and hit.rule.name == rule, variant


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_line_is_not_boilerplate(line: str) -> None:
    assert match_line(line) is None


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_line_survives_cleaning(line: str) -> None:
    assert line in kept_lines(clean_text(page(line)))


@pytest.mark.parametrize("line", ["Partager", "Publicité", "Imprimer cet article", "×"])
def test_max_words_lets_long_sentences_through(line: str) -> None:
    sentence = f"{line} ne figure pas dans ce long paragraphe qui décrit un projet financé par le fonds."
    assert match_line(sentence) is None


def test_line_key_folds_case_accents_apostrophes_and_decoration() -> None:
    assert line_key("  « À lire aussi » :  ") == "a lire aussi"
    assert line_key("J’accepte…") == "j'accepte"
    assert line_key("©\u00a0DR") == "© dr"


# --------------------------------------------------------------------------- special rules


@pytest.mark.parametrize("label", ["Publicité", "PUBLICITÉ", "Advertisement"])
def test_glued_ad_label_is_stripped(label: str) -> None:
    doc = clean_text(page(f"{label}Le préfet a signé la convention de financement lundi."))
    assert "Le préfet a signé la convention de financement lundi." in kept_lines(doc)
    assert label not in doc.text
    assert ("advertising", label) in doc.dropped


def test_glued_label_needs_a_capital_after_it() -> None:
    doc = clean_text(page("Publicitéux n'est pas un mot."))
    assert "Publicitéux n'est pas un mot." in doc.text


PRIVACY_BLOCK = [
    "Les informations recueillies sur ce formulaire sont enregistrées par l'éditeur conformément à notre "
    "politique de confidentialité.",
    "Elles sont destinées au service abonnements et à nos prestataires techniques ; vos données seront "
    "conservées trois ans.",
    "Le remplissage des champs marqués d'un astérisque est nécessaire au traitement de votre demande.",
]


def test_privacy_notice_block_goes_with_its_lines_lacking_the_key_phrase() -> None:
    doc = clean_text("\n".join([TITLE, LEAD, *PRIVACY_BLOCK, BODY]))
    for line in PRIVACY_BLOCK:
        assert line not in doc.text
    assert [why for why, text in doc.dropped if text in PRIVACY_BLOCK] == ["privacy"] * 3


def test_privacy_block_split_by_blank_lines_still_goes() -> None:
    doc = clean_text(page(*PRIVACY_BLOCK))
    assert not any(line in doc.text for line in PRIVACY_BLOCK)


@pytest.mark.parametrize(
    "line",
    [
        "Le Health Data Hub doit réunir les données personnelles de santé issues des hôpitaux "
        "et de l'Assurance maladie.",
        "La CNIL a rendu un avis favorable sur le traitement, sous réserve d'un chiffrement renforcé.",
        "Les données collectées par les drones serviront à instruire les permis de construire.",
    ],
)
def test_news_paragraph_about_data_stays(line: str) -> None:
    assert line in kept_lines(clean_text(page(line)))


@pytest.mark.parametrize(
    "notice",
    [
        "En poursuivant votre navigation, vous acceptez le dépôt de cookies tiers.",
        "Nous utilisons vos données pour personnaliser nos contenus et mesurer l'audience.",
        "Vous disposez d'un droit d'accès, de rectification et d'opposition sur vos informations.",
        "Pour exercer vos droits, écrivez au délégué à la protection des données du groupe.",
        "Vous pouvez gérer vos choix à tout moment depuis le lien en bas de page.",
        "Ce site dépose des traceurs publicitaires avec votre accord.",
        "Nous traitons vos données personnelles pour vous envoyer la lettre.",
    ],
)
def test_privacy_notice_line_goes_alone(notice: str) -> None:
    doc = clean_text(page(notice))
    assert notice not in doc.text
    assert ("privacy", notice) in doc.dropped


def test_every_privacy_pattern_is_exercised() -> None:
    notices = [
        "En poursuivant votre navigation, vous acceptez le dépôt de cookies tiers.",
        "Nous utilisons vos données pour personnaliser nos contenus et mesurer l'audience.",
        "Vous disposez d'un droit d'accès, de rectification et d'opposition sur vos informations.",
        "Pour exercer vos droits, écrivez au délégué à la protection des données du groupe.",
        "Vous pouvez gérer vos choix à tout moment depuis le lien en bas de page.",
        "Ce site dépose des traceurs publicitaires avec votre accord.",
        "Nous traitons vos données personnelles pour vous envoyer la lettre.",
        "Consultez la politique de protection des données de l'éditeur.",
        "Vos données à caractère personnel ne sont jamais revendues.",
    ]
    weak = [
        "Les données à caractère personnel sont traitées par le service.",
        "Vos données sont hébergées en France.",
        "Les données recueillies ne sont transmises à aucun tiers.",
        "Les champs suivis d'un astérisque sont indispensables.",
        "Conformément au RGPD, la liste est tenue à jour.",
        "Le traitement de votre demande prend deux jours.",
    ]
    data = load_data()
    keys = [line_key(t) for t in notices]
    assert all(any(rx.search(k) for k in keys) for rx in data.privacy_strong)
    keys = [line_key(t) for t in weak]
    assert all(any(rx.search(k) for k in keys) for rx in data.privacy_weak)
    assert not any(rx.search(k) for rx in data.privacy_strong for k in keys)


def test_poll_takes_its_question() -> None:
    question = "Faut-il généraliser les guichets numériques dans les préfectures ?"
    doc = clean_text(page("Question du jour", question, "Oui", "Non"))
    assert question not in doc.text
    assert ("poll", question) in doc.dropped


def test_question_without_poll_label_stays() -> None:
    question = "Faut-il généraliser les guichets numériques dans les préfectures ?"
    assert question in kept_lines(clean_text(page(question)))


def test_dated_headline_run_goes() -> None:
    headlines = [
        "- Mende : la maison France Services déménage - 12/02/2021",
        "- Aubrac : le bureau de poste menacé – 3 février 2021",
    ]
    doc = clean_text("\n".join([TITLE, LEAD, BODY, *headlines]))
    assert "Mende" not in doc.text and "Aubrac" not in doc.text
    assert [why for why, _ in doc.dropped] == ["headline_list", "headline_list"]


def test_dated_list_followed_by_prose_is_content() -> None:
    timeline = ["- Appel à projets lancé - 12/02/2018", "- Premiers lauréats annoncés - 20/06/2018"]
    doc = clean_text("\n".join([TITLE, LEAD, *timeline, BODY]))
    assert kept_lines(doc) == [TITLE, LEAD, *timeline, BODY]


def test_single_dated_headline_goes_only_at_the_end() -> None:
    line = "Conseil régional : séance plénière - 12/02/2021"
    assert line in clean_text("\n".join([TITLE, LEAD, line, BODY])).text
    assert line not in clean_text("\n".join([TITLE, LEAD, BODY, line])).text


@pytest.mark.parametrize("line", ["×", "* * *", "—", "|", "■"])
def test_lines_without_letters_or_digits_go(line: str) -> None:
    doc = clean_text(page(line))
    assert ("no_letters", line) in doc.dropped


def test_repeated_line_goes_once() -> None:
    doc = clean_text("\n\n".join([TITLE, TITLE, LEAD]))
    assert kept_lines(doc) == [TITLE, LEAD]
    assert ("duplicate", TITLE) in doc.dropped


# --------------------------------------------------------------------------- head zone


@pytest.mark.parametrize("label", sorted({e for r, e in exact_entries() if r == "section_label"}))
def test_section_label_goes_above_the_body_only(label: str) -> None:
    text = "\n".join([label, TITLE, LEAD, label.capitalize(), BODY])
    doc = clean_text(text)
    assert kept_lines(doc) == [TITLE, LEAD, label.capitalize(), BODY]


@pytest.mark.parametrize(
    "bar",
    [
        "Budget | Fiscalité | Comptes publics | Collectivités",
        "Verdun · Bar-le-Duc · Commercy · Saint-Mihiel",
        "Mon compte | Boutique | Le journal numérique",
    ],
)
def test_menu_bar_above_the_body_goes(bar: str) -> None:
    doc = clean_text("\n".join([bar, TITLE, LEAD, BODY]))
    assert ("menu", bar) in doc.dropped


def test_table_header_is_not_a_menu() -> None:
    rows = ["Projet | Porteur | Montant", "Sillage | Direction des pêches | 1,25"]
    doc = clean_text("\n".join([TITLE, *rows, LEAD]))
    assert kept_lines(doc)[1:3] == rows


def test_menu_like_line_inside_the_body_stays() -> None:
    line = "Justice | Intérieur | Armées"
    assert line in clean_text("\n".join([TITLE, LEAD, line, BODY])).text


# --------------------------------------------------------------------------- tail zone


def test_tail_drops_everything_after_a_strong_marker() -> None:
    text = "\n".join(
        [TITLE, LEAD, BODY, "Commentaires", "Jeanne M.", "Très bonne initiative pour nos campagnes !", "Répondre"]
    )
    doc = clean_text(text)
    assert kept_lines(doc) == [TITLE, LEAD, BODY]
    assert ("tail:comments", "Jeanne M.") in doc.dropped


def test_tail_ends_when_two_prose_paragraphs_follow() -> None:
    doc = clean_text("\n".join([TITLE, LEAD, "Partager cet article", "Sous-titre perdu", BODY, MORE]))
    assert kept_lines(doc) == [TITLE, LEAD, BODY, MORE]


def test_tail_ends_at_one_long_prose_paragraph() -> None:
    doc = clean_text("\n".join([TITLE, LEAD, "À lire aussi", "Un autre titre", LONG]))
    assert kept_lines(doc) == [TITLE, LEAD, LONG]


def test_lone_promotional_paragraph_in_the_tail_stays_out() -> None:
    doc = clean_text("\n".join([TITLE, LEAD, BODY, "Sur le même sujet", MORE, "Voir plus"]))
    assert kept_lines(doc) == [TITLE, LEAD, BODY]


def test_marker_before_the_body_does_not_open_a_tail() -> None:
    doc = clean_text("\n".join([TITLE, "Partager cet article", "Paris, le 4 mars 2021", LEAD, BODY]))
    assert kept_lines(doc) == [TITLE, "Paris, le 4 mars 2021", LEAD, BODY]


def test_further_info_opens_a_tail_only_before_downloads() -> None:
    alone = clean_text("\n".join([TITLE, LEAD, "Pour en savoir plus :", "Ministère des Armées", BODY]))
    assert kept_lines(alone) == [TITLE, LEAD, "Ministère des Armées", BODY]
    downloads = clean_text(
        "\n".join([TITLE, LEAD, "Pour en savoir plus :", "Liste des lauréats 2021", "Télécharger", MORE])
    )
    assert kept_lines(downloads) == [TITLE, LEAD]


def test_short_project_lines_before_any_marker_stay() -> None:
    laureates = [
        "Liste des lauréats :",
        "Hydroscope",
        "Ministère de la Transition écologique",
        "Scribe",
        "Direction générale de la gendarmerie nationale",
    ]
    doc = clean_text("\n\n".join([TITLE, LEAD, *laureates, BODY]))
    assert kept_lines(doc) == [TITLE, LEAD, *laureates, BODY]


# --------------------------------------------------------------------------- plain-text format


def test_wrapped_lines_are_joined() -> None:
    text = "Le fonds finance\ndes projets portés par\nles ministères.\nIls seront suivis."
    assert clean_text(text).text == "Le fonds finance des projets portés par les ministères.\nIls seront suivis."


@pytest.mark.parametrize(
    "text",
    [
        "Les lauréats\nLe comité a choisi.",  # next line starts with a capital
        "Trois critères :\nla qualité du service.",  # the line ends a block
        "Une phrase finie.\nsuite en minuscule.",
        "Un titre\n\nparagraphe après une ligne vide.",
        "Les points :\n- un item\n- un autre",
    ],
)
def test_lines_that_are_not_wrapped_stay_apart(text: str) -> None:
    assert clean_text(text).text.count("\n") == len([t for t in text.split("\n") if t]) - 1


def test_wrapped_list_item_continues() -> None:
    doc = clean_text("• un guichet unique pour\nles agriculteurs ;")
    assert doc.text == "- un guichet unique pour les agriculteurs ;"


def test_line_end_break_joins_lines() -> None:
    assert clean_text("un système bé-\nnéfique pour tous").text == "un système bénéfique pour tous"


@pytest.mark.parametrize("bullet", load_data().bullets)
def test_every_bullet_makes_a_list_item(bullet: str) -> None:
    assert clean_text(f"Les projets :\n{bullet} Hydroscope, 9,4 M€").text == "Les projets :\n- Hydroscope, 9,4 M€"


@pytest.mark.parametrize("line", ["1. Hydroscope", "12) Hydroscope", "a) Hydroscope"])
def test_numbered_lines_are_list_items(line: str) -> None:
    assert clean_text(line).text == "- Hydroscope"


@pytest.mark.parametrize("line", ["-5 % de dépenses", "2021. Une année", "*Note : chiffres provisoires"])
def test_dash_or_number_without_space_is_not_a_bullet(line: str) -> None:
    assert not clean_text(line).text.startswith("- ")


def test_whitespace_is_collapsed_and_typography_kept() -> None:
    raw = "  \t« Le projet\u00a0»\u202f: 3,6\u00a0M€ –\tl’État  \n\n\n   \nFin.  "
    doc = clean_text(raw)
    assert doc.text == "« Le projet » : 3,6 M€ – l’État\nFin."


def test_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Ministère de l'Économie")
    assert clean_text(decomposed).text == "Ministère de l'Économie"


def test_invisible_characters_are_removed() -> None:
    assert clean_text("\ufeffPréfecture\u200b du Cher").text == "Préfecture du Cher"


@pytest.mark.parametrize(
    "top, expected",
    [
        ([TITLE], TITLE),
        (["Le Journal de l'Estuaire", "Le 4 mars 2021", TITLE], TITLE),  # site name, dateline, headline
        (["Publié le 4 mars 2021 à 10h30", "Douze projets retenus"], "Douze projets retenus"),
        (["Douze projets retenus", "Le 4 mars 2021"], "Douze projets retenus"),  # short, but alone
        (["- un item de liste plutôt long pour un titre"], None),
        ([], None),
    ],
)
def test_text_title(top: list[str], expected: str | None) -> None:
    assert clean_text("\n".join([*top, LEAD, BODY])).title == expected


def test_empty_text() -> None:
    assert clean_text("").title is None and clean_text("").text == ""


def test_output_has_no_empty_or_padded_lines() -> None:
    doc = clean_text(page("", "   ", "\t", "Publicité", "  Ligne de contenu  "))
    assert all(line and line == line.strip() for line in kept_lines(doc))


# --------------------------------------------------------------------------- HTML: fixtures


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


NEWS_KEEP = [
    "Lozère : l'État finance un bus numérique pour les villages",
    "La préfecture de la Lozère obtient 800 000 € du fonds national de modernisation",
    "Trois autres projets lozériens à l'étude",
    "- la numérisation des archives communales, estimée à 0,3 M€.",
    "Le carrossier, une entreprise familiale",
    "Permanence du bus :\nMairie de Nasbinals\nChaque mardi de 9 h à 12 h",
]
NEWS_DROP = [
    "cookies",
    "Tout accepter",
    "Marvejols",
    "Mon compte",
    "Accueil",
    "Facebook",
    "Publicité",
    "À lire aussi",
    "Recevez l'essentiel",
    "couvre l'actualité économique",
    "Services publics\n",
    "commentaires",
    "il était temps",
    "Sur le même sujet",
    "12/02/2021",
    "Mentions légales",
    "trackPageView",
    "min-height",
]


def test_news_page() -> None:
    doc = clean_html(fixture("news_page.html"))
    assert doc.title == "Lozère : l'État finance un bus numérique pour les villages"
    for snippet in NEWS_KEEP:
        assert snippet in doc.text, snippet
    for snippet in NEWS_DROP:
        assert snippet not in doc.text, snippet
    assert doc.text.split("\n")[0] == doc.title  # the kicker above the title went
    assert ("section_label", "Économie") in doc.dropped
    # a picture's caption that names no project, amount or grant goes (html.drop_captions)
    assert ("content:caption", "Le véhicule sera aménagé par un carrossier de Langogne.") in doc.dropped
    # the page's metadata dates it: the byline and dateline above the body leave the text
    assert ("head_meta", "Par Margaux Teissier — Publié le 4 mars 2021") in doc.dropped


def test_ministry_press_release() -> None:
    doc = clean_html(fixture("ministry_release.html"))
    assert doc.title == "Sept projets de transformation retenus en Occitanie"
    lines = kept_lines(doc)
    assert lines[:3] == ["Communiqué de presse", doc.title, "Publié le 18 novembre 2021"]
    assert (
        "- Guichet agricole unique de l'Aveyron, porté par la direction départementale des territoires : 0,9 M€."
        in lines
    )
    assert "Les projets retenus" in lines
    assert lines[-1].startswith("Les porteurs de projets seront accompagnés")
    for gone in ("Liberté", "Aller au contenu", "Partager", "Copier", "masqué", "Télécharger", "Retrouvez",
                 "Contact presse", "04 00", "Plan du site"):
        assert gone not in doc.text, gone


def test_laureates_table_page() -> None:
    doc = clean_html(fixture("laureates_table.html"))
    lines = kept_lines(doc)
    assert lines[0] == "Les lauréats 2020 et leurs montants"
    assert "Projets retenus en février 2020" in lines
    assert "Projet | Porteur | Montant (M€)" in lines
    assert "Dossier unique de l'enfant placé | Ministère de la Justice | 6,3" in lines
    assert "Atlas des compétences | Ministère de l'Action et des Comptes publics DGAFP | 2,8" in lines
    assert "Lab'Creuse | Préfecture de la Creuse |" in lines
    assert lines[-1].startswith("Source : conventions de financement")
    assert "| |" not in doc.text  # the all-empty row went
    for gone in ("Fiscalité", "Notre observatoire", "Suivant"):
        assert gone not in doc.text


# --------------------------------------------------------------------------- HTML: title


@pytest.mark.parametrize(
    "head, body, expected",
    [
        ('<meta property="og:title" content="Titre Open Graph">', "<h1>Titre H1</h1>", "Titre Open Graph"),
        ("<title>Titre | Site</title>", "<h1>Titre\n  H1</h1>", "Titre H1"),
        ("<title>Douze projets retenus | Ministère de l'Économie</title>", "", "Douze projets retenus"),
        ("<title>Douze projets retenus par le fonds - Le Monde</title>", "", "Douze projets retenus par le fonds"),
        ("<title>FTAP - les lauréats de la session</title>", "", "FTAP - les lauréats de la session"),
        ("", "<p>Sans titre</p>", None),
    ],
)
def test_html_title(head: str, body: str, expected: str | None) -> None:
    assert clean_html(f"<html><head>{head}</head><body>{body}</body></html>").title == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Vigie Littoral : 650 000 € pour la DDTM – Le Télégramme", "Vigie Littoral : 650 000 € pour la DDTM"),
        ("Actualités :: Préfecture du Morbihan", "Actualités :: Préfecture du Morbihan"),
        ("Budget 2022 : les crédits de la mission · Public Sénat", "Budget 2022 : les crédits de la mission"),
        ("Douze projets | Ministère de la Transformation et de la Fonction publiques", "Douze projets"),
        ("Sans séparateur", "Sans séparateur"),
    ],
)
def test_strip_site_suffix(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


# --------------------------------------------------------------------------- HTML: removal


def article_with(extra: str) -> str:
    return (
        f"<html><body><div><h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p>"
        f"{extra}</div></body></html>"
    )


DROP_TAG_CASES = {
    "script": "<script>window.dataLayer = [];</script>",
    "style": "<style>.chapo { font-weight: bold }</style>",
    "noscript": "<noscript>Activez JavaScript pour lire la vidéo</noscript>",
    "template": "<template><p>Modèle de carte article</p></template>",
    "nav": "<nav><a href='/'>Accueil</a> <a href='/dossiers'>Dossiers</a></nav>",
    "aside": "<aside><p>Le chiffre du jour : 42 % des agents en télétravail</p></aside>",
    "form": "<form><label>Votre adresse électronique</label></form>",
    "button": "<button>Afficher les réponses</button>",
    "iframe": "<iframe src='x'>Votre navigateur ne peut pas afficher la carte</iframe>",
    "svg": "<svg><title>Logo de la République</title></svg>",
    "input": "<input value='Rechercher un article'>",
    "select": "<select><option>Choisir une région</option></select>",
    "textarea": "<textarea>Votre commentaire ici</textarea>",
    "object": "<object data='carte.swf'>Carte interactive indisponible</object>",
    "embed": "<embed src='x' title='Lecteur audio'>",
    "canvas": "<canvas>Graphique des crédits engagés</canvas>",
    "dialog": "<dialog><p>Êtes-vous sûr de vouloir quitter la page ?</p></dialog>",
    "video": "<video>Votre navigateur ne lit pas cette vidéo</video>",
    "audio": "<audio>Écouter le podcast de la rédaction</audio>",
    "map": "<map><area alt='Carte des départements'>Carte des départements</map>",
    # ruby annotations: the reading of the characters they sit on, not text of the article
    "rt": "<rt>prononciation des caractères</rt>",
    "rp": "<rp>(parenthèse de repli)</rp>",
}


@pytest.mark.parametrize("tag", sorted(DROP_TAG_CASES))
def test_drop_tags(tag: str) -> None:
    doc = clean_html(article_with(DROP_TAG_CASES[tag]))
    assert kept_lines(doc) == [TITLE, LEAD, BODY]
    assert any(why == f"tag:{tag}" for why, _ in doc.dropped)


def test_every_drop_tag_is_tested() -> None:
    assert load_data().drop_tags == set(DROP_TAG_CASES)


@pytest.mark.parametrize("role", sorted(load_data().drop_roles))
def test_drop_roles(role: str) -> None:
    doc = clean_html(article_with(f"<div role='{role}'><p>Zone de page {role} à ignorer</p></div>"))
    assert "à ignorer" not in doc.text
    assert any(why == f"role:{role}" for why, _ in doc.dropped)


def test_page_header_and_footer_go_but_the_article_header_stays() -> None:
    html = (
        "<html><body><header><p>Le Quotidien des Territoires</p></header>"
        f"<article><header><h1>{TITLE}</h1><p>Publié le 4 mars 2021</p></header><p>{LEAD}</p><p>{BODY}</p>"
        "<footer><p>Article rédigé avec l'appui de notre correspondant local.</p></footer></article>"
        "<footer><p>Qui sommes-nous ? Nous contacter</p></footer></body></html>"
    )
    lines = kept_lines(clean_html(html))
    signature = "Article rédigé avec l'appui de notre correspondant local."
    assert lines == [TITLE, "Publié le 4 mars 2021", LEAD, BODY, signature]


@pytest.mark.parametrize(
    "attrs",
    ["hidden", "aria-hidden='true'", "style='display: none'", "style='visibility:hidden'"],
)
def test_hidden_elements_go(attrs: str) -> None:
    doc = clean_html(article_with(f"<p {attrs}>Texte réservé aux robots d'indexation</p>"))
    assert "robots" not in doc.text


# Real class, id and aria-label values, one or more per drop token.
TOKEN_CASES: list[tuple[str, str]] = [
    ("consent", "fr-consent-banner"),
    ("cookie*", "cookieNotice"),
    ("rgpd", "bandeau-rgpd"),
    ("gdpr", "gdpr-overlay"),
    ("didomi", "didomi-host"),
    ("tarteaucitron", "tarteaucitronRoot"),
    ("onetrust", "onetrust-banner-sdk"),
    ("share", "article__share"),
    ("shares", "post-shares"),
    ("sharing", "sharing-tools"),
    ("sharebar", "sharebar"),
    ("sharethis", "sharethis-widget"),
    ("addthis", "addthis_toolbox"),
    ("partag*", "Partager sur Facebook"),
    ("social*", "socialLinks"),
    ("reseaux-sociaux", "bloc-reseaux-sociaux"),
    ("newsletter*", "newsletterSignup"),
    ("subscribe*", "subscribe-form"),
    ("subscription", "subscription-cta"),
    ("abonnement*", "encart-abonnement"),
    ("comment", "comment-respond"),
    ("comments", "comments-area"),
    ("commentaire*", "bloc-commentaires"),
    ("disqus", "disqus_thread"),
    ("related*", "relatedPosts"),
    ("a-lire", "bloc-a-lire"),
    ("lire-aussi", "encadre-lire-aussi"),
    ("read-more", "read-more-box"),
    ("readmore", "readmore"),
    ("sur-le-meme-sujet", "sur-le-meme-sujet"),
    ("meme-sujet", "articles-meme-sujet"),
    ("recommand*", "recommandations"),
    ("recommend*", "recommended-for-you"),
    ("outbrain", "OUTBRAIN"),
    ("taboola", "taboola-below-article"),
    ("breadcrumb*", "fr-breadcrumb"),
    ("ariane", "Fil d'Ariane"),
    ("^ad", "ad-slot"),
    ("^ads", "ads_container"),
    ("advert*", "advertisement"),
    ("adsense", "adsense-block"),
    ("^pub", "pub-haut"),
    ("publicite", "bloc-publicite"),
    ("sponsor*", "sponsored-content"),
    ("promo", "promo-banner"),
    ("tags", "article-tags"),
    ("tag-list", "tag-list"),
    ("tagcloud", "tagcloud"),
    ("mots-cles", "mots-cles"),
    ("pagination", "pagination"),
    ("pager", "pager-nav"),
    ("author-bio", "author-bio"),
    ("author-box", "author-box"),
    ("about-author", "about-author"),
    ("sidebar", "sidebar-right"),
    ("popup", "popup-overlay"),
    ("skip-link*", "skip-links"),
    ("skiplink*", "skiplinks"),
    ("navbar", "navbar-top"),
    ("menu", "menu-principal"),
    ("most-read", "most-read"),
    ("plus-lus", "les-plus-lus"),
    ("trending", "trending-now"),
    ("print", "print-button"),
    ("imprimer", "lien-imprimer"),
    ("copyright", "copyright-note"),
    ("credit", "photo-credit"),
    ("credits", "image-credits"),
    ("author-info", "author-info"),
    ("author-description", "author-description"),
    ("about-the-author", "about-the-author"),
    ("rating", "article-rating"),
    ("post-navigation", "post-navigation"),
]


@pytest.mark.parametrize("token, value", TOKEN_CASES)
def test_drop_token_matches_real_class_names(token: str, value: str) -> None:
    assert token_hit([value], load_data().drop_tokens) == token


def test_every_drop_token_is_tested() -> None:
    assert {t for t, _ in TOKEN_CASES} == set(load_data().drop_tokens)


@pytest.mark.parametrize(
    "value",
    ["shareholder-info", "site-header", "article-pub-date", "publication", "advantage", "badge", "padding",
     "commentary", "menuiserie", "tagline", "printemps", "chapo", "content", "article-body", "accreditation",
     "author", "ratings-table"],
)
def test_words_containing_a_token_do_not_match(value: str) -> None:
    assert token_hit([value], load_data().drop_tokens) is None


def test_tokens_split_on_case_and_punctuation() -> None:
    assert tokens_of("articleShare-bar__item") == ["article", "share", "bar", "item"]
    assert tokens_of("Fil d’Ariane") == ["fil", "d", "ariane"]


def test_class_removal_is_reported() -> None:
    doc = clean_html(article_with("<div class='article-share'><a>Facebook</a></div>"))
    assert ("class:share", "Facebook") in doc.dropped


@pytest.mark.parametrize(
    "wrapper",
    [
        "<div class='post has-sidebar'>{}</div>",  # holds the h1
        "<div class='content comments-open'>{}</div>",
    ],
)
def test_class_guard_keeps_the_article_wrapper(wrapper: str) -> None:
    inner = f"<h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p>"
    doc = clean_html(f"<html><body>{wrapper.format(inner)}</body></html>")
    assert kept_lines(doc) == [TITLE, LEAD, BODY]


def test_class_guard_keeps_an_element_holding_most_of_the_text() -> None:
    html = f"<html><body><h1>{TITLE}</h1><div class='comments-enabled'><p>{LEAD}</p><p>{BODY}</p></div></body></html>"
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


# --------------------------------------------------------------------------- HTML: content root


def test_root_is_the_article_with_most_text() -> None:
    html = (
        "<html><body><div class='teasers'><article><h2>Autre article</h2><p>Court résumé.</p></article></div>"
        f"<article><h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p></article>"
        "<div><p>Texte hors article sur la vie du journal et de ses lecteurs, sans rapport avec le sujet.</p></div>"
        "</body></html>"
    )
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


def test_short_article_element_is_not_a_root() -> None:
    html = (
        "<html><body><article><p>Court.</p></article>"
        f"<main><h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p></main></body></html>"
    )
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


@pytest.mark.parametrize(
    "open_tag, close_tag",
    [
        ("<div itemprop='articleBody'>", "</div>"),
        ("<main>", "</main>"),
        ("<div role='main'>", "</div>"),
    ],
)
def test_root_cascade(open_tag: str, close_tag: str) -> None:
    html = (
        "<html><body><div class='bandeau'><p>Édition du Cher et de l'Indre</p></div>"
        f"{open_tag}<p>{LEAD}</p><p>{BODY}</p>{close_tag}</body></html>"
    )
    assert kept_lines(clean_html(html)) == [LEAD, BODY]


def test_root_goes_down_to_the_text_but_keeps_the_title() -> None:
    html = (
        "<html><body><div id='page'><div class='bandeau'><p>Édition du Cher</p></div>"
        f"<div class='contenu'><h1>{TITLE}</h1><div class='texte'><p>{LEAD}</p><p>{BODY}</p></div></div>"
        "</div></body></html>"
    )
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


def test_body_is_the_last_resort() -> None:
    assert clean_html("<p>Court texte.</p><p>Autre ligne.</p>").text == "Court texte.\nAutre ligne."


# --------------------------------------------------------------------------- HTML: blocks


def test_br_in_a_paragraph_is_a_space() -> None:
    html = f"<p>{LEAD[:60]}<br>{LEAD[60:]}</p>"
    assert clean_html(html).text == collapse_spaces(f"{LEAD[:60]} {LEAD[60:]}")


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def test_br_run_of_short_lines_stays_lines() -> None:
    html = "<p>Préfecture du Cher<br>Service de la communication<br>Tél. 02 48 00 00 00</p>"
    assert clean_html(html).text == "Préfecture du Cher\nService de la communication\nTél. 02 48 00 00 00"


def test_short_br_lines_wrapping_a_sentence_are_rejoined() -> None:
    assert clean_html("<p>Le fonds finance<br>des projets<br>portés par l'État.</p>").text == (
        "Le fonds finance des projets portés par l'État."
    )


def test_block_structure() -> None:
    html = (
        "<div>Texte direct dans une div<div><h2>Sous-titre</h2>"
        "<ul><li><p>Premier projet</p></li><li>Second <strong>projet</strong> <a href='#'>lié</a>"
        "<ul><li>Sous-projet</li></ul></li></ul>"
        "<blockquote><p>« Une citation du préfet »</p></blockquote>"
        "<dl><dt>Porteur</dt><dd>Préfecture du Cher</dd></dl>"
        "<!-- commentaire HTML -->Texte après</div></div>"
    )
    assert kept_lines(clean_html(html)) == [
        "Texte direct dans une div",
        "Sous-titre",
        "- Premier projet",
        "- Second projet lié",
        "- Sous-projet",
        "« Une citation du préfet »",
        "Porteur",
        "Préfecture du Cher",
        "Texte après",
    ]


def test_layout_table_is_walked_as_a_container() -> None:
    html = (
        f"<table><tr><td><h1>{TITLE}</h1><table><tr><td>x</td></tr></table></td></tr>"
        f"<tr><td><p>{LEAD}</p></td></tr></table>"
    )
    assert kept_lines(clean_html(html))[:1] == [TITLE]
    assert LEAD in kept_lines(clean_html(html))


def test_table_with_long_cells_is_layout() -> None:
    html = f"<table><tr><td><p>{LONG} {LONG}</p></td><td><p>{BODY}</p></td></tr></table>"
    assert kept_lines(clean_html(html)) == [f"{LONG} {LONG}", BODY]


def test_inline_hyphen_breaks_are_mended_in_html() -> None:
    assert clean_html("<p>un système bé-néfique et une consul-\ntation</p>").text == (
        "un système bénéfique et une consultation"
    )


def test_whitespace_and_entities_in_html() -> None:
    html = "<p>  3,6&nbsp;M€\u202f;\t« l’État »  </p><p> </p><p>\u00a0</p>"
    assert clean_html(html).text == "3,6 M€ ; « l’État »"


def test_clean_html_accepts_a_soup() -> None:
    html = fixture("news_page.html")
    soup = BeautifulSoup(html, "lxml")
    assert clean_html(soup).text == clean_html(html).text


def test_html_line_rules_apply() -> None:
    html = article_with("<p>Partager cet article</p><p>Commentaires</p><p>Jeanne : bravo !</p>")
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


def test_html_tail_restores_headings_before_resumed_prose() -> None:
    html = (
        f"<div><h1>{TITLE}</h1><p>{LEAD}</p><p>Partager cet article</p>"
        f"<h2>Le détail</h2><p>{BODY}</p><p>{MORE}</p></div>"
    )
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, "Le détail", BODY, MORE]


# --------------------------------------------------------------------------- seeds


def _norm(s: str) -> str:
    # As the scorer's clean_for_search.
    s = unicodedata.normalize("NFC", s or "").replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", s)


def test_seeds_cleaning_figures(seeds_dir: Path) -> None:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))["articles"]
    checks: dict[str, list[tuple[bool, str]]] = {"keep": [], "drop": [], "hyphens": []}
    for name, article in gold.items():
        text = _norm(clean_text((seeds_dir / name).read_text(encoding="utf-8")).text)
        checks["keep"] += [(_norm(s) in text, s) for s in article.get("must_keep", [])]
        checks["drop"] += [(_norm(s) not in text, s) for s in article.get("must_drop", [])]
        checks["hyphens"] += [
            (broken not in text and whole in text, broken)
            for broken, whole in article.get("broken_hyphens", {}).items()
        ]
        checks["hyphens"] += [(_norm(s) in text, s) for s in article.get("hyphen_kept", [])]
    rate = {k: sum(ok for ok, _ in v) / len(v) for k, v in checks.items()}
    misses = {k: [s for ok, s in v if not ok] for k, v in checks.items()}
    assert rate["keep"] == 1.0, misses["keep"]
    assert rate["drop"] >= 0.95, misses["drop"]
    assert rate["hyphens"] >= 0.95, misses["hyphens"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_output_format(seeds_dir: Path, prefix: str) -> None:
    [path] = sorted(seeds_dir.glob(f"{prefix}*"))
    doc = clean_text(path.read_text(encoding="utf-8"))
    lines = kept_lines(doc)
    assert doc.title == lines[0]
    assert all(line and line == line.strip() and "  " not in line for line in lines)
    assert unicodedata.normalize("NFC", doc.text) == doc.text
    assert not re.search(r"[\t\u00a0\u202f]", doc.text)


@pytest.mark.parametrize("ending", ["<h2>Sur le même thème</h2>", "<h3>Commenter</h3>", "<h4>Vous aimerez aussi</h4>"])
def test_a_short_heading_ending_the_text_goes(ending: str) -> None:
    html = f"<article><h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p>{ending}</article>"
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY]


def test_text_set_in_a_heading_tag_stays_at_the_end() -> None:
    long_heading = "Le comité se réunira de nouveau au printemps pour examiner les dossiers restés en attente"
    html = f"<article><h1>{TITLE}</h1><p>{LEAD}</p><p>{BODY}</p><h3>{long_heading}</h3></article>"
    assert kept_lines(clean_html(html)) == [TITLE, LEAD, BODY, long_heading]

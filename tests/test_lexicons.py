"""Every entry of pipeline/data/projects.yaml, exercised in the phrasing it exists for.

A word list is only as good as its entries: each one here gets a sentence built around it,
and the extractor must read (or refuse) what the entry promises.
"""

from __future__ import annotations

import re

import pytest
import yaml

from pipeline.extract.article import extract_article
from pipeline.extract.lexicon import DATA
from pipeline.model import Article
from pipeline.extract.amount_roles import amount_roles
from pipeline.extract.context import ExtractionContext
from pipeline.extract.phrases import is_trap
from pipeline.extract.lexicon import load
from pipeline.text import fold
from pipeline.extract.segment import sentences, split_lines
from pipeline.extract.amounts import find_amounts

RAW = yaml.safe_load(open(DATA / "projects.yaml", encoding="utf-8"))


def mentions(text: str):
    return extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-03-02")).mentions


def names(text: str) -> dict:
    return {m.name: m for m in mentions(text)}


def bare_ctx(text: str) -> ExtractionContext:
    lines = split_lines(text)
    sents = sentences(text, lines)
    amounts = find_amounts(text)
    lex = load()
    return ExtractionContext(article_id="t", text=text, folded=fold(text), lines=lines, sents=sents, orgs=[], amounts=amounts,
               roles=amount_roles(text, fold(text), sents, amounts, lex), docs={}, lex=lex)


@pytest.mark.parametrize("word", RAW["funding_before_amount"])
def test_funding_participle_before_an_amount(word):
    got = names(f"Parmi les lauréats, le portail Orion, {word} de 2 M€, sera ouvert en 2022.")
    assert any(m.amount_m_eur == 2.0 and "Orion" in n for n, m in got.items()), got


@pytest.mark.parametrize("word", RAW["funding_after_amount"])
def test_funding_participle_after_an_amount(word):
    got = names(f"Au total, 2 M€ ont été {word} à Orion, un outil de suivi des dossiers.")
    assert got.get("Orion") is not None and got["Orion"].amount_m_eur == 2.0, got


def _verb_phrase(verb: str) -> str:
    needs_de = re.match(r"(a |ont )?(bénéfici|dispos|va bénéficier)", verb)
    if re.match(r"(est|sera) ", verb):
        return f"{verb} à hauteur de"  # the passive: "est soutenu à hauteur de 2 M€"
    return f"{verb} de" if needs_de else verb


@pytest.mark.parametrize("verb", RAW["funding_verbs"])
def test_funding_verb_with_a_proper_name_subject(verb):
    got = names(f"Parmi les lauréats, Orion Santé {_verb_phrase(verb)} 2 M€.")
    assert got.get("Orion Santé") is not None and got["Orion Santé"].amount_m_eur == 2.0, got


CARRIER_TEMPLATES = {
    "porteur": None, "porteurs": None, "porteuse": None,  # read on 'Porteur du projet :' lines: test_projects
}


@pytest.mark.parametrize("cue", [c for c in RAW["carrier_cues"] if c not in CARRIER_TEMPLATES])
def test_carrier_cue(cue):
    if cue.startswith(("il ", "elle ")):
        text = f"Le projet «Orion» a été retenu. {cue[0].upper() + cue[1:]} le ministère de l'Intérieur."
    else:
        tail = "" if cue.endswith((" de", " au", " à", " par")) else ""
        text = f"Le projet «Orion», {cue}{tail} le ministère de l'Intérieur, a été retenu."
        text = text.replace("au le", "au").replace("à le ministère", "au ministère").replace("de le ministère", "du ministère")
    got = names(text)
    assert "Orion" in got and "Ministère de l'Intérieur" in got["Orion"].carriers, (text, got)


@pytest.mark.parametrize("noun", RAW["appositive_nouns"])
def test_appositive_noun(noun):
    got = names(f"Parmi les lauréats figure Orion, un {noun} de suivi des demandes.")
    assert "Orion" in got, got


@pytest.mark.parametrize("marker", RAW["discourse_markers"])
def test_discourse_marker_before_a_subject(marker):
    lead = marker[0].upper() + marker[1:]
    got = names(f"{lead}, la plateforme de suivi des subventions bénéficie de 2 M€.")
    assert any("plateforme de suivi des subventions" in n for n in got), got


@pytest.mark.parametrize("verb", RAW["enumeration_verbs"])
def test_enumeration_verb(verb):
    got = names(f"D'autres projets {verb} la refonte des archives sonores, la gestion des stocks militaires et la dématérialisation des titres.")
    assert {"refonte des archives sonores", "gestion des stocks militaires", "dématérialisation des titres"} <= set(got), got


@pytest.mark.parametrize("word", RAW["list_intro_cues"])
def test_list_intro_cue(word):
    text = f"Voici les {word} de l'année :\n- Orion, pour simplifier les demandes.\n- Véga, pour suivre les dossiers."
    assert {"Orion", "Véga"} <= set(names(text))


@pytest.mark.parametrize("word", RAW["non_project_list_cues"])
def test_non_project_list_cue(word):
    text = f"Voici les {word} retenus :\n- Simplicité des démarches, pour les usagers.\n- Économies durables, pour l'État."
    assert names(text) == {}


@pytest.mark.parametrize("cue", RAW["total_cues"])
def test_total_cue_makes_an_amount_a_total(cue):
    for text in (f"Le comité a engagé 12 M€ {cue} pour la refonte des archives.",
                 f"Le comité a engagé, {cue}, 12 M€ pour la refonte des archives.",
                 f"Sur 50 M€ engagés, {cue} 12 M€ pour la refonte des archives.",
                 # "dont 12 M€ pour X" is X's share (share_after_dont); "dont 12 M€ de crédits" a part of a total
                 f"Sur 50 M€ engagés, {cue} 12 M€ de crédits de paiement."):
        ctx = bare_ctx(text)
        small = [i for i, a in enumerate(ctx.amounts) if a.value == 12]
        if small and all(ctx.roles[i] == "total" for i in small):
            return
    pytest.fail(f"{cue!r} did not make 12 M€ a total")


@pytest.mark.parametrize("text", [
    "L'État apporte 12 M€ de financement pour que le budget de l'hôpital soit tenu.",
    "La Région verse 12 M€ afin que le budget des travaux ne dérape pas.",
])
def test_a_total_cue_in_a_purpose_clause_leaves_the_amount_a_project_amount(text):
    # "budget" after "pour que" speaks of the purpose, not of a total the amount would be
    assert list(bare_ctx(text).roles.values()) == ["project"]


@pytest.mark.parametrize("frame", RAW["one_recipient_frames"])
def test_a_frame_after_a_receiving_verb_leaves_the_recipients_amount(frame):
    text = ("Le CHU de Rodez a reçu une enveloppe de 12 M€." if frame == "enveloppe"
            else f"Le CHU de Rodez a reçu 12 M€ {frame}{' la relance' if frame.endswith(' de') else ''}.")
    assert list(bare_ctx(text).roles.values()) == ["project"]
    # without the receiving verb, the same words keep the amount a total
    assert list(bare_ctx(text.replace("a reçu", "annonce")).roles.values()) == ["total"]


@pytest.mark.parametrize("noun", RAW["count_nouns"])
def test_count_noun_makes_an_amount_a_total(noun):
    ctx = bare_ctx(f"Au final, 12 M€ iront à dix-sept {noun} de l'État.")
    assert list(ctx.roles.values()) == ["total"]


@pytest.mark.parametrize("amount, role", [("30 milliards d'euros", "total"), ("2,5 milliards d'euros", "total"),
                                          ("1 milliard d'euros", "total"), ("800 millions d'euros", "project")])
def test_programme_scale(amount, role):
    # "le plan consacre 30 milliards à la décarbonation", "l'appel est doté de 2,5 milliards à
    # l'échelle nationale": a plan's budget, whatever the verb; a hospital rebuilt stays below
    assert RAW["programme_scale_m_eur"] == 1000
    ctx = bare_ctx(f"Le plan consacre {amount} à la décarbonation de l'industrie.")
    assert list(ctx.roles.values()) == [role]


@pytest.mark.parametrize("word", RAW["trap_heads"])
def test_trap_head(word):
    name = f"{word[0].upper() + word[1:]} de la modernisation des archives"
    ctx = bare_ctx(f"Le {name} est lancé.")
    a = ctx.text.index(name)
    assert is_trap(ctx, a, a + len(name)) is not None


@pytest.mark.parametrize("name", RAW["known_traps"])
def test_known_trap(name):
    ctx = bare_ctx(f"Voici {name}.")
    a = ctx.text.index(name)
    assert is_trap(ctx, a, a + len(name)) is not None


@pytest.mark.parametrize("word", RAW["generic_heads"])
def test_generic_words_alone_are_no_name(word):
    ctx = bare_ctx(f"Voici le {word}.")
    a = ctx.text.index(word)
    assert is_trap(ctx, a, a + len(word)) is not None


@pytest.mark.parametrize("verb", RAW["reporting_verbs"])
def test_quote_in_reported_speech_is_no_name(verb):
    assert names(f"Les projets retenus visent une «exigence de qualité», {verb} le ministre.") == {}


@pytest.mark.parametrize("prefix", RAW["action_prefixes"])
def test_action_prefix_is_stripped(prefix):
    got = names(f"Le ministère de la Culture obtient 2 M€ pour {prefix} portail des archives sonores.".replace("d' portail", "d'un portail"))
    assert any(n.startswith("portail des archives sonores") or n == "portail des archives sonores" for n in got), got


@pytest.mark.parametrize("verb", RAW["purpose_verbs"])
def test_purpose_verb(verb):
    got = names(f"Le fonds attribue 2 M€ au ministère de la Culture afin de {verb} un portail des archives sonores.")
    assert "portail des archives sonores" in got and "Ministère de la Culture" in got["portail des archives sonores"].carriers, got


@pytest.mark.parametrize("word", RAW["funder_subjects"])
def test_funder_is_never_the_project(word):
    got = names(f"Le {word} bénéficie de 2 M€.")
    assert not any(fold(word) in fold(n) for n in got), got


@pytest.mark.parametrize("noun", RAW["project_nouns"])
def test_project_noun_before_a_quoted_name(noun):
    got = names(f"Le ministère lance {('un' if noun[0] not in 'aeiouéè' else 'un')} {noun} «Orion» pour les usagers.")
    assert "Orion" in got, got


@pytest.mark.parametrize("head", RAW["org_heads"])
def test_org_head_makes_a_proper_name_a_body(head):
    from pipeline.extract.phrases import head_word
    from pipeline.extract.lexicon import load as lx

    assert head_word(f"{head[0].upper() + head[1:]} Orion") in lx().org_heads


@pytest.mark.parametrize("word", RAW["common_capitalised_words"])
def test_common_capitalised_word_alone_is_no_name(word):
    # the NER model tags "Cloud" or "Europe" at a sentence's start; alone, such a word names no project
    from pipeline.extract.lexicon import load

    assert fold(word) in load().common_capitalised


@pytest.mark.parametrize("noun", RAW["topic_nouns"])
def test_enumerated_topics_are_no_projects(noun):
    got = names(f"Les projets retenus concernent des {noun} variés - la pêche côtière, le tri des déchets ou la voirie.")
    assert got == {}, got


@pytest.mark.parametrize("cue", RAW["budget_table_cues"])
def test_budget_table_rows_are_no_projects(cue):
    text = (f"Exécution du programme\n| Action | {cue[0].upper() + cue[1:]} | Total |\n"
            "| Modernisation des greffes | 1 200 000 | 1 200 000 |\n| Report de crédits | 300 000 | 300 000 |\n")
    assert names(text) == {}


@pytest.mark.parametrize("cue", RAW["frame_cues"])
def test_name_after_a_frame_cue_is_the_frame(cue):
    ctx = bare_ctx(f"La ville reçoit 2 M€ {cue} « Horizon Rivières ».")
    a = ctx.text.index("Horizon")
    assert is_trap(ctx, a, a + len("Horizon Rivières")) is not None
    if cue.endswith("du"):
        ctx = bare_ctx(f"La ville reçoit 2 M€ {cue} dispositif Horizon Rivières.")
        a = ctx.text.index("Horizon")
        assert is_trap(ctx, a, a + len("Horizon Rivières")) is not None


@pytest.mark.parametrize("cue", RAW["selection_cues"])
def test_colon_after_a_selection_cue_opens_the_projects(cue):
    got = names(f"Le jury annonce les trois dossiers {cue} : Marélia pour la pêche côtière, Tribox pour le tri des déchets et Voirium pour la voirie.")
    assert {"Marélia", "Tribox", "Voirium"} <= set(got), got


@pytest.mark.parametrize("name, why", [
    ("32 communes rurales", "a count of beneficiaries"),
    ("Programme 217", "a numbered budget programme"),
    ("à la suite de l'appel", "starts with a preposition"),
])
def test_shapes_that_are_no_names(name, why):
    ctx = bare_ctx(f"Voici {name}.")
    a = ctx.text.index(name)
    assert is_trap(ctx, a, a + len(name)) == why


@pytest.mark.parametrize("noun", RAW["works_nouns"])
def test_list_of_buildings_after_works(noun):
    text = (f"Un total de 14 M€ est consacré à la {noun} de trois bâtiments de l'État :\n"
            "- La gendarmerie de Saint-Lô ;\n- La sous-préfecture de Mortagne-au-Perche ;\n- Le lycée Victor Duruy.\n")
    got = names(text)
    assert got["gendarmerie de Saint-Lô"].carriers == ["Gendarmerie de Saint-Lô"]
    assert got["sous-préfecture de Mortagne-au-Perche"].carriers == ["Sous-préfecture de Mortagne-au-Perche"]
    assert "lycée Victor Duruy" in got


@pytest.mark.parametrize("adverb", RAW["object_adverbs"])
def test_an_adverb_before_the_object_opens_no_name(adverb):
    got = names(f"Le Cerema recevra 2 M€ pour déployer {adverb} un outil de suivi des digues.")
    assert set(got) == {"outil de suivi des digues"}, got


@pytest.mark.parametrize("word", RAW["section_words"])
def test_a_section_heading_is_no_project_name(word):
    heading = word[0].upper() + word[1:]
    text = (f"{heading} du service\n\nLe portail, porté par l'Insee, recevra 2 M€.\n\n"
            "Atlas Pro\n\nL'outil, piloté par la DGFiP, recevra 1 M€.\n")
    got = names(text)
    assert not any(n.startswith(heading) for n in got), got


@pytest.mark.parametrize("head", RAW["collectivity_heads"])
def test_a_collectivity_named_by_its_kind_is_no_project(head):
    got = names(f"Cette {head} a reçu 1,5 M€ de l'État et 500 000 € de la Région.")
    assert not any(n.lower().startswith(head) for n in got), got


def test_a_service_named_by_an_org_word_stays_the_funded_subject():
    # "inspection" heads bodies too, but only collectivities are recipients by their kind alone
    got = names("L'inspection du travail augmentée, qui doit équiper les contrôleurs, obtient plus de 4 M€.")
    assert set(got) == {"inspection du travail augmentée"}, got


@pytest.mark.parametrize("unit", RAW["measure_units"])
def test_measure_unit_keeps_the_measured_object_in_the_name(unit):
    text = f"La commune reçoit 80 000 euros pour l'aménagement de 12 {unit} de jardins partagés."
    names = [m.name for m in extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-05-04")).mentions]
    assert names == [f"aménagement de 12 {unit} de jardins partagés"], names


def test_a_count_of_buildings_ends_the_name():
    text = "L'État consacre 80 M€ à la rénovation de 40 bâtiments publics de la région."
    names = [m.name for m in extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-05-04")).mentions]
    assert not any("40 bâtiments" in n for n in names), names


@pytest.mark.parametrize("name", ["Deux projets ANR", "trois lauréats", "Douze communes"])
def test_a_count_in_words_is_no_name(name):
    # "Deux projets ANR complètent la liste": a count, like "12 projets"
    ctx = bare_ctx(f"{name} complètent la liste.")
    assert is_trap(ctx, 0, len(name)) == "a count of beneficiaries"



@pytest.mark.parametrize("two", RAW["trap_head_exceptions"])
def test_trap_head_exception_names_works(two):
    # "réseau" heads networks of bodies, but "le réseau de chaleur de X" is what a grant builds
    head, rest = two.split(" ", 1)
    name = f"{head} {'' if rest.startswith(('d' + chr(39), 'de ')) else 'de '}{rest} de Montferrand-le-Bas"
    ctx = bare_ctx(f"Le {name} est lancé.")
    a = ctx.text.index(name)
    assert is_trap(ctx, a, a + len(name)) is None, name
    other = f"{head} des communes rurales"
    assert is_trap(bare_ctx(f"Le {other} est lancé."), 3, 3 + len(other)) is not None


@pytest.mark.parametrize("word", RAW["adjectival_participles"])
def test_adjectival_participle_stays_in_the_name(word):
    # "étend le réseau existant de la ZAC": the participle qualifies, the name goes on after it
    text = f"Le syndicat étend le bâtiment {word} de la ZAC du Moulin. Il bénéficiera de 700 000 €."
    names = [m.name for m in extract_article(Article(id="t", path="t.txt", text=text, published_on="2021-05-04")).mentions]
    assert names == [f"bâtiment {word} de la ZAC du Moulin"], names


@pytest.mark.parametrize("text, roles", [
    # one grant told by its forms: the whole is the laureate's, the forms are not grants of their own
    ("Elle obtient une aide de 450 000 €, dont 300 000 € de subvention et 150 000 € d'avance remboursable.",
     ["project", "total", "total"]),
    # a whole shared among recipients stays a total, its share to a named recipient is that one's
    ("Le plan consacre 100 M€ aux bâtiments, dont 4,5 M€ pour la cité administrative de Tulle.", ["total", "project"]),
])
def test_aid_told_by_its_forms_stays_one_grant(text, roles):
    assert list(bare_ctx(text).roles.values()) == roles

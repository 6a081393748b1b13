"""Reconciliation: names, vetoes, clustering, amounts, stable ids."""

from __future__ import annotations

import pytest

from pipeline.model import Article, ArticleResult, CallInfo, Mention
from pipeline.reconcile.cluster import reconcile
from pipeline.reconcile.names import joined, name_tokens


def result(aid, *mentions, call=None, published="2018-06-28"):
    art = Article(id=aid, path=f"{aid}.txt", text="x" * 500, published_on=published)
    ms = []
    for name, amount, qualifier, *rest in mentions:
        ms.append(Mention(article_id=aid, name=name, start=0, end=len(name), rule="block", score=0.9,
                          amount_m_eur=amount, amount_qualifier=qualifier if amount is not None else None,
                          context=rest[0] if rest else name, acronym=rest[1] if len(rest) > 1 else None))
    return ArticleResult(article=art, mentions=ms, call=call or CallInfo())


def groups(rec):
    by = {}
    for m, pid in rec.mentions:
        by.setdefault(pid, set()).add((m.article_id, m.name))
    return sorted(sorted(v) for v in by.values())


@pytest.mark.parametrize(
    "a, b",
    [
        ("France Connect", "FranceConnect"),
        ("Health Data Hub", "hub de données de santé"),
        ("Rendez-vous Permis", "RDV Permis"),
        ("DataLake DGFiP", "Data Lake DGFiP"),
    ],
)
def test_spelling_and_language_variants_share_tokens(a, b):
    assert set(name_tokens(a)) == set(name_tokens(b)) or joined(a) == joined(b)


@pytest.mark.parametrize(
    "first, second, merged",
    [
        (("FranceConnect", 19.3, "exact"), ("France Connect", 5, "min"), True),  # spacing, bound kept by exact
        (("Numérique en détention", None, None, "", "NED"), ("NED", 7.9, "exact"), True),  # acronym
        (("Plateforme des aides", 3, "exact"), ("Plateforme des aides", 4, "exact"), False),  # two exact amounts
        (("Portail des marchés", 2, "exact"), ("Portail des marchés", 5, "min"), False),  # exact below the bound
        (("Ciblage de la fraude et valorisation des requêtes", 5, "min"), ("ciblage de la fraude via datamining", 5.2, "exact"), True),
        (("Transformation numérique du service de santé", None, None), ("Transformation numérique de la commande publique", None, None), False),
    ],
)
def test_pairs_across_articles(first, second, merged):
    rec = reconcile([result("a1", first), result("a2", second)])
    assert (len(rec.projects) == 1) is merged


def test_two_names_in_one_article_stay_apart():
    rec = reconcile([result("a1", ("Alpha Santé", None, None), ("Alpha Santé mobile", None, None))])
    assert len(rec.projects) == 1  # contained names of one article are one project
    rec = reconcile([result("a1", ("Portail usagers", None, None), ("Portail agents", None, None))])
    assert len(rec.projects) == 2


def test_short_name_found_in_the_other_description_merges():
    a = result("a1", ("portail numérique", 7.9, "exact", "afin de créer un portail numérique"))
    b = result("a2", ("Numérique en détention", 5, "min", "supprimer les formulaires au profit d'un portail numérique pour"))
    rec = reconcile([a, b])
    assert len(rec.projects) == 1
    assert rec.projects[0].amount_m_eur == 7.9 and rec.projects[0].amount_qualifier == "exact"


def test_different_rounds_veto_a_weak_match_only():
    r1 = CallInfo(fund="F", year=2018, ordinal=2, unit="appel à projets")
    r2 = CallInfo(fund="F", year=2019, ordinal=2, unit="session")
    weak = reconcile([result("a1", ("chatbot des titres", None, None), call=r1),
                      result("a2", ("chatbot des démarches", None, None), call=r2)])
    assert len(weak.projects) == 2
    strong = reconcile([result("a1", ("Procédure pénale numérique", None, None), call=r1),
                        result("a2", ("Procédure pénale numérique", None, None), call=r2)])
    assert len(strong.projects) == 1


@pytest.mark.parametrize(
    "amounts, expected",
    [
        ([(5, "min"), (24.3, "exact")], (24.3, "exact")),
        ([(5, "min"), (6, "min")], (6, "min")),
        ([(50, "max"), (30, "max")], (30, "max")),
        ([(6, "approx"), (5, "min")], (6, "approx")),
        ([(None, None)], (None, None)),
    ],
)
def test_reconciled_amount_prefers_exact_then_tightest_bound(amounts, expected):
    results = [result(f"a{i}", ("Projet Orion", v, q)) for i, (v, q) in enumerate(amounts)]
    rec = reconcile(results)
    assert len(rec.projects) == 1
    p = rec.projects[0]
    assert (p.amount_m_eur, p.amount_qualifier) == expected


def test_ids_are_stable_when_articles_arrive():
    first = reconcile([result("a1", ("Projet Orion", 3, "exact"))])
    pid = first.projects[0].id
    previous = {pid: {("a1", joined("Projet Orion"))}}
    later = reconcile([result("a0", ("Orion", None, None), ("Plateforme Véga", 1, "exact")),
                       result("a1", ("Projet Orion", 3, "exact"))], previous)
    orion = [p for p in later.projects if "a1" in p.sources]
    assert orion[0].id == pid
    again = reconcile([result("a1", ("Projet Orion", 3, "exact"))])
    assert again.projects[0].id == pid  # the same inputs give the same id without history


def test_links_record_signals_and_decisions():
    rec = reconcile([result("a1", ("FranceConnect", 19.3, "exact")), result("a2", ("France Connect", 5, "min"))])
    assert rec.links and rec.links[0]["decision"] == "merged"
    assert rec.links[0]["signals"]["name_why"] == "same name"


def _with_carriers(aid, name, carriers, amount=None):
    r = result(aid, (name, amount, "exact"))
    r.mentions[0].carriers = list(carriers)
    return r


@pytest.mark.parametrize(
    "first, second, merged",
    [
        # the building to come and its works, one hospital named as carrier by both
        (("futur CHU de Lorient", ["Centre hospitalier universitaire de Lorient"]),
         ("projet de reconstruction complète du CHU sur le site de Lorient", ["Centre hospitalier universitaire de Lorient"]), True),
        # a generic "hospital of X" and the university hospital of X: one body in the press
        (("Vannes", ["Centre hospitalier de Vannes"]),
         ("regroupement des services du CHRU – centre hospitalier régional universitaire – de Vannes",
          ["Centre hospitalier régional universitaire de Vannes"]), True),
        # two works on one hospital are two projects
        (("reconstruction du CHU de Lorient", ["Centre hospitalier universitaire de Lorient"]),
         ("extension du CHU de Lorient", ["Centre hospitalier universitaire de Lorient"]), False),
        # a ministry in common is no body: its projects stay apart
        (("modernisation du contrôle de Lorient", ["Ministère de l'Intérieur"]),
         ("portail de Lorient", ["Ministère de l'Intérieur"]), False),
        # bodies of two places
        (("futur CHU de Lorient", ["Centre hospitalier universitaire de Lorient"]),
         ("futur CHU de Vannes", ["Centre hospitalier universitaire de Vannes"]), False),
    ],
)
def test_works_on_one_hospital_or_school(first, second, merged):
    rec = reconcile([_with_carriers("a1", *first), _with_carriers("a2", *second)])
    assert (len(rec.projects) == 1) is merged


@pytest.mark.parametrize(
    "first, second, merged",
    [
        ("repérage des constructions illicites en zone littorale", "repérer automatiquement les constructions illicites du littoral", True),
        # two stems in common only ("prevision"/"prevenir" differ): too little to tell
        ("prévision des crues urbaines", "prévenir les crues urbaines", False),
        ("analyse des signalements de maltraitance", "traitement des signalements de fraude fiscale", False),
    ],
)
def test_one_description_in_other_word_forms(first, second, merged):
    rec = reconcile([result("a1", (first, None, None)), result("a2", (second, None, None))])
    assert (len(rec.projects) == 1) is merged


def test_one_article_exact_figure_beats_its_bound():
    # a headline's "une rallonge de 20 M€" (at least 20) and the body's exact award
    rec = reconcile([result("a1", ("reconstruction du CHU de Lorient", 20, "min"), ("reconstruction du CHU de Lorient", 95, "exact"))])
    assert len(rec.projects) == 1
    (m, _pid), = rec.mentions
    assert (m.amount_m_eur, m.amount_qualifier) == (95, "exact")

"""Reconciliation when many articles name one project and a few of them were misread.

At 10,000 articles a project is named by ~80 mentions: a rule that reads a neighbouring
list item's amount, or cuts a word or a "phase 2" out of a name, then happens in almost
every project. These cases split a project into several rows (or joined unrelated ones)
before the fix; each test is a small hand-built set of mentions of that shape.
"""

from __future__ import annotations

import pytest

from pipeline.model import Article, ArticleResult, Mention
from pipeline.reconcile.cluster import CONSENSUS, MAX_DISSENT, reconcile


def article(aid, name, amount=None, qualifier="exact", context=None, aliases=(), rule="block"):
    m = Mention(article_id=aid, name=name, start=0, end=len(name), rule=rule, score=0.9,
                amount_m_eur=amount, amount_qualifier=qualifier if amount is not None else None,
                context=context or name, aliases=list(aliases))
    return ArticleResult(article=Article(id=aid, path=f"{aid}.txt", text="x" * 500, published_on="2019-06-20"),
                         mentions=[m])


def rows(results):
    rec = reconcile(results)
    return sorted((sorted(p.sources), p.amount_m_eur) for p in rec.projects)


def test_a_misread_amount_in_the_middle_of_many_mentions_does_not_cut_the_project_in_two():
    amounts = [3.0] * 4 + [8.0] + [3.0] * 4  # the fifth article took its neighbour's amount
    rec = reconcile([article(f"a{i}", "Orion", v) for i, v in enumerate(amounts)])
    assert len(rec.projects) == 1
    assert rec.projects[0].amount_m_eur == 3.0
    [overruled] = [lk for lk in rec.links if lk["signals"].get("amount_overruled")]
    assert overruled["signals"]["amount_overruled"] == [("a4", 8.0, "exact")]


def test_mentions_written_alike_are_split_by_amount_once_not_at_every_disagreement():
    # three articles agree on another amount: too many to be misreadings, a second project;
    # the mentions on either side of them are still one project
    amounts = [3.0, 3.0, 8.0, 8.0, 8.0, 3.0, 3.0]
    got = rows([article(f"a{i}", "Orion", v) for i, v in enumerate(amounts)])
    assert got == [(["a0", "a1", "a5", "a6"], 3.0), (["a2", "a3", "a4"], 8.0)]


@pytest.mark.parametrize(
    "agreeing, dissenting, one_project",
    [
        (8, 1, True),
        (CONSENSUS, 1, True),
        (CONSENSUS - 1, 1, False),  # two against one: no consensus to overrule it
        (CONSENSUS * 2, 2, True),
        (CONSENSUS * 2 - 1, 2, False),
        (20, MAX_DISSENT + 1, False),  # that many readings of one amount are another project
    ],
)
def test_a_few_readings_against_a_consensus_are_overruled(agreeing, dissenting, one_project):
    results = [article(f"a{i:02d}", "Orion", 3.0) for i in range(agreeing)]
    results += [article(f"b{i:02d}", "Orion", 8.0) for i in range(dissenting)]
    rec = reconcile(results)
    assert (len(rec.projects) == 1) is one_project


def test_a_bound_that_agrees_is_not_a_dissent():
    rec = reconcile([article("a0", "Orion", 3.3), article("a1", "Orion", 3.0, "min"),
                     article("a2", "Orion", 3.0, "approx"), article("a3", "Orion", 4.0, "max")])
    assert [(p.amount_m_eur, p.amount_qualifier) for p in rec.projects] == [(3.3, "exact")]


def test_another_form_of_the_name_reaches_the_cluster_of_its_usual_amount():
    # the first "Orion Santé" mention was misread: other names must not be compared with it alone
    results = [article("a0", "Orion Santé", 8.0)] + [article(f"a{i}", "Orion Santé", 3.0) for i in range(1, 6)]
    results.append(article("a6", "Plateforme Orion Santé"))
    rec = reconcile(results)
    assert len(rec.projects) == 1


def test_a_phase_alias_shared_by_two_names_does_not_join_them():
    a = article("a1", "Orion – phase 2", aliases=["Orion", "phase 2"])
    b = article("a2", "Véga Santé – phase 2", aliases=["Véga Santé", "phase 2"])
    assert len(reconcile([a, b]).projects) == 2
    c = article("a3", "Orion")
    assert rows([a, b, c]) == [(["a1", "a3"], None), (["a2"], None)]


@pytest.mark.parametrize(
    "short, long, merged",
    [
        ("sociaux", "Outil des titres sociaux", False),  # a word a rule cut out of a name
        ("Chorus", "Chorus Pro", True),
        ("e-Scellés", "Numérisation de la chaîne des scellés judiciaires (e-Scellés)", True),
    ],
)
def test_a_one_word_name_is_contained_only_when_written_as_a_name(short, long, merged):
    rec = reconcile([article("a1", short), article("a2", long)])
    assert (len(rec.projects) == 1) is merged


def test_a_lower_case_word_does_not_join_the_names_that_contain_it():
    rec = reconcile([article("a1", "Outil des titres sociaux"), article("a2", "sociaux"),
                     article("a3", "Portail des examens sociaux")])
    assert len(rec.projects) == 3


LISTING = "- Outil de réservation des brevets : donner aux agents une vue d'ensemble, porté par APE ;\n"
PROSE = "supprimer les formulaires au profit d'un portail numérique pour les détenus"
BLOCK = "Numérique en détention\nMinistère de la Justice\nsupprimer les formulaires au profit d'un portail numérique"


@pytest.mark.parametrize("first, second, projects", [
    # a name heading its own line of a list is not a description of the first item
    (article("a1", "TerriVigie", context="TerriVigie, un point d'entrée unique"),
     article("a2", "Outil de réservation des brevets",
             context=LISTING + "- Terri Vigie : offrir un point d'entrée unique aux entreprises ;"), 2),
    # a list item of another project is not a description either
    (article("a1", "détection des demandes pastorales", rule="amount_for"),
     article("a2", "Outil de réservation des brevets",
             context=LISTING + "- Assistant de détection des demandes pastorales : offrir un point d'entrée unique ;"), 2),
    # a description in prose, or a block's own description line, still is
    (article("a1", "portail numérique"), article("a2", "Numérique en détention", context=PROSE), 1),
    (article("a1", "portail numérique"), article("a2", "Numérique en détention", context=BLOCK), 1),
], ids=["line head", "other item", "prose", "block"])
def test_a_description_is_the_mention_s_own_text_not_another_item_of_its_list(first, second, projects):
    assert len(reconcile([first, second]).projects) == projects


def test_a_phase_mention_joins_the_project_named_just_before_it():
    results = [article("a1", "Orion Santé", 3.0), article("a2", "Véga Fret", 5.0),
               article("a3", "phase 2", context="Le comité retient Orion Santé – phase 2, porté par la DGS."),
               article("a4", "phase 2", context="Véga Fret – phase 2 figure aussi parmi les lauréats.")]
    # the two "phase 2" are not one project, and do not join Orion Santé with Véga Fret
    assert rows(results) == [(["a1", "a3"], 3.0), (["a2", "a4"], 5.0)]


def test_a_generic_name_with_no_name_before_it_stays_with_those_written_alike():
    results = [article(f"a{i}", "Transformation publique", context="Transformation publique : trois projets financés")
               for i in range(3)]
    assert len(reconcile(results).projects) == 1


def test_an_amount_dispute_is_settled_on_the_names_not_on_a_shared_description():
    # a rule left each item's description in its aliases: two projects share it word for word
    said = "ouvrir les données au public, porté par la DGS"
    results = [article(f"a{i}", "Alpha Fret", 3.0, aliases=[said]) for i in range(6)]
    results.append(article("b0", "Véga Santé", 8.0, aliases=[said]))
    assert len(reconcile(results).projects) == 2


# --- the announcement date of a project many articles cite --------------------------------

def dated(aid, name, announced=None, precision=None, year=2019, ordinal=2, published="2019-06-20"):
    from pipeline.model import CallInfo

    r = article(aid, name, 3.0)
    r.article.published_on = published
    r.call = CallInfo(fund="Fonds pour la transformation de l'action publique", fund_acronym="FTAP", year=year,
                      ordinal=ordinal, unit="appel à projets", announced_on=announced, announced_precision=precision)
    return r


def test_a_few_articles_that_misdate_the_round_do_not_decide_its_date():
    # the earliest date is a retrospective's misreading: the vote of the articles decides
    results = [dated(f"a{i}", "Orion", "2019-06-20", "day") for i in range(6)]
    results += [dated("b0", "Orion", "2018-03-01", "day", ordinal=None), dated("b1", "Orion", "2019-07-02", "published")]
    [p] = reconcile(results).projects
    assert p.announced_on == "2019-06-20"


def test_a_release_dated_by_its_publication_takes_the_date_its_round_is_said_to_be_announced():
    # the only article about Orion came out a week after the round, which another release dates
    results = [dated("a0", "Orion", "2019-06-27", "published", published="2019-06-27"),
               dated("a1", "Hélios", "2019-06-20", "day")]
    dates = {p.name: p.announced_on for p in reconcile(results).projects}
    assert dates == {"Orion": "2019-06-20", "Hélios": "2019-06-20"}


def test_a_round_named_only_by_its_year_lends_no_date():
    results = [dated("a0", "Orion", "2019-06-27", "published", ordinal=None, published="2019-06-27"),
               dated("a1", "Hélios", "2019-06-20", "day", ordinal=None)]
    dates = {p.name: p.announced_on for p in reconcile(results).projects}
    assert dates["Orion"] == "2019-06-27"

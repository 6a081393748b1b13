"""Content finder of the HTML path: root by good-text density and markup, pruning inside it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.clean.cleaner import clean_html, load_data
from pipeline.clean.content import class_weight, find_content, measure

TITLE = "Cinq laboratoires publics mutualisent leurs calculateurs"
PROSE = (
    "Les cinq établissements ont signé une convention, qui prévoit un achat groupé des machines, "
    "un guichet commun pour les chercheurs et une facturation au temps de calcul réellement consommé."
)
MORE = (
    "Le rectorat suivra l'expérience pendant deux ans, avant de décider, au vu du bilan, si le dispositif "
    "peut s'étendre aux universités voisines et aux écoles d'ingénieurs de la région."
)
THIRD = (
    "Les syndicats de chercheurs, consultés en amont, demandent que les petites équipes gardent un accès "
    "prioritaire aux machines pendant les périodes de dépôt des thèses et des projets européens."
)


def page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def lines(html: str) -> list[str]:
    return clean_html(html).text.split("\n")


def test_measures_count_text_and_links() -> None:
    soup = BeautifulSoup("<div>Lu : <p>Un, deux <a href='#'>trois</a></p></div>", "lxml")
    div = soup.div
    m = measure(div)[id(div)]
    assert (m.chars, m.link_chars, m.own_chars) == (len("Lu :") + len("Un, deux") + len("trois"), len("trois"), 4)
    assert 0 < m.link_density < 1


def test_root_goes_down_to_the_prose_and_keeps_the_title_above_it() -> None:
    html = page(
        "<div id='wrap'><div class='top'><a href='/'>Accueil</a> <a href='/a'>Actualités</a></div>"
        f"<div class='story'><h1>{TITLE}</h1><div class='txt'><p>{PROSE}</p><p>{MORE}</p><p>{THIRD}</p></div></div>"
        "<div class='bottom'><p>Mentions, plan du site et accessibilité du portail.</p></div></div>"
    )
    root, _ = find_content(BeautifulSoup(html, "lxml"))
    assert root is not None and root.get("class") == ["story"]
    assert lines(html) == [TITLE, PROSE, MORE, THIRD]


def test_page_with_too_little_prose_has_no_root() -> None:
    assert find_content(BeautifulSoup(page("<p>Bonjour.</p><ul><li>Un</li></ul>"), "lxml")) == (None, [])


@pytest.mark.parametrize(
    "box, why",
    [
        ("<div class='cards'><h3><a href='/x'>Un autre article sur le calcul intensif</a></h3>"
         "<p>Le résumé court de cet autre article.</p></div>", "teaser"),
        ("<div><a href='/a'>Budget</a> <a href='/b'>Recherche</a> <a href='/c'>Universités</a> "
         "<a href='/d'>Innovation</a></div>", "link_box"),
        ("<div class='meta'><span>Par Jeanne Martin</span> <span>Mis à jour à 10 h 12</span></div>", "no_prose"),
        ("<p>Lire aussi : <a href='/x'>Un autre article sur le calcul intensif</a></p>", "link_para"),
        ("<p><a href='/y'>Les supercalculateurs européens, un an après</a></p>", "link_para"),
    ],
)
def test_boxes_inside_the_article_are_cut(box: str, why: str) -> None:
    html = page(f"<article><h1>{TITLE}</h1><p>{PROSE}</p>{box}<p>{MORE}</p><p>{THIRD}</p></article>")
    doc = clean_html(html)
    assert doc.text.split("\n") == [TITLE, PROSE, MORE, THIRD]
    assert any(rule == f"content:{why}" for rule, _ in doc.dropped)


def test_chrome_box_with_prose_does_not_become_the_root() -> None:
    # a modal dialog with more prose than the article: its text is not counted
    modal = f"<div class='modal'><p>{PROSE} {MORE} {THIRD}</p><p>{THIRD} {MORE}</p></div>"
    html = page(f"{modal}<div class='content'><h1>{TITLE}</h1><p>{PROSE}</p><p>{MORE}</p></div>")
    root, _ = find_content(BeautifulSoup(html, "lxml"))
    assert root is not None and root.get("class") == ["content"]


@pytest.mark.parametrize(
    "kept",
    [
        "<div><h2>Les lauréats</h2><ul><li><a href='/p1'>Projet Alpha</a> — université de Tours, 1,2 M€</li>"
        "<li><a href='/p2'>Projet Bêta</a> — CNRS, 0,8 M€</li></ul></div>",
        "<div><table><tr><th>Projet</th><th>Montant</th></tr><tr><td>Alpha</td><td>1,2 M€</td></tr></table></div>",
        # a caption that names a project (other captions go: tests/test_clean_page_shapes.py)
        "<div><figure><img src='a.jpg'><figcaption>Le calculateur du projet Alpha, à Tours</figcaption></figure></div>",
        # paragraphs that spell an address, or hold a link inside prose, are not link paragraphs
        "<p>Contact : <a href='mailto:calcul@exemple.fr'>calcul@exemple.fr</a></p>",
        "<p><a href='https://calcul.exemple.fr'>https://calcul.exemple.fr</a></p>",
        "<p>Le dossier complet est sur <a href='/dossier'>le site du rectorat</a>, avec le calendrier des appels.</p>",
    ],
)
def test_lists_tables_captions_and_addresses_of_the_article_stay(kept: str) -> None:
    html = page(f"<article><h1>{TITLE}</h1><p>{PROSE}</p>{kept}<p>{MORE}</p></article>")
    text = clean_html(html).text
    for piece in BeautifulSoup(kept, "lxml").stripped_strings:
        assert piece in text


def test_markup_root_wins_when_it_holds_most_of_the_prose() -> None:
    html = page(
        f"<article><h1>{TITLE}</h1><p>{PROSE}</p><p>{MORE}</p><p>{THIRD}</p></article>"
        "<div><p>Un paragraphe sur la vie du site et de ses lecteurs, sans rapport avec l'article lu.</p></div>"
    )
    root, _ = find_content(BeautifulSoup(html, "lxml"))
    assert root is not None and root.name == "article"


def _tag_with(token: str) -> BeautifulSoup:
    word = token.lstrip("^").rstrip("*")
    return BeautifulSoup(f"<div class='{word}'>x</div>", "lxml").div


@pytest.mark.parametrize("token", load_data().content_negative)
def test_every_chrome_word_lowers_the_weight(token: str) -> None:
    assert class_weight(_tag_with(token)) == -1


@pytest.mark.parametrize("token", load_data().content_positive)
def test_every_content_word_raises_the_weight(token: str) -> None:
    assert class_weight(_tag_with(token)) == 1


def test_content_and_chrome_words_cancel() -> None:
    assert class_weight(BeautifulSoup("<div class='entry-content sidebar'>x</div>", "lxml").div) == 0


@pytest.mark.parametrize("wrapper", ["form", "nav"])
def test_a_wrapper_around_the_whole_page_stays_and_a_small_one_goes(wrapper: str) -> None:
    # ASP.NET pages wrap the page in a <form>; an unclosed <nav> swallows what follows it
    small = f"<{wrapper}><label>Votre courriel pour recevoir nos alertes</label></{wrapper}>"
    html = page(f"<{wrapper} id='page'><h1>{TITLE}</h1><p>{PROSE}</p><p>{MORE}</p>{small}</{wrapper}>")
    assert lines(html) == [TITLE, PROSE, MORE]


@pytest.mark.parametrize(
    "box, stays",
    [
        (f"<div class='entry-content-read-more'><p>{THIRD}</p><p>{PROSE}</p></div>", True),
        ("<div class='read-more'><a href='/dossier'>Suite du dossier</a></div>", False),
    ],
)
def test_weak_class_words_only_drop_small_boxes(box: str, stays: bool) -> None:
    text = clean_html(page(f"<h1>{TITLE}</h1><p>{PROSE}</p><p>{MORE}</p>{box}")).text
    assert all((piece in text) is stays for piece in BeautifulSoup(box, "lxml").stripped_strings)


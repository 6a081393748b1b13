"""The markup pre-pass of the clean stage (pipeline.clean.markup): what it removes before
BeautifulSoup builds its tree, and that the cleaned text is the one of the whole tree."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from pipeline.clean.html_page import clean_html
from pipeline.clean.markup import CONTENT_MARK, parse_page

LONG = (
    "La commune a inauguré mardi sa nouvelle médiathèque, financée par la région et l'État, "
    "après deux ans de travaux menés par une entreprise du département."
)
ARTICLE = f"<h1>Une médiathèque ouvre</h1><p>{LONG}</p>"


def names(soup: BeautifulSoup) -> set[str]:
    return {el.name for el in soup.find_all(True)}


# each piece of noise, and a word of it that must not reach the tree
NOISE = {
    "<script>var tracker = 1;</script>": "tracker",
    "<style>p.alerte { color: red }</style>": "alerte",
    "<svg><title>Logo du journal</title><path d='M0 0'/></svg>": "Logo",
    "<noscript>Activez JavaScript</noscript>": "JavaScript",
    "<!-- bloc publicitaire -->": "publicitaire",
    "<aside><p>Les plus lus de la semaine</p></aside>": "plus lus",
    "<div hidden><p>Fenêtre de connexion</p></div>": "connexion",
    "<div style='display: none'><p>Fenêtre d'inscription</p></div>": "inscription",
    "<div role='navigation'><a href='/'>Accueil</a></div>": "Accueil",
    "<footer><p>Mentions légales</p></footer>": "Mentions",
    "<div class='share-bar'><a href='/fb'>Partager sur Facebook</a></div>": "Facebook",
}


@pytest.mark.parametrize(("noise", "word"), NOISE.items())
def test_noise_never_reaches_the_tree(noise: str, word: str) -> None:
    text = parse_page(f"<html><body>{noise}<article>{ARTICLE}</article></body></html>").get_text(" ")
    assert word not in text and LONG in text


def test_a_form_wrapping_the_page_stays() -> None:
    soup = parse_page(f"<html><body><form action='/'><div>{ARTICLE}</div></form></body></html>")
    assert "form" in names(soup) and LONG in soup.get_text(" ")


def test_the_article_header_stays_and_the_page_header_goes() -> None:
    html = f"<body><header>Menu du site</header><article><header>Par la rédaction</header>{ARTICLE}</article></body>"
    text = parse_page(html).get_text(" ")
    assert "Menu du site" not in text and "Par la rédaction" in text


def test_what_the_date_reader_wants_waits_for_it() -> None:
    # JSON-LD stays for the date reader; an <aside> holding a <time> is marked, and goes after
    html = (
        "<html><head><script type='application/ld+json'>{\"datePublished\": \"2024-03-05\"}</script></head>"
        f"<body><aside><time datetime='2024-03-05'>5 mars</time></aside><article>{ARTICLE}</article></body></html>"
    )
    soup = parse_page(html)
    assert soup.find("script") is not None
    aside = soup.find("aside")
    assert isinstance(aside, Tag) and aside.get(CONTENT_MARK) == "tag:aside"
    doc = clean_html(soup)
    assert "5 mars" not in doc.text and LONG in doc.text
    assert ("tag:aside", "5 mars") in doc.dropped


def test_body_written_after_the_closing_html_tag_is_read() -> None:
    html = f"<html><head><title>T</title></head></html><body><article>{ARTICLE}</article></body>"
    assert LONG in parse_page(html).get_text(" ")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # the space between two inline elements is written, even when a block between them goes
        ("<div><a>Un</a>\n<p class='tags'>x</p>\n<a>Deux</a></div>", "Un Deux"),
        ("<p>Un\n<b>deux</b>\n<i>trois</i></p>", "Un deux trois"),
        ("<ul>\n  <li>Un</li>\n  <li>Deux</li>\n</ul>", "Un\nDeux"),
    ],
)
def test_spaces_between_blocks_go_and_spaces_between_words_stay(html: str, text: str) -> None:
    soup = parse_page(f"<html><body>{html}</body></html>")
    assert clean_html(soup).text.replace("- ", "") == text


def test_a_soup_built_elsewhere_is_cleaned_alike() -> None:
    html = f"<html><body><nav><a href='/'>Accueil</a></nav><script>x=1</script><article>{ARTICLE}</article></body></html>"
    assert clean_html(BeautifulSoup(html, "lxml")).text == clean_html(html).text


def test_classes_are_kept_as_written() -> None:
    soup = parse_page("<div class='a  b'>x</div>")
    assert soup.div is not None and soup.div["class"] == "a  b"


def test_control_characters_go_before_parsing() -> None:
    # lxml refuses them in a tree it edits; a page never shows them
    assert clean_html("<html><body><p>Rapport\x07 annuel\x00 2020</p></body></html>").text == "Rapport annuel 2020"


def test_a_page_deeper_than_the_lxml_tree_keeps_its_text() -> None:
    # libxml2 building a tree drops what lies below 255 levels; such a page skips the markup pass
    html = "<html><body>" + "<div>" * 1000 + f"<p>{LONG}</p>" + "</div>" * 1000 + "</body></html>"
    assert LONG in clean_html(html).text

"""Clean stage, HTML path: page shapes met on real sites (broken wrappers, chrome boxes after the
article, the article's own heading written as a link), each in a small page of our own wording."""

from __future__ import annotations

import pytest

from pipeline.clean.cleaner import clean_html

TITLE = "La commune rénove trois écoles avant la rentrée"
LEAD = (
    "Les travaux, votés au printemps par le conseil municipal, portent sur l'isolation des toitures, "
    "le remplacement des chaudières au fioul et la mise en accessibilité des cours de récréation."
)
SECOND = (
    "Le chantier le plus long concerne l'école du centre, dont la charpente doit être reprise avant "
    "l'hiver ; les élèves y seront accueillis dans des classes mobiles jusqu'aux vacances de février."
)
THIRD = (
    "Les parents d'élèves, réunis en association, ont obtenu qu'un point d'étape soit présenté chaque "
    "trimestre, avec le calendrier des travaux et le détail des dépenses engagées par la commune."
)
BODY = f"<p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p>"


def text_of(body: str) -> str:
    return clean_html(f"<html><head><title>t</title></head><body>{body}</body></html>").text


@pytest.mark.parametrize(
    "wrapper",
    [
        # an unclosed <noscript> (a tracking pixel's fallback) swallows the page that follows it
        "<noscript><div id='page'><h1>{title}</h1>{body}</div></noscript>",
        # a banner landmark left open around the whole page
        "<div role='banner'><div id='page'><h1>{title}</h1>{body}</div></div>",
    ],
)
def test_a_chrome_element_wrapping_the_whole_page_is_not_dropped(wrapper: str) -> None:
    text = text_of(wrapper.format(title=TITLE, body=BODY))
    assert LEAD in text and THIRD in text


def test_small_chrome_elements_still_go() -> None:
    text = text_of(
        "<noscript><p>Activez JavaScript pour afficher la carte des écoles concernées.</p></noscript>"
        f"<div role='banner'><p>Portail de la commune, services en ligne</p></div><h1>{TITLE}</h1>{BODY}"
    )
    assert "JavaScript" not in text and "Portail" not in text and LEAD in text


def test_the_article_whose_heading_links_to_itself_is_not_a_teaser() -> None:
    # blogs write the post title as a link to the post's own address
    html = (
        f"<div id='main'><article><h2><a href='/ecoles'>{TITLE}</a></h2><p>{LEAD}</p></article>"
        "<div class='nav-links'><a href='/a'>Billet précédent</a> <a href='/b'>Billet suivant</a></div></div>"
    )
    assert LEAD in text_of(html)


@pytest.mark.parametrize(
    "box",
    [
        "<div class='authorbox'><h4>Qui écrit ici ?</h4><p>Journaliste indépendante, elle couvre l'éducation "
        "et les finances locales depuis une dizaine d'années pour plusieurs titres régionaux.</p></div>",
        "<div class='post-ratings'><strong>Cet article vous a-t-il été utile ?</strong> (12 votes)</div>",
        "<div class='paywall-teaser'><p>La suite de cet article est réservée à nos lecteurs inscrits, "
        "l'inscription est gratuite et prend une minute.</p></div>",
        "<div class='post-next-prev'><span>Billet précédent</span> La piscine rouvre ses bassins</div>",
        "<div class='jetpack-likes sharedaddy'><span>Chargement des mentions</span></div>",
        "<div class='donation-box'><p>Notre rédaction vit de vos dons : soutenez un journalisme local "
        "indépendant, à partir de deux euros par mois et sans engagement de durée.</p></div>",
    ],
)
def test_chrome_boxes_inside_the_article_go(box: str) -> None:
    text = text_of(f"<article><h1>{TITLE}</h1><p>{LEAD}</p><p>{SECOND}</p>{box}<p>{THIRD}</p></article>")
    assert text.split("\n") == [TITLE, LEAD, SECOND, THIRD]


DATED_HEAD = "<meta property='article:published_time' content='2024-03-05T08:00:00+01:00'>"


def dated_page(body: str, head: str = DATED_HEAD) -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


# one line per entry of html.head_meta, in the languages of real pages
HEAD_META_LINES = [
    r"\b\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})\b", "Mis en ligne le 05.03.2024",
    r"\b\d{4}-\d{2}-\d{2}\b", "Publié 2024-03-05",
    r"\b\d{1,2}[:h]\d{2}\b", "Mardi, 8h05",
    r"\b\d{1,2}(er|\.)? [a-z]{3,10}\.? \d{4}\b", "Dienstag, 5. März 2024",
    r"\b[a-z]{3,10}\.? \d{1,2}(st|nd|rd|th)?,? \d{4}\b", "Updated March 5, 2024",
    r"\b\d+ ?(min|mins|minutes?|minuten|minut|minutos)\.?( de)? (read|lesezeit|lesedauer|czytania|lectura|lecture)\b",
    "4 minutes de lecture",
    r"^(lesezeit|lesedauer|reading time|read time|temps de lecture|tiempo de lectura)\b", "Lesezeit: drei Minuten",
]
HEAD_META_CASES = list(zip(HEAD_META_LINES[::2], HEAD_META_LINES[1::2]))


def test_every_head_meta_pattern_is_tested() -> None:
    from pipeline.clean.rules import load_data

    assert [p for p, _ in HEAD_META_CASES] == [rx.pattern for rx in load_data().head_meta]


@pytest.mark.parametrize(("pattern", "line"), HEAD_META_CASES)
def test_meta_lines_above_the_body_go_when_the_metadata_dates_the_page(pattern: str, line: str) -> None:
    html = dated_page(f"<article><h1>{TITLE}</h1><p>{line}</p><p>{LEAD}</p><p>{SECOND}</p></article>")
    assert clean_html(html).text.split("\n") == [TITLE, LEAD, SECOND]


def test_the_dateline_stays_when_only_the_text_dates_the_page() -> None:
    # the date reader of the text needs it (pipeline.clean.metadata.published_from_text)
    html = dated_page(f"<article><h1>{TITLE}</h1><p>Publié le 05/03/2024</p><p>{LEAD}</p></article>", head="")
    assert clean_html(html).text.split("\n") == [TITLE, "Publié le 05/03/2024", LEAD]


def test_a_date_inside_the_body_stays() -> None:
    late = "Prochaine réunion publique : 12/04/2024"
    html = dated_page(f"<article><h1>{TITLE}</h1><p>{LEAD}</p><p>{late}</p><p>{SECOND}</p></article>")
    assert late in clean_html(html).text


@pytest.mark.parametrize("cls", ["entry share", "entry-content no-share", "post social-enabled"])
def test_a_post_whose_class_names_its_share_bar_stays(cls: str) -> None:
    text = text_of(f"<div class='{cls}'><h1>{TITLE}</h1>{BODY}</div><div class='comments'><p>{SECOND}</p></div>")
    assert LEAD in text and THIRD in text


def test_a_share_bar_still_goes() -> None:
    bar = "<div class='share'><a href='/f'>Facebook</a> <a href='/x'>X</a> <a href='/m'>Envoyer par courriel</a></div>"
    assert "Facebook" not in text_of(f"<h1>{TITLE}</h1>{BODY}{bar}")


def article_with(box: str) -> str:
    return text_of(f"<article><h1>{TITLE}</h1><p>{LEAD}</p>{box}<p>{SECOND}</p><p>{THIRD}</p></article>")


def test_a_picture_caption_goes() -> None:
    box = "<figure><img src='a.jpg'><figcaption>La cour de l'école du centre, un matin d'hiver.</figcaption></figure>"
    assert article_with(box).split("\n") == [TITLE, LEAD, SECOND, THIRD]


# one caption per entry of html.caption_keep: what the extraction reads stays
CAPTIONS_KEPT = [
    ("\\d\\s?(€|eur\\b|euros?\\b|m€|k€|md€|millions?\\b|milliards?\\b)", "La future médiathèque, un chantier de 2,4 M€."),
    (
        "\\b(projets?|laureats?|subventions?|financ\\w*|dotations?|appels? a (projets|candidatures)|fonds)\\b",
        "Les élèves devant le potager, lauréat du concours départemental.",
    ),
]


def test_every_caption_keep_pattern_is_tested() -> None:
    from pipeline.clean.rules import load_data

    assert [p for p, _ in CAPTIONS_KEPT] == [rx.pattern for rx in load_data().caption_keep]


@pytest.mark.parametrize(("pattern", "caption"), CAPTIONS_KEPT)
def test_a_caption_naming_what_the_tool_extracts_stays(pattern: str, caption: str) -> None:
    box = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
    assert caption in article_with(box)


# one class value per entry of html.caption_tokens, as themes write them
CAPTION_CLASSES = [
    ("caption*", "wp-caption-text"),
    ("legend*", "image-legend"),
    ("bildunterschrift*", "bildunterschriften"),
    ("imagedescription", "imageDescription"),
    ("image-description", "image-description"),
    ("photo-credit*", "photo-credits"),
    ("bilduntertitel", "bilduntertitel"),
    ("legende*", "legende-photo"),
    ("pie-de-foto", "pie-de-foto"),
    ("foto-texto", "foto-texto"),
]


def test_every_caption_token_is_tested() -> None:
    from pipeline.clean.rules import load_data

    assert [t for t, _ in CAPTION_CLASSES] == list(load_data().caption_tokens)


@pytest.mark.parametrize(("token", "cls"), CAPTION_CLASSES)
def test_a_caption_written_without_figcaption_goes(token: str, cls: str) -> None:
    box = f"<div class='photo'><img src='a.jpg'><p class='{cls}'>Vue aérienne du groupe scolaire.</p></div>"
    assert "aérienne" not in article_with(box)


def test_the_captions_of_a_picture_story_stay() -> None:
    figures = "".join(
        f"<figure><img src='{i}.jpg'><figcaption>{text}</figcaption></figure>"
        for i, text in enumerate([LEAD.replace("Les travaux", "Ici, les travaux"), SECOND, THIRD])
    )
    text = text_of(f"<article><h1>{TITLE}</h1><p>{LEAD}</p>{figures}</article>")
    assert SECOND in text and THIRD in text


def test_captions_stay_when_drop_captions_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from pipeline.clean import content

    data = replace(content.load_data(), drop_captions=False)
    monkeypatch.setattr(content, "load_data", lambda: data)
    box = "<figure><img src='a.jpg'><figcaption>La cour de l'école du centre, un matin d'hiver.</figcaption></figure>"
    assert "La cour de l'école du centre" in article_with(box)


@pytest.mark.parametrize(
    "cls", ["post-ratings", "c-article__footer", "entry-rating-widget", "story-donation-appeal"]
)
def test_inside_the_article_a_chrome_box_named_after_its_post_goes(cls: str) -> None:
    # the first words say whose box it is ("post-", "article"), the last what it is
    box = (
        f"<div class='{cls}'><p>Votre avis compte : notez cet article de une à cinq étoiles, et dites-nous "
        "ce que vous aimeriez lire dans nos pages la semaine prochaine.</p></div>"
    )
    assert "Votre avis" not in article_with(box)


# one class value per entry of content.lead_tokens: the article's own lead, named with a chrome word
LEAD_CLASSES = [("teaser*", "article-teaser")]


def test_every_lead_token_is_tested() -> None:
    from pipeline.clean.rules import load_data

    assert {t for t, _ in LEAD_CLASSES} == set(load_data().content_lead_words)


@pytest.mark.parametrize(("token", "cls"), LEAD_CLASSES)
def test_the_lead_named_teaser_stays(token: str, cls: str) -> None:
    lead = "Trois écoles rénovées d'ici l'automne : la commune engage le plus gros chantier de son mandat."
    assert lead in article_with(f"<div class='{cls}'><p>{lead}</p></div>")


def test_the_lead_above_the_marked_article_body_stays() -> None:
    # news modules mark only the body as [itemprop=articleBody]; the lead sits above it
    html = (
        f"<div class='article'><div class='lead'><p>{LEAD}</p></div>"
        f"<div itemprop='articleBody'><p>{SECOND}</p><p>{THIRD}</p><p>{SECOND.replace('Le chantier', 'Ce chantier')}</p>"
        f"<p>{THIRD.replace('Les parents', 'Des parents')}</p></div></div>"
    )
    assert LEAD in text_of(html)


def test_a_short_post_whose_heading_is_the_page_title_is_not_a_teaser() -> None:
    # the post holds less than half of the page's prose: only its heading tells it from a card
    html = (
        f"<html><head><title>{TITLE}</title></head><body><div id='main'>"
        f"<div class='post'><h2><a href='/ecoles'>{TITLE}</a></h2><p>{LEAD}</p></div>"
        f"<div class='intro-site'><p>{SECOND}</p><p>{THIRD}</p></div></div></body></html>"
    )
    assert LEAD in clean_html(html).text


def test_boxes_go_from_a_root_chosen_by_markup() -> None:
    # too little prose for the density finder: the <article> is the root, and is pruned alike
    html = (
        "<article><h1>Horaires d'été de la piscine</h1><p>Ouverture tous les jours de 9 h à 19 h.</p>"
        "<ul><li>Bassin sportif : couloirs réservés le matin</li><li>Pataugeoire : l'après-midi</li>"
        "<li>Toboggan : le week-end, de 14 h à 18 h</li></ul>"
        "<div class='cards'><h3><a href='/a'>La médiathèque change ses horaires</a></h3>"
        "<p>Une ouverture le dimanche à l'essai.</p></div></article>"
    )
    text = text_of(html)
    assert "Pataugeoire" in text and "médiathèque" not in text

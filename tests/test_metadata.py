from __future__ import annotations

import datetime
import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import SHARED, SEEDS
from pipeline.extract.dates import load_rules, parse_date
from pipeline.clean.metadata import published_from_html, published_from_text

D = datetime.date
META = load_rules()["metadata"]


def fold(word: str) -> str:
    return word.lower().replace("’", "'")


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# ------------------------------------------------------------- HTML: JSON-LD


@pytest.mark.parametrize(
    ("html", "value", "why"),
    [
        (page(ld({"@type": "NewsArticle", "datePublished": "2019-09-25T08:00:00+02:00"})), D(2019, 9, 25), "plain"),
        (
            page(
                ld(
                    {
                        "@context": "https://schema.org",
                        "@graph": [
                            {"@type": "WebPage", "datePublished": "2017-01-01"},
                            {"@type": "NewsArticle", "datePublished": "2018-06-20"},
                        ],
                    }
                )
            ),
            D(2018, 6, 20),
            "@graph: the article node beats the page node listed before it",
        ),
        (
            page(ld([{"@type": "Organization", "name": "x"}, {"@type": "Article", "datePublished": "2018-11-12"}])),
            D(2018, 11, 12),
            "top-level array",
        ),
        (
            page(ld({"@type": "WebPage", "mainEntity": {"@type": ["BlogPosting"], "datePublished": "2020-03-03"}})),
            D(2020, 3, 3),
            "nested node, @type as a list",
        ),
        (
            page(ld({"@type": "WebPage", "datePublished": "2018-06-21"})),
            D(2018, 6, 21),
            "no article node: any datePublished",
        ),
        (
            page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
                 + ld({"@type": "NewsArticle", "datePublished": "2018-06-28"})),
            D(2018, 6, 28),
            "a malformed block is skipped, the next one read",
        ),
        (
            page('<script type="application/ld+json">{oops</script>'
                 '<meta property="article:published_time" content="2018-06-22T10:00:00Z">'),
            D(2018, 6, 22),
            "malformed JSON-LD falls through to the meta tags",
        ),
        (
            page(ld({"@type": "NewsArticle", "datePublished": "bientôt"})
                 + '<meta name="date" content="2019-09-25">'),
            D(2019, 9, 25),
            "an unreadable value falls through",
        ),
        (
            page(ld({"@type": "NewsArticle", "datePublished": "2019-09-25"})
                 + '<meta property="article:published_time" content="2011-01-01">'),
            D(2019, 9, 25),
            "JSON-LD comes first",
        ),
    ],
)
def test_json_ld(html: str, value: D, why: str) -> None:
    assert published_from_html(html) == value, why


ARTICLE_TYPE_CASES = [
    ("Article", "NewsArticle"),
    ("BlogPosting", "LiveBlogPosting"),
]


@pytest.mark.parametrize(("suffix", "ld_type"), ARTICLE_TYPE_CASES)
def test_article_types_beat_other_nodes(suffix: str, ld_type: str) -> None:
    graph = {"@graph": [{"@type": "WebSite", "datePublished": "2010-05-05"}, {"@type": ld_type, "datePublished": "2019-09-25"}]}
    assert ld_type.endswith(suffix)
    assert published_from_html(page(ld(graph))) == D(2019, 9, 25)


def test_article_type_cases_cover_the_lexicon() -> None:
    assert set(META["article_type_suffixes"]) == {case[0] for case in ARTICLE_TYPE_CASES}


# ------------------------------------------------------------ HTML: meta tags


META_PROPERTY_CASES = [("article:published_time", "2018-06-20T09:30:00+02:00"), ("og:published_time", "2018-06-20")]


@pytest.mark.parametrize(("prop", "content"), META_PROPERTY_CASES)
def test_meta_properties(prop: str, content: str) -> None:
    assert published_from_html(page(f'<meta property="{prop}" content="{content}">')) == D(2018, 6, 20)


def test_meta_property_cases_cover_the_lexicon() -> None:
    assert set(META["meta_properties"]) == {case[0] for case in META_PROPERTY_CASES}


def test_article_published_time_beats_og_whatever_the_order() -> None:
    head = '<meta property="og:published_time" content="2011-11-11"><meta property="article:published_time" content="2018-06-20">'
    assert published_from_html(page(head)) == D(2018, 6, 20)


def test_meta_itemprop() -> None:
    head = '<meta itemprop="datePublished" content="2019-09-25"><meta name="date" content="2011-11-11">'
    assert published_from_html(page(head)) == D(2019, 9, 25)


META_NAME_CASES = [
    ("date", "2019-09-25"),
    ("pubdate", "20/06/2018"),
    ("publish-date", "2018-06-20"),
    ("publish_date", "2018-06-20 10:00:00"),
    ("DC.date.issued", "2018-06-20"),
    ("DC.date", "2018-06-20"),
    ("dcterms.date", "2018-06-20"),
    ("DCTERMS.issued", "2018-06-20"),
    ("dcterms.created", "2018-06-20"),
    ("article.published", "2018-06-20T00:00:00Z"),
    ("sailthru.date", "Wed, 20 Jun 2018 10:00:00 +0200"),
    ("parsely-pub-date", "2018-06-20T10:00:00Z"),
]


@pytest.mark.parametrize(("name", "content"), META_NAME_CASES)
def test_meta_names(name: str, content: str) -> None:
    value = published_from_html(page(f'<meta name="{name}" content="{content}">'))
    assert value == parse_date(content) and value is not None


def test_meta_name_cases_cover_the_lexicon() -> None:
    assert {fold(n) for n in META["meta_names"]} == {fold(case[0]) for case in META_NAME_CASES}


def test_meta_without_content_is_ignored() -> None:
    head = '<meta name="date"><meta name="pubdate" content="2018-06-20">'
    assert published_from_html(page(head)) == D(2018, 6, 20)


# ----------------------------------------------------------- HTML: <time>

RELATED = (
    '<aside><h3>À lire aussi</h3><ul><li><time datetime="2025-01-17">17/01/2025</time> Autre sujet</li></ul></aside>'
)


@pytest.mark.parametrize(
    ("body", "value", "why"),
    [
        (
            RELATED + '<article><p>Par X <time itemprop="datePublished" datetime="2018-11-12">12 nov.</time></p></article>',
            D(2018, 11, 12),
            "microdata time, the related list before it ignored",
        ),
        (
            '<div><span itemprop="datePublished" content="2018-11-13">mardi</span></div>',
            D(2018, 11, 13),
            "microdata on another element",
        ),
        (
            '<div><time pubdate datetime="2019-09-25T09:00">25 sept.</time></div>',
            D(2019, 9, 25),
            "HTML5 pubdate",
        ),
        (
            '<div><time pubdate>25 septembre 2019</time></div>',
            D(2019, 9, 25),
            "pubdate with the date as text",
        ),
        (
            RELATED + '<article><header><h1>T</h1><time datetime="2018-06-28">28 juin</time></header>'
            '<p>…</p><time datetime="2018-07-02">2 juillet</time></article>',
            D(2018, 6, 28),
            "first time of the article",
        ),
        (
            '<header><time datetime="2018-06-28T10:00:00+02:00">Le 28 juin 2018</time></header>',
            D(2018, 6, 28),
            "time in a header",
        ),
        (
            '<article><time datetime="pas une date">hier</time><time datetime="2018-06-28">28 juin</time></article>',
            D(2018, 6, 28),
            "an unreadable datetime is skipped",
        ),
    ],
)
def test_time_elements(body: str, value: D, why: str) -> None:
    assert published_from_html(page(body=body)) == value, why


def test_a_time_outside_article_and_header_is_not_the_publication() -> None:
    assert published_from_html(page(body='<div><time datetime="2018-06-28">28 juin</time></div>')) is None


SKIP_TAG_CASES = [
    ("aside", '<article><p>x</p><aside><time datetime="2025-01-17"></time></aside></article>'),
    ("footer", '<article><p>x</p><footer>Dernière mise à jour <time datetime="2021-06-11"></time></footer></article>'),
    ("nav", '<header><nav><a>Archives</a><time datetime="2025-01-17"></time></nav></header>'),
]


@pytest.mark.parametrize(("tag", "body"), SKIP_TAG_CASES)
def test_times_in_other_content_are_ignored(tag: str, body: str) -> None:
    assert published_from_html(page(body=body)) is None


def test_skip_tag_cases_cover_the_lexicon() -> None:
    assert set(META["skip_tags"]) == {case[0] for case in SKIP_TAG_CASES}


SKIP_CLASS_CASES = [
    ("related", 'class="related-articles"'),
    ("similar", 'class="similar-posts"'),
    ("recommend", 'class="recommended"'),
    ("read-more", 'class="read-more"'),
    ("lire-aussi", 'id="lire-aussi"'),
    ("sidebar", 'class="col sidebar"'),
    ("comment", 'id="comments"'),
    ("widget", 'class="widget-latest"'),
    ("most-read", 'class="most-read"'),
]


@pytest.mark.parametrize(("word", "attribute"), SKIP_CLASS_CASES)
def test_times_in_related_containers_are_ignored(word: str, attribute: str) -> None:
    body = (
        f'<article><div {attribute}><ul><li><time datetime="2025-01-17">17/01/2025</time></li></ul></div>'
        '<p>Texte</p><time datetime="2018-06-28">28 juin 2018</time></article>'
    )
    assert published_from_html(page(body=body)) == D(2018, 6, 28)


def test_skip_class_cases_cover_the_lexicon() -> None:
    assert set(META["skip_class_words"]) == {case[0] for case in SKIP_CLASS_CASES}


def test_microdata_inside_a_related_list_is_ignored() -> None:
    body = '<div class="related"><time itemprop="datePublished" datetime="2025-01-17"></time></div>'
    assert published_from_html(page(body=body)) is None


def test_html_without_any_date() -> None:
    assert published_from_html(page(body="<p>Le 28 juin 2018, rien dans les métadonnées.</p>")) is None


def test_a_parsed_soup_is_accepted() -> None:
    soup = BeautifulSoup(page('<meta name="date" content="2019-09-25">'), "lxml")
    assert published_from_html(soup) == D(2019, 9, 25)


# ------------------------------------------------------------------- text


def evidence(text: str) -> tuple[D, str] | None:
    found = published_from_text(text)
    if found is None:
        return None
    value, start, end = found
    return value, text[start:end]


DATE_LINE_CASES = [
    ("Publié le 25 septembre 2019", D(2019, 9, 25), "le 25 septembre 2019"),
    ("Publiée le 3 mars 2020", D(2020, 3, 3), "le 3 mars 2020"),
    ("Le 28 juin 2018", D(2018, 6, 28), "Le 28 juin 2018"),
    ("Mis en ligne le 3 mars 2020 à 14h05", D(2020, 3, 3), "le 3 mars 2020 à 14h05"),
    ("Mise en ligne le 3 mars 2020", D(2020, 3, 3), "le 3 mars 2020"),
    ("Mardi 12 mars 2019", D(2019, 3, 12), "Mardi 12 mars 2019"),
    ("12/03/2019", D(2019, 3, 12), "12/03/2019"),
    ("Par Jean Dupont, le 12 mars 2019", D(2019, 3, 12), "le 12 mars 2019"),
    ("Par Marie-Claire de La Tour | 12 mars 2019", D(2019, 3, 12), "12 mars 2019"),
    ("Date de publication : 12/03/2019", D(2019, 3, 12), "12/03/2019"),
    ("Créé le 12/03/2019", D(2019, 3, 12), "le 12/03/2019"),
    ("Rédigé par Anne Leroy le 12 mars 2019", D(2019, 3, 12), "le 12 mars 2019"),
    ("Écrit par Anne Leroy, 12.03.2019", D(2019, 3, 12), "12.03.2019"),
    ("Publié le 12/03/2019 et mis à jour le 13/03/2019", D(2019, 3, 12), "le 12/03/2019"),
    ("Publié le 12/03/2019 à 10h30, mis à jour le 13/03/2019", D(2019, 3, 12), "le 12/03/2019 à 10h30"),
    ("Mis à jour le 13/03/2019, publié le 12/03/2019", D(2019, 3, 12), "le 12/03/2019"),
    # a newsroom after "par" (newsroom_words), and a section label before a publication cue
    ("4 avril 2021 à 08h15 par la rédaction", D(2021, 4, 4), "4 avril 2021 à 08h15"),
    ("Par le service presse avec AFP, 12 mars 2019", D(2019, 3, 12), "12 mars 2019"),
    ("Communiqué Publié le 19 mai 2022", D(2022, 5, 19), "le 19 mai 2022"),
    ("Santé et social · Publiée 2 juin 2022 · Lecture 3 min", D(2022, 6, 2), "2 juin 2022"),
    ("Question publiée au JO le 16/05/2022", D(2022, 5, 16), "le 16/05/2022"),
    ("Séance du 25 septembre 2019", D(2019, 9, 25), "25 septembre 2019"),
]


@pytest.mark.parametrize(("line", "value", "expression"), DATE_LINE_CASES)
def test_date_lines(line: str, value: D, expression: str) -> None:
    text = f"Un titre d'article\n{line}\nUn chapeau qui présente le sujet."
    assert evidence(text) == (value, expression)


def test_date_line_cases_cover_the_lexicon() -> None:
    # Every allowed word of dates.yaml occurs in an accepted date line above.
    seen = {fold(w) for line, _, _ in DATE_LINE_CASES for w in re.findall(r"\w+", line)}
    assert {fold(w) for w in META["date_line_words"] + META["author_leads"] + META["newsroom_words"]} <= seen
    cue_words = {fold(w) for cue in META["publication_cues"] for w in re.findall(r"\w+", cue)}
    assert cue_words <= seen


UPDATE_CUE_CASES = [
    ("mis à jour", "Publié le 12/03/2019, mis à jour le 13/03/2019"),
    ("mise à jour", "Publication 12/03/2019 - mise à jour 13/03/2019"),
    ("màj", "12/03/2019 (màj le 13/03/2019)"),
    ("modifié", "Publié le 12/03/2019, modifié le 13/03/2019"),
    ("modifiée", "Publiée le 12/03/2019, modifiée le 13/03/2019"),
    ("actualisé", "Publié le 12/03/2019, actualisé le 13/03/2019"),
    ("actualisée", "Publiée le 12/03/2019, actualisée le 13/03/2019"),
    ("dernière modification", "Publié le 12/03/2019 - dernière modification le 13/03/2019"),
]


@pytest.mark.parametrize(("cue", "line"), UPDATE_CUE_CASES)
def test_an_update_never_wins_over_the_publication(cue: str, line: str) -> None:
    assert cue in line.lower()
    found = evidence(f"Titre\n{line}\nChapeau.")
    assert found is not None and found[0] == D(2019, 3, 12)


@pytest.mark.parametrize(("cue", "line"), UPDATE_CUE_CASES)
def test_an_update_alone_is_not_the_publication(cue: str, line: str) -> None:
    update_only = line[line.lower().index(cue) :].rstrip(")")
    assert published_from_text(f"Titre\n{update_only}\nChapeau.") is None


def test_update_cue_cases_cover_the_lexicon() -> None:
    assert {fold(c) for c in META["update_cues"]} == {case[0] for case in UPDATE_CUE_CASES}


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("Le gouvernement annonce 16 projets le 20 juin 2018", "a headline holding a date"),
        ("Juin 2018", "no day"),
        ("Le 28 juin", "no year"),
        ("Publié lundi", "no full date"),
        ("Dernière mise à jour le 11 juin 2021", "an update"),
        ("Par Jean Paul Marie Pierre André Dupont, le 12 mars 2019", "an author name does not run on"),
    ],
)
def test_lines_that_are_not_date_lines(line: str, why: str) -> None:
    assert published_from_text(f"Titre\n{line}\nChapeau.") is None, why


LONG = "Le ministre a présenté les projets retenus par le comité, " * 4  # > 200 characters


def test_limits_read_from_the_lexicon() -> None:
    assert (META["top_lines"], META["long_line"], META["date_line_max"]) == (8, 200, 80)
    assert len(LONG.strip()) > META["long_line"]


def test_a_date_line_among_the_top_lines() -> None:
    lines = [f"Rubrique {i}" for i in range(7)]
    assert evidence("\n\n".join([*lines, "Le 28 juin 2018"])) == (D(2018, 6, 28), "Le 28 juin 2018")


def test_a_date_line_after_the_top_lines_is_ignored() -> None:
    lines = [f"Rubrique {i}" for i in range(8)]
    assert published_from_text("\n".join([*lines, "Le 28 juin 2018"])) is None


def test_nothing_is_read_past_the_first_long_paragraph() -> None:
    text = f"Titre\n{LONG}\nLe 28 juin 2018\n- Autre article - 17/01/2025"
    assert published_from_text(text) is None


@pytest.mark.parametrize(
    ("paragraph", "value", "expression"),
    [
        ("PARIS, 12 mars 2019 (AFP) - " + LONG, D(2019, 3, 12), "12 mars 2019"),
        ("Paris, le 12 mars 2019 – " + LONG, D(2019, 3, 12), "le 12 mars 2019"),
        ("12/03/2019 : " + LONG, D(2019, 3, 12), "12/03/2019"),
    ],
)
def test_a_dateline_opening_the_first_long_paragraph(paragraph: str, value: D, expression: str) -> None:
    assert evidence(f"Titre\n{paragraph}") == (value, expression)


def test_a_date_inside_the_first_long_paragraph_is_not_a_dateline() -> None:
    assert published_from_text(f"Titre\nLe comité réuni le 12 mars 2019 a retenu des projets. {LONG}") is None


@pytest.mark.parametrize(("length", "found"), [(80, True), (81, False)])
def test_a_date_line_is_short(length: int, found: bool) -> None:
    frame = "Par , le 12 mars 2019"
    line = "Par " + "Jean-" + "x" * (length - len(frame) - len("Jean-")) + ", le 12 mars 2019"
    assert len(line) == length
    assert (published_from_text(f"Titre\n{line}\nChapeau") is not None) == found


def test_offsets_point_into_the_whole_text() -> None:
    text = "Rubrique\n\nUn titre\n\nPublié le 25 septembre 2019\n\nSuite."
    value, start, end = published_from_text(text)
    assert parse_date(text[start:end]) == value == D(2019, 9, 25)


@pytest.mark.parametrize("text", ["", "\n\n", "Un titre seul"])
def test_no_date(text: str) -> None:
    assert published_from_text(text) is None


# ------------------------------------------------------------------ seeds


def _seed_expectations() -> list[tuple[str, list[str | None]]]:
    gold_path = SHARED / "gold" / "seeds.json"
    if not gold_path.is_file():
        return []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return sorted((name, article["published_on"]) for name, article in gold["articles"].items())


@pytest.mark.parametrize(("name", "accepted"), _seed_expectations())
def test_seed_publication_dates(seeds_dir: object, name: str, accepted: list[str | None]) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    found = published_from_text(text)
    if found is None:
        assert None in accepted
        return
    value, start, end = found
    assert value.isoformat() in accepted
    assert parse_date(text[start:end]) == value


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Publié le 8 juin 2021 · Rubrique Start-up d'État · Lecture 5 min", datetime.date(2021, 6, 8)),
        ("Le 8 juin 2021 | 3 min de lecture", datetime.date(2021, 6, 8)),
        ("Rubrique · Lecture 5 min", None),
        # kickers too long to be a date line, read by their parts
        ("Dossier de presse — Ministère de l'Agriculture et de la Souveraineté alimentaire — Paris, le 2 mai 2022",
         datetime.date(2022, 5, 2)),
        ("Communiqué de presse – Agence régionale de santé Occitanie – Délégation du Lot – Cahors, le 9 mai 2022",
         datetime.date(2022, 5, 9)),
        ("Question écrite n° 1203 — 16e législature — Question publiée au JO le 16/05/2022 — Réponse publiée au JO le 01/09/2022",
         datetime.date(2022, 5, 16)),
        ("Le conseil a voté une aide – la commune de Lyon, le 4 mai 2022, a signé la convention avec l'État pour trois ans",
         None),
    ],
)
def test_byline_split_by_separators(line, expected):
    got = published_from_text(f"Un titre\n{line}\nLe corps de l'article commence ici.")
    assert (got[0] if got else None) == expected


# ------------------------------------------------- byline after the lead, crawler stamps


@pytest.mark.parametrize(
    ("byline", "value"),
    [
        ("14 octobre 2022 à 8h05 par la rédaction", D(2022, 10, 14)),
        ("Le 2 juin 2019 à 18h30", D(2019, 6, 2)),
        ("Par Claire Vasseur, le 9 mars 2024", D(2024, 3, 9)),
    ],
)
def test_a_byline_below_the_standfirst(byline: str, value: D) -> None:
    # Title, standfirst (a long paragraph), then the byline: a regional radio's layout.
    found = evidence(f"Titre\n{LONG}\n{byline}\n{LONG}")
    assert found is not None and found[0] == value and found[1] in byline


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f"Titre\n{LONG}\nLe 28 juin 2018\nSuite", "a bare date below the standfirst may be any date of the story"),
        (f"Titre\n{LONG}\n{LONG}\n14 octobre 2022 à 8h05 par la rédaction", "past a second long paragraph"),
    ],
)
def test_no_byline_below_the_standfirst(text: str, why: str) -> None:
    assert published_from_text(text) is None, why


@pytest.mark.parametrize(
    ("text", "value", "expression"),
    [
        ("date 2024-02-19 Le conseil a voté.", D(2024, 2, 19), "2024-02-19"),
        (" date 2021-05 Le préfet a inauguré ce mardi 11 mai la nouvelle maison France services.",
         D(2021, 5, 11), "ce mardi 11 mai"),
        ("date 2019-11 La ministre a présenté ce 7 novembre 2019 les lauréats.", D(2019, 11, 7), "ce 7 novembre 2019"),
        ("date 2022-06 Le plan avance.\nSelon le bilan présenté ce jeudi 9 juin, 40 projets sont engagés.",
         D(2022, 6, 9), "ce jeudi 9 juin"),
    ],
)
def test_a_crawler_stamp(text: str, value: D, expression: str) -> None:
    assert evidence(text) == (value, expression)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("date 2021-05 Le chantier a commencé.", "a month is not a day"),
        ("date 2021-05 Le chantier lancé le 11 mars sera fini en juin.", "not said as today"),
        ("date 2021-05 Le préfet reviendra ce jeudi 3 juin.", "a day outside the stamped month"),
        ("date 2021-13 Un texte.", "no such month"),
        ("date 2022-06 Le plan avance.\nUn bilan suivra.\nIl a été présenté ce jeudi 9 juin.", "past the second paragraph"),
        ("Mise à jour date 2021-05-11", "a stamp opens the text or is none"),
    ],
)
def test_not_a_stamped_day(text: str, why: str) -> None:
    assert published_from_text(text) is None, why


@pytest.mark.parametrize(
    ("line", "value", "expression"),
    [
        ("Direction de la communication – Dijon, le 5 juillet 2023", D(2023, 7, 5), "le 5 juillet 2023"),
        ("Préfecture de la Haute-Saône – Service presse – 30 janvier 2024", D(2024, 1, 30), "30 janvier 2024"),
        ("Entretien réalisé par Léa Morvan – 11 février 2022", D(2022, 2, 11), "11 février 2022"),
        ("Pays de Retz - Loire-Atlantique - Mardi 6 juin 2023", D(2023, 6, 6), "Mardi 6 juin 2023"),
        ("La lettre des maires, bulletin de l'association – 2 octobre 2021", D(2021, 10, 2), "2 octobre 2021"),
    ],
)
def test_a_kicker_line_ending_with_its_date(line: str, value: D, expression: str) -> None:
    assert evidence(f"Un titre\n{line}\n\nLe texte commence.") == (value, expression)


@pytest.mark.parametrize(
    "line",
    [
        "Travaux – la salle rouverte le 3 avril 2023",
        "Voirie – Dijon, le chantier livré le 5 juillet 2023 au plus tard",
    ],
)
def test_a_dash_part_that_says_more_than_a_date(line: str) -> None:
    assert published_from_text(f"Un titre\n{line}\n\nLe texte commence.") is None


# ------------------------------------------------- a closing dateline at the foot

LEAD = "Le conseil a examiné les demandes de subvention des associations sportives du canton. " * 4


@pytest.mark.parametrize(
    ("foot", "value"),
    [
        ("Fait à Montbrison, le 14 mars 2022.\nLe Maire,", D(2022, 3, 14)),
        ("Délibéré à Roanne, le 2 février 2021.", D(2021, 2, 2)),
        ("Adopté à l'unanimité. Publié le 30 mars 2022.", D(2022, 3, 30)),
    ],
)
def test_a_closing_dateline_dates_a_text_without_one_at_the_top(foot: str, value: D) -> None:
    text = f"Titre de la délibération\n\n{LEAD}\n\n{LEAD}\n\n{foot}"
    got = published_from_text(text)
    assert got is not None and got[0] == value
    assert value.year == int(text[got[1]:got[2]][-4:])


def test_a_date_in_the_last_paragraph_is_no_closing_dateline() -> None:
    text = f"Titre\n\n{LEAD}\n\n{LEAD}\n\nLes travaux commenceront le 14 mars 2022 selon le maire."
    assert published_from_text(text) is None


def test_a_place_dateline_alone_on_its_line() -> None:
    assert evidence("Communiqué de presse\nParis, le 3 mai 2022\nLa ministre annonce …") == (D(2022, 5, 3), "le 3 mai 2022")

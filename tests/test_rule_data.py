"""Every entry of funds.yaml and name_glossary.yaml, in the case it exists for."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from pipeline.extract.calls import DATA as CALLS_DATA, fund_spans, read_call
from pipeline.model import Article, ArticleResult, Mention
from pipeline.reconcile.cluster import reconcile
from pipeline.paths import DATA_DIR
from pipeline.reconcile.names import name_tokens
from pipeline.extract.segment import sentences

FUNDS = yaml.safe_load(open(CALLS_DATA / "funds.yaml", encoding="utf-8"))
GLOSSARY = yaml.safe_load(open(DATA_DIR / "name_glossary.yaml", encoding="utf-8"))


def call_of(text: str, published: dt.date | None = dt.date(2019, 7, 1)):
    return read_call(text, sentences(text), published)


@pytest.mark.parametrize("fund", FUNDS["funds"], ids=lambda f: f["name"])
def test_every_fund_name_alias_and_acronym_is_found(fund):
    for form in [fund["name"], *(fund.get("aliases") or []), *([fund["acronym"]] if fund.get("acronym") else [])]:
        spans = fund_spans(f"Les lauréats du {form} sont connus.")
        assert spans and spans[0][2] == fund["name"], form


@pytest.mark.parametrize("n, word", [(int(n), w) for n, ws in FUNDS["ordinals"].items() for w in ws])
def test_every_ordinal(n, word):
    assert call_of(f"Les lauréats du {word} appel à projets sont connus.").ordinal == n


@pytest.mark.parametrize("unit, word", [(u, w) for u, ws in FUNDS["units"].items() for w in ws])
def test_every_unit(unit, word):
    assert call_of(f"Les lauréats de la deuxième {word} sont connus.").unit == unit


@pytest.mark.parametrize("verb", FUNDS["announce_verbs"])
def test_every_announcing_verb_dates_the_announcement(verb):
    info = call_of(f"Le ministère a {verb} le 20 juin 2019 les 12 lauréats du fonds.".replace("a a ", "a "))
    assert info.announced_on == "2019-06-20"


@pytest.mark.parametrize("noun", FUNDS["laureate_nouns"])
def test_every_laureate_noun_makes_an_announcement_sentence(noun):
    assert call_of(f"Le ministère a annoncé le 20 juin 2019 les {noun} du fonds.").announced_on == "2019-06-20"


@pytest.mark.parametrize("verb", FUNDS["selection_verbs"])
def test_every_selection_verb_dates_a_selection(verb):
    assert call_of(f"Le comité {verb} le 22 mai 2019 douze projets.").announced_on == "2019-05-22"


def test_an_announcement_beats_a_selection():
    text = "Le comité a sélectionné le 22 mai 2019 douze projets. Les lauréats ont été annoncés le 20 juin 2019."
    assert call_of(text).announced_on == "2019-06-20"


@pytest.mark.parametrize("word, meaning", list(GLOSSARY["translate"].items()))
def test_every_glossary_word_reads_as_its_french_form(word, meaning):
    assert name_tokens(f"Plateforme {word} régionale") == name_tokens(f"Plateforme {meaning} régionale")


def _result(aid: str, name: str) -> ArticleResult:
    m = Mention(article_id=aid, name=name, start=0, end=len(name), rule="block", context=name)
    return ArticleResult(article=Article(id=aid, path=aid, text=name), mentions=[m])


@pytest.mark.parametrize("word", GLOSSARY["weak_tokens"])
def test_a_weak_word_alone_never_joins_two_projects(word):
    rec = reconcile([_result("a1", f"{word} Orion"), _result("a2", f"{word} Véga")])
    assert len(rec.projects) == 2

"""The memo of sentence analyses (pipeline/extract/nlp.py): each distinct sentence text goes
through the model once, every text still gets its own doc in order, and an article that
republishes another's paragraph gets the same extraction as with the memo off, its spans
pointing at its own text. No timing is asserted: benchmarks/bench_startup.py measures it."""

from __future__ import annotations

import pytest

from pipeline.extract import nlp
from pipeline.model import Article


class FakeDoc:
    def __init__(self, text: str, parsed: bool = False):
        self.text, self.parsed = text, parsed


class FakeParser:
    def __init__(self, seen: list[str]):
        self.seen = seen

    def pipe(self, docs, batch_size=64):
        for d in docs:
            self.seen.append("parse:" + d.text)
            yield FakeDoc(d.text, parsed=True)


class FakeModel:
    """Stands for the spaCy model: records every text it is given."""

    component_names = ("tok2vec", "morphologizer", "parser", "ner")

    def __init__(self):
        self.seen: list[str] = []

    def pipe(self, texts, batch_size=64):
        for t in texts:
            self.seen.append(t)
            yield FakeDoc(t)

    def get_pipe(self, name):
        return FakeParser(self.seen)


@pytest.fixture()
def model(monkeypatch):
    fake = FakeModel()
    monkeypatch.setattr(nlp, "get_nlp", lambda name=None: fake)
    monkeypatch.delenv("PIPELINE_NLP_MEMO", raising=False)
    nlp.clear_memo()
    yield fake
    nlp.clear_memo()


# sentences as a wire story and its republications would repeat them
SHARED = "La communauté de communes reçoit 1,4 million d'euros pour rénover la halle aux grains."
ENUMERATION = "Deux dossiers sont retenus : le verger partagé, la passerelle du moulin et le gîte d'étape."
LOCAL = ["Article publié par la rédaction locale.", "Repris du communiqué de la préfecture.",
         "Mis à jour le lendemain matin."]


@pytest.mark.parametrize("texts", [
    [SHARED, LOCAL[0], SHARED],
    [LOCAL[1], SHARED, SHARED, SHARED, LOCAL[2]],
    [ENUMERATION, SHARED, ENUMERATION],
])
def test_each_distinct_text_goes_through_the_model_once(model, texts):
    docs = nlp.parse_sentences(texts)
    assert [d.text for d in docs] == texts  # one doc per text, in order
    assert sorted(t for t in model.seen if not t.startswith("parse:")) == sorted(set(texts))
    parsed = [t for t in model.seen if t.startswith("parse:")]
    assert parsed == (["parse:" + ENUMERATION] if ENUMERATION in texts else [])
    first = {}
    for t, d in zip(texts, docs):
        assert first.setdefault(t, d) is d  # the same text, the same analysis


def test_a_later_batch_reuses_the_analyses_of_an_earlier_one(model):
    nlp.parse_sentences([SHARED, LOCAL[0]])
    model.seen.clear()
    docs = nlp.parse_sentences([LOCAL[1], SHARED])
    assert model.seen == [LOCAL[1]]
    assert [d.text for d in docs] == [LOCAL[1], SHARED]


def test_the_memo_keeps_only_the_latest_analyses(model, monkeypatch):
    monkeypatch.setattr(nlp, "MEMO_SIZE", 2)
    nlp.parse_sentences(LOCAL)  # three texts: the first is dropped
    model.seen.clear()
    nlp.parse_sentences(LOCAL)
    assert model.seen == [LOCAL[0]]


@pytest.mark.parametrize("switch", ["0", "off", "false"])
def test_off_every_sentence_goes_through_the_model(model, monkeypatch, switch):
    monkeypatch.setenv("PIPELINE_NLP_MEMO", switch)
    texts = [SHARED, SHARED, LOCAL[0]]
    docs = nlp.parse_sentences(texts)
    assert model.seen == texts
    assert docs[0] is not docs[1]


# --- with the real model: a republished paragraph ------------------------------------------

WIRE = ("Le conseil régional attribue 2,3 millions d'euros au projet Ruche du Causse, porté par "
        "l'association Terres d'Abeilles, pour installer un rucher école. Le département apporte "
        "0,6 M€ au projet Sentier des Meuniers.")
VERSIONS = [
    WIRE,
    "Publié par la rédaction de la vallée, le 3 mars.\n\n" + WIRE + "\n\nTous droits réservés.",
    "Agenda de la semaine.\n\nUne réunion publique aura lieu jeudi.\n\n" + WIRE,
]


def _extract_all(monkeypatch, memo: str):
    from pipeline.extract.article import extract_many

    monkeypatch.setenv("PIPELINE_NLP_MEMO", memo)
    nlp.clear_memo()
    arts = [Article(id=f"a{i}", path=f"a{i}.txt", text=t, published_on="2024-03-04") for i, t in enumerate(VERSIONS)]
    return extract_many(arts)


def _facts(res):
    return [(m.name, m.start, m.end, m.amount_m_eur, m.amount_span, tuple(m.carriers), m.context_span)
            for m in res.mentions]


def test_republished_paragraph_same_extraction_with_and_without_memo(monkeypatch):
    pytest.importorskip(nlp.model_name())
    with_memo = _extract_all(monkeypatch, "1")
    without = _extract_all(monkeypatch, "0")
    nlp.clear_memo()
    assert [_facts(r) for r in with_memo] == [_facts(r) for r in without]
    names = [{m.name for m in r.mentions} for r in with_memo]
    assert names[0] and names[0] == names[1] == names[2]
    for r in with_memo:  # every span points at its own article's text
        text = r.article.text
        for m in r.mentions:
            assert text[m.start:m.end] == m.name
            if m.amount_span:
                assert "€" in text[m.amount_span[0]:m.amount_span[1]] or "euros" in text[m.amount_span[0]:m.amount_span[1]]

"""The rehearsal of the per-article stages before the first batch (pipeline/run/warmup.py): its
two samples go through reading, cleaning and extraction without error, it runs once per
process, and it leaves nothing in the model's memo of sentences."""

from __future__ import annotations

import pytest

from pipeline.extract import nlp
from pipeline.run import warmup


def test_samples_go_through_every_stage(tmp_path):
    pytest.importorskip(nlp.model_name())
    from pipeline.run.batch import clean_batch, extract_batch

    paths = []
    for name, content in (("a.txt", warmup.SAMPLE_TEXT), ("b.html", warmup.SAMPLE_PAGE)):
        (tmp_path / name).write_text(content, encoding="utf-8")
        paths.append(str(tmp_path / name))
    articles, errors = clean_batch(paths)
    assert errors == [] and len(articles) == 2
    results = extract_batch(articles)
    assert [r.error for r in results] == [None, None]
    assert all(r.mentions for r in results)  # the extractor's rules, not only the model, were exercised
    assert "équipe-ments" not in articles[0].text  # the hyphen mending, with its word frequencies


def test_rehearsal_runs_once_and_leaves_the_memo_empty(monkeypatch):
    pytest.importorskip(nlp.model_name())
    monkeypatch.setattr(warmup, "_done", set())
    nlp.clear_memo()
    assert warmup.rehearse() is True
    assert nlp.memo_size() == 0
    calls = []
    monkeypatch.setattr("pipeline.run.batch.clean_batch", lambda *a, **k: calls.append(a) or ([], []))
    assert warmup.rehearse() is False  # already done in this process
    assert calls == []


def test_a_process_that_only_extracts_rehearses_without_the_clean_stage(monkeypatch):
    pytest.importorskip(nlp.model_name())
    monkeypatch.setattr(warmup, "_done", set())
    cleaned = []
    monkeypatch.setattr("pipeline.run.batch.clean_batch", lambda *a, **k: cleaned.append(a) or ([], []))
    assert warmup.rehearse(("extract",)) is True
    assert cleaned == [] and warmup._done == {"extract"}
    assert nlp.memo_size() == 0
    assert warmup.rehearse(("clean", "extract")) is True  # the clean stage, not rehearsed yet
    assert len(cleaned) == 1 and warmup._done == {"clean", "extract"}
    assert warmup.rehearse(()) is False


def test_the_cleaned_samples_are_what_the_clean_stage_makes_of_the_samples(tmp_path):
    from pipeline.run.batch import clean_batch

    paths = []
    for name, content in (("sample.txt", warmup.SAMPLE_TEXT), ("sample.html", warmup.SAMPLE_PAGE)):
        (tmp_path / name).write_text(content, encoding="utf-8")
        paths.append(str(tmp_path / name))
    articles, errors = clean_batch(paths)
    assert errors == []
    for got, stand_in in zip(articles, warmup.cleaned_samples()):
        assert got.text == stand_in.text
        assert (got.title, got.published_on) == (stand_in.title, stand_in.published_on)

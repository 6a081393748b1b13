"""The model loaded without its string table (pipeline/extract/nlp.py, `_load`) annotates
exactly as the model loaded whole: same tokens, tags, morphology, entities, parse and
tensor. The comparison runs over the bundled raw/ samples and a few phrasings written
here; a spaCy that changed what its vocabulary's strings are used for would fail it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import nlp

ROOT = Path(__file__).resolve().parents[1]

PHRASINGS = [
    "Le ministère de l'Intérieur reçoit 4,2 millions d'euros pour moderniser la délivrance des titres.",
    "La région Bretagne et l'Agence nationale de la cohésion des territoires cofinancent le tiers-lieu.",
    "Trois lauréats : la plateforme Signal Conso, l'outil DémaRches simplifiées et le portail des aides (respectivement 1,2 M€, 800 000 € et 3 M€).",
    "À Saint-Étienne-du-Rouvray, le CHU porte la reconstruction du bâtiment des urgences ; coût : 126 M€.",
    "L'État apporte 27,7 millions d'euros à l'identité numérique, selon la DINUM.",
]


def _samples() -> list[str]:
    texts = list(PHRASINGS)
    for path in sorted((ROOT / "raw").glob("*.txt")):
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if len(line.split()) > 3]
    return texts


def _annotations(doc) -> list[tuple]:
    return [(t.idx, t.text, t.pos_, str(t.morph), t.ent_iob_, t.ent_type_, t.dep_, t.head.i) for t in doc]


@pytest.mark.slow
def test_trimmed_load_annotates_as_the_whole_model():
    import numpy
    import spacy

    trimmed = nlp._load.__wrapped__(nlp.model_name())
    whole = spacy.load(nlp.model_name(), exclude=list(nlp.DISABLED), disable=list(nlp.PARSER_OFF))
    assert len(trimmed.vocab.strings) < len(whole.vocab.strings)  # the table really was left out
    assert trimmed.vocab.vectors.shape == whole.vocab.vectors.shape  # and the vectors were not
    texts = _samples()
    assert len(texts) > 50
    for model in (trimmed, whole):
        model.enable_pipe("parser")
    for a, b in zip(trimmed.pipe(texts), whole.pipe(texts), strict=True):
        assert _annotations(a) == _annotations(b), a.text
        assert numpy.allclose(a.tensor, b.tensor), a.text

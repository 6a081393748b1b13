"""The spaCy model: loaded once per process, run only over the sentences that need it.

Only tok2vec, morphologizer (POS for noun-phrase boundaries) and ner run over every chosen
sentence: the lemmatizer and attribute ruler are not loaded (the French morphologizer
predicts the coarse POS tags itself), and the dependency parser, the costliest, runs only
over the few sentences that enumerate projects (coordination read from its arcs).
The model is never passed between tasks or processes (it does not pickle cheaply):
each process calls `get_nlp()` and keeps its own copy.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache

DEFAULT_MODEL = "fr_core_news_md"
DISABLED = ("lemmatizer", "senter", "attribute_ruler")
# loaded but not run by nlp.pipe: only the sentences that enumerate (a colon then a list,
# semicolons, "respectivement") go through it, after the shared tok2vec has run
PARSER_OFF = ("parser",)
_ENUMERATES = re.compile(r":[^:]{3,}(?:,|\set\s|\sou\s)|\brespectivement\b|;")


def model_name() -> str:
    return os.environ.get("PIPELINE_SPACY_MODEL", DEFAULT_MODEL)


_LOCK = threading.Lock()


def get_nlp(name: str | None = None):
    """The model, loaded once per process even when Prefect's threads ask at the same time."""
    with _LOCK:
        return _load(name or model_name())


@lru_cache(maxsize=2)
def _load(name: str):
    import spacy

    return spacy.load(name, exclude=list(DISABLED), disable=list(PARSER_OFF))


def parse_sentences(texts: list[str], batch_size: int = 64):
    """Docs for sentence texts, in order (nlp.pipe batches them through the model)."""
    nlp = get_nlp()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    deep = [i for i, t in enumerate(texts) if _ENUMERATES.search(t)]
    if deep and "parser" in nlp.component_names:
        # the parser listens to tok2vec: it reads the tensor nlp.pipe left on each doc
        parsed = nlp.get_pipe("parser").pipe([docs[i] for i in deep], batch_size=batch_size)
        for i, d in zip(deep, parsed):
            docs[i] = d
    return docs

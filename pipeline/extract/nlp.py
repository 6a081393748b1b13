"""The spaCy model: loaded once per process, run only over the sentences that need it.

Only tok2vec, morphologizer (POS for noun-phrase boundaries) and ner run: the parser,
lemmatizer and attribute ruler cost most of the time and the rules do not need them (the
French morphologizer predicts the coarse POS tags itself).
The model is never passed between tasks or processes (it does not pickle cheaply):
each process calls `get_nlp()` and keeps its own copy.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

DEFAULT_MODEL = "fr_core_news_md"
DISABLED = ("parser", "lemmatizer", "senter", "attribute_ruler")


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

    return spacy.load(name, exclude=list(DISABLED))


def parse_sentences(texts: list[str], batch_size: int = 64):
    """Docs for sentence texts, in order (nlp.pipe batches them through the model)."""
    nlp = get_nlp()
    return list(nlp.pipe(texts, batch_size=batch_size))

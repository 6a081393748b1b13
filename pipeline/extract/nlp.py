"""The spaCy model: loaded once per process, run only over the sentences that need it, once per sentence text.

Only tok2vec, morphologizer (POS for noun-phrase boundaries) and ner run over every chosen
sentence: the lemmatizer and attribute ruler are not loaded (the French morphologizer
predicts the coarse POS tags itself), and the dependency parser, the costliest, runs only
over the few sentences that enumerate projects (coordination read from its arcs).
The model is never passed between tasks or processes (it does not pickle cheaply):
each process calls `get_nlp()` and keeps its own copy.

Why a memo of sentence texts: a press release is republished word for word by many sites
(the agency's, the region's, the local paper's), so a run often meets the same sentence in
several articles. The model reads a sentence alone, as a text of its own (the extraction
re-bases its spans onto each article itself), so an identical text gets an identical
analysis: each distinct text goes through the model once per batch, and the last
MEMO_SIZE analyses are kept for the batches that follow in the same process. The
extraction only reads the docs. PIPELINE_NLP_MEMO=0 turns the memo off (every sentence
through the model, as before; the benchmark reports both).
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from functools import lru_cache

DEFAULT_MODEL = "fr_core_news_md"
DISABLED = ("lemmatizer", "senter", "attribute_ruler")
# loaded but not run by nlp.pipe: only the sentences that enumerate (a colon then a list,
# semicolons, "respectivement") go through it, after the shared tok2vec has run
PARSER_OFF = ("parser",)
_ENUMERATES = re.compile(r":[^:]{3,}(?:,|\set\s|\sou\s)|\brespectivement\b|;")
# ~20 KB a doc (tokens and tensor): a few batches' worth of sentences, a few tens of MB per process
MEMO_SIZE = 2048


def model_name() -> str:
    return os.environ.get("PIPELINE_SPACY_MODEL", DEFAULT_MODEL)


def memo_enabled() -> bool:
    return os.environ.get("PIPELINE_NLP_MEMO", "1").strip().lower() not in ("0", "false", "no", "off")


_LOCK = threading.Lock()
_MEMO: OrderedDict[tuple[str, str], object] = OrderedDict()  # (model name, sentence text) -> Doc


def get_nlp(name: str | None = None):
    """The model, loaded once per process even when Prefect's threads ask at the same time."""
    with _LOCK:
        return _load(name or model_name())


@lru_cache(maxsize=2)
def _load(name: str):
    """The model without its string table, then its vectors alone.

    Why: most of a load (0.7 of 1.1 s here, on the critical path of every small run) is the
    vocabulary's table of 700,000 strings, which nothing here reads: a token's text is added
    to the table when the tokenizer first meets it, and the static vectors are found by the
    hash of the text (the vectors' own key table, loaded below). The annotations are the
    same (tests/test_nlp_load.py compares both loads, token by token). A model whose vocabulary
    carries lookup tables (lexeme norms of some languages) is loaded whole: those tables
    change the tokens' attributes and are read with the strings.
    """
    import spacy

    nlp = spacy.load(name, exclude=[*DISABLED, "vocab"], disable=list(PARSER_OFF))
    vocab_dir = nlp.path / "vocab" if nlp.path is not None else None
    if vocab_dir is None or not vocab_dir.is_dir() or _has_lookups(vocab_dir):
        return spacy.load(name, exclude=list(DISABLED), disable=list(PARSER_OFF))
    nlp.vocab.vectors.from_disk(vocab_dir, exclude=["strings"])
    return nlp


def _has_lookups(vocab_dir) -> bool:
    from spacy.lookups import Lookups

    path = vocab_dir / "lookups.bin"
    return path.exists() and bool(Lookups().from_disk(vocab_dir).tables)


def _analyse(nlp, texts: list[str], batch_size: int) -> list:
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    deep = [i for i, t in enumerate(texts) if _ENUMERATES.search(t)]
    if deep and "parser" in nlp.component_names:
        # the parser listens to tok2vec: it reads the tensor nlp.pipe left on each doc
        parsed = nlp.get_pipe("parser").pipe([docs[i] for i in deep], batch_size=batch_size)
        for i, d in zip(deep, parsed):
            docs[i] = d
    return docs


def parse_sentences(texts: list[str], batch_size: int = 64):
    """Docs for sentence texts, in order (nlp.pipe batches them through the model); the
    same text gives the same doc object (see the module docstring)."""
    nlp = get_nlp()
    if not memo_enabled():
        return _analyse(nlp, texts, batch_size)
    name = model_name()
    got: dict[str, object] = {}
    with _LOCK:
        for t in texts:
            doc = _MEMO.get((name, t))
            if doc is not None:
                _MEMO.move_to_end((name, t))
                got[t] = doc
    todo = [t for t in dict.fromkeys(texts) if t not in got]
    if todo:
        got.update(zip(todo, _analyse(nlp, todo, batch_size)))
        with _LOCK:
            for t in todo:
                _MEMO[(name, t)] = got[t]
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
    return [got[t] for t in texts]


def clear_memo() -> None:
    with _LOCK:
        _MEMO.clear()


def memo_size() -> int:
    """How many sentence analyses the memo holds."""
    return len(_MEMO)

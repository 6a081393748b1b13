"""Training driver: a one-label spaCy NER (PROJET) trained on silver spans, CPU, efficiency config.

Articles are cut into lines (the cleaned text keeps one paragraph a line); each line becomes a
training doc with the silver spans inside it as PROJET entities. A tenth of the training
articles (never a test article) is held out as spaCy's dev set for model selection. Lines
without a span can be subsampled (keep_negatives) to trade precision for recall.
`spacy train` runs as a niced subprocess with one thread.

Imported by evaluate.py (chunks, make_docbin, train_model, predict).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

LABEL = "PROJET"
HERE = Path(__file__).resolve().parent
BASE_CONFIG = HERE / "ner_efficiency.cfg"


def chunks(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every non-blank line of the text."""
    return [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def docs_of(nlp, row: dict) -> list:
    out = []
    for offset, line in chunks(row["text"]):
        doc = nlp.make_doc(line)
        ents = []
        for s in row["spans"]:
            if s["start"] >= offset and s["end"] <= offset + len(line):
                span = doc.char_span(s["start"] - offset, s["end"] - offset, label=LABEL, alignment_mode="expand")
                if span is not None and not any(span.start < e.end and e.start < span.end for e in ents):
                    ents.append(span)
        doc.ents = ents
        out.append(doc)
    return out


def make_docbin(rows: list[dict], path: Path, keep_negatives: float = 1.0, seed: int = 0) -> int:
    """Write the rows' lines as a DocBin; lines without a span are kept with probability keep_negatives."""
    nlp = spacy.blank("fr")
    rng = random.Random(seed)
    bin_ = DocBin()
    n = 0
    for row in rows:
        for doc in docs_of(nlp, row):
            if not doc.ents and rng.random() >= keep_negatives:
                continue
            bin_.add(doc)
            n += 1
    bin_.to_disk(path)
    return n


def train_model(train_rows: list[dict], workdir: Path, overrides: list[str] | None = None, seed: int = 0,
                keep_negatives: float = 1.0) -> dict:
    """Train on train_rows (a tenth held out as dev, kept whole); return the model path and the wall time."""
    workdir.mkdir(parents=True, exist_ok=True)
    rows = list(train_rows)
    random.Random(seed).shuffle(rows)
    n_dev = max(3, len(rows) // 10)
    dev, train = rows[:n_dev], rows[n_dev:]
    n_train = make_docbin(train, workdir / "train.spacy", keep_negatives, seed)
    make_docbin(dev, workdir / "dev.spacy")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = ["nice", "-n", "10", sys.executable, "-m", "spacy", "train", str(BASE_CONFIG),
           "--output", str(workdir / "model"), "--paths.train", str(workdir / "train.spacy"),
           "--paths.dev", str(workdir / "dev.spacy"), *(overrides or [])]
    started = time.perf_counter()
    with open(workdir / "train.log", "w") as log:
        subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT, env=env)
    seconds = time.perf_counter() - started
    return {"model": str(workdir / "model" / "model-best"), "train_seconds": round(seconds, 1),
            "train_articles": len(train), "dev_articles": len(dev), "train_docs": n_train,
            "keep_negatives": keep_negatives}


def predict(nlp, rows: list[dict]) -> dict[str, list[dict]]:
    """file -> predicted spans (start, end in the article's text, text)."""
    out = {}
    for row in rows:
        pieces = chunks(row["text"])
        spans = []
        for (offset, _line), doc in zip(pieces, nlp.pipe(line for _o, line in pieces)):
            spans += [{"start": offset + e.start_char, "end": offset + e.end_char, "text": e.text}
                      for e in doc.ents if e.label_ == LABEL]
        out[row["set"] + "/" + row["file"]] = spans
    return out

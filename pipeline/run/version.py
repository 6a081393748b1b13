"""The pipeline version: which rules, code and model produced a stored result.

`PIPELINE_VERSION` names the rules that produced a result: a hash of the rule data files,
of the modules that clean and extract, of the package version and of the spaCy model
version. A stored result counts as done only for the same content id *and* the same
version, so changing a rule re-processes everything on the next run. `OUTPUT_HASH` covers
everything that shapes the database (reconciliation and storage too): a change there keeps
stored extractions but rebuilds the database.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline.paths import PACKAGE_DIR

PKG = PACKAGE_DIR

# What cleans and extracts an article: editing anything else (reconciliation, storage, the
# review, the run's machinery) must not invalidate stored results.
PER_ARTICLE = ("clean", "extract", "ingest.py", "model.py", "text.py", "paths.py", "run/batch.py")


def rules_hash(pkg: Path = PKG) -> str:
    """12 hex digits over the data files and the per-article modules of a package folder."""
    h = hashlib.sha256()
    code = []
    for part in PER_ARTICLE:
        target = pkg / part
        code += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for path in sorted((pkg / "data").rglob("*")) + code:
        if path.is_file():
            h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """`<package version>+<12 hex digits>` over the extraction rules, code and spaCy model."""
    from importlib import metadata

    from pipeline.extract.nlp import model_name

    model = model_name()
    try:
        model_version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        model_version = "?"
    try:
        own = metadata.version("ftap-pipeline")
    except metadata.PackageNotFoundError:
        own = "0"
    digest = hashlib.sha256(f"{rules_hash()} {model}=={model_version}".encode()).hexdigest()[:12]
    return f"{own}+{digest}"


PIPELINE_VERSION = pipeline_version()


def output_code_hash(pkg: Path = PKG) -> str:
    """Hash of everything that shapes the database, not only extraction: every module and
    data file of the package (the flow included), and the pipeline version (model included).
    A change to the reconciliation or the storage keeps stored extractions valid (PIPELINE_VERSION)
    but must still rebuild the database."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in sorted((pkg / "data").rglob("*")) + sorted(pkg.rglob("*.py")):
        if path.is_file():
            h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


OUTPUT_HASH = output_code_hash()  # at import: the code this process runs, not what is on disk later

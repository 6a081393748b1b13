"""Per-batch work: plain functions the Prefect tasks wrap (one task per batch, not per article).

Each article is handled inside its own try/except: bad input gets a clear, recorded error
and never stops the batch or loses the other articles.
"""

from __future__ import annotations

import traceback

from pipeline.ingest import DEFAULT_MAX_BYTES, read_source
from pipeline.model import Article, ArticleResult, SourceFile

# recorded for the one input that kills a worker process twice (pipeline/workers.py)
WORKER_DIED = "cannot {stage}: the worker process died on this file (out of memory or a crash in a C extension)"


def one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.name}:{where.lineno})" if where else ""
    return f"{exc.__class__.__name__}: {msg}{at}"[:300]


def clean_source(src: SourceFile) -> Article:
    """Decoded file -> cleaned article with its title and publication date."""
    from pipeline.clean import cleaner as clean
    from pipeline.clean import metadata
    from pipeline.clean.markup import parse_page

    published = None
    span = None
    if src.kind == "html":
        soup = parse_page(src.text)
        published = metadata.published_from_html(soup)
        doc = clean.clean_html(soup)
    else:
        doc = clean.clean_text(src.text)
    if published is None:
        got = metadata.published_from_text(doc.text)
        if got is not None:
            published, a, b = got
            span = (a, b)
    return Article(
        id=src.id,
        path=src.path,
        text=doc.text,
        title=doc.title,
        published_on=published.isoformat() if published else None,
        published_span=span,
        encoding=src.encoding,
        kind=src.kind,
        dropped=len(doc.dropped),
    )


def clean_batch(paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Article], list[SourceFile]]:
    """Read, decode and clean files; (articles, files that could not be read)."""
    articles: list[Article] = []
    errors: list[SourceFile] = []
    for path in paths:
        src = read_source(path, max_bytes)
        if src.error:
            errors.append(src)
            continue
        try:
            articles.append(clean_source(src))
        except RecursionError:
            src.error = "cannot clean: markup nested too deeply"
            errors.append(src)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, the run goes on
            src.error = f"cannot clean: {one_line(exc)}"
            errors.append(src)
    return articles, errors


def extract_batch(articles: list[Article]) -> list[ArticleResult]:
    """Extract every article; a failure keeps the article with its error recorded."""
    from pipeline.extract.article import extract_many

    return extract_many(articles, on_error=lambda art, exc: ArticleResult(
        article=art, error=f"cannot extract: {one_line(exc)}"))

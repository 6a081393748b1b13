"""Extract: from one clean article to its organisations, amounts, call and project mentions.

Pure with respect to its input: the same article gives the same result. The spaCy model
runs only over the sentences that can hold a project outside the structured lists
(which are read from layout alone), batched through `nlp.pipe`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract import lexicon
from pipeline.extract.amounts import find_amounts
from pipeline.extract.calls import fund_spans, read_call
from pipeline.model import Article, ArticleResult, OrgMention
from pipeline.extract.organizations import load_gazetteer
from pipeline.text import fold
from pipeline.extract.amount_roles import amount_roles
from pipeline.extract.context import ExtractionContext
from pipeline.extract.mentions import finish_mentions
from pipeline.extract.structure import structured
from pipeline.extract.segment import sentences, split_lines
from pipeline.extract.institutions import find_institutions
from pipeline.extract.works_objects import sentences_to_read
from pipeline.extract.schemes import scheme_spans

ACRONYM_DEFINED = lexicon.cues().acronym_defined
WORTH_PARSING = lexicon.cues().worth_parsing

Parser = Callable[[list[str]], list]


def default_parser(texts: list[str]) -> list:
    from pipeline.extract.nlp import parse_sentences

    return parse_sentences(texts)


@dataclass
class Prepared:
    """An article between the rules that read layout and those that need the model."""

    article: Article
    ctx: ExtractionContext
    structured: list
    traps: list  # the funds of funds.yaml the text names (their spans; the call's fund is the first)
    published: dt.date | None
    need: list[int]  # indices of the sentences the model must read


def prepare(article: Article) -> Prepared:
    text = article.text
    lex = lexicon.load()
    gaz = load_gazetteer()
    folded = fold(text)
    lines = split_lines(text)
    sents = sentences(text, lines)
    published = dt.date.fromisoformat(article.published_on) if article.published_on else None
    orgs = gaz.find(text, year=published.year if published else None, folded=folded)
    traps = fund_spans(text, folded)
    schemes = scheme_spans(text, folded)
    amounts = find_amounts(text)
    roles = amount_roles(text, folded, sents, amounts, lex)
    institutions = find_institutions(text, folded)
    # groupings of communes and metropolises are organisations like the gazetteer's; hospitals
    # and schools stay apart, as they may also name the works funded ("le CHU de X")
    authorities = [x for x in institutions if x.authority and not any(o.start < x.end and x.start < o.end for o in orgs)]
    if authorities:
        orgs = sorted(orgs + [OrgMention(x.start, x.end, x.name, text[x.start:x.end]) for x in authorities], key=lambda o: o.start)
    ctx = ExtractionContext(article_id=article.id, text=text, folded=folded, lines=lines, sents=sents, orgs=orgs,
              amounts=amounts, roles=roles, docs={}, lex=lex, year=published.year if published else None,
              institutions=institutions, unlisted={x.name for x in authorities}, schemes=schemes)
    found = structured(ctx)  # before choosing sentences: what the layout gave is suppressed
    need = [i for i, s in enumerate(sents)
            if not ctx.is_suppressed(s.start, s.end) and (WORTH_PARSING.search(folded[s.start:s.end]) or ACRONYM_DEFINED.search(s.text)
                                                           or (":" in s.text and lex.selection.search(folded[s.start:s.end]))
                                                           or any(a.start >= s.start and a.end <= s.end for a in amounts))]
    need = sorted(set(need) | {i for i in sentences_to_read(ctx) if not ctx.is_suppressed(sents[i].start, sents[i].end)})
    return Prepared(article=article, ctx=ctx, structured=found, traps=traps, published=published, need=need)


def texts_to_parse(p: Prepared) -> list[str]:
    return [p.ctx.sents[i].text for i in p.need]


def finish(p: Prepared, docs: list) -> ArticleResult:
    ctx, text = p.ctx, p.ctx.text
    ctx.docs = dict(zip(p.need, docs))
    mentions = finish_mentions(ctx, p.structured)
    mentions = [m for m in mentions if not any(a < m.end and m.start < b for a, b, _ in p.traps + ctx.schemes)]
    call = read_call(text, ctx.sents, p.published, fund_hits=p.traps, folded=ctx.folded)
    return ArticleResult(
        article=p.article,
        mentions=mentions,
        orgs=[OrgMention(o.start, o.end, o.name, o.surface) for o in ctx.orgs],
        call=call,
        amounts=[
            {"start": a.start, "end": a.end, "value_m_eur": a.value, "qualifier": a.qualifier,
             "role": ctx.roles.get(i, "project"), "range_high": a.range_high, "each": a.each}
            for i, a in enumerate(ctx.amounts)
        ],
    )


def extract_article(article: Article, parse: Parser = default_parser) -> ArticleResult:
    p = prepare(article)
    texts = texts_to_parse(p)
    return finish(p, parse(texts) if texts else [])


def extract_many(articles: list[Article], parse: Parser = default_parser,
                 on_error: Callable[[Article, Exception], ArticleResult] | None = None) -> list[ArticleResult]:
    """Extract a batch, every sentence that needs the model in one `parse` call.

    One `nlp.pipe` over the batch's sentences instead of one per article: spaCy's
    per-call cost is paid once and its minibatches are full (a third less time in the
    model on the generated corpus). An article that fails gets `on_error`'s result (the
    exception is raised when there is none); the others go on.
    """
    def failed(art: Article, exc: Exception) -> ArticleResult:
        if on_error is None:
            raise exc
        return on_error(art, exc)

    out: list[ArticleResult | None] = [None] * len(articles)
    ready: list[tuple[int, Prepared, list[str]]] = []
    for i, art in enumerate(articles):
        try:
            p = prepare(art)
            ready.append((i, p, texts_to_parse(p)))
        except Exception as exc:  # noqa: BLE001 - recorded by on_error
            out[i] = failed(art, exc)
    flat = [t for _, _, texts in ready for t in texts]
    try:
        docs = parse(flat) if flat else []
    except Exception:  # noqa: BLE001 - find the article the model cannot read, spare the others
        docs = None
    pos = 0
    for i, p, texts in ready:
        try:
            if docs is not None:
                got = docs[pos:pos + len(texts)]
                pos += len(texts)
            else:
                got = parse(texts) if texts else []
            out[i] = finish(p, got)
        except Exception as exc:  # noqa: BLE001
            out[i] = failed(p.article, exc)
    return out  # type: ignore[return-value]

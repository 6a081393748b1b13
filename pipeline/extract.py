"""Extract: from one clean article to its organisations, amounts, call and project mentions.

Pure with respect to its input: the same article gives the same result. The spaCy model
runs only over the sentences that can hold a project outside the structured lists
(which are read from layout alone), batched through `nlp.pipe`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from . import lexicon
from .amounts import find_amounts
from .calls import fund_spans, read_call
from .model import Article, ArticleResult, OrgMention
from .organizations import fold, load_gazetteer
from .projects import Ctx, amount_roles, find_mentions
from .segment import sentences, split_lines

_WORTH_PARSING = re.compile(
    r"«|“|\"|\(\s*[A-Z]{2,}|\b(?:projets?|laureats?|porte|portee|portes|portees|pilote|finance|financement|dote|dotee|soutenu|soutenue|"
    r"investi|investis|alloue|attribue|accorde|beneficie\w*|recev\w+|recoit|obtient|obtiennent|dispos\w+|prevoit|plateforme|mise en place|creation|respectivement|aide|"
    r"logiciel|application|outil|service|baptise|baptisee|nomme|nommee|appele|appelee|s'appelle\w*)\b"
)

Parser = Callable[[list[str]], list]


def default_parser(texts: list[str]) -> list:
    from .nlp import parse_sentences

    return parse_sentences(texts)


def extract_article(article: Article, parse: Parser = default_parser) -> ArticleResult:
    text = article.text
    lex = lexicon.load()
    gaz = load_gazetteer()
    folded = fold(text)
    lines = split_lines(text)
    sents = sentences(text, lines)
    published = dt.date.fromisoformat(article.published_on) if article.published_on else None
    orgs = gaz.find(text, year=published.year if published else None, folded=folded)
    traps = fund_spans(text, folded)
    amounts = find_amounts(text)
    roles = amount_roles(text, folded, sents, amounts, lex)
    ctx = Ctx(article_id=article.id, text=text, folded=folded, lines=lines, sents=sents, orgs=orgs,
              amounts=amounts, roles=roles, docs={}, lex=lex, year=published.year if published else None)

    def parse_needed() -> None:
        need = [i for i, s in enumerate(sents)
                if not ctx.is_suppressed(s.start, s.end) and (_WORTH_PARSING.search(folded[s.start:s.end])
                                                               or any(a.start >= s.start and a.end <= s.end for a in amounts))]
        docs = parse([sents[i].text for i in need]) if need else []
        ctx.docs = dict(zip(need, docs))

    mentions = find_mentions(ctx, parse_needed)
    mentions = [m for m in mentions if not any(a < m.end and m.start < b for a, b, _ in traps)]
    call = read_call(text, sents, published, fund_hits=traps, folded=folded)
    return ArticleResult(
        article=article,
        mentions=mentions,
        orgs=[OrgMention(o.start, o.end, o.name, o.surface) for o in orgs],
        call=call,
        amounts=[
            {"start": a.start, "end": a.end, "value_m_eur": a.value, "qualifier": a.qualifier,
             "role": roles.get(i, "project"), "range_high": a.range_high, "each": a.each}
            for i, a in enumerate(amounts)
        ],
    )

"""The records that flow between stages.

Every extracted value carries its evidence: the article id and the character span
(`start`, `end`) into that article's clean text, so that `text[start:end]` shows it.
Records are plain dataclasses so that they pickle cheaply between Prefect tasks and
Dask workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from pipeline.rules import load_rules


@dataclass
class SourceFile:
    """One input file as read from disk (ingest output)."""

    path: str
    id: str = ""  # content id: sha256 of the bytes, shortened
    kind: str = ""  # 'html' | 'text'
    text: str = ""  # decoded content
    encoding: str = ""
    error: str | None = None  # one-line reason when the file could not be read


@dataclass
class Article:
    """A cleaned article (clean output)."""

    id: str
    path: str
    text: str
    title: str | None = None
    published_on: str | None = None  # ISO date
    published_span: tuple[int, int] | None = None  # where in text the date was read, when from text
    encoding: str = ""
    kind: str = ""
    dropped: int = 0  # boilerplate lines/elements removed


@dataclass
class OrgMention:
    start: int
    end: int
    name: str  # canonical name (organizations.name)
    surface: str  # as written


@dataclass
class Mention:
    """One project named in one article (extract output, before reconciliation)."""

    article_id: str
    name: str
    start: int
    end: int
    rule: str  # which extraction rule found it
    score: float = 0.5  # confidence of the rule
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)  # other names given in the same place ("A : B", "(Other name)")
    amount_m_eur: float | None = None
    amount_qualifier: str | None = None
    amount_span: tuple[int, int] | None = None
    carriers: list[str] = field(default_factory=list)  # canonical organisation names
    context: str = ""  # the sentence, list item or block it was read from (for reconciliation and reports)
    context_span: tuple[int, int] | None = None
    occurrences: list[tuple[int, int]] = field(default_factory=list)  # every span of this project in the article

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


@cache
def feminine_units() -> frozenset[str]:
    """Units of funding rounds that are feminine ("1re vague", not "1er vague"), from data/funds.yaml."""
    return frozenset(load_rules("funds.yaml").get("feminine_units") or ())


@dataclass
class CallInfo:
    """What an article says about the funding round it reports on."""

    fund: str | None = None  # canonical fund name
    fund_acronym: str | None = None
    year: int | None = None
    ordinal: int | None = None  # 1st, 2nd call / session
    unit: str | None = None  # 'appel à projets' | 'session' | 'vague' | ...
    n_laureates: int | None = None
    announced_on: str | None = None  # ISO date
    announced_precision: str | None = None  # 'day' when fully known, 'daymonth' when the year was inferred
    announced_span: tuple[int, int] | None = None

    def label(self) -> str | None:
        if not (self.fund_acronym or self.fund):
            return None
        parts = [self.fund_acronym or self.fund or ""]
        if self.year:
            parts.append(str(self.year))
        head = " ".join(parts)
        if self.ordinal and self.unit:
            nth = f"{self.ordinal}e" if self.ordinal != 1 else ("1re" if self.unit in feminine_units() else "1er")
            return f"{head}, {nth} {self.unit}"
        return head


@dataclass
class ArticleResult:
    """Everything read from one article (extract output)."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    orgs: list[OrgMention] = field(default_factory=list)
    call: CallInfo = field(default_factory=CallInfo)
    amounts: list[dict] = field(default_factory=list)  # every amount seen, with its role ('project', 'total', 'range', ...)
    error: str | None = None  # extraction failed: recorded, the article is still stored


@dataclass
class Project:
    """A reconciled real-world project."""

    id: str
    name: str
    acronym: str | None
    aliases: list[str]
    amount_m_eur: float | None
    amount_qualifier: str | None
    carriers: list[str]
    announced_on: str | None
    call: str | None
    sources: list[str]
    mentions: list[Mention] = field(default_factory=list)


# The kinds of block the clean stage writes, one a line: "- " marks items, " | " joins cells.
CleanLineKind = Literal["para", "heading", "item", "row"]


@dataclass(frozen=True)
class CleanLine:
    """One block of a page or text as the clean stage reads it, before the line rules
    (not `pipeline.extract.segment.Line`, which is a span of the cleaned text)."""

    text: str
    kind: CleanLineKind = "para"
    gap_before: bool = False  # a blank line preceded it in the source (plain text only)


@dataclass
class CleanDoc:
    """What the clean stage makes of one page or text."""

    text: str  # the cleaned body text, one block per line
    title: str | None
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (rule name, removed text), in page order


@dataclass
class Reconciled:
    """Reconcile output: the projects, each collapsed mention with its project id, and the links."""

    projects: list[Project]
    mentions: list[tuple[Mention, str]]  # (collapsed mention, project id)
    # one dict per pair compared above the floor: project_a/b, article_a/b, name_a/b, score, decision, signals
    links: list[dict] = field(default_factory=list)


@dataclass
class Move:
    """One mention that a decision took from a project (`from_project`) into another (None: dropped)."""

    article_id: str
    name_key: str  # reconcile.names.joined(mention.name), as in reconcile.ids.mention_key
    from_project: str
    to_project: str | None


@dataclass
class Outcome:
    """What became of one analyst decision in a run."""

    decision_id: str
    action: str
    target: str
    status: str  # 'applied' | 'stale' | 'invalid' | 'skipped'
    reason: str = ""  # why stale or invalid
    detail: str = ""  # what was done
    note: str | None = None
    moves: list[Move] = field(default_factory=list)

    def line(self) -> str:
        text = f"decision {self.decision_id} ({self.action} {self.target}): {self.status}"
        return f"{text}: {self.reason or self.detail}" if (self.reason or self.detail) else text


@dataclass
class Decided(Reconciled):
    """A reconciliation with the decisions applied, carrying their outcomes to the store."""

    outcomes: list[Outcome] = field(default_factory=list)

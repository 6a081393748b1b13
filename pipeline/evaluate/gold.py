"""Gold files: the hand-checked facts a database is scored against, read and checked.

A gold file is JSON (the format of ../shared/gold/*.json, documented in the README):

    {"articles": {"<file name>": {"published_on": ["2019-04-10"], "must_keep": [...],
                                  "must_drop": [...], "broken_hyphens": {"tech- nique": "technique"},
                                  "hyphen_kept": [...]}},
     "projects": [{"key": "...", "names": ["...", ...], "acronym": null, "carriers": ["<canonical>"],
                   "amount_m_eur": 9.4, "qualifier": "exact", "announced_on": ["2019-04-10"],
                   "mentions": {"<file name>": {"amount_m_eur": 9.4, "qualifier": "exact"}},
                   "optional_mentions": ["<file name>"]}],
     "organizations": {"<canonical name>": ["<acronym or variant>", ...]},
     "traps": ["<a name that looks like a project and is not>", ...]}

Articles are named by file name (not path), as the pipeline's `articles.path` ends.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


class GoldError(ValueError):
    """The gold file cannot be used: one line saying where and why."""


@dataclass(frozen=True)
class MentionFact:
    """The amount one article gives a project (None: the article names it without an amount)."""

    amount_m_eur: float | None
    qualifier: str | None


@dataclass
class GoldProject:
    key: str
    names: list[str]
    acronym: str | None
    carriers: set[str]
    amount_m_eur: float | None
    qualifier: str | None
    announced_on: list[str | None]  # accepted dates; [None]: the sources do not date it
    mentions: dict[str, MentionFact]  # file name -> what that article says
    optional_mentions: set[str] = field(default_factory=set)  # vague references: neither rewarded nor penalised

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass
class GoldArticle:
    published_on: list[str | None]  # accepted values; null: the article does not say
    must_keep: list[str] = field(default_factory=list)
    must_drop: list[str] = field(default_factory=list)
    broken_hyphens: dict[str, str] = field(default_factory=dict)  # as broken -> as mended
    hyphen_kept: list[str] = field(default_factory=list)


@dataclass
class Gold:
    articles: dict[str, GoldArticle]
    projects: list[GoldProject]
    organizations: dict[str, list[str]]
    traps: list[str]


def _number(value, where: str) -> float | None:
    """The amount as written in the file (an int stays an int, so that notes quote it as written)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GoldError(f"{where}: amount_m_eur must be a number or null, not {value!r}")
    return value


def _strings(value, where: str) -> list:
    if not isinstance(value, list) or not all(isinstance(v, str) or v is None for v in value):
        raise GoldError(f"{where} must be a list of strings")
    return value


def _project(raw, n: int) -> GoldProject:
    where = f"projects[{n}]"
    if not isinstance(raw, dict):
        raise GoldError(f"{where} must be an object")
    names = _strings(raw.get("names"), f"{where}.names")
    if not [x for x in names if x]:
        raise GoldError(f"{where}.names is empty")
    mentions = raw.get("mentions") or {}
    if not isinstance(mentions, dict):
        raise GoldError(f"{where}.mentions must be an object: file name -> amount")
    facts = {}
    for name, fact in mentions.items():
        fact = fact or {}
        if not isinstance(fact, dict):
            raise GoldError(f"{where}.mentions[{name!r}] must be an object with amount_m_eur and qualifier")
        facts[name] = MentionFact(_number(fact.get("amount_m_eur"), f"{where}.mentions[{name!r}]"), fact.get("qualifier"))
    return GoldProject(
        key=str(raw.get("key") or names[0]),
        names=names,
        acronym=raw.get("acronym"),
        carriers=set(_strings(raw.get("carriers") or [], f"{where}.carriers")),
        amount_m_eur=_number(raw.get("amount_m_eur"), where),
        qualifier=raw.get("qualifier"),
        announced_on=list(raw.get("announced_on") or [None]),
        mentions=facts,
        optional_mentions=set(_strings(raw.get("optional_mentions") or [], f"{where}.optional_mentions")),
    )


def _article(raw, name: str) -> GoldArticle:
    where = f"articles[{name!r}]"
    if not isinstance(raw, dict) or "published_on" not in raw:
        raise GoldError(f"{where} must be an object with published_on")
    hyphens = raw.get("broken_hyphens") or {}
    if not isinstance(hyphens, dict):
        raise GoldError(f"{where}.broken_hyphens must be an object: as broken -> as mended")
    return GoldArticle(
        published_on=list(_strings(raw["published_on"], f"{where}.published_on")),
        must_keep=_strings(raw.get("must_keep") or [], f"{where}.must_keep"),
        must_drop=_strings(raw.get("must_drop") or [], f"{where}.must_drop"),
        broken_hyphens=dict(hyphens),
        hyphen_kept=_strings(raw.get("hyphen_kept") or [], f"{where}.hyphen_kept"),
    )


def parse(data) -> Gold:
    """A gold file's JSON content -> Gold; GoldError when a part has the wrong shape."""
    if not isinstance(data, dict):
        raise GoldError("a gold file is a JSON object with `articles` and `projects`")
    for key in ("articles", "projects"):
        if key not in data:
            raise GoldError(f"no `{key}` in the gold file")
    if not isinstance(data["articles"], dict) or not isinstance(data["projects"], list):
        raise GoldError("`articles` must be an object (file name -> facts) and `projects` a list")
    organizations = data.get("organizations") or {}
    if not isinstance(organizations, dict) or not all(isinstance(v, list) for v in organizations.values()):
        raise GoldError("`organizations` must be an object: canonical name -> list of variants")
    return Gold(
        articles={name: _article(raw, name) for name, raw in data["articles"].items()},
        projects=[_project(raw, n) for n, raw in enumerate(data["projects"])],
        organizations=organizations,
        traps=[t for t in _strings(data.get("traps") or [], "traps") if t],
    )


def load(path: str | os.PathLike) -> Gold:
    """Read a gold file; GoldError (one line, with the file) when it cannot be used."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise GoldError(f"no gold file at {path}") from None
    except OSError as exc:
        raise GoldError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise GoldError(f"{path} is not a JSON gold file{line}: {getattr(exc, 'msg', None) or exc}") from None
    try:
        return parse(data)
    except GoldError as exc:
        raise GoldError(f"{path}: {exc}") from None

"""Name keys of the reconciliation: name words (CamelCase split, English words translated by
data/name_glossary.yaml), the joined key ("Data Lake" == "DataLake"), generic names, and
whether two mentions write one name."""

from __future__ import annotations

import re
from functools import lru_cache


from pipeline.model import Mention
from pipeline.rules import load_rules
from pipeline.text import STOP_WORDS, fold


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[str, str], frozenset]:
    raw = load_rules("name_glossary.yaml")
    return {fold(k): v for k, v in (raw.get("translate") or {}).items()}, frozenset(raw.get("weak_tokens") or [])


def split_camel(s: str) -> str:
    return re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", " ", s)


@lru_cache(maxsize=262144)
def name_tokens(name: str) -> list[str]:
    trans, _weak = glossary()
    f = fold(split_camel(name))
    f = re.sub(r"[^\w']+", " ", f)
    for k in sorted((k for k in trans if " " in k), key=len, reverse=True):
        f = re.sub(rf"\b{re.escape(k)}\b", trans[k], f)
    out = []
    for w in re.split(r"[\s']+", f):
        if not w or w in STOP_WORDS or (len(w) == 1 and not w.isdigit()):
            continue
        out.extend(trans.get(w, w).split())
    return out


@lru_cache(maxsize=262144)
def joined(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))



def generic(name: str) -> bool:
    """A name made of weak words and numbers only ("phase 2"): it names no project by itself."""
    _trans, weak = glossary()
    return all(w in weak or w.isdigit() for w in name_tokens(name))



def same_written_name(a: Mention, b: Mention) -> bool:
    """The names themselves are one: a name or a name-like alias (capitalised: not a description
    a rule left in the aliases) of each, written alike or one inside the other with a
    distinctive word, or an acronym of one in the other. Only then may a disagreement on
    the amount be read as a misreading."""
    def names(m: Mention) -> list[str]:
        return [n for n in (m.name, *m.aliases, m.acronym or "") if n and not generic(n) and (n is m.name or n[:1].isupper())]

    _trans, weak = glossary()
    for x in names(a):
        for y in names(b):
            if joined(x) == joined(y):
                return True
            tx, ty = set(name_tokens(x)), set(name_tokens(y))
            if not (tx <= ty or ty <= tx):
                continue
            small, small_name = (tx, x) if len(tx) <= len(ty) else (ty, y)
            if len(small) >= 2 and any(w not in weak and not w.isdigit() for w in small):
                return True
            if len(small) == 1 and re.fullmatch(r"[A-Z][A-Z0-9]{2,9}", small_name.strip()):
                return True
    return False


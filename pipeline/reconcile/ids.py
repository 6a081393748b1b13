"""Stable project ids: inherited from the previous run's project sharing most mentions, else
derived from the project's earliest mention."""

from __future__ import annotations

import hashlib

from pipeline.model import Mention
from pipeline.reconcile.names import joined


def project_id(keys: list[tuple[str, str]]) -> str:
    k = min(keys)
    return "p" + hashlib.sha1(f"{k[0]}|{k[1]}".encode()).hexdigest()[:11]


def mention_key(m: Mention) -> tuple[str, str]:
    return (m.article_id, joined(m.name))



def inherit(keys, previous, taken) -> str | None:
    if not previous:
        return None
    ks = set(keys)
    best, best_n = None, 0
    for pid, pkeys in previous.items():
        n = len(ks & pkeys)
        if n > best_n and pid not in taken:
            best, best_n = pid, n
    return best


"""The synthetic corpus's world: organisations from the gazetteer, funding rounds, and the pool of
projects with names no two of which the scorer could confuse (benchmarks/generate.py)."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import yaml
from generate_words import (
    ACTIONS, CALL_UNITS, COIN_PREFIXES, COIN_SUFFIXES, DESCRIPTIONS, FUND, FUND_ACR, GAZETTEER, HEADS, OBJ_COMPLEMENTS,
    OBJ_NOUNS, ORDINAL_WORDS, QUALIFIERS, SEEDS_GOLD, SMALL, TRAP_EVENTS, TRAP_PROGRAMMES, de, fold, round2, toks
)


# ---------------------------------------------------------------------------------------------
# the world: organisations, calls, projects
@dataclass
class Org:
    name: str
    acronym: str | None
    aliases: list[str]

    def form(self, rng: random.Random) -> str:
        options = [self.name] * 3
        if self.acronym:
            options += [self.acronym] * 2 + [f"{self.name} ({self.acronym})"]
        options += self.aliases
        return rng.choice(options)


@dataclass
class Call:
    year: int
    ordinal: int
    unit: str
    announced: dt.date
    projects: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        nth = "1er" if self.ordinal == 1 and self.unit != "session" else ("1re" if self.ordinal == 1 else f"{self.ordinal}e")
        return f"{FUND_ACR} {self.year}, {nth} {self.unit}"

    def in_words(self, prep: str = "") -> str:
        """'le premier appel à projets 2018'; prep 'de' / 'à' contracts the article ('du', 'au')."""
        fem = self.unit in ("session", "vague")
        word = ORDINAL_WORDS[self.ordinal][1 if fem else 0]
        art = {("", False): "le", ("", True): "la", ("de", False): "du", ("de", True): "de la",
               ("à", False): "au", ("à", True): "à la"}[(prep, fem)]
        return f"{art} {word} {self.unit} {self.year}"


@dataclass
class ProjectSpec:
    key: str
    kind: str  # 'descriptive' | 'coined'
    long: str
    short: str | None
    acronym: str | None
    spaced: str | None
    phase2: str | None
    gender: str
    amount: float | None
    carriers: list[int]
    call: int
    description: str

    def forms(self) -> list[str]:
        out = [self.long]
        for f in (self.short, self.spaced, self.phase2):
            if f and f not in out:
                out.append(f)
        return out


def load_orgs() -> list[Org]:
    with open(GAZETTEER, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    keep = {"direction", "operator", "agency", "interministerial", "service", "ministry"}
    out = []
    for e in data.get("organizations") or []:
        if e.get("kind") not in keep or e.get("generic") or e.get("ambiguous") or e.get("case_sensitive"):
            continue
        period = str(e.get("period") or "")
        if period:
            years = [int(y) for y in re.findall(r"\d{4}", period)]
            open_end = period.strip().endswith("-")
            if years and (max(years) < 2018 and not open_end):
                continue
        if "fonds pour la transformation" in fold(e["name"]) or (e.get("acronym") or "") in ("DITP",):
            continue  # the fund's own administrator: a trap, not a carrier
        out.append(Org(e["name"], e.get("acronym"), [a for a in (e.get("aliases") or []) if a]))
    return out


class NameIndex:
    """Rejects a new name that shares enough words with an existing one for the scorer to match them."""

    def __init__(self, reserved: list[str]):
        self.by_tok: dict[str, set[int]] = defaultdict(set)
        self.sets: list[set[str]] = []
        self.coined: list[str] = []
        for r in reserved:
            self._add(r)

    def _add(self, name: str) -> None:
        t = toks(name)
        k = len(self.sets)
        self.sets.append(t)
        for w in t:
            self.by_tok[w].add(k)

    def clashes(self, name: str) -> bool:
        t = toks(name)
        if not t:
            return True
        seen = set()
        for w in t:
            seen |= self.by_tok.get(w, set())
        for k in seen:
            o = self.sets[k]
            inter = len(t & o)
            if inter / len(t | o) >= 0.4:
                return True
            small = min(len(t), len(o))
            if small >= 2 and inter == small:
                return True
        return False

    def coined_clash(self, name: str) -> bool:
        j = re.sub(r"[^a-z0-9]", "", fold(name))
        for c in self.coined:
            sm = SequenceMatcher(None, j, c)
            if sm.real_quick_ratio() >= 0.8 and sm.quick_ratio() >= 0.8 and sm.ratio() >= 0.8:
                return True
        return False

    def add(self, names: list[str], coined: str | None = None) -> None:
        for n in names:
            self._add(n)
        if coined:
            self.coined.append(re.sub(r"[^a-z0-9]", "", fold(coined)))


def seed_names() -> list[str]:
    try:
        g = json.load(open(SEEDS_GOLD, encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for p in g.get("projects", []) for n in p.get("names", [])]


def make_acronym(words: list[str]) -> str:
    return "".join(fold(w)[0].upper() for w in words if w)


def build_world(rng: random.Random, n_projects: int) -> tuple[list[Org], list[Call], list[ProjectSpec]]:
    orgs = load_orgs()
    n_calls = max(3, min(18, n_projects // 20))
    calls: list[Call] = []
    years = list(range(2018, 2024))
    per_year = defaultdict(int)
    for k in range(n_calls):
        y = years[k % len(years)]
        per_year[y] += 1
    for y in years:
        for o in range(1, per_year[y] + 1):
            month = min(12, 2 + o * 3 + rng.randint(0, 2))
            calls.append(Call(y, o, CALL_UNITS[y], dt.date(y, month, rng.randint(1, 28))))
    index = NameIndex(seed_names() + TRAP_EVENTS + TRAP_PROGRAMMES + [FUND] + [o.name for o in orgs])
    projects: list[ProjectSpec] = []
    fails = 0
    while len(projects) < n_projects and fails < 5000:  # the word lists hold about 1,500 distinct names
        fails += 1
        coined = rng.random() < 0.35
        if coined:
            p, s = rng.choice(COIN_PREFIXES), rng.choice(COIN_SUFFIXES)
            name = p + s
            spaced = f"{p} {s}"
            if index.coined_clash(name) or index.clashes(name) or index.clashes(spaced):
                continue
            forms = [name, spaced]
            spec = ProjectSpec("", "coined", name, None, None, spaced, None, "m", None, [], 0, rng.choice(DESCRIPTIONS))
            index.add(forms, coined=name)
        else:
            head, g = rng.choice(HEADS)
            action = rng.choice(ACTIONS)
            noun, ng = rng.choice(OBJ_NOUNS)
            obj = f"des {noun} {rng.choice(OBJ_COMPLEMENTS)[0 if ng == 'm' else 1]}"
            qual = rng.choice(QUALIFIERS)[0 if g == "m" else 1] if rng.random() < 0.4 else ""
            short = f"{action} {obj}"
            long = f"{head} {de(action)} {obj}" + (f" {qual}" if qual else "")
            if index.clashes(long) or index.clashes(short):
                continue
            content = [w for w in re.split(r"[\s']+", long) if w and fold(w) not in SMALL and w.lower() != "d"]
            acr = make_acronym(content) if rng.random() < 0.5 and 3 <= len(content) <= 7 else None
            if acr and (index.clashes(acr) or acr in (FUND_ACR,)):
                acr = None
            spec = ProjectSpec("", "descriptive", long, short, acr, None, None, g, None, [], 0, rng.choice(DESCRIPTIONS))
            index.add([long, short] + ([acr] if acr else []))
        fails = 0
        if rng.random() < 0.12:
            spec.phase2 = f"{spec.long} – phase 2"
        spec.key = f"p{len(projects):04d}-" + re.sub(r"[^a-z0-9]+", "-", fold(spec.long)).strip("-")[:40]
        spec.amount = round2(math.exp(rng.gauss(math.log(2.5), 1.1))) if rng.random() < 0.88 else None
        if spec.amount is not None:
            spec.amount = min(max(spec.amount, 0.1), 40.0)
        n_car = 2 if rng.random() < 0.15 else 1
        spec.carriers = rng.sample(range(len(orgs)), n_car)
        spec.call = rng.randrange(len(calls))
        calls[spec.call].projects.append(len(projects))
        projects.append(spec)
    for c in calls:
        if not c.projects:  # every call has at least one laureate
            donor = max(calls, key=lambda x: len(x.projects))
            moved = donor.projects.pop()
            projects[moved].call = calls.index(c)
            c.projects.append(moved)
    return orgs, calls, projects

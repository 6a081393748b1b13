"""Organisations: the gazetteer of French administrations and the matcher over it.

The data lives in `data/organizations.yaml` (explicit entries and templates),
`data/departments.yaml` and `data/regions.yaml` (expanded by the templates into
prefectures, DDT, ARS, ... for every department and region).

Matching tolerates case, accents, hyphen/space and apostrophe variants: the text is
folded character by character (one character in, one out, so offsets stay valid), cut
into word and punctuation tokens by one regex, and walked through a token trie built
from the folded names and aliases, tokenised the same way. (It was spaCy's tokenizer and
`PhraseMatcher`; on the 1,000-article benchmark corpus they gave the same matches, but
tokenising whole articles with spaCy's French tokenizer cost a fifth of all extraction
time and made every process that matched names load the model.) Acronyms are matched apart, on the unfolded text, because a
folded acronym is often a common word ("ANS" -> "ans", "DAE"...): an acronym matches as
written, or in capitals.

Names that exist in every ministry ("Direction des ressources humaines") are marked
`generic`: a match is qualified by the nearest ministry named before it in the same
line ("Direction des ressources humaines du ministère de l'Intérieur").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache


from pipeline.model import OrgMention
from pipeline.text import fold, name_key
from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA = DATA_DIR
@dataclass
class Org:
    name: str
    acronym: str | None = None
    kind: str = "unknown"
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    generic: bool = False
    case_sensitive: bool = False
    period: str | None = None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def qualified_name(generic: str, ministry: str) -> str:
    """'Direction des ressources humaines' + 'Ministère de l'Intérieur' -> '... du ministère de l'Intérieur'."""
    return f"{generic} du {_lower_first(ministry)}"


def _place_matches(tpl: dict, place: dict) -> bool:
    """A template's `where` (field values; a missing field is false) and `except` (codes)."""
    for key, want in (tpl.get("where") or {}).items():
        if place.get(key, False) != want:
            return False
    return str(place.get("code", "")) not in {str(c) for c in tpl.get("except") or []}


def _expand_templates(templates: list[dict], departments: list[dict], regions: list[dict]) -> list[Org]:
    """One entry per template and place: "Préfecture {de}" -> "Préfecture de la Charente-Maritime"."""
    out: list[Org] = []
    scopes = {"department": departments, "region": regions}
    for tpl in templates:
        for place in scopes.get(tpl.get("scope", ""), []):
            if not _place_matches(tpl, place):
                continue
            de_forms = place.get("de") or [f"de {place['name']}"]
            if isinstance(de_forms, str):
                de_forms = [de_forms]
            names = [place["name"], *(place.get("variants") or [])]
            code = str(place.get("code", ""))

            def fill(pattern: str, name: str = names[0], de: str = de_forms[0]) -> str:
                return pattern.format(name=name, de=de, code=code)

            aliases: list[str] = []
            for pattern in [tpl["name"], *(tpl.get("aliases") or [])]:
                if "{code}" in pattern and not code:
                    continue
                for name in names:
                    for de in de_forms:
                        a = fill(pattern, name, de)
                        if a not in aliases:
                            aliases.append(a)
            canonical = fill(tpl["name"])
            aliases = [a for a in aliases if a != canonical]
            out.append(Org(name=canonical, acronym=tpl.get("acronym"), kind=tpl.get("kind", "local"),
                           parent=fill(tpl["parent"]) if tpl.get("parent") else None, aliases=aliases,
                           period=str(tpl["period"]) if tpl.get("period") else None))
    return out


# Words and single punctuation marks of folded text: names and text are cut the same way,
# so a name matches wherever its tokens follow one another, whatever the spacing.
_TOKEN = re.compile(r"\w+|[^\w\s]")
_END = ""  # trie key of "a name ends here" (never a token: tokens are not empty)


def filter_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Longest spans first, then the earliest; those overlapping a kept one dropped.

    The rule spaCy's `util.filter_spans` applies, on (start token, end token, label).
    """
    ordered = sorted(spans, key=lambda sp: (sp[1] - sp[0], -sp[0]), reverse=True)
    seen: set[int] = set()
    kept = []
    for a, b, label in ordered:
        if a not in seen and b - 1 not in seen:
            kept.append((a, b, label))
            seen.update(range(a, b))
    return sorted(kept)


class Gazetteer:
    """Canonical organisations and a matcher that finds them in text."""

    def __init__(self, orgs: list[Org]):
        self.orgs: dict[str, Org] = {}
        for o in orgs:
            self.orgs.setdefault(o.name, o)
        ministries = [o for o in self.orgs.values() if o.kind == "ministry"]
        for g in [o for o in list(self.orgs.values()) if o.generic]:
            for m in ministries:
                q = qualified_name(g.name, m.name)
                if q not in self.orgs:
                    self.orgs[q] = Org(name=q, acronym=None, kind=g.kind, parent=m.name)
        self._by_key: dict[str, str] = {}
        acronyms: dict[str, str] = {}
        owners: dict[str, set[str]] = {}
        for o in self.orgs.values():
            if o.acronym:
                owners.setdefault(o.acronym, set()).add(o.name)
        # an acronym several entries share ("CAF" of every department, "ANS") names none of them
        ambiguous = {a for a, names in owners.items() if len(names) > 1}
        key_owners: dict[str, set[str]] = {}
        for o in self.orgs.values():
            for f in [o.name, *o.aliases]:
                key_owners.setdefault(name_key(f), set()).add(o.name)
        self._shared: dict[str, list[str]] = {}
        for o in self.orgs.values():
            forms = [o.name, *o.aliases]
            for f in forms:
                k = name_key(f)
                if len(k) < 3:
                    continue
                if len(key_owners[k]) > 1 and k != name_key(o.name):
                    # a name several entries share: successive names of one ministry ("Quai d'Orsay")
                    # are told apart by the article's year; others ("Bercy") name none of them
                    self._shared[k] = sorted(key_owners[k])
                    continue
                self._by_key.setdefault(k, o.name)
        for k, shared_by in self._shared.items():
            if k not in self._by_key and _same_lineage([self.orgs[n] for n in shared_by]):
                self._by_key[k] = SHARED + k
        for o in self.orgs.values():
            if o.acronym and o.acronym not in ambiguous:
                acronyms.setdefault(o.acronym, o.name)
                self._by_key.setdefault(name_key(o.acronym), o.name)
            for a in o.aliases:
                acronym_like = re.fullmatch(r"[A-Z][A-Za-z0-9]{1,9}(?: [0-9A-Z]{1,4})?", a) and (
                    sum(ch.isupper() for ch in a) >= 2 or (o.acronym and a.upper() == o.acronym.upper())
                )
                if acronym_like and a not in ambiguous:
                    acronyms.setdefault(a, o.name)  # "Dinsic", written as a word, is DINSIC
        acronym_keys = {name_key(a) for a in acronyms}
        self._patterns: dict[str, list] = {}
        for key, canonical in self._by_key.items():
            if key in acronym_keys:
                continue
            self._patterns.setdefault(canonical, []).append(key)
        self._acronyms = acronyms
        self._acronym_upper = {a.upper(): a for a in acronyms}
        self._matcher = None
        self._matcher_lock = threading.Lock()

    def _ensure_matcher(self) -> None:
        """Build the token trie on first use (a process that only stores never needs it)."""
        if self._matcher is not None:
            return
        with self._matcher_lock:
            if self._matcher is not None:
                return
            trie: dict = {}
            # long names by their first two words, for the typo-tolerant pass ("pénitenciaire")
            fuzzy: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
            for canonical, keys in self._patterns.items():
                for key in keys:
                    words = _TOKEN.findall(key)
                    if not words:
                        continue
                    node = trie
                    for w in words:
                        node = node.setdefault(w, {})
                    node.setdefault(_END, canonical)  # two names with the same tokens: the first one
                    if len(words) >= 4 and len(key) >= 20:
                        fuzzy.setdefault((words[0], words[1]), []).append((key, len(words), canonical))
            self._fuzzy = fuzzy
            self._matcher = trie

    # -- lookups -------------------------------------------------------------------
    def resolve(self, surface: str) -> str | None:
        """Canonical name of an organisation written as `surface`, when known."""
        got = self._by_key.get(name_key(surface))
        return self.pick(got, None) if got else None

    def get(self, name: str) -> Org | None:
        return self.orgs.get(name)

    def rows(self) -> list[dict]:
        return [
            {"name": o.name, "acronym": o.acronym, "kind": o.kind, "parent": o.parent}
            for o in sorted(self.orgs.values(), key=lambda o: o.name)
        ]

    # -- matching ------------------------------------------------------------------
    def ministry_by_words(self, text: str, year: int | None = None) -> str | None:
        """A ministry written without 'Ministère' in a table cell ("Solidarités et Santé", "Armées")."""
        if not hasattr(self, "_ministry_words"):
            index: dict[frozenset, list[str]] = {}
            for o in self.orgs.values():
                if o.kind == "ministry":
                    index.setdefault(_content_words(o.name) - {"ministere"}, []).append(o.name)
            self._ministry_words = index
        owners = self._ministry_words.get(_content_words(text) - {"ministere"})
        if not owners:
            return None
        orgs = [self.orgs[n] for n in owners]
        live = [o for o in orgs if year is not None and _in_period(o.period, year)] or orgs
        return sorted(live, key=lambda o: _period_start(o.period))[-1].name

    def pick(self, label: str, year: int | None) -> str:
        """The owner of a shared name in use in `year` (the latest one when the year is unknown)."""
        if not label.startswith(SHARED):
            return label
        owners = [self.orgs[n] for n in self._shared[label[len(SHARED):]]]
        if year is not None:
            live = [o for o in owners if _in_period(o.period, year)]
            if live:
                return sorted(live, key=lambda o: _period_start(o.period))[-1].name
        return sorted(owners, key=lambda o: _period_start(o.period))[-1].name

    def find(self, text: str, year: int | None = None, folded: str | None = None) -> list[OrgMention]:
        """Every organisation named in text, longest match first, non-overlapping, with spans."""
        self._ensure_matcher()
        folded = folded if folded is not None else fold(text)
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]
        words = [t[2] for t in toks]
        spans = []
        trie, n = self._matcher, len(words)
        for i in range(n):
            node = trie.get(words[i])
            j = i + 1
            while node is not None:
                label = node.get(_END)
                if label is not None:
                    spans.append((i, j, label))
                if j >= n:
                    break
                node = node.get(words[j])
                j += 1
        kept = filter_spans(spans)
        kept += self._fuzzy_spans(folded, toks, kept)
        found = [(toks[a][0], toks[b - 1][1], label) for a, b, label in filter_spans(kept)]
        taken = [(a, b) for a, b, _ in found]
        # acronyms: capitalised words looked up in a dict (a regex alternation of a thousand
        # acronyms scanned every position of the text and cost more than all the rest)
        for m in _CAPITAL_WORD.finditer(text):
            for surface, end in ((m.group(0), m.end()), (m.group(1), m.start() + len(m.group(1)))):
                exact = surface in self._acronyms
                written = surface if exact else self._acronym_upper.get(surface.upper())
                if written is None or (not exact and not surface.isupper()):
                    continue  # "ans", "Dae": a folded acronym is too often a plain word
                if any(a < end and m.start() < b for a, b in taken):
                    break
                found.append((m.start(), end, self._acronyms[written]))
                break
        found.sort()
        out: list[OrgMention] = []
        for start, end, name in found:
            name = self.pick(name, year)
            org = self.orgs.get(name)
            if org is not None and org.generic:
                name = self._qualify(name, text, start, out)
            out.append(OrgMention(start=start, end=end, name=name, surface=text[start:end]))
        return out

    def _fuzzy_spans(self, folded: str, toks: list[tuple[int, int, str]], exact: list) -> list:
        """Names written with a typo: the same first two words and a 97% similar rest."""
        from difflib import SequenceMatcher

        covered = set()
        for a, b, _ in exact:
            covered.update(range(a, b))
        words = [t[2] for t in toks]
        out = []
        i = 0
        n_words = len(words)
        while i < n_words - 3:
            cands = self._fuzzy.get((words[i], words[i + 1]))
            if not cands or i in covered:
                i += 1
                continue
            best = None
            for key, n, canonical in cands:
                if i + n > n_words or any(k in covered for k in range(i, i + n)):
                    continue
                seg = folded[toks[i][0]:toks[i + n - 1][1]]
                if abs(len(seg) - len(key)) > 2 or seg == key:
                    continue
                sm = SequenceMatcher(None, seg, key)
                if sm.quick_ratio() < 0.97:
                    continue
                r = sm.ratio()
                if r >= 0.97 and (best is None or r > best[0]):
                    best = (r, n, canonical)
            if best is not None:
                out.append((i, i + best[1], best[2]))
                i += best[1]
            else:
                i += 1
        return out

    def _qualify(self, generic: str, text: str, start: int, before: list[OrgMention]) -> str:
        line_start = text.rfind("\n", 0, start) + 1
        for prev in reversed(before):
            if prev.end <= line_start:
                break
            org = self.orgs.get(prev.name)
            if org is not None and org.kind == "ministry":
                q = qualified_name(generic, org.name)
                return q if q in self.orgs else generic
        return generic


SHARED = "@shared:"
# a capitalised word, possibly hyphenated ("ONAC-VG"), possibly followed by a department
# number ("DDT 88"); group 1 is the word alone
_CAPITAL_WORD = re.compile(r"(?<![\w\-])([A-Z][\w]*(?:-[A-Z][\w]*)*)(?: \d{1,3}[AB]?)?(?![\w\-])")


_SMALL = set("a au aux d de des du en et l la le les pour".split())


def _content_words(name: str) -> frozenset:
    return frozenset(w for w in re.split(r"[^a-z0-9]+", fold(name)) if w and w not in _SMALL)


def _periods(period: str | None) -> list[tuple[int, int]]:
    out = []
    for part in (period or "").split(","):
        m = re.match(r"\s*(\d{4})\s*-\s*(\d{4})?\s*$", part)
        if m:
            out.append((int(m.group(1)), int(m.group(2) or 9999)))
    return out


def _in_period(period: str | None, year: int) -> bool:
    return any(a <= year <= b for a, b in _periods(period))


def _period_start(period: str | None) -> int:
    return max((a for a, _ in _periods(period)), default=0)


def _same_lineage(orgs: list[Org]) -> bool:
    """Entries sharing a name are one institution under successive names when all are dated."""
    return len(orgs) > 1 and all(o.kind == orgs[0].kind and o.period for o in orgs)


def organization_rows(carriers: list[str] | set[str] = ()) -> list[dict]:
    """Rows of the `organizations` table: the gazetteer, plus the carriers the articles' layout
    named that it lacks (kind 'unlisted'), so every carrier is an `organizations.name`."""
    gaz = load_gazetteer()
    rows = gaz.rows()
    known = {r["name"] for r in rows}
    rows += [{"name": c, "acronym": None, "kind": "unlisted", "parent": None} for c in sorted(set(carriers) - known)]
    return rows


def _load_yaml(name: str):
    return load_rules(name)


def _as_list(data, key: str) -> list[dict]:
    if data is None:
        return []
    if isinstance(data, dict):
        return list(data.get(key) or [])
    return list(data)


_LOCK = threading.RLock()


def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process even when several threads ask at once."""
    with _LOCK:
        return _build_gazetteer()


@lru_cache(maxsize=1)
def _places_data() -> tuple[list[dict], list[dict]]:
    return _as_list(_load_yaml("departments.yaml"), "departments"), _as_list(_load_yaml("regions.yaml"), "regions")


def place_names() -> list[str]:
    """Names and variants of every department and region."""
    departments, regions = _places_data()
    return [n for p in departments + regions for n in [p["name"], *(p.get("variants") or [])]]


@lru_cache(maxsize=1)
def _build_gazetteer() -> Gazetteer:
    data = _load_yaml("organizations.yaml") or {}
    orgs = [
        Org(
            name=e["name"],
            acronym=e.get("acronym"),
            kind=e.get("kind", "unknown"),
            parent=e.get("parent"),
            aliases=list(e.get("aliases") or []),
            generic=bool(e.get("generic", False)),
            case_sensitive=bool(e.get("case_sensitive", False)),
            period=str(e["period"]) if e.get("period") else None,
        )
        for e in data.get("organizations", [])
    ]
    departments, regions = _places_data()
    orgs += _expand_templates(data.get("templates", []) or [], departments, regions)
    return Gazetteer(orgs)

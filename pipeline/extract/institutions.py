"""Public bodies written as a kind and a place ("CHU de X", "cité scolaire Y", "sous-préfecture de Z").

The gazetteer lists administrations one by one; hospitals, schools, gendarmeries and
groupings of communes are too many for that, but they are written regularly: a kind from
`data/institutions.yaml`, an optional acronym or dash-enclosed expansion, a linking "de",
then capitalised place words. They serve as carriers (a hospital carries its own
reconstruction) and as the organisation that heads a list item ("Le CHU de X : …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules
from pipeline.text import fold

DATA = DATA_DIR / "institutions.yaml"

# a place: capitalised words, joined by spaces, hyphens or the small words of French place
# names ("Cosne-Cours-sur-Loire", "Lesparre-Médoc", "Grand Poitiers", "David d'Angers",
# "Pays de la Vallée", "Pays de l'Aulne"; an association's "Bit & Bocage")
_CAP = r"[A-ZÀ-Ý][\w'’]*"
_JOIN = r"(?: & |[ \-‑]de[ \-‑]la[ \-‑]|[ \-‑]de[ \-‑]l['’]|[ \-‑](?:sur|sous|en|ès|lès|lez|les|le|la|aux|au|de|du|des|et)[ \-‑]|[ \-‑]d['’]|[ \-‑]l['’]|[ \-‑])"
_PLACE = re.compile(rf"{_CAP}(?:{_JOIN}{_CAP}){{0,4}}")
_DE = re.compile(r"(?:de la |de l['’]|de |du |des |d['’])")
# between the kind and "de": "(CHU)", "– centre hospitalier régional universitaire –"
_INSERT = re.compile(r"\s*(?:\([^()]{1,60}\)|[–—][^–—\n]{1,80}[–—])?\s*")
_ARTICLES = {"La", "Le", "Les", "L"}
_NOT_PLACE = {"La", "Le", "Les", "L", "Un", "Une", "Ce", "Cette", "Ces", "Son", "Sa", "Ses", "Leur", "Notre", "Chaque",
              "Etat", "État", "France"}


@dataclass(frozen=True)
class Institution:
    start: int
    end: int
    name: str  # canonical
    kind: str
    authority: bool = False  # an organisation only, never the object of a funding


@dataclass(frozen=True)
class _Kind:
    kind: str
    patterns: tuple  # (pattern, over_folded): words over folded text, acronyms over the text as written
    link: str
    canonical: str
    authority: bool
    article_in_name: bool = False  # "l'association La Musette": the article belongs to the name


@lru_cache(maxsize=1)
def kinds() -> tuple[_Kind, ...]:
    raw = load_rules(DATA.name)["institutions"]
    out = []
    for entry in raw:
        words = [f for f in entry["forms"] if not (f.isupper() or "." in f)]
        acronyms = [f for f in entry["forms"] if f not in words]
        plural = r"(?:s|x)?" if entry["link"] != "before" else ""
        pats = []
        if words:
            alt = "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
            # "l'hôpital de X": an elided article before the kind is the usual writing
            pats.append((re.compile(r"(?<!\w)(?:" + alt + r")" + plural + r"(?!\w)"), True))
        if acronyms:
            # an acronym counts only as written, so "ch" inside a sentence is not a hospital
            alt = "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True))
            pats.append((re.compile(r"(?<![\w'])(?:" + alt + r")(?![\w.])"), False))
        out.append(_Kind(entry["kind"], tuple(pats), entry["link"], entry["canonical"], not entry.get("object", False),
                         bool(entry.get("article_in_name", False))))
    return tuple(out)


def _cap_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def _place_at(text: str, i: int, article_in_name: bool = False) -> re.Match | None:
    m = _PLACE.match(text, i)
    if m and article_in_name and m.group(0).split()[0].strip("'’") in _ARTICLES and " " in m.group(0):
        return m
    if not m or m.group(0).split()[0].strip("'’") in _NOT_PLACE:
        return None
    # a place does not end on a joining word: "Angers et" is "Angers"
    return m


def find_institutions(text: str, folded: str | None = None) -> list[Institution]:
    """Every body of a kind in `data/institutions.yaml` named with its place, in text order.
    "les hôpitaux de A et de B" gives both; overlapping matches keep the longer one."""
    folded = folded if folded is not None else fold(text)
    found: list[Institution] = []
    for k in kinds():
        for m in (m for pat, on_folded in k.patterns for m in pat.finditer(folded if on_folded else text)):
            a, b = m.start(), m.end()
            written = text[a:b]
            if k.link == "before":
                j = a - 1
                while j > 0 and text[j - 1] not in ".,;:!?()\n«»\"":
                    j -= 1
                left = text[j:a].rstrip()
                pm = re.search(rf"({_CAP}(?:{_JOIN}{_CAP}){{0,2}})$", left)
                if not pm or pm.group(1).split()[0].strip("'’") in _NOT_PLACE or not written[:1].isupper():
                    continue
                place = pm.group(1)
                start = j + pm.start(1)
                found.append(Institution(start, b, k.canonical.format(place=place, de="", kind=written), k.kind, k.authority))
                continue
            pos = b
            ins = _INSERT.match(text, pos)
            pos = ins.end() if ins else pos
            while True:
                de = ""
                if k.link in ("de", "either"):
                    dm = _DE.match(folded, pos)
                    if dm:
                        de, pos = text[dm.start():dm.end()].lower().replace("’", "'"), dm.end()
                    elif k.link == "de":
                        break
                pm = _place_at(text, pos, k.article_in_name)
                if not pm:
                    break
                place = re.sub(r"[ \-‑](?:et|de|du|des|la|le|les|sur|sous|en|aux|au)$", "", pm.group(0))
                end = pm.start() + len(place)
                kind_written = re.sub(r"(?:s|x)$", "", written) if written.lower().endswith(("aux", "s")) and len(written) > 4 else written
                kind_written = re.sub(r"aux$", "al", written) if written.lower().endswith("aux") else kind_written
                name = k.canonical.format(place=place, de=de, kind=_cap_first(kind_written)).replace("’", "'")
                found.append(Institution(a, end, name, k.kind, k.authority))
                # "les hôpitaux de A (dép.) et de B"
                nxt = re.match(r"\s*(?:\([^()]{1,40}\)\s*)?(?:,|et)\s+", text[end:end + 60])
                if not nxt:
                    break
                pos = end + nxt.end()
                # the next body is written by its place only ("et de B"): its span is the place
                dm = _DE.match(folded, pos)
                a = dm.end() if dm else pos
                if k.link == "de" and not _DE.match(folded, pos):
                    break
    return _longest(found)


def _longest(found: list[Institution]) -> list[Institution]:
    out: list[Institution] = []
    for x in sorted(found, key=lambda x: (x.start, -(x.end - x.start))):
        if out and x.start < out[-1].end:
            if x.end - x.start > out[-1].end - out[-1].start and x.start == out[-1].start:
                out[-1] = x
            continue
        out.append(x)
    return out

"""The funding round an article reports on, and the date its laureates were announced.

Cascade:
1. fund: the first fund of data/funds.yaml the text names (name, alias or acronym);
2. round: an ordinal before "appel à projets" / "session" / "vague" ("premier appel à
   projets", "2de session"), and a year written after it ("appel à projets 2019");
3. laureates: the first count of laureates ("17 lauréats", "16 dossiers lauréats");
4. announcement: a sentence with an announcing verb and a laureate noun; its first date
   (day precision) is the announcement date, resolved against the publication date.
   A selection date ("sélectionnés le 22 mai par le comité") only counts when no
   announcement date is written. Without a publication date a day and month with no
   year are kept as such, for the reconciliation to complete from sibling articles;
5. fallback: the publication date, when the article itself announces laureates
   (its title or first lines say so).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache


from pipeline.extract.dates import find_dates
from pipeline.extract.lexicon import alternation
from pipeline.model import CallInfo
from pipeline.text import fold
from pipeline.extract.segment import Sentence
from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA = DATA_DIR
_NUM_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "dix-sept": 17,
    "dix sept": 17, "dix-huit": 18, "dix huit": 18, "dix-neuf": 19, "dix neuf": 19, "vingt": 20, "trente": 30,
}
_DUMMY_BASE = dt.date(2000, 7, 1)  # lets find_dates read a day and month when no publication date exists


@lru_cache(maxsize=1)
def _rules():
    raw = load_rules("funds.yaml")
    funds = []
    for f in raw["funds"]:
        forms = [f["name"], *(f.get("aliases") or [])]
        pat = re.compile(r"\b" + alternation(forms) + r"\b")
        acr = re.compile(r"(?<![\w-])" + re.escape(f["acronym"]) + r"(?![\w-])") if f.get("acronym") else None
        funds.append((f["name"], f.get("acronym"), pat, acr))
    ordinal_words = {fold(w): n for n, ws in raw["ordinals"].items() for w in ws}
    unit_words = {fold(w): u for u, ws in raw["units"].items() for w in ws}
    round_re = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(ordinal_words, key=len, reverse=True)) + r")\s+"
        r"(" + "|".join(re.escape(w) for w in sorted(unit_words, key=len, reverse=True)) + r")\b"
        r"(?:\s+(?:de l'|de l’|du|de la|des)?\s*(?:(?:appel a projets?|aap)\s+)?((?:19|20)\d\d))?"
    )
    year_re = re.compile(r"\b(?:appel a projets?|aap|session|vague|edition)\s+((?:19|20)\d\d)\b")
    count_re = re.compile(
        r"\b(\d{1,3}|" + "|".join(re.escape(w) for w in sorted(_NUM_WORDS, key=len, reverse=True)) + r")\s+"
        r"(?:nouveaux\s+|premiers\s+)?(?:projets\s+|dossiers\s+)?(?:laureats|vainqueurs|projets retenus|projets selectionnes|dossiers retenus)\b"
    )
    announce = re.compile(r"\b" + alternation(raw["announce_verbs"]) + r"\b")
    laureates = re.compile(r"\b" + alternation(raw["laureate_nouns"]) + r"\b")
    selection = re.compile(r"\b" + alternation(raw["selection_verbs"]) + r"\b")
    return funds, ordinal_words, unit_words, round_re, year_re, count_re, announce, laureates, selection


def fund_spans(text: str, folded: str | None = None) -> list[tuple[int, int, str]]:
    """Where the text names a fund (they are traps for the project extractor)."""
    funds = _rules()[0]
    f = folded if folded is not None else fold(text)
    out = []
    for name, _acr, pat, acr_re in funds:
        out += [(m.start(), m.end(), name) for m in pat.finditer(f)]
        if acr_re is not None:
            out += [(m.start(), m.end(), name) for m in acr_re.finditer(text)]
    # overlapping names: the longest wins ("Fonds de transformation numérique des territoires"
    # is not the FTAP's short alias "fonds de transformation")
    kept: list[tuple[int, int, str]] = []
    for a, b, name in sorted(out, key=lambda x: (-(x[1] - x[0]), x[0])):
        if not any(a < y and x < b for x, y, _ in kept):
            kept.append((a, b, name))
    return sorted(kept)


def read_call(text: str, sents: list[Sentence], published: dt.date | None,
              fund_hits: list[tuple[int, int, str]] | None = None, folded: str | None = None) -> CallInfo:
    """`fund_hits`, `folded`: the text's fund_spans and fold, when the caller has them already."""
    funds, ordinal_words, unit_words, round_re, year_re, count_re, announce, laureates, selection = _rules()
    f = folded if folded is not None else fold(text)
    info = CallInfo()
    spans = fund_hits if fund_hits is not None else fund_spans(text, f)
    if spans:
        name = spans[0][2]
        info.fund = name
        info.fund_acronym = next((acr for n, acr, _p, _a in funds if n == name), None)
    m = round_re.search(f)
    if m:
        info.ordinal = ordinal_words.get(m.group(1))
        info.unit = unit_words.get(m.group(2))
        if m.group(3):
            info.year = int(m.group(3))
    if info.year is None:
        y = year_re.search(f)
        if y:
            info.year = int(y.group(1))
    c = count_re.search(f)
    if c:
        raw = c.group(1)
        info.n_laureates = int(raw) if raw.isdigit() else _NUM_WORDS.get(raw)
    _announcement(text, f, sents, published, info, announce, laureates, selection)
    if info.year is None and info.announced_on and info.announced_precision == "day":
        info.year = int(info.announced_on[:4])
    if info.year is None and published is not None and info.fund:
        info.year = published.year
    return info


def _announcement(text, f, sents, published, info, announce, laureates, selection) -> None:
    found: list[tuple[int, object, str, tuple[int, int]]] = []  # (priority, value, precision, span)
    from pipeline.extract.lexicon import load as load_lexicon

    count = load_lexicon().count
    for s in sents:
        fs = f[s.start:s.end]
        if not (laureates.search(fs) or count.search(fs)):
            continue  # the sentence must be about laureates: "17 lauréats", "sept projets"
        is_announce = bool(announce.search(fs))
        is_selection = bool(selection.search(fs))
        if not (is_announce or is_selection):
            continue
        priority = 0 if is_announce else 1
        if published is not None:
            for d in find_dates(s.text, published):
                if d.precision == "day":
                    found.append((priority, d.value.isoformat(), "day", (s.start + d.start, s.start + d.end)))
                    break
        else:
            for d in find_dates(s.text, _DUMMY_BASE):
                if d.precision == "day":
                    if d.explicit_year:
                        found.append((priority, d.value.isoformat(), "day", (s.start + d.start, s.start + d.end)))
                    elif not d.weekday_only:
                        found.append((priority, f"--{d.value.month:02d}-{d.value.day:02d}", "daymonth",
                                      (s.start + d.start, s.start + d.end)))
                    break
    if found:
        found.sort(key=lambda x: (x[0], x[3][0]))
        _p, value, precision, span = found[0]
        info.announced_on, info.announced_precision, info.announced_span = value, precision, span
        return
    if published is not None:
        head = f[:600]
        if laureates.search(head):
            info.announced_on, info.announced_precision = published.isoformat(), "published"

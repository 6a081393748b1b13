"""Integrity of the gazetteer data: pipeline/data/{organizations,departments,regions}.yaml.

The template expansion below is a small reference written for these tests (the production one lives
in pipeline/organizations.py); it follows the rules documented at the top of organizations.yaml.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "pipeline" / "data"
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"

KINDS = {
    "ministry", "secretariat", "direction", "interministerial", "service", "agency", "operator",
    "authority", "local", "social_security", "company", "jurisdiction",
}
ENTRY_REQUIRED = {"name", "acronym", "kind", "parent", "aliases"}
ENTRY_OPTIONAL = {"period", "generic", "case_sensitive", "ambiguous", "successor", "predecessor"}
TEMPLATE_REQUIRED = {"scope", "name", "acronym", "kind", "parent", "aliases"}
TEMPLATE_OPTIONAL = {"period", "where", "except", "case_sensitive", "ambiguous"}
PLACEHOLDERS = {"name", "de", "code"}
PERIOD_RE = re.compile(r"^\d{4}(?:-(?:\d{4})?)?(?:, \d{4}(?:-(?:\d{4})?)?)*$")
DE_RE = re.compile(r"^(?:de la |de l'|de |du |des |d')")

CURRENT_REGIONS = {
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
    "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
}
MERGED_REGIONS = {
    "Alsace", "Aquitaine", "Auvergne", "Basse-Normandie", "Bourgogne", "Champagne-Ardenne", "Franche-Comté",
    "Haute-Normandie", "Languedoc-Roussillon", "Limousin", "Lorraine", "Midi-Pyrénées", "Nord-Pas-de-Calais",
    "Picardie", "Poitou-Charentes", "Rhône-Alpes",
}
DEPARTMENT_CODES = (
    {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"} | {"971", "972", "973", "974", "976"}
)


def _load(name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


ORG_DATA = _load("organizations.yaml")
ENTRIES: list[dict] = ORG_DATA["organizations"]
TEMPLATES: list[dict] = ORG_DATA["templates"]
DEPARTMENTS: list[dict] = _load("departments.yaml")["departments"]
REGIONS: list[dict] = _load("regions.yaml")["regions"]
PLACES = {"department": DEPARTMENTS, "region": REGIONS}


# -- helpers ----------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """What the matcher cannot tell apart: case, accents, ligatures, apostrophes, hyphen/space."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[’ʼ`´‘]", "'", text)
    text = re.sub(r"[-‐‑‒–—]", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def qualify(generic: str, ministry: str) -> str:
    """'Direction des ressources humaines' + 'Ministère de l'Intérieur' -> '... du ministère de l'Intérieur'."""
    return f"{generic} du {ministry[:1].lower()}{ministry[1:]}"


def selected(template: dict, places: list[dict]) -> list[dict]:
    where = template.get("where") or {}
    skip = set(template.get("except") or [])
    return [
        p for p in places
        if p["code"] not in skip and all(p.get(k, False) == v for k, v in where.items())
    ]


def expand(template: dict, place: dict) -> dict:
    """One template entry for one place: canonical from the first `de` form, aliases from all forms."""
    names = [place["name"], *(place.get("variants") or [])]
    des = list(place["de"])
    code = place["code"]
    canonical = template["name"].format(name=names[0], de=des[0], code=code)
    forms: list[str] = []
    for pattern in [template["name"], *template["aliases"]]:
        for n in names:
            for d in des:
                form = pattern.format(name=n, de=d, code=code)
                if form != canonical and form not in forms:
                    forms.append(form)
    parent = template["parent"].format(name=names[0], de=des[0], code=code) if template["parent"] else None
    return {
        "name": canonical,
        "acronym": template["acronym"],
        "kind": template["kind"],
        "parent": parent,
        "aliases": forms,
        "ambiguous": [a.format(name=names[0], de=des[0], code=code) for a in template.get("ambiguous") or []],
        "template": template["name"],
    }


EXPANDED: list[dict] = [
    expand(t, place) for t in TEMPLATES for place in selected(t, PLACES[t["scope"]])
]
BY_NAME: dict[str, dict] = {e["name"]: e for e in ENTRIES} | {e["name"]: e for e in EXPANDED}
GENERICS = [e for e in ENTRIES if e.get("generic")]
MINISTRIES = [e["name"] for e in ENTRIES if e["kind"] == "ministry"]


def own_forms(entry: dict, with_acronym: bool = True) -> list[str]:
    forms = [entry["name"], *entry["aliases"]]
    if with_acronym and entry.get("acronym"):
        forms.append(entry["acronym"])
    return forms


def is_common_word(acronym: str) -> bool:
    """A French word common enough that a case-insensitive match would mostly catch the word."""
    from spacy.lang.fr.stop_words import STOP_WORDS
    from wordfreq import zipf_frequency

    word = acronym.lower()
    return word in STOP_WORDS or zipf_frequency(word, "fr") >= 4.0


def clean_text_problem(text) -> str | None:
    if not isinstance(text, str) or not text:
        return "not a non-empty string"
    if text != text.strip() or "  " in text:
        return "stray spaces"
    if "’" in text:
        return "curly apostrophe (write ')"
    return None


# -- schema ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.get("name", "?")[:60])
def test_entry_schema(entry):
    keys = set(entry)
    assert ENTRY_REQUIRED <= keys, f"missing {ENTRY_REQUIRED - keys}"
    assert keys <= ENTRY_REQUIRED | ENTRY_OPTIONAL, f"unknown keys {keys - ENTRY_REQUIRED - ENTRY_OPTIONAL}"
    assert clean_text_problem(entry["name"]) is None, clean_text_problem(entry["name"])
    assert entry["name"][0].isupper(), "canonical names start with a capital"
    assert entry["kind"] in KINDS
    assert isinstance(entry["aliases"], list)
    for alias in entry["aliases"]:
        assert clean_text_problem(alias) is None, f"{alias!r}: {clean_text_problem(alias)}"
    assert len(set(entry["aliases"])) == len(entry["aliases"]), "alias listed twice"
    acronym = entry["acronym"]
    assert acronym is None or (isinstance(acronym, str) and re.fullmatch(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9-]*", acronym))
    for flag in ("generic", "case_sensitive"):
        assert isinstance(entry.get(flag, False), bool)
    if "period" in entry:
        assert isinstance(entry["period"], str) and PERIOD_RE.match(entry["period"]), entry["period"]
        for span in entry["period"].split(", "):
            start, _, end = span.partition("-")
            assert 1900 <= int(start) <= 2030 and (not end or int(start) <= int(end) <= 2030), span
    own = {fold(f) for f in own_forms(entry)}
    for shared in as_list(entry.get("ambiguous")):
        assert fold(shared) in own, f"ambiguous {shared!r} is not one of the entry's own forms"
    if entry.get("case_sensitive"):
        assert acronym, "case_sensitive is about the acronym"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.get("name", "?")[:60])
def test_template_schema(template):
    keys = set(template)
    assert TEMPLATE_REQUIRED <= keys, f"missing {TEMPLATE_REQUIRED - keys}"
    assert keys <= TEMPLATE_REQUIRED | TEMPLATE_OPTIONAL, f"unknown keys {keys - TEMPLATE_REQUIRED - TEMPLATE_OPTIONAL}"
    assert template["scope"] in PLACES
    assert template["kind"] in KINDS
    patterns = [template["name"], *template["aliases"], *as_list(template["parent"])]
    for pattern in patterns:
        assert clean_text_problem(pattern) is None, f"{pattern!r}: {clean_text_problem(pattern)}"
        fields = set(re.findall(r"\{(\w*)\}", pattern))
        assert fields <= PLACEHOLDERS, f"{pattern!r} uses {fields - PLACEHOLDERS}"
    assert re.search(r"\{(name|de)\}", template["name"]), "a template name must name the place"
    places = PLACES[template["scope"]]
    for field, value in (template.get("where") or {}).items():
        assert isinstance(value, bool) and any(field in p for p in places), f"where {field}: {value!r}"
    codes = {p["code"] for p in places}
    assert set(template.get("except") or []) <= codes, "except lists unknown codes"
    assert selected(template, places), "the filters select no place"
    if "period" in template:
        assert PERIOD_RE.match(template["period"]), template["period"]


def test_top_level_shape():
    assert set(ORG_DATA) == {"organizations", "templates"}
    assert {t["scope"] for t in TEMPLATES} == {"department", "region"}


# -- names -----------------------------------------------------------------------------------------
def test_no_duplicate_canonical_names():
    seen: dict[str, str] = {}
    dups = []
    for e in [*ENTRIES, *EXPANDED]:
        key = fold(e["name"])
        if key in seen:
            dups.append((seen[key], e["name"]))
        seen[key] = e["name"]
    assert not dups


def _form_owners() -> dict[str, set[str]]:
    """folded form -> canonical names of the entries that carry it (template acronyms excluded)."""
    owners: dict[str, set[str]] = {}
    for e in ENTRIES:
        for f in own_forms(e):
            owners.setdefault(fold(f), set()).add(e["name"])
    for e in EXPANDED:
        for f in own_forms(e, with_acronym=False):
            owners.setdefault(fold(f), set()).add(e["name"])
    return owners


def test_no_form_shared_unless_marked_ambiguous():
    """A name, alias or acronym carried by two entries must be listed in `ambiguous` by each of them."""
    problems = []
    for form, names in _form_owners().items():
        if len(names) < 2:
            continue
        unmarked = [n for n in names if form not in {fold(a) for a in as_list(BY_NAME[n].get("ambiguous"))}]
        if unmarked:
            problems.append((form, sorted(names), unmarked))
    assert not problems


def test_ambiguous_marks_are_really_shared():
    owners = _form_owners()
    stale = [(e["name"], a) for e in ENTRIES for a in as_list(e.get("ambiguous")) if len(owners[fold(a)]) < 2]
    assert not stale


def test_template_acronyms_do_not_clash_with_explicit_forms():
    """A bare template acronym ("DDT", "ARS") stands for no single entry: it must not be anyone's name."""
    explicit = {fold(f): e["name"] for e in ENTRIES for f in own_forms(e)}
    acronyms = [t["acronym"] for t in TEMPLATES if t["acronym"]]
    assert len({fold(a) for a in acronyms}) == len(acronyms), "two templates share an acronym"
    assert not {a: explicit[fold(a)] for a in acronyms if fold(a) in explicit}


@pytest.mark.parametrize("word, expected", [("ANS", True), ("DIE", True), ("SA", True), ("DGS", False), ("DGFiP", False)])
def test_common_word_detector(word, expected):
    assert is_common_word(word) is expected


def test_short_acronyms_that_are_words_are_case_sensitive():
    short = [e for e in [*ENTRIES, *TEMPLATES] if e["acronym"] and sum(c.isalpha() for c in e["acronym"]) <= 3]
    assert short, "no short acronym at all: the check would be empty"
    offenders = [e["acronym"] for e in short if is_common_word(e["acronym"]) and not e.get("case_sensitive")]
    assert not offenders


# -- structure -------------------------------------------------------------------------------------
def test_parents_resolve():
    names = set(BY_NAME)
    template_names = {t["name"] for t in TEMPLATES}
    missing = [(e["name"], e["parent"]) for e in ENTRIES if e["parent"] and e["parent"] not in names | template_names]
    missing += [(e["name"], e["parent"]) for e in EXPANDED if e["parent"] and e["parent"] not in names]
    assert not missing


def test_no_parent_cycles():
    for e in [*ENTRIES, *EXPANDED]:
        seen = [e["name"]]
        parent = e["parent"]
        while parent:
            assert parent not in seen, f"cycle {seen + [parent]}"
            seen.append(parent)
            parent = BY_NAME[parent]["parent"] if parent in BY_NAME else None


def test_successors_and_predecessors_resolve_and_agree():
    explicit = {e["name"]: e for e in ENTRIES}
    problems = []
    for e in ENTRIES:
        for field, back in (("successor", "predecessor"), ("predecessor", "successor")):
            for other in as_list(e.get(field)):
                if other not in explicit:
                    problems.append((e["name"], field, other, "unknown"))
                elif e["name"] not in as_list(explicit[other].get(back)):
                    problems.append((e["name"], field, other, f"{back} missing"))
    assert not problems


def test_qualified_generic_entries_have_their_ministry_as_parent():
    qualified = {qualify(g["name"], m): m for g in GENERICS for m in MINISTRIES}
    wrong = [(e["name"], e["parent"]) for e in ENTRIES if e["name"] in qualified and e["parent"] != qualified[e["name"]]]
    assert qualified.keys() & {e["name"] for e in ENTRIES}, "no qualified generic entry to check"
    assert not wrong


# -- counts and places -----------------------------------------------------------------------------
def test_counts():
    assert len(ENTRIES) >= 150
    kinds = {e["kind"] for e in ENTRIES}
    assert {"ministry", "direction", "interministerial", "agency", "operator", "social_security"} <= kinds
    assert len(GENERICS) >= 4


def test_departments():
    codes = [d["code"] for d in DEPARTMENTS]
    assert len(codes) == 101 and len(set(codes)) == 101
    assert set(codes) == DEPARTMENT_CODES
    assert len({d["name"] for d in DEPARTMENTS}) == 101
    assert sum(bool(d.get("overseas")) for d in DEPARTMENTS) == 5


@pytest.mark.parametrize("dept", DEPARTMENTS, ids=lambda d: d["code"])
def test_department_fields(dept):
    assert set(dept) <= {"code", "name", "de", "region", "former_region", "ddtm", "overseas"}
    assert isinstance(dept["code"], str) and isinstance(dept["name"], str)
    assert dept["de"] and len(set(dept["de"])) == len(dept["de"])
    for form in dept["de"]:
        assert DE_RE.match(form) and form.endswith(dept["name"]), form
    assert dept["region"] in CURRENT_REGIONS
    regions = {r["name"]: r for r in REGIONS}
    if "former_region" in dept:
        old = regions[dept["former_region"]]
        assert not old["current"] and old["successor"] == dept["region"]
    for flag in ("ddtm", "overseas"):
        assert isinstance(dept.get(flag, False), bool)


def test_regions():
    names = [r["name"] for r in REGIONS]
    assert len(set(names)) == len(names)
    assert len({r["code"] for r in REGIONS}) == len(REGIONS)
    assert {r["name"] for r in REGIONS if r["current"]} == CURRENT_REGIONS
    assert {r["name"] for r in REGIONS if not r["current"]} == MERGED_REGIONS
    assert {r["name"] for r in REGIONS if r["overseas"]} == {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r["code"])
def test_region_fields(region):
    assert set(region) <= {"code", "name", "de", "variants", "current", "overseas", "period", "successor", "predecessors"}
    assert isinstance(region["code"], str) and isinstance(region["current"], bool) and isinstance(region["overseas"], bool)
    assert PERIOD_RE.match(region["period"])
    names = [region["name"], *(region.get("variants") or [])]
    assert region["de"] and len(set(region["de"])) == len(region["de"])
    for form in region["de"]:
        assert DE_RE.match(form) and any(form.endswith(n) for n in names), form
    by_name = {r["name"]: r for r in REGIONS}
    if region.get("successor"):
        assert not region["current"]
        assert region["name"] in by_name[region["successor"]].get("predecessors", [])
    for old in region.get("predecessors") or []:
        assert by_name[old]["successor"] == region["name"]
    if not region["current"]:
        assert region.get("successor") in CURRENT_REGIONS


# -- expansion -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "canonical, acronym, aliases",
    [
        ("Préfecture de la Charente-Maritime", None, {"Préfecture de Charente-Maritime", "Préfecture 17"}),
        ("Préfecture d'Indre-et-Loire", None, {"Préfecture de l'Indre-et-Loire"}),
        ("Direction départementale des territoires des Vosges", "DDT", {"DDT des Vosges", "DDT 88", "DDT Vosges"}),
        ("Direction départementale des territoires et de la mer du Finistère", "DDTM", {"DDTM 29", "DDTM du Finistère"}),
        ("Direction départementale des finances publiques de l'Ain", "DDFiP", {"DDFiP 01"}),
        ("Agence régionale de santé de Nouvelle-Aquitaine", "ARS",
         {"ARS Nouvelle-Aquitaine", "ARS de la Nouvelle-Aquitaine", "ARS de Nouvelle-Aquitaine"}),
        ("Agence régionale de santé du Centre-Val de Loire", "ARS", {"ARS Centre", "Agence régionale de santé du Centre"}),
        ("Agence régionale de santé de Provence-Alpes-Côte d'Azur", "ARS", {"ARS PACA"}),
        ("Agence régionale de santé d'Aquitaine", "ARS", {"ARS Aquitaine"}),
        ("Direction régionale de l'environnement, de l'aménagement et du logement de Nouvelle-Aquitaine", "DREAL",
         {"DREAL Nouvelle-Aquitaine"}),
        ("Direction de l'environnement, de l'aménagement et du logement de La Réunion", "DEAL",
         {"DEAL La Réunion", "DEAL Réunion"}),
        ("Préfecture de la région Occitanie", None, {"Préfecture de région Occitanie"}),
    ],
)
def test_expansion_known_cases(canonical, acronym, aliases):
    entry = BY_NAME.get(canonical)
    assert entry is not None and "template" in entry, f"{canonical!r} is not generated"
    assert entry["acronym"] == acronym
    assert aliases <= set(entry["aliases"]), aliases - set(entry["aliases"])


def test_expansion_parent_follows_the_place():
    entry = BY_NAME["Secrétariat général pour les affaires régionales d'Occitanie"]
    assert entry["parent"] == "Préfecture de la région Occitanie"


@pytest.mark.parametrize(
    "absent",
    [
        "Direction départementale des territoires de Paris",  # Paris has no DDT
        "Direction départementale des territoires du Finistère",  # coastal: DDTM
        "Direction départementale des territoires et de la mer des Vosges",  # inland: DDT
        "Direction départementale des territoires de la Guadeloupe",  # overseas: DEAL
        "Direction régionale de l'environnement, de l'aménagement et du logement d'Île-de-France",  # DRIEAT
        "Direction régionale de l'environnement, de l'aménagement et du logement de la Guadeloupe",  # DEAL
        "Direction de l'environnement, de l'aménagement et du logement de Bretagne",  # metropolitan: DREAL
        "Direction départementale des finances publiques de la Gironde",  # regional capital: DRFiP
        "Région académique Aquitaine",  # academic regions date from 2016
        "Conseil départemental de Paris",
    ],
)
def test_expansion_filters(absent):
    assert absent not in BY_NAME


def test_expansion_size():
    per_template = {t["name"]: len(selected(t, PLACES[t["scope"]])) for t in TEMPLATES}
    assert per_template["Préfecture {de}"] == 101
    assert per_template["Direction départementale des territoires {de}"] + per_template[
        "Direction départementale des territoires et de la mer {de}"] == 96 - 4  # metropolitan less Paris + inner suburbs
    assert per_template["Agence régionale de santé {de}"] == len(REGIONS)


# -- gold ------------------------------------------------------------------------------------------
def _gold_organizations() -> list[tuple[str, list[str]]]:
    if not GOLD.is_file():
        return []
    return sorted(json.loads(GOLD.read_text(encoding="utf-8"))["organizations"].items())


@pytest.mark.skipif(not GOLD.is_file(), reason="shared/gold/seeds.json is not beside the project")
@pytest.mark.parametrize("canonical, variants", _gold_organizations(), ids=lambda x: x if isinstance(x, str) else "")
def test_gold_organization_present(canonical, variants):
    """The gold's canonical name is ours exactly; each of its variants leads back to it."""
    entry = BY_NAME.get(canonical)
    assert entry is not None, f"{canonical!r} is neither an entry nor a template expansion"
    own = {fold(f) for f in own_forms(entry)}
    for variant in variants:
        if fold(variant) in own:
            continue
        # a generic name ("Direction des ressources humaines") is qualified with the entry's ministry
        generic = [g for g in GENERICS if fold(variant) in {fold(f) for f in own_forms(g)}]
        assert generic and entry["parent"] and qualify(generic[0]["name"], entry["parent"]) == canonical, (
            f"variant {variant!r} does not lead to {canonical!r}"
        )

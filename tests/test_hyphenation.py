"""Hyphenation mending: PDF line-end breaks joined, real compounds kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from wordfreq import zipf_frequency

from pipeline.clean.hyphenation import DATA_FILE, joined_frequency, mend_hyphens, should_join

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "seeds.json"


def _gold_cases() -> tuple[dict[str, str], list[str]]:
    if not GOLD.is_file():
        return {}, []
    broken: dict[str, str] = {}
    kept: list[str] = []
    for article in json.loads(GOLD.read_text(encoding="utf-8"))["articles"].values():
        broken.update(article.get("broken_hyphens", {}))
        kept.extend(article.get("hyphen_kept", []))
    return broken, kept


GOLD_BROKEN, GOLD_KEPT = _gold_cases()
needs_gold = pytest.mark.skipif(not GOLD.is_file(), reason="../shared/gold is not beside the project")


@needs_gold
@pytest.mark.parametrize("broken", sorted(GOLD_BROKEN) or ["-"])
def test_gold_breaks_are_mended_inline_and_at_line_end(broken: str) -> None:
    whole = GOLD_BROKEN[broken]
    assert mend_hyphens(broken) == whole
    assert mend_hyphens(broken.replace("-", "-\n")) == whole
    assert mend_hyphens(f"un système {broken} pour tous") == f"un système {whole} pour tous"


@needs_gold
@pytest.mark.parametrize("compound", sorted(GOLD_KEPT) or ["-"])
def test_gold_compounds_are_kept(compound: str) -> None:
    assert mend_hyphens(compound) == compound
    assert mend_hyphens(f"en {compound} ;") == f"en {compound} ;"


# Breaks of my own, as they come out of PDF press kits and reports.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("les délégations départemen-tales", "les délégations départementales"),
        ("de l'en-semble des sites", "de l'ensemble des sites"),
        ("une plate-forme ou-verte aux partenaires", "une plate-forme ouverte aux partenaires"),
        ("Facile à Lire et Com-prendre", "Facile à Lire et Comprendre"),
        ("des exemples de réalisa-tions", "des exemples de réalisations"),
        ("des formats dispa-rates", "des formats disparates"),
        ("un service de pro-ximité", "un service de proximité"),
        ("les territoires ru-raux", "les territoires ruraux"),
        ("DÉVELOP-PEMENT DURABLE", "DÉVELOPPEMENT DURABLE"),
        ("la dématé-\nrialisation des actes", "la dématérialisation des actes"),
        ("des crédits d'investis-\nsement", "des crédits d'investissement"),
        ("un soft\u00adware libre", "un software libre"),
        ("la moderni\u00ad\nsation", "la modernisation"),
    ],
)
def test_breaks_are_mended(text: str, expected: str) -> None:
    assert mend_hyphens(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "la sous-direction du budget",
        "peut-être dès 2022",
        "c'est-à-dire le programme",
        "la préfecture de Saint-Denis",
        "le porte-parole du gouvernement",
        "une cellule anti-fraude",
        "que pense-t-il du projet",
        "dit-il, avant d'ajouter",
        "celui-ci sera déployé",
        "lui-même ancien préfet",
        "un rendez-vous en ligne",
        "des tiers-lieux numériques",
        "un accord-cadre national",
        "la Seine-Saint-Denis",
        "l'outre-mer",
        "les procès-verbaux",
        "une co-construction avec les agents",
        "l'API-management",
        "le SI-RH interministériel",
        "une démarche auto-apprenante",
        "le site service-public.fr",
        "https://www.exemple.gouv.fr/donnees-personnelles",
        "écrire à contact-presse@exemple.fr",
        "de 18h00-22h00",
        "la période 2018-2022",
        "Île-de-France",
        "vis-à-\nvis de l'usager",
    ],
)
def test_compounds_and_other_hyphens_are_kept(text: str) -> None:
    assert mend_hyphens(text) == text.replace("-\n", "-")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("la sous-\ndirection", "la sous-direction"),
        ("à Saint-\nDenis", "à Saint-Denis"),
        ("Hauts-de-\nFrance", "Hauts-de-France"),
    ],
)
def test_line_end_compound_keeps_its_hyphen_and_loses_the_break(text: str, expected: str) -> None:
    assert mend_hyphens(text) == expected


def test_blank_line_is_not_a_line_end_break() -> None:
    assert mend_hyphens("sous-\n\ndirection") == "sous-\n\ndirection"


def test_line_end_bonus_joins_an_unknown_word_split_in_unknown_halves() -> None:
    # Inline, two unknown halves may well be a name made of two parts; at a line end
    # the hyphen is far more often a break.
    assert mend_hyphens("Zorglu-brax") == "Zorglu-brax"
    assert mend_hyphens("Zorglu-\nbrax") == "Zorglubrax"


def test_line_end_bonus_tips_close_calls_towards_joining() -> None:
    # "hétérogènes" (3.0) is rarer than "hétéro" (3.6): kept inline, joined at a line end.
    assert should_join("hétéro", "gènes", at_line_end=True)
    assert mend_hyphens("des formats hétéro-\ngènes") == "des formats hétérogènes"


def _yaml() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["hyphenation"]


# Each exception exists because the frequencies alone would join it (inline or at a
# line end): the joined spelling is a word too.
KEEP_CASES = {
    "plate-forme": ("une plate-forme mutualisée", False),
    "plate-formes": ("les plate-\nformes régionales", True),
    "week-end": ("ouvert le week-\nend", True),
    "week-ends": ("tous les week-\nends", True),
    "start-up": ("les start-\nup d'État", True),
    "start-ups": ("des start-\nups publiques", True),
}


@pytest.mark.parametrize("compound", sorted(KEEP_CASES))
def test_keep_exceptions(compound: str) -> None:
    text, at_line_end = KEEP_CASES[compound]
    left, right = compound.split("-")
    assert mend_hyphens(text) == text.replace("-\n", "-")
    # Without the exception, the frequency rule would have joined it.
    assert joined_frequency(left + right) + (1.0 if at_line_end else 0.0) > min(
        zipf_frequency(left, "fr"), zipf_frequency(right, "fr")
    )


def test_every_keep_exception_is_tested() -> None:
    assert set(_yaml()["keep"]) == set(KEEP_CASES)


@pytest.mark.parametrize(
    "prefix, text, expected",
    [
        # "matérialisant" and "cloisonnées" are words: only the prefix rule joins.
        ("dé", "en dé-matérialisant les démarches", "en dématérialisant les démarches"),
        ("dé", "des données dé-cloisonnées", "des données décloisonnées"),
        ("dés", "le dés-engagement de l'État", "le désengagement de l'État"),
    ],
)
def test_join_prefixes(prefix: str, text: str, expected: str) -> None:
    assert prefix in _yaml()["join_prefixes"]
    assert mend_hyphens(text) == expected


def test_every_join_prefix_is_tested() -> None:
    assert set(_yaml()["join_prefixes"]) == {"dé", "dés"}


# Rare inflected forms missing from wordfreq, scored through their lemma.
INFLECTION_CASES = {
    ("ées", "er"): ("maximisées", "maximiser", "maximi-sées"),
    ("ée", "er"): ("priorisée", "prioriser", "priori-sée"),
    ("és", "er"): ("maximisés", "maximiser", "maximi-sés"),
    ("ant", "er"): ("rentabilisant", "rentabiliser", "rentabi-lisant"),
    ("aient", "er"): ("mutualisaient", "mutualiser", "mutuali-saient"),
    ("ait", "er"): ("mutualisait", "mutualiser", "mutuali-sait"),
    ("ent", "er"): ("revalorisent", "revaloriser", "revalo-risent"),
    ("s", ""): ("interopérabilités", "interopérabilité", "interopérabi-lités"),
}


@pytest.mark.parametrize("ending", sorted(INFLECTION_CASES))
def test_inflections(ending: tuple[str, str]) -> None:
    form, lemma, broken = INFLECTION_CASES[ending]
    assert zipf_frequency(form, "fr") == 0.0
    assert joined_frequency(form) == zipf_frequency(lemma, "fr") > 0
    assert mend_hyphens(broken) == form


def test_every_inflection_is_tested() -> None:
    assert {tuple(pair) for pair in _yaml()["inflections"]} == set(INFLECTION_CASES)


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("e", "learning", False),  # one-letter part
        ("E", "Contacts", False),
        ("Nouvelle", "Aquitaine", False),  # capitalised right part: a name
        ("Charente", "Maritime", False),
        ("réponses", "types", False),  # joined form unknown: a compound
        ("con", "tact", True),  # both halves are words, the joined one is far more common
        ("no", "tamment", True),  # a fragment for a half
    ],
)
def test_should_join(left: str, right: str, expected: bool) -> None:
    assert should_join(left, right) is expected

"""Load the extractor's word lists (data/projects.yaml) once, folded and compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


from pipeline.text import fold
from pipeline.paths import DATA_DIR
from pipeline.rules import load_rules

DATA = DATA_DIR


def folded_words(words: list[str]) -> list[str]:
    return sorted({re.sub(r"\s+", " ", fold(w)).strip() for w in words}, key=len, reverse=True)


def alternation(words: list[str]) -> str:
    """Regex alternation of folded phrases, longest first, spaces flexible; a final "de"
    also stands for its contracted forms ("à l'initiative du ministère")."""
    def one(w: str) -> str:
        pat = re.escape(w).replace(r"\ ", r"\s+")
        if w.endswith(" de"):
            pat = pat[: -len("de")] + "(?:de|du|des|d')"
        return pat

    return "(?:" + "|".join(one(w) for w in folded_words(words)) + ")"


@dataclass(frozen=True)
class Lexicon:
    raw: dict
    list_intro: re.Pattern
    non_project_list: re.Pattern
    name_end: re.Pattern  # ", word" that ends a name
    carrier_cue: re.Pattern
    funding_after: re.Pattern
    funding_before: re.Pattern
    funding_verb: re.Pattern
    purpose: re.Pattern
    action_prefix: re.Pattern
    project_noun_before: re.Pattern
    trap_heads: frozenset
    generic_heads: frozenset
    known_traps: frozenset
    discourse: re.Pattern
    total_cue: re.Pattern
    object_adverbs: frozenset
    section_words: frozenset
    collectivity_heads: frozenset
    one_recipient_frame: re.Pattern
    count: re.Pattern
    enumeration: re.Pattern
    reporting: re.Pattern
    funder_subject: re.Pattern
    appositive: re.Pattern
    org_heads: frozenset
    common_capitalised: frozenset  # capitalised words too common to be a one-word name
    topic: re.Pattern  # an enumeration object that is a topic, not a project
    topic_word: re.Pattern
    budget_table: re.Pattern
    frame_before: re.Pattern  # ends right before a name: "dans le cadre du «"
    selection: re.Pattern
    project_noun_after: re.Pattern  # a project noun opening a noun phrase
    works_intro: re.Pattern  # "pour la rénovation de 30 bâtiments :"
    purpose_infinitive: re.Pattern  # "de déployer ", "d'équiper ": a purpose verb after its body
    purpose_verb: re.Pattern  # "refondre ", "déployer ": a purpose verb after an auxiliary ("va refondre")
    works_head: re.Pattern  # a noun phrase headed by works: "la réfection de la toiture"
    works_word: re.Pattern  # any works noun in a name ("reconstruction", "mise aux normes")
    programme_scale: float  # M€ from which an amount is a plan's or a programme's, never one grant
    measure_units: frozenset  # "12 kilomètres de haies": a measured object, not a count of projects
    trap_head_exceptions: frozenset  # "réseau chaleur": works, though "réseau" heads traps
    adjectival_participles: frozenset  # "le réseau existant de X": a participle in -ant that qualifies, inside a name


def _words(raw: dict, key: str) -> list[str]:
    return list(raw.get(key) or [])


@lru_cache(maxsize=1)
def load() -> Lexicon:
    raw = load_rules("projects.yaml")
    w = lambda k: alternation(_words(raw, k))  # noqa: E731
    numbers = r"(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|dix[ -]sept|dix[ -]huit|dix[ -]neuf|vingt|trente|quarante|cinquante|soixante|cent|plusieurs|quelques|une? dizaine de|une? vingtaine de|une? trentaine de|une? soixantaine de|une? centaine de)"
    return Lexicon(
        raw=raw,
        list_intro=re.compile(r"\b" + w("list_intro_cues") + r"\b"),
        non_project_list=re.compile(r"\b" + w("non_project_list_cues") + r"\b"),
        name_end=re.compile(r",\s+" + w("name_end_words") + r"\b"),
        # "piloté conjointement par": an adverb may stand before the agent
        carrier_cue=re.compile(r"\b" + w("carrier_cues").replace(r"\s+par", r"(?:\s+[a-z]{3,}ment)?\s+par") + r"\b"),
        funding_after=re.compile(
            # "Ce sont 2 M€ qui seront investis dans …": a relative "qui" may open the verb
            r"^\s*(?:qui\s+)?(?:(?:ont|a|sont|seront|est|vont|va|avaient|auront)\s+(?:ete\s+|etre\s+)?)?" + w("funding_after_amount") + r"(?:e|es|s)?"  # "une subvention … accordée au …"
            # the words between never hold the agent ("alloués par les agences …"), and the
            # preposition is a whole word: "a" must not match the first letter of "agences"
            + r"(?:\s+(?!par\b)\w+){0,3}?\s+(?:dans|a|au|aux|pour|vers|en faveur d[eu]s?|en faveur de la|en faveur de l')(?![\w])\s*(?:le projet\s+|la plateforme\s+)?"
        ),
        funding_before=re.compile(
            r",\s*(?:(?:un |le )?projet\s+|qui est\s+|il est\s+|elle est\s+|qui sera\s+|est\s+|sera\s+|a ete\s+|sont\s+|seront\s+|ont ete\s+)?" + w("funding_before_amount")
            + r"\s+(?:de|d'|a hauteur de|a hauteur d'|par|pour|avec|a)\s*$"
        ),
        funding_verb=re.compile(r"\b" + w("funding_verbs") + r"\b"),
        purpose=re.compile(r"\b(?:afin de|afin d'|pour|en vue de|en vue d')\s+" + w("purpose_verbs") + r"\s+"),
        action_prefix=re.compile(r"^\s*" + w("action_prefixes") + r"\s*"),
        project_noun_before=re.compile(
            r"\b(?:le|la|l'|un|une|du|au|son|sa|leur|ce|cette|notre)\s*" + w("project_nouns") + r"(?:\s+(?:baptise|baptisee|nomme|nommee|intitule|intitulee|appele|appelee|denomme|denommee))?\s*$"
        ),
        trap_heads=frozenset(folded_words(_words(raw, "trap_heads"))),
        programme_scale=float(raw["programme_scale_m_eur"]),
        measure_units=frozenset(folded_words(_words(raw, "measure_units"))),
        trap_head_exceptions=frozenset(folded_words(_words(raw, "trap_head_exceptions"))),
        adjectival_participles=frozenset(folded_words(_words(raw, "adjectival_participles"))),
        generic_heads=frozenset(folded_words(_words(raw, "generic_heads"))),
        known_traps=frozenset(folded_words(_words(raw, "known_traps"))),
        object_adverbs=frozenset(folded_words(_words(raw, "object_adverbs"))),
        section_words=frozenset(folded_words(_words(raw, "section_words"))),
        collectivity_heads=frozenset(folded_words(_words(raw, "collectivity_heads"))),
        discourse=re.compile(r"^\s*(?:" + w("discourse_markers") + r"\s*,?\s*)+"),
        total_cue=re.compile(r"\b" + w("total_cues") + r"\b"),
        one_recipient_frame=re.compile(w("one_recipient_frames")),
        count=re.compile(r"\b" + numbers + r"\s+(?:des\s+|de\s+|d')?(?:\w+\s+)?" + w("count_nouns") + r"\b"),
        enumeration=re.compile(r"\b" + w("enumeration_verbs") + r"\s+"),
        reporting=re.compile(r"\b" + w("reporting_verbs") + r"\b"),
        funder_subject=re.compile(r"^\s*(?:le|la|l'|les)?\s*" + w("funder_subjects") + r"\b"),
        appositive=re.compile(r"^\s*,\s*(?:un|une|le|la|l')\s*(?:\w+\s+)?" + w("appositive_nouns") + r"\b"),
        org_heads=frozenset(folded_words(_words(raw, "org_heads"))),
        common_capitalised=frozenset(folded_words(_words(raw, "common_capitalised_words"))),
        topic=re.compile(r"^\s*(?:(?:des|les|de|plusieurs|divers|differents)\s+)?(?:\w+\s+)?" + w("topic_nouns") + r"\b"),
        topic_word=re.compile(r"\b" + w("topic_nouns") + r"\b"),
        budget_table=re.compile(r"\b" + w("budget_table_cues") + r"\b"),
        # the scheme may be named by its kind first: "au titre du dispositif X"
        frame_before=re.compile(w("frame_cues").replace("(?:de|du|des|d')", "de")
                                + r"\s*(?:(?:dispositif|programme|plan|volet|label|appel a projets|appel a projet)\s*)?[«“\"]?\s*$"),
        selection=re.compile(r"\b" + w("selection_cues") + r"\b"),
        project_noun_after=re.compile(w("project_nouns") + r"\b"),
        purpose_verb=re.compile(r"^\s*" + w("purpose_verbs") + r"\s+"),
        purpose_infinitive=re.compile(r"^\s*(?:de|d')\s*" + w("purpose_verbs") + r"\s+"),
        works_word=re.compile(r"\b" + w("works_nouns") + r"\b"),
        works_head=re.compile(r"^\s*(?:(?:la|le|les|l'|une|un|des|cette|ces)\s*)?(?:\w+\s+)?" + w("works_nouns") + r"\s+(?:de|des|du|d')"),
        works_intro=re.compile(r"\b" + w("works_nouns") + r"\s+(?:de|des|du|d')\s*[^:]{0,80}:\s*$"),
    )


class Cues(dict):
    """The compiled cue patterns of data/cues.yaml, by name: `cues().carrier_label.match(line)`."""

    def __getattr__(self, name: str) -> re.Pattern:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no cue named {name!r} in cues.yaml") from None


def cue_entries() -> dict[str, dict]:
    """The raw entries of data/cues.yaml (pattern, examples, where each is used)."""
    return load_rules("cues.yaml")


@lru_cache(maxsize=1)
def cues() -> Cues:
    """Every cue pattern compiled once per process; a bad pattern fails here, naming its entry."""
    out = Cues()
    for name, entry in cue_entries().items():
        try:
            out[name] = re.compile(entry["pattern"], re.I if entry.get("ignorecase") else 0)
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(f"cues.yaml: entry {name!r}: {exc}") from None
    return out

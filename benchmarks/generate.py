#!/usr/bin/env python3
"""Deterministic synthetic corpus of French press articles about public funding, with its gold.

    python benchmarks/generate.py N OUT_DIR [--seed S] [--projects K]

Writes N articles (a mix of .html pages and .txt scraped pages) under OUT_DIR and the
matching OUT_DIR/gold.json, in the format of shared/gold/seeds.json, so that
shared/eval/score.py can score a run over OUT_DIR.

What the corpus holds, and why:
- a pool of funded projects (K of them, default min(600, max(30, N // 2))) spread over the
  funding rounds of one fund (FTAP, 2018-2023): press repeats the same projects, so the
  number of distinct projects grows more slowly than the number of articles;
- project names built from word lists below ("Plateforme" + action + object, or a coined
  CamelCase brand), never names from the seed articles; no two projects share enough words
  for the scorer to confuse them, so every miss is the pipeline's;
- each project is written under several forms across articles (spacing "Agri Trace" /
  "AgriTrace", an acronym in one and the long name in another, a short form, "– phase 2");
- carriers are organisations of the gazetteer (pipeline/data/organizations.yaml), written
  under their canonical name, acronym or an alias;
- every amount form (exact, "près de", "plus de", "jusqu'à", "chacun", "200 000 €", "1,25 M€",
  "24,3 millions d'euros") and the phrasings the extractor reads (laureate lists, "X, doté de
  N M€", "N M€ pour X", "X (N M€)", title / carrier / amount blocks, tables, "le projet «X»");
- totals, the fund's endowment and programme names as traps, boilerplate around the body
  (navigation, cookie banner, share buttons, newsletter, comments, related articles with
  dates, footer) in HTML and in its flattened-text form.

Articles are written one at a time (the corpus is never held in memory); the gold keeps one
small record per project and per article. Standard library + PyYAML only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import math
import os
import random
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "pipeline" / "data" / "organizations.yaml"
SEEDS_GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"

FUND = "Fonds pour la transformation de l'action publique"
FUND_ACR = "FTAP"

# ---------------------------------------------------------------------------------------------
# word lists for project names
HEADS = [  # (head, gender)
    ("Plateforme", "f"), ("Portail", "m"), ("Système d'information", "m"), ("Application", "f"),
    ("Outil", "m"), ("Registre", "m"), ("Guichet", "m"), ("Espace", "m"), ("Tableau de bord", "m"),
    ("Assistant", "m"), ("Carnet", "m"), ("Téléservice", "m"), ("Logiciel", "m"), ("Base", "f"),
]
ACTIONS = [
    "traçabilité", "instruction", "suivi", "gestion", "contrôle", "délivrance", "réservation", "déclaration",
    "signalement", "orientation", "indemnisation", "archivage", "paiement", "inspection", "planification",
    "certification", "médiation", "recensement", "cartographie", "évaluation", "prévention", "détection",
    "mutualisation", "dématérialisation", "numérisation", "pilotage", "attribution", "vérification",
    "programmation", "tarification", "consultation", "modélisation", "supervision", "régulation",
]
OBJ_NOUNS = [  # (plural noun, gender)
    ("aides", "f"), ("permis", "m"), ("titres", "m"), ("licences", "f"), ("marchés", "m"), ("déclarations", "f"),
    ("pensions", "f"), ("bourses", "f"), ("concessions", "f"), ("subventions", "f"), ("autorisations", "f"),
    ("certificats", "m"), ("demandes", "f"), ("contrôles", "m"), ("stages", "m"), ("logements", "m"),
    ("ouvrages", "m"), ("fréquences", "f"), ("crues", "f"), ("forêts", "f"), ("collections", "f"), ("examens", "m"),
    ("chantiers", "m"), ("vaccinations", "f"), ("épaves", "f"), ("brevets", "m"), ("semences", "f"),
    ("captures", "f"), ("récoltes", "f"), ("cessions", "f"), ("mutations", "f"), ("retraites", "f"),
]
OBJ_COMPLEMENTS = [  # (masculine plural, feminine plural)
    ("agricoles",) * 2, ("funéraires",) * 2, ("militaires",) * 2, ("étudiants", "étudiantes"), ("portuaires",) * 2,
    ("de chasse",) * 2, ("de pêche",) * 2, ("forestiers", "forestières"), ("scolaires",) * 2,
    ("hospitaliers", "hospitalières"), ("vétérinaires",) * 2, ("d'urbanisme",) * 2, ("de séjour",) * 2,
    ("sociaux", "sociales"), ("ferroviaires",) * 2, ("fluviaux", "fluviales"), ("littoraux", "littorales"),
    ("pénitentiaires",) * 2, ("judiciaires",) * 2, ("douaniers", "douanières"), ("consulaires",) * 2,
    ("sportifs", "sportives"), ("culturels", "culturelles"), ("patrimoniaux", "patrimoniales"),
    ("routiers", "routières"), ("aériens", "aériennes"), ("miniers", "minières"), ("thermaux", "thermales"),
    ("viticoles",) * 2, ("apicoles",) * 2, ("maritimes",) * 2, ("universitaires",) * 2, ("d'outre-mer",) * 2,
    ("de montagne",) * 2, ("énergétiques",) * 2, ("archéologiques",) * 2, ("pastoraux", "pastorales"),
    ("ostréicoles",) * 2, ("cynégétiques",) * 2, ("électoraux", "électorales"),
]
QUALIFIERS = [("numérique", "numérique"), ("en ligne", "en ligne"), ("unifié", "unifiée"), ("partagé", "partagée"),
              ("national", "nationale"), ("mutualisé", "mutualisée"), ("intelligent", "intelligente")]
COIN_PREFIXES = [
    "Agri", "Proxi", "Simpli", "Justi", "Terri", "Mobi", "Hydro", "Forma", "Archi", "Medi", "Navi", "Sylva",
    "Carto", "Vigi", "Pharma", "Aqua", "Lumi", "Civi", "Fisca", "Doua", "Ostra", "Helio", "Petra", "Rura",
    "Litto", "Patri", "Sporti", "Vini", "Cura", "Stata",
]
COIN_SUFFIXES = [
    "Trace", "Lien", "Facile", "Vision", "Suivi", "Pilote", "Route", "Dossier", "Relais", "Boussole", "Atlas",
    "Radar", "Passerelle", "Compas", "Veille", "Agenda", "Signal", "Flux", "Carnet", "Vigie", "Nexus", "Hub",
    "Scope", "Box",
]
DESCRIPTIONS = [  # infinitive clauses: what a project is for
    "permettre aux usagers de suivre leur demande en ligne",
    "réduire de moitié les délais d'instruction",
    "fiabiliser les données échangées entre les services",
    "supprimer les saisies en double et les envois de pièces papier",
    "donner aux agents une vue d'ensemble de chaque dossier",
    "ouvrir les données produites au public et aux chercheurs",
    "détecter plus tôt les situations à risque",
    "mieux répartir les contrôles sur le territoire",
    "offrir un point d'entrée unique aux entreprises",
    "automatiser le calcul des droits et des montants dus",
    "remplacer une application devenue obsolète",
    "partager les informations avec les collectivités",
    "mettre fin aux formulaires papier encore en usage",
    "accompagner les agents dans la prise en main des nouveaux outils",
    "rendre les démarches accessibles depuis un téléphone",
    "mesurer chaque mois la qualité du service rendu",
]
DESC_3RD = [  # finite clauses for prose ("X, doté de 3 M€, doit ...")
    "doit simplifier le quotidien des agents comme des usagers",
    "sera déployé dans toutes les régions d'ici deux ans",
    "vise à réduire les délais de traitement",
    "remplacera plusieurs applications vieillissantes",
    "doit permettre de suivre chaque demande en temps réel",
    "ouvrira ses premiers services dès l'an prochain",
    "s'appuie sur les données déjà détenues par l'administration",
    "entre en phase d'expérimentation dans trois départements",
]
FILLER = [
    "Les porteurs devront rendre compte de l'avancement de leurs travaux tous les six mois devant le comité de suivi.",
    "Les administrations lauréates apportent en moyenne un tiers du coût total, le reste étant couvert par le fonds.",
    "Le versement des crédits est échelonné et conditionné à l'atteinte de jalons fixés à l'avance.",
    "La sélection a privilégié les dossiers capables de produire des effets visibles pour les usagers en moins de trois ans.",
    "Plusieurs candidats malheureux seront accompagnés pour représenter un dossier consolidé lors d'une prochaine session.",
    "Les économies attendues doivent, à terme, couvrir l'investissement consenti par l'État.",
    "Les équipes chargées de ces chantiers seront épaulées par des experts en conception de services numériques.",
    "Les syndicats de la fonction publique demandent à être associés au suivi des réorganisations qui en découleront.",
    "Un bilan d'étape sera présenté au Parlement à l'occasion de l'examen du prochain projet de loi de finances.",
    "L'instruction des candidatures a mobilisé une quinzaine d'experts issus de plusieurs ministères.",
    "Les critères de sélection portaient sur l'impact pour les usagers, la qualité du pilotage et le retour sur investissement.",
    "Le gouvernement entend ainsi accélérer la transformation des services publics sans alourdir la dépense courante.",
    "Les agents concernés seront formés avant la mise en service des nouveaux outils.",
    "Cette démarche s'inscrit dans la volonté de rapprocher l'administration des citoyens.",
    "Certains élus locaux regrettent toutefois que les collectivités ne puissent pas candidater directement.",
    "Les résultats seront publiés sur un tableau de bord accessible à tous.",
]
QUOTES = [
    "« Ces projets changeront concrètement la vie des usagers comme celle des agents », a déclaré la ministre.",
    "« Nous finançons des transformations, pas des rustines », souligne un membre du comité de sélection.",
    "« L'enjeu est désormais de tenir les délais annoncés », estime un directeur d'administration centrale.",
    "« Nous voulons que chaque euro investi se traduise par un service plus simple », a indiqué le ministre.",
]
TRAP_EVENTS = ["Forum de l'innovation publique", "Semaine de l'innovation publique", "Sommet de la transformation publique",
               "Salon des services publics numériques"]
TRAP_PROGRAMMES = ["France Relance", "Action publique 2022", "Grand plan d'investissement", "Programme Territoires connectés"]
HEADLINE_TRAPS = ["Transformation publique", "Modernisation de l'État"]  # headline openers, not projects
CALL_UNITS = {2018: "appel à projets", 2019: "session", 2020: "appel à projets", 2021: "vague", 2022: "appel à projets",
              2023: "appel à projets"}
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
          "décembre"]
ORDINAL_WORDS = {1: ("premier", "première"), 2: ("deuxième", "deuxième"), 3: ("troisième", "troisième"),
                 4: ("quatrième", "quatrième")}
NUMBER_WORDS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf", 10: "dix",
                11: "onze", 12: "douze"}
SITES = [("L'Écho des administrations", "echo-admin"), ("Acteurs publics numériques", "acteurs-num"),
         ("La Gazette du service public", "gazette-sp"), ("Le Fil territorial", "fil-territorial"),
         ("Transformation Hebdo", "transfo-hebdo"), ("Le Courrier des régions", "courrier-regions")]
COMMENTERS = ["Jean-Marc D.", "Sylvie_R", "agent_public_44", "Pierre L.", "Contribuable lassé", "Nadia B."]
COMMENTS = ["Encore de l'argent public pour des logiciels qui ne marcheront jamais.",
            "Enfin une bonne nouvelle pour les services déconcentrés, reste à voir sur le terrain.",
            "Combien de ces projets arriveront vraiment à leur terme ?",
            "Dans mon service on attend toujours les ordinateurs promis l'an dernier."]


# ---------------------------------------------------------------------------------------------
# text helpers
def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


SMALL = set("a au aux d de des du en et l la le les pour sa ses son sur un une dans par".split())


def toks(s: str) -> set[str]:
    return {t for t in re.sub(r"[^a-z0-9]+", " ", fold(s)).split() if t not in SMALL}


def de(word: str) -> str:
    return "d'" + word if fold(word[:1]) in "aeiouyh" else "de " + word


def fr_num(v: float) -> str:
    """3.2 -> '3,2'; 12.0 -> '12'; 1.25 -> '1,25'."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def euros(v_m: float) -> str:
    """0.2 -> '200 000'."""
    n = int(round(v_m * 1_000_000))
    return f"{n:,}".replace(",", " ")


def round2(v: float) -> float:
    """Two significant digits, as press figures go."""
    if v <= 0:
        return 0.1
    e = math.floor(math.log10(v)) - 1
    return round(round(v / 10 ** e) * 10 ** e, 6)


def fr_date(d: dt.date) -> str:
    return f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"


def esc(s: str) -> str:
    return html.escape(s, quote=False)


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


# ---------------------------------------------------------------------------------------------
# one article
@dataclass
class Said:
    """What one article says about one project (its gold mention)."""

    amount: float | None = None
    qualifier: str | None = None


class Writer:
    """Builds one article's body as blocks, and records the gold as it goes."""

    def __init__(self, rng: random.Random, orgs: list[Org], projects: list[ProjectSpec]):
        self.rng = rng
        self.orgs = orgs
        self.projects = projects
        self.blocks: list[tuple[str, object]] = []  # ('p', text) | ('h', text) | ('ul', [items]) | ('table', rows) | ('intro', text)
        self.said: dict[int, Said] = {}
        self.keep: list[str] = []
        self.names_used: dict[int, set[str]] = defaultdict(set)

    # -- names, carriers, amounts
    def name(self, k: int, allow_acronym: bool = True, prose: bool = False) -> str:
        p = self.projects[k]
        r = self.rng.random()
        if p.kind == "coined":
            out = p.spaced if r < 0.3 else (p.phase2 if p.phase2 and r < 0.42 else p.long)
        else:
            if p.acronym and allow_acronym and r < 0.08:
                out = p.acronym
            elif p.acronym and r < 0.35:
                out = f"{p.long} ({p.acronym})"
            elif p.phase2 and r < 0.45:
                out = p.phase2
            elif prose and p.short and r < 0.6:
                out = p.short
            else:
                out = p.long
        self.names_used[k].add(out)
        return out

    def carriers(self, k: int) -> str:
        cs = [self.orgs[i].form(self.rng) for i in self.projects[k].carriers]
        return " et ".join(cs)

    def amount(self, k: int, forms: str = "eabx") -> str | None:
        """Text of an amount for project k in a form among forms (e exact, a approx, b min bound, x max bound)."""
        p = self.projects[k]
        if p.amount is None:
            self.said[k] = Said()
            return None
        v = p.amount
        rng = self.rng
        kind = rng.choice(forms)
        if kind == "e" or (kind in "ab" and v < 1.2):
            self.said[k] = Said(v, "exact")
            if v < 1 and rng.random() < 0.6:
                return f"{euros(v)} {rng.choice(['€', 'euros'])}"
            return rng.choice([f"{fr_num(v)} M€", f"{fr_num(v)} millions d'euros", f"{fr_num(v)} M€", f"{fr_num(v)} millions €"])
        if kind == "a":
            r = float(round(v)) if v >= 3 else round(v, 1)
            self.said[k] = Said(r, "approx")
            return rng.choice([f"près de {fr_num(r)} M€", f"environ {fr_num(r)} millions d'euros"])
        if kind == "b":
            lo = float(math.floor(v)) if math.floor(v) < v else v - 1
            self.said[k] = Said(lo, "min")
            return rng.choice([f"plus de {fr_num(lo)} millions d'euros", f"au moins {fr_num(lo)} M€"])
        hi = float(math.ceil(v)) if math.ceil(v) > v else v + 1
        self.said[k] = Said(hi, "max")
        return rng.choice([f"jusqu'à {fr_num(hi)} M€", f"jusqu'à {fr_num(hi)} millions d'euros"])

    def mention_only(self, k: int) -> None:
        self.said.setdefault(k, Said())

    # -- blocks
    def p(self, text: str, keep: bool = False) -> None:
        self.blocks.append(("p", text))
        if keep:
            self.keep.append(text[:90].rsplit(" ", 1)[0])

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def filler(self, n: int) -> None:
        for s in self.rng.sample(FILLER, n):
            self.p(s)

    # -- phrasings that name projects
    def sentence(self, k: int) -> str:
        """One prose sentence naming project k, with or without its amount."""
        rng = self.rng
        p = self.projects[k]
        fem = p.gender == "f" and p.kind == "descriptive"
        choice = rng.randrange(9)
        if choice in (0, 1, 2, 3, 4, 5, 6):
            a = self.amount(k, "eeeabx")
        else:
            a = None
        if a is None:
            choice = rng.choice([7, 8])
        n = self.name(k, prose=choice in (1, 4))
        c = self.carriers(k)
        if choice == 0:
            return f"{n[:1].upper() + n[1:]}, {'dotée' if fem else 'doté'} de {a}, {rng.choice(DESC_3RD)}."
        if choice == 1:
            return f"Le comité accorde {a} pour {n}, porté par {c}."
        if choice == 2:
            return f"Autre lauréat, {n} ({a}) {rng.choice(DESC_3RD)}."
        if choice == 3:
            return f"Le projet « {n} », porté par {c}, bénéficiera de {a}."
        if choice == 4:
            return f"{a[:1].upper() + a[1:]} seront consacrés à {n}, porté par {c}."
        if choice == 5:
            return f"{c[:1].upper() + c[1:]} obtient {a} pour {n}."
        if choice == 6:
            return f"{n[:1].upper() + n[1:]}, porté par {c}, recevra {a}."
        self.mention_only(k)
        if choice == 7:
            return f"Le projet « {n} » {rng.choice(DESC_3RD)}."
        return f"{n[:1].upper() + n[1:]}, porté par {c}, figure également parmi les lauréats."

    def list_item(self, k: int) -> str:
        a = self.amount(k, "eeeeab")
        n = self.name(k)
        c = self.carriers(k)
        d = self.projects[k].description
        tail = f" – {a}" if a else ""
        return f"{n} : {d}, porté par {c}{tail} ;"

    def table(self, ks: list[int]) -> None:
        rows = [["Projet", "Porteur", "Montant"]]
        for k in ks:
            a = self.amount(k, "e")
            rows.append([self.name(k, allow_acronym=False), self.carriers(k), a or "non communiqué"])
        self.blocks.append(("table", rows))

    def dossier_blocks(self, ks: list[int]) -> None:
        for k in ks:
            a = self.amount(k, "e")
            self.h(self.name(k, allow_acronym=False))
            self.p(f"Porteur du projet : {self.carriers(k)}")
            if a:
                self.p(f"Montant : {a}")
            d = self.projects[k].description
            self.p(f"Le projet doit {d}. " + self.rng.choice(FILLER))

    def ul(self, intro: str, items: list[str]) -> None:
        self.blocks.append(("intro", intro))
        self.blocks.append(("ul", items))


# ---------------------------------------------------------------------------------------------
# rendering
def render_html(title: str, site: tuple[str, str], published: dt.date | None, w: Writer, rng: random.Random,
                related: list[tuple[dt.date, str]]) -> tuple[str, list[str]]:
    drop = []
    cookie = "Nous utilisons des cookies pour mesurer l'audience de ce site et vous proposer des contenus adaptés."
    newsletter = f"Recevez chaque semaine l'essentiel de l'actualité publique avec la lettre d'information {site[0]}."
    drop += [cookie, newsletter]
    out = ["<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           f"<title>{esc(title)} | {esc(site[0])}</title>"]
    if published:
        out.append(f'<meta property="article:published_time" content="{published.isoformat()}T{rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}:00+01:00">')
    out += ['<link rel="stylesheet" href="/static/site.css">', "<script>var _paq = window._paq || []; _paq.push(['trackPageView']);</script>",
            "</head>", "<body>",
            f'<div id="cookie-banner" class="cookie-consent" role="dialog"><p>{esc(cookie)}</p>'
            "<button>Tout accepter</button><button>Tout refuser</button><button>Personnaliser</button></div>",
            f'<header class="site-header"><a class="logo" href="/">{esc(site[0])}</a>'
            '<nav class="main-nav"><ul><li><a href="/">Accueil</a></li><li><a href="/actualites">Actualités</a></li>'
            '<li><a href="/territoires">Territoires</a></li><li><a href="/numerique">Numérique</a></li>'
            '<li><a href="/rh">Ressources humaines</a></li><li><a href="/abonnement">S\'abonner</a></li></ul></nav></header>',
            '<nav class="breadcrumb"><a href="/">Accueil</a> › <a href="/actualites">Actualités</a></nav>',
            "<main>", '<article class="post">', f"<h1>{esc(title)}</h1>"]
    if published:
        out.append(f'<p class="byline">Par la rédaction – publié le <time datetime="{published.isoformat()}">{fr_date(published)}</time></p>')
    out.append('<div class="share"><span>Partager</span> <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Courriel</a></div>')
    for kind, val in w.blocks:
        if kind == "p":
            out.append(f"<p>{esc(val)}</p>")
        elif kind == "intro":
            out.append(f"<p>{esc(val)}</p>")
        elif kind == "h":
            out.append(f"<h2>{esc(val)}</h2>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in val) + "</ul>")
        elif kind == "table":
            rows = val
            out.append('<table class="laureats"><thead><tr>' + "".join(f"<th>{esc(c)}</th>" for c in rows[0]) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:]) + "</tbody></table>")
    out.append('<div class="share-bottom"><p>Partager cet article</p><a href="#">Facebook</a> <a href="#">LinkedIn</a></div>')
    out.append("</article>")
    out.append(f'<aside class="newsletter"><h3>Newsletter</h3><p>{esc(newsletter)}</p><form><input type="email" placeholder="Votre adresse e-mail"><button>S\'inscrire</button></form></aside>')
    if rng.random() < 0.6:
        n = rng.randint(1, 3)
        out.append(f'<section class="comments"><h3>{n} commentaire{"s" if n > 1 else ""}</h3>')
        for _ in range(n):
            who, body = rng.choice(COMMENTERS), rng.choice(COMMENTS)
            d = (published or dt.date(2020, 1, 1)) + dt.timedelta(days=rng.randint(0, 5))
            out.append(f'<div class="comment"><p class="author">{esc(who)} – {fr_date(d)}</p><p>{esc(body)}</p></div>')
            drop.append(body)
        out.append("<p>Vous devez être connecté pour publier un commentaire.</p></section>")
    if related:
        out.append('<aside class="related"><h3>À lire aussi</h3><ul>' + "".join(
            f'<li><a href="/a/{i}">{esc(t)}</a> <span class="date">{d.strftime("%d/%m/%Y")}</span></li>' for i, (d, t) in enumerate(related)) + "</ul></aside>")
        drop += [t for _, t in related]
    out += ["</main>",
            f'<footer><ul><li><a href="/mentions-legales">Mentions légales</a></li><li><a href="/cookies">Gestion des cookies</a></li>'
            f'<li><a href="/contact">Contact</a></li><li><a href="/plan">Plan du site</a></li></ul><p>© {(published or dt.date(2023, 1, 1)).year} {esc(site[0])} – Tous droits réservés</p></footer>',
            "</body>", "</html>"]
    return "\n".join(out) + "\n", drop


def render_txt(title: str, site: tuple[str, str], published: dt.date | None, w: Writer, rng: random.Random,
               related: list[tuple[dt.date, str]]) -> tuple[str, list[str]]:
    """A page as a scraper flattens it: one block per line, menus and widgets as lines of their own."""
    drop = []
    cookie = "Ce site utilise des cookies afin d'améliorer votre expérience de navigation. En poursuivant, vous acceptez leur utilisation."
    newsletter = "Abonnez-vous à notre newsletter pour recevoir chaque vendredi les informations de la semaine."
    drop += [cookie, newsletter]
    out = [site[0], "Accueil", "Actualités", "Territoires", "Numérique", "Se connecter", "", cookie, "Accepter", "Refuser", ""]
    out += [title, ""]
    if published:
        out.append(rng.choice([f"Publié le {published.strftime('%d/%m/%Y')} à {rng.randint(7, 19)}h{rng.randint(0, 59):02d}",
                               f"Publié le {fr_date(published)}", f"Mis en ligne le {fr_date(published)}"]))
        out.append("")
    out += ["Partager sur Facebook", "Partager sur LinkedIn", "Imprimer", ""]
    for kind, val in w.blocks:
        if kind in ("p", "intro", "h"):
            out += [val, ""]
        elif kind == "ul":
            out += [f"{rng.choice(['•', '-'])} {x}" for x in val] + [""]
        elif kind == "table":
            out += [" | ".join(r) for r in val] + [""]
    out += ["Partager cet article", "", newsletter, "Votre adresse e-mail", "S'inscrire", ""]
    if rng.random() < 0.6:
        n = rng.randint(1, 3)
        out += [f"Commentaires ({n})", ""]
        for _ in range(n):
            who, body = rng.choice(COMMENTERS), rng.choice(COMMENTS)
            d = (published or dt.date(2020, 1, 1)) + dt.timedelta(days=rng.randint(0, 5))
            out += [f"{who} – {d.strftime('%d/%m/%Y')}", body, "Répondre", ""]
            drop.append(body)
    if related:
        out += ["À lire aussi", ""]
        for d, t in related:
            out += [f"{d.strftime('%d/%m/%Y')} – {t}"]
            drop.append(t)
        out.append("")
    out += ["Mentions légales | Gestion des cookies | Contact | Plan du site",
            f"© {(published or dt.date(2023, 1, 1)).year} {site[0]}. Tous droits réservés."]
    return "\n".join(out) + "\n", drop


# ---------------------------------------------------------------------------------------------
# genres
def fund_sentence(rng: random.Random) -> str:
    return rng.choice([
        f"Le {FUND} ({FUND_ACR}), qui dispose de 700 millions d'euros pour cinq années, finance des projets de transformation portés par les administrations.",
        f"Depuis 2018, le {FUND_ACR} a déjà engagé près d'un demi-milliard d'euros au service de la modernisation de l'État.",
        f"Chaque projet retenu par le {FUND_ACR} peut être financé jusqu'à 50 millions d'euros, sur plusieurs exercices.",
        f"Créé dans le cadre du {TRAP_PROGRAMMES[2]}, le {FUND_ACR} soutient des investissements qui doivent générer des économies durables.",
    ])


def trap_sentence(rng: random.Random, call: Call) -> str:
    return rng.choice([
        f"Les lauréats ont été présentés lors du {rng.choice(TRAP_EVENTS)}, qui se tenait à Paris.",
        f"Ces financements s'ajoutent aux crédits du plan {TRAP_PROGRAMMES[0]} consacrés à la modernisation de l'État.",
        f"Cette sélection s'inscrit dans le programme {TRAP_PROGRAMMES[1]}, lancé en octobre 2017.",
        f"Le {rng.choice(TRAP_EVENTS)} accueillera en fin d'année une présentation des premiers résultats.",
    ])


def total_sentence(rng: random.Random, n: int, total: float) -> str:
    nw = NUMBER_WORDS.get(n, str(n))
    return rng.choice([
        f"Au total, {nw} projets se partagent une enveloppe de {fr_num(round(total, 1))} millions d'euros.",
        f"Les {nw} lauréats se répartissent {fr_num(round(total, 1))} M€ au total.",
        f"L'enveloppe globale atteint {fr_num(round(total, 1))} M€ pour ces {nw} projets.",
    ])


def pick(rng: random.Random, call: Call, lo: int, hi: int) -> list[int]:
    n = min(len(call.projects), rng.randint(lo, hi))
    return rng.sample(call.projects, n)


def write_article(i: int, rng: random.Random, orgs: list[Org], calls: list[Call], projects: list[ProjectSpec]):
    """(file name, content, gold mentions {project index: Said}, article gold)."""
    w = Writer(rng, orgs, projects)
    call_i = rng.randrange(len(calls))
    call = calls[call_i]
    published = call.announced + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 7, 15]))
    genre = rng.choices(["communique", "news", "table", "dossier", "regional", "bilan"], [22, 34, 12, 12, 12, 8])[0]
    site = rng.choice(SITES)
    date_words = fr_date(call.announced)
    if genre == "communique":
        ks = pick(rng, call, 4, 10)
        total = sum(projects[k].amount or 0 for k in ks)
        title = f"{FUND_ACR} : {NUMBER_WORDS.get(len(ks), len(ks))} nouveaux projets retenus pour {call.in_words()}"
        w.p(f"Réuni le {date_words}, le comité de pilotage du {FUND} a désigné les lauréats {call.in_words('de')}.", keep=True)
        w.p(fund_sentence(rng))
        w.ul(rng.choice(["Les lauréats retenus :", "Les projets retenus sont les suivants :", "Les lauréats de cette sélection :"]),
             [w.list_item(k) for k in ks])
        if total:
            w.p(total_sentence(rng, len(ks), total))
        w.p(rng.choice(QUOTES))
        w.filler(3)
    elif genre == "news":
        ks = pick(rng, call, 2, 5)
        title = rng.choice([f"Transformation publique : {NUMBER_WORDS.get(len(ks), len(ks))} projets financés par le {FUND_ACR}",
                            f"Le {FUND_ACR} retient de nouveaux lauréats pour {call.in_words()}",
                            "Modernisation de l'État : les nouveaux projets soutenus par le fonds"])
        w.p(f"Le comité de pilotage du {FUND_ACR} s'est réuni le {date_words} pour examiner les candidatures {call.in_words('de')}.")
        w.filler(1)
        first = True
        for k in ks:
            w.p(w.sentence(k) + " " + rng.choice(FILLER), keep=first)
            first = False
        w.p(trap_sentence(rng, call))
        w.p(rng.choice(QUOTES))
        w.filler(3)
    elif genre == "table":
        ks = pick(rng, call, 4, 9)
        title = f"Le tableau des lauréats {call.in_words('de')} du {FUND_ACR}"
        w.p(f"Voici les projets retenus le {date_words} par le comité de pilotage, avec leur porteur et le montant accordé.", keep=True)
        w.table(ks)
        total = sum(projects[k].amount or 0 for k in ks)
        if total:
            w.p(total_sentence(rng, len(ks), total))
        w.filler(2)
    elif genre == "dossier":
        ks = pick(rng, call, 3, 7)
        title = f"Dossier de presse – {FUND_ACR} – les fiches projets {call.in_words('de')}"
        w.p(f"Le comité de pilotage du {date_words} a retenu les projets présentés ci-dessous. Chaque fiche indique l'intitulé, le porteur et le montant accordé.", keep=True)
        w.dossier_blocks(ks)
        w.h("Contacts presse")
        w.p("Service de presse du ministère : presse@transformation.example.fr")
    elif genre == "regional":
        ks = pick(rng, call, 1, 1)
        k = ks[0]
        title = rng.choice(["Un financement national pour un projet porté en région",
                            "L'administration locale décroche un financement du fonds de transformation"])
        w.p(f"C'est une bonne nouvelle pour les services de l'État en région : le comité de pilotage du {FUND_ACR}, réuni le {date_words}, a retenu un projet porté localement.")
        w.p(w.sentence(k), keep=True)
        w.filler(2)
        w.p(rng.choice(QUOTES))
    else:  # bilan: projects of several rounds, bounds and "chacun"
        pool = [k for c in rng.sample(calls, min(3, len(calls))) for k in c.projects]
        big = [k for k in pool if (projects[k].amount or 0) > 5.5]
        rest = [k for k in pool if k not in big]
        title = f"Bilan : où en sont les projets financés par le {FUND_ACR} ?"
        call = None
        w.p(f"Cinq ans après sa création, le {FUND_ACR} a soutenu des dizaines de projets dans tous les ministères.")
        w.p(fund_sentence(rng))
        ks = []
        if len(big) >= 2:
            chosen = rng.sample(big, min(len(big), rng.randint(2, 3)))
            items = []
            for k in chosen:
                items.append(f"{w.name(k)}, porté par {w.carriers(k)} ;")
                w.said[k] = Said(5.0, "min")
            w.ul("Les projets suivants ont obtenu chacun plus de 5 millions d'euros :", items)
            ks += chosen
        for k in rng.sample(rest, min(len(rest), rng.randint(2, 4))):
            w.p(w.sentence(k), keep=not ks)
            ks.append(k)
        w.filler(2)
    related = []
    if rng.random() < 0.7:
        titles = ["Fonction publique : les chantiers de la rentrée", "Le télétravail s'installe durablement dans les ministères",
                            f"Le {FUND_ACR} lance un nouvel appel à candidatures", "Préfectures : l'accueil du public repensé",
                  "Cybersécurité : les administrations appelées à la vigilance",
                  "Services déconcentrés : les effectifs repartent à la hausse"]
        for t in rng.sample(titles, rng.randint(1, 3)):
            related.append((published - dt.timedelta(days=rng.randint(20, 400)), t))
    show_date = genre != "dossier" or rng.random() < 0.5
    is_html = rng.random() < 0.55
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:50]
    if is_html:
        text, drop = render_html(title, site, published if show_date else None, w, rng, related)
        name = f"{i:05d}_{site[1]}_{slug}.html"
    else:
        text, drop = render_txt(title, site, published if show_date else None, w, rng, related)
        name = f"{i:05d}_{site[1]}_{slug}.txt"
    art = {"published_on": [published.isoformat()] if show_date else [None],
           "must_keep": w.keep[:2], "must_drop": sorted(set(drop))[:4]}
    return name, text, w.said, w.names_used, art, call


def gold_amount(saids: list[Said]) -> tuple[float | None, str | None]:
    exact = [s.amount for s in saids if s.amount is not None and s.qualifier == "exact"]
    if exact:
        return max(set(exact), key=exact.count), "exact"
    approx = [s.amount for s in saids if s.amount is not None and s.qualifier == "approx"]
    if approx:
        return max(set(approx), key=approx.count), "approx"
    mins = [s.amount for s in saids if s.qualifier == "min"]
    if mins:
        return max(mins), "min"
    maxs = [s.amount for s in saids if s.qualifier == "max"]
    if maxs:
        return min(maxs), "max"
    return None, None


def generate(n: int, out_dir: str | os.PathLike, seed: int = 1, n_projects: int | None = None) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world_rng = random.Random(f"world-{seed}")
    n_projects = n_projects or min(600, max(30, n // 2))
    orgs, calls, projects = build_world(world_rng, n_projects)
    mentions: dict[int, dict[str, dict]] = defaultdict(dict)
    names_seen: dict[int, set[str]] = defaultdict(set)
    articles: dict[str, dict] = {}
    call_files: dict[int, list[str]] = defaultdict(list)
    words = 0
    for i in range(n):
        rng = random.Random(f"article-{seed}-{i}")
        name, text, said, used, art, call = write_article(i, rng, orgs, calls, projects)
        (out / name).write_text(text, encoding="utf-8")
        words += len(text.split())
        articles[name] = art
        if call is not None:
            call_files[calls.index(call)].append(name)
        for k, s in said.items():
            mentions[k][name] = {"amount_m_eur": s.amount, "qualifier": s.qualifier}
        for k, ns in used.items():
            names_seen[k] |= ns
    gold_projects = []
    used_orgs: set[int] = set()
    for k in sorted(mentions):
        p = projects[k]
        saids = [Said(m["amount_m_eur"], m["qualifier"]) for m in mentions[k].values()]
        amount, qual = gold_amount(saids)
        names = p.forms()
        for x in sorted(names_seen[k]):
            if x not in names and x != p.acronym:
                names.append(x)
        used_orgs.update(p.carriers)
        c = calls[p.call]
        gold_projects.append({
            "key": p.key, "names": names, "acronym": p.acronym,
            "carriers": [orgs[j].name for j in p.carriers],
            "amount_m_eur": amount, "qualifier": qual, "call": c.label,
            "announced_on": [c.announced.isoformat()],
            "mentions": dict(sorted(mentions[k].items())), "optional_mentions": [],
        })
    gold = {
        "about": f"Synthetic benchmark corpus: benchmarks/generate.py {n} --seed {seed} --projects {n_projects}. Facts by construction.",
        "articles": articles,
        "organizations": {orgs[j].name: [x for x in [orgs[j].acronym, *orgs[j].aliases] if x] for j in sorted(used_orgs)},
        "projects": gold_projects,
        "traps": [FUND, FUND_ACR, *TRAP_PROGRAMMES, *TRAP_EVENTS, *HEADLINE_TRAPS],
        "calls": [{"call": c.label, "announced_on": c.announced.isoformat(), "n_laureates": len(c.projects),
                   "total_m_eur": round(sum(projects[k].amount or 0 for k in c.projects), 3), "files": call_files.get(ci, [])}
                  for ci, c in enumerate(calls)],
    }
    with open(out / "gold.json", "w", encoding="utf-8") as fh:
        json.dump(gold, fh, ensure_ascii=False, indent=1)
    return {"articles": n, "words": words, "projects_pool": len(projects), "projects_mentioned": len(gold_projects),
            "mentions": sum(len(m) for m in mentions.values())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--projects", type=int, default=None, help="size of the project pool (default min(600, max(30, N // 2)))")
    args = ap.parse_args(argv)
    if args.n < 1:
        print("error: N must be at least 1", file=sys.stderr)
        return 2
    stats = generate(args.n, args.out_dir, args.seed, args.projects)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())

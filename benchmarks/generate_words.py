"""Word lists and small French formatting helpers of the synthetic corpus (benchmarks/generate.py):
project-name parts, descriptions, fillers, traps, sites, comments; numbers, amounts and dates in French."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from pathlib import Path

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

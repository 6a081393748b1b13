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
import json
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from generate_render import Said, Writer, render_html, render_txt
from generate_words import (
    FILLER, FUND, FUND_ACR, HEADLINE_TRAPS, NUMBER_WORDS, QUOTES, SITES, TRAP_EVENTS, TRAP_PROGRAMMES, fold, fr_date,
    fr_num
)
from generate_world import Call, Org, ProjectSpec, build_world


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

"""Writing one synthetic article: the body's phrasings (`Writer`, which records what each sentence
says for the gold) and its page, as HTML with boilerplate or as flattened scraped text."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from generate_words import COMMENTERS, COMMENTS, DESC_3RD, FILLER, esc, euros, fr_date, fr_num
from generate_world import Org, ProjectSpec


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

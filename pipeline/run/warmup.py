"""Rehearse the per-article stages once before the first batch, so that a worker starts fully warm.

Why: loading the model is not all a first batch pays. Reading, cleaning and extracting
the first article also build what each stage loads on first use (the rule files parsed,
dateparser's time-zone patterns, the word frequencies that mend hyphenated words, hundreds of compiled
patterns): about half a second of CPU, paid after Prefect's server is ready, in every
worker. The fork server (`pipeline/run/preload.py`) rehearses instead, on two short
articles written for it, one page and one text, while the run is still waiting for the
server; every worker forked from it inherits the result. The rehearsal's output is
thrown away, and so is what it left in the model's memo of sentences.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.run.timeline import mark

SAMPLE_TEXT = """Communiqué – Figeac, le 14 mars 2024

Le conseil départemental attribue 1,8 million d'euros au projet Verger des Coteaux, porté par la commune de Capdenac, pour planter des arbres fruitiers autour des équipe-ments sportifs.

Trois opérations sont retenues : la rénovation du lavoir, la création d'une piste cyclable et l'extension de la médiathèque (0,4 M€ chacune).

Le dossier de la Maison des Artisans (MDA) reçoit une aide de 250 000 euros ; l'appel à projets reste ouvert jusqu'au 30 juin.
"""

SAMPLE_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Deux projets soutenus dans la vallée</title>
<meta property="article:published_time" content="2024-03-15T09:30:00+01:00"></head>
<body><nav><a href="/">Accueil</a> &gt; <a href="/actu">Actualités</a></nav>
<article><h1>Deux projets soutenus dans la vallée</h1>
<p class="date">Publié le 15/03/2024</p>
<p>La préfecture du Lot annonce 2,5 M€ pour la passerelle du Moulin, portée par la communauté de communes du Grand Figeac.</p>
<ul><li>Atelier partagé : 120 000 €</li><li>Réseau de chaleur : 0,9 M€</li></ul>
<table><tr><th>Projet</th><th>Montant</th></tr><tr><td>Halle gourmande</td><td>300 000 €</td></tr></table>
</article><footer>Tous droits réservés. Suivez-nous sur les réseaux sociaux.</footer></body></html>
"""


STAGES = ("clean", "extract")
# The page sample as the clean stage leaves it (its visible lines), for a process that rehearses
# extraction alone (its run cleans elsewhere); tests/test_warmup.py checks that it still is.
CLEANED_PAGE = """Deux projets soutenus dans la vallée
La préfecture du Lot annonce 2,5 M€ pour la passerelle du Moulin, portée par la communauté de communes du Grand Figeac.
- Atelier partagé : 120 000 €
- Réseau de chaleur : 0,9 M€
Projet | Montant
Halle gourmande | 300 000 €"""

_done: set[str] = set()


def rehearse(stages: tuple[str, ...] = STAGES) -> bool:
    """Run the two samples through the given stages in this process, each stage once (a worker
    forked from a rehearsed fork server skips it); the results are dropped. Whether any ran now.

    A process that only extracts (its run cleans in the flow's process) is given the samples
    already cleaned, so that it does not load the clean stage for nothing.
    """
    todo = [stage for stage in STAGES if stage in stages and stage not in _done]
    if not todo:
        return False
    from pipeline.run.batch import clean_batch, extract_batch

    with tempfile.TemporaryDirectory(prefix="pipeline-warmup-") as tmp:
        if "clean" in todo:
            paths = []
            for name, content in (("sample.txt", SAMPLE_TEXT), ("sample.html", SAMPLE_PAGE)):
                path = Path(tmp) / name
                path.write_text(content, encoding="utf-8")
                paths.append(str(path))
            articles, _ = clean_batch(paths)
        else:
            articles = cleaned_samples()
        if "extract" in todo:
            from pipeline.extract.dates import find_dates
            from pipeline.extract.nlp import clear_memo

            extract_batch(articles)
            # dateparser builds its time-zone patterns on its first reading (~0.3 s of CPU), which the
            # samples do not ask for (their dates are written whole and read by the rules alone); many
            # real articles do, with a date whose year is the publication's ("le 14 mars", "lundi")
            import datetime

            find_dates("signé le 14 mars", datetime.date(2024, 3, 15))
            clear_memo()  # a run's memo holds the run's sentences only
    _done.update(todo)
    return True


def cleaned_samples() -> list:
    """The two samples as articles, as the clean stage would give them (without loading it)."""
    from pipeline.model import Article

    # the text as the clean stage leaves it: the hyphen mended, the blank lines gone
    text = "\n".join(line for line in SAMPLE_TEXT.replace("équipe-ments", "équipements").splitlines() if line.strip())
    return [Article(id="rehearsal-text", path="sample.txt", text=text, published_on="2024-03-14", kind="text"),
            Article(id="rehearsal-page", path="sample.html", text=CLEANED_PAGE, title="Deux projets soutenus dans la vallée",
                    published_on="2024-03-15", kind="html")]


def rehearsal_stages(one_batch: bool, server_to_wait_for: bool) -> tuple[str, ...]:
    """The stages the worker pool's fork server rehearses, before its first worker is forked.

    A rehearsal builds what a first batch would build on first use (about half a second of
    CPU, a little more than that batch would spend on it, since it reads two samples). It
    pays when it is shared (several batches, hence often several workers forked from the
    same fork server) or when the workers would wait anyway (for a temporary Prefect server,
    which answers ~2-3 s after the model is loaded): then both stages, and the worker cleans
    and extracts warm. A run of one batch against a running server rehearses nothing: the
    flow asks for the worker about when its model is loaded, and a rehearsal then only held
    up the one batch (~1 s of a 5 s run): the worker's own cleaning and extraction warm what
    they use, once, as the rehearsal would have.
    """
    return STAGES if not one_batch or server_to_wait_for else ()


def prepare_flow_process(in_process: bool = False) -> None:
    """Load now, in the flow's own process, what it would load on first use once the flow runs.

    Called while the run waits anyway (for its temporary Prefect server, or for the worker
    pool's model), with the garbage collector still paused (`pipeline/run/collector.py`):
    Prefect's flow and task engines and FastAPI's encoder of flow parameters (imported by
    Prefect when the flow starts), reconciliation with its lexicon, and the gazetteer the
    store writes. in_process: the articles are extracted in this process (no worker pool):
    the model and a rehearsal too. Like the rehearsal, it never raises:
    whatever fails here fails again, and is reported, where the flow needs it.
    """
    try:
        import fastapi.encoders  # noqa: F401
        import prefect.flow_engine  # noqa: F401
        import prefect.futures  # noqa: F401
        import prefect.task_engine  # noqa: F401

        from pipeline.extract import lexicon
        from pipeline.extract.organizations import load_gazetteer
        from pipeline.reconcile import cluster  # noqa: F401

        lexicon.load()
        load_gazetteer()
        if in_process:
            from pipeline.extract.nlp import get_nlp
            from pipeline.run.regex_cache import kept

            with kept():
                get_nlp()
            rehearse()
    except Exception:  # noqa: BLE001 - see above
        pass
    mark("flow's process prepared")

"""Imported by the worker pool's fork server (pipeline/run/workers.py): loads the spaCy model
and the gazetteer's matcher once, so that every worker forked from it starts warm."""

from pipeline.run.workers import warm_up

warm_up()

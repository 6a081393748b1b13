"""Imported by the worker pool's fork server (pipeline/workers.py): loads the spaCy model
and the gazetteer's matcher once, so that every worker forked from it starts warm."""

from .workers import _warm_up

_warm_up()

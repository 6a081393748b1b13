"""Imported by the worker pool's fork server (pipeline/run/workers.py): loads the spaCy model
and the gazetteer's matcher once, so that every worker forked from it starts warm.

The fork server first ties itself to the run's process: a run killed while the model is
still loading must not leave the fork server behind.
"""

from pipeline.run.workers import die_with_parent, preload

die_with_parent()
preload()

"""Reconcile stage: the mentions of every article grouped into projects, with stable ids."""

"""Evaluate stage: the project's own scorer of a database against a gold file (`python -m pipeline score`)."""

"""Turn French press articles about public funding into a clean SQLite database.

Stages, each a module, data flowing one way:
ingest -> clean -> extract -> reconcile -> store.
"""

__version__ = "0.1.0"

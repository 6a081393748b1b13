"""Store stage: the SQLite database written with sqlite-utils, and its published metadata."""

"""`python -m pipeline`: the command line (pipeline/cli.py), ended without the interpreter's teardown."""

import atexit
import os
import sys

from pipeline.cli import main

code = main()
# Freeing the modules of Prefect (and of spaCy, in a run without worker processes) object by
# object took about a second after the last line was printed, with nothing left to write:
# the exit handlers still run (Prefect's, logging's), the streams are flushed, and the
# process ends there.
atexit._run_exitfuncs()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)

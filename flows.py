"""The Prefect flow, as the design card names it: `python flows.py [run|serve] ...`.

A thin entry: the flow itself is `pipeline/run/flow.py`, and this file only hands its
arguments to the command line (`python -m pipeline`), which sets Prefect's defaults
before Prefect is imported. Nothing imports this file.

    python flows.py [run] [RAW_DIR] [--db PATH] ...   # run once (same as `python -m pipeline run`)
    python flows.py serve [RAW_DIR] [--db PATH] ...   # serve the scheduled deployment
"""

import sys

from pipeline.cli import COMMANDS, main

if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args if args and args[0] in COMMANDS else ["run", *args]))

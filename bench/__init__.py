"""Load benchmark of the site as production runs it: `make bench` (see bench/run.py)."""

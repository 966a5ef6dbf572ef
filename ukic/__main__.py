"""`python -m ukic` runs the command-line interface."""

from ukic.cli import run

run()

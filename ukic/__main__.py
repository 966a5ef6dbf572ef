"""`python -m ukic` runs the ukic program."""

from ukic.program import run

run()

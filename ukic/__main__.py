"""`python -m ukic` runs the command-line interface."""

from ukic.cli import main

raise SystemExit(main())

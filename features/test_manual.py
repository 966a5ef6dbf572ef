"""Binds every feature file in this folder to the step library (registered by the ukic plugin)."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).resolve().parent))

"""Binds every feature file in this folder to the step library (registered by the ukic plugin)."""

from ukic.binding import bind

bind(globals())

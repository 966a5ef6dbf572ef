"""Helpers for the report tests: hand-built runs and a small Chrome DevTools Protocol client."""

"""Report writers: every one renders a RunResult; none re-runs a check."""

"""Build the kubectl-written snapshots of fixtures/real/clusters from the upstream files in fixtures/real.

    .venv/bin/python -m tests.realgen [--render]

A cluster is modelled as the era's releases leave it after the manual's commands (objects as the
upstream manifests and charts declare them, plus what their controllers and operators create and
report), served by the project's fake API on loopback, and written by a real ``kubectl`` exactly as a
user would capture it. ``--render`` first re-renders the charts with ``helm template`` into
fixtures/real/rendered/. See fixtures/real/SOURCES.md.
"""

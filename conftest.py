"""Checkout-level pytest configuration.

The features are bound to the step library by features/test_manual.py and the ukic plugin
(entry point `ukic.pytest_plugin`, which registers steps/ and fixtures/), so
`pytest features --snapshot=fixtures/samples/v5-production --infra-version=v5 --cluster-type=production`
verifies a cluster from a checkout. The harness's own tests live in tests/ (the default `pytest`).
"""

collect_ignore = ["fixtures", "bench", "examples", "reports"]

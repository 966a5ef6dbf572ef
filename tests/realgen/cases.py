"""The kubectl-written snapshots under fixtures/real/clusters, each with the model that builds it."""

from __future__ import annotations

from collections.abc import Callable

from tests.realgen import v1_development, v2_development, v3_production, v4_production, v5_production
from tests.realgen.model import Cluster

CLUSTERS: dict[str, Callable[[], Cluster]] = {
    "v1-development": v1_development.build,
    "v2-development": v2_development.build,
    "v3-production": v3_production.build,
    "v4-production": v4_production.build,
    "v5-production": v5_production.build,
}

"""The session-scoped pytest fixture ``kind_cluster`` for users who write their own features.

It creates one kind cluster for the whole session, shaped by ``--infra-version`` and
``--cluster-type`` (ukic's pytest options; defaults v5 and production), yields the
:class:`ukic.sources.kind.KindSource` (``.kubeconfig``, ``.context``, ``.list(...)``), and deletes
the cluster when the session ends. Use it with ``pytest_plugins = ["ukic.kind.fixture"]`` (a
checkout also loads it as ``fixtures.kind``).

Name, keep and node image come from ``--kind-name``/``--kind-keep``/``--kind-image`` when this
module is loaded early enough to add options (``-p ukic.kind.fixture`` or a root conftest), else
from UKIC_KIND_NAME, UKIC_KIND_KEEP=1 and UKIC_KIND_IMAGE.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ukic.sources.kind import KindSource

DEFAULT_VERSION = "v5"
DEFAULT_TYPE = "production"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_kind_options(parser.getgroup("ukic-kind", "ukic: the kind_cluster fixture"))


def add_kind_options(group: Any) -> None:
    """--kind-name, --kind-keep, --kind-image; --infra-version and --cluster-type are ukic.pytest_plugin's."""
    _add(group, "--kind-name", default=None, metavar="NAME", help="kind cluster name (default ukic-VERSION-TYPE)")
    _add(group, "--kind-keep", action="store_true", default=None, help="keep the kind cluster after the session")
    _add(group, "--kind-image", default=None, metavar="IMAGE", help="kind node image")


def _add(group: Any, name: str, **kwargs: Any) -> None:
    with contextlib.suppress(ValueError):  # added already (ukic.pytest_plugin, or this module loaded twice)
        group.addoption(name, **kwargs)


def _setting(config: pytest.Config, option: str, variable: str) -> Any:
    value = config.getoption(option, default=None)
    return value if value not in (None, "") else os.environ.get(variable) or None


@pytest.fixture(scope="session")
def kind_cluster(request: pytest.FixtureRequest) -> Iterator[KindSource]:
    """A kind cluster shaped like the selected version and type, for the whole session."""
    from ukic.errors import UkicError
    from ukic.sources.kind import KindSource

    config = request.config
    keep = _setting(config, "--kind-keep", "UKIC_KIND_KEEP")
    try:
        source = KindSource.create(
            _setting(config, "--infra-version", "UKIC_INFRA_VERSION") or DEFAULT_VERSION,
            _setting(config, "--cluster-type", "UKIC_CLUSTER_TYPE") or DEFAULT_TYPE,
            _setting(config, "--kind-name", "UKIC_KIND_NAME"),
            keep is True or str(keep).lower() in ("1", "true", "yes"),
            _setting(config, "--kind-image", "UKIC_KIND_IMAGE"),
        )
    except UkicError as exc:
        pytest.fail(f"kind_cluster: {exc.message}", pytrace=False)
    try:
        yield source
    finally:
        source.close()

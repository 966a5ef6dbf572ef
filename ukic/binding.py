"""Binding the features to test functions through pytest-bdd's public ``scenario`` decorator.

``features/test_manual.py`` calls :func:`bind` with its module namespace. Every scenario of the
feature index becomes one test function named after its id (``test_bgp_peer_keeps_next_hop``)
and marked ``ukic_scenario`` with its :class:`~ukic.feature_index.ScenarioSpec`, which is how
the ukic plugin recognises its scenarios. An outline's function takes ``ukic_example``, which
the plugin parametrises from the selected profile.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import scenario

from ukic.feature_index import ScenarioSpec, load_features

BINDING_MODULE = "test_manual.py"  # the module in a features folder that calls bind()
SCENARIO_MARK = "ukic_scenario"
EXAMPLE_FIXTURE = "ukic_example"

_binding = False


def binding() -> bool:
    """True while :func:`bind` hands ukic's scenarios to pytest-bdd (its tags are ukic's to apply)."""
    return _binding


@contextlib.contextmanager
def _binding_now() -> Iterator[None]:
    global _binding
    _binding = True
    try:
        yield
    finally:
        _binding = False


def test_name(spec: ScenarioSpec) -> str:
    """``components.<component>-runs`` -> ``test_components_component_runs``."""
    return "test_" + re.sub(r"[^a-z0-9]+", "_", spec.id.lower()).strip("_")


def bind(namespace: MutableMapping[str, Any], folder: Path | None = None) -> None:
    """Put one test function per scenario of ``folder`` (default: the module's own folder) into ``namespace``."""
    base = Path(folder or Path(namespace["__file__"]).parent).resolve()
    with _binding_now():
        for spec in load_features(base):
            namespace[test_name(spec)] = _bound(spec, base)


def _bound(spec: ScenarioSpec, base: Path) -> Callable[..., Any]:
    decorate = scenario(spec.feature_file, spec.name, features_base_dir=str(base))
    if spec.examples is not None:

        def outline(ukic_example: dict[str, str]) -> None:
            """The example comes from the profile: the plugin parametrises ``ukic_example``."""

        function = decorate(outline)
    else:

        def plain() -> None:
            """All the work is in the steps."""

        function = decorate(plain)
    return getattr(pytest.mark, SCENARIO_MARK).with_args(spec)(function)

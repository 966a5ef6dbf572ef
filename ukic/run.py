"""Run the features against one source and profile, in-process, and return the RunResult."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ukic import paths
from ukic.binding import BINDING_MODULE
from ukic.errors import UsageError
from ukic.resources import early_reads
from ukic.result import RunResult
from ukic.run_context import UkicRun
from ukic.run_handover import Provider
from ukic.run_result import result_of
from ukic.sources.base import Source
from ukic.state import ClusterState

if TYPE_CHECKING:
    from ukic.hosts.spec import HostsSpec
    from ukic.inventory import Cluster


@dataclass
class VerifyRequest:
    """What to verify, against which profile, and how."""

    source: Source
    version: str
    cluster_type: str
    cluster: str | None = None
    marker: str | None = None  # a pytest -m expression selecting scenarios by tag
    hosts: HostsSpec | None = None  # nodes and routers to reach over SSH
    waivers: Path | None = None
    profiles_dir: Path | None = None
    now: datetime | None = None  # the clock waivers are judged by (tests fix it)
    state: ClusterState | None = None  # facts already read from this source (detect shares them across versions)
    inventory_entry: Cluster | None = None  # its inventory row: the table columns it declares are compared


def verify(request: VerifyRequest) -> RunResult:
    """Verify one source against one profile; raise UkicError when it cannot run at all."""
    # A live cluster answers while pytest starts: discovery always, and every list when all scenarios run.
    request.source.start_prefetch(early_reads(request.marker))
    import pytest

    from ukic.profiles import select

    waivers = _load_waivers(request.waivers)
    selection = select(request.version, request.cluster_type, request.profiles_dir)
    state = request.state or ClusterState(request.source)
    if state.source is not request.source:
        raise ValueError("VerifyRequest.state belongs to another source")
    run = UkicRun(
        selection=selection,
        source=request.source,
        state=state,
        hosts=request.hosts,
        inventory_entry=request.inventory_entry,
    )
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    with _no_mako_highlighting():
        plugins = [importlib.import_module(name) for name in VERIFY_PLUGINS]
        code = pytest.main(_pytest_args(request), plugins=[*plugins, Provider(run)])
    if run.fatal is not None:
        raise run.fatal
    if code in (pytest.ExitCode.INTERRUPTED,):
        raise KeyboardInterrupt
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise UsageError(f"the test runner could not run the features (pytest exit {int(code)})")
    if not run.results:
        raise UsageError(f"no scenario matches the selection -m {request.marker!r}")
    result = result_of(run, started, request.cluster)
    result.duration = time.perf_counter() - t0
    result.selected = request.marker
    if waivers is not None:
        from ukic.waivers import apply_waivers

        apply_waivers(result, waivers, request.now or datetime.now(UTC))
    return result


#: Mako's optional Pygments integration: it colours Mako's own error pages.
_MAKO_PYGMENTS = "mako.ext.pygmentplugin"


@contextmanager
def _no_mako_highlighting() -> Iterator[None]:
    """pytest-bdd's plugin imports Mako (for ``--generate-missing``), and Mako then imports Pygments and a
    dozen of its lexers to colour its own error pages: two thirds of the plugin's import time, for pages
    a verify never renders. While the plugin loads, the integration counts as absent (Mako then escapes
    without colour, its documented fallback); afterwards later imports find it as usual."""
    if _MAKO_PYGMENTS in sys.modules:
        yield
        return
    sys.modules[_MAKO_PYGMENTS] = None  # type: ignore[assignment]  # None: "not importable" to the import system
    try:
        yield
    finally:
        if sys.modules.get(_MAKO_PYGMENTS, 0) is None:
            del sys.modules[_MAKO_PYGMENTS]


def _load_waivers(path: Path | None) -> Any:
    if path is None:
        return None
    from ukic.waivers import load_waivers

    return load_waivers(path)


#: pytest's built-in plugins a verify has no use for (reports, captures and rewriting are ukic's own business).
UNUSED_BUILTIN_PLUGINS = (
    "cacheprovider",
    "terminal",
    "logging",
    "junitxml",
    "stepwise",
    "unraisableexception",
    "threadexception",
    "doctest",
    "pastebin",
    "legacypath",
    "tmpdir",
    "monkeypatch",
    "recwarn",
    "setuponly",
    "setupplan",
    "unittest",
    "debugging",
    "faulthandler",
    "subtests",
    "warnings",
)
#: The only plugins a verify loads: pytest-bdd and ukic's own (no autoload of whatever else is installed).
#: They are handed over as modules: named with -p, pytest would first search every installed package's
#: entry points for each name.
VERIFY_PLUGINS = ("pytest_bdd.plugin", "ukic.pytest_plugin")


def _pytest_args(request: VerifyRequest) -> list[str]:
    args = [
        str(paths.features_dir() / BINDING_MODULE),
        "--disable-plugin-autoload",
        *(arg for name in UNUSED_BUILTIN_PLUGINS for arg in ("-p", f"no:{name}")),
        "--assert=plain",  # steps raise ukic's own exceptions; nothing to rewrite
        "-o", "addopts=",
        "-o", "testpaths=",
        "--rootdir", str(paths.features_dir()),
        "-c", str(paths.features_dir() / "pytest.ini"),
    ]  # fmt: skip
    if request.marker:
        args += ["-m", request.marker]
    return args

"""ukic's pytest plugin: options, the run's shared fixtures, and honest outcomes for every scenario.

Loaded through the `pytest11` entry point. It stays inert for test sessions that collect
no pytest-bdd scenario; when scenarios are collected it builds (or receives from
`ukic verify`) one UkicRun, prefetches what the selected scenarios read, and records a
ScenarioResult per scenario: passed, failed, warning, unverifiable or not applicable.
"""

from __future__ import annotations

import importlib.util
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from ukic import paths
from ukic.errors import UkicError
from ukic.hosts import options as hosts_options
from ukic.kind.fixture import add_kind_options
from ukic.outcome import NotApplicable, Outcome, exit_code_for
from ukic.resources import reads_for_tags
from ukic.run_context import UkicRun
from ukic.scenario_record import ScenarioRecorder

RUN = pytest.StashKey[UkicRun]()
RECORDER = pytest.StashKey[ScenarioRecorder]()
PROVIDED_RUN = "ukic_provided_run"

#: Tags used by the bundled features, registered as markers so `-m` works without warnings.
TAGS = {
    "cluster_table": "the manual's cluster table against the inventory",
    "ipv6": "IPv6-only networking",
    "bgp": "Calico BGP",
    "topology": "cluster size and shape",
    "control_plane": "kubeadm control plane and etcd",
    "storage": "Rook-Ceph storage",
    "components": "required and retired components",
    "rook_install": "how rook is installed",
    "calico_operator": "Calico through the tigera-operator",
    "nodes": "checks on the nodes over SSH",
    "routers": "checks on the upstream routers over SSH",
    "recommended": "a recommendation: failing it is a warning",
    "runtime": "needs a running cluster (not a config repository)",
    "ceph": "needs a real Ceph cluster (not kind)",
    "hosts": "needs SSH access to nodes or routers",
    "certbot": "needs ungleich-certbot, which an ephemeral cluster cannot run (no public DNS)",
    **{f"v{n}": f"introduced by infrastructure version v{n}" for n in range(1, 6)},
}

#: The manual's order of areas: scenarios run, and reports list them, in this order (others after, by name).
MANUAL_ORDER = (
    "cluster_table",
    "ipv6",
    "bgp",
    "topology",
    "control_plane",
    "storage",
    "components",
    "rook_install",
    "calico_operator",
    "nodes",
    "routers",
)

STATUS = {
    Outcome.PASSED: ("passed", ".", "PASSED"),
    Outcome.FAILED: ("failed", "F", "FAILED"),
    Outcome.WARNING: ("warning", "W", "WARNING"),
    Outcome.UNVERIFIABLE: ("unverifiable", "U", "UNVERIFIABLE"),
    Outcome.NOT_APPLICABLE: ("not applicable", "n", "N/A"),
    Outcome.WAIVED: ("waived", "w", "WAIVED"),
}
#: What pytest itself sees, so that its own outputs (e.g. --junitxml) never show these as passed.
PYTEST_OUTCOME = {
    Outcome.PASSED: "passed",
    Outcome.WARNING: "passed",
    Outcome.FAILED: "failed",
    Outcome.UNVERIFIABLE: "skipped",
    Outcome.NOT_APPLICABLE: "skipped",
    Outcome.WAIVED: "skipped",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ukic", "ukic: verify a cluster against the infrastructure manual")
    group.addoption("--snapshot", metavar="PATH", help="cluster snapshot folder or .tar.gz")
    group.addoption("--kubeconfig", metavar="FILE", help="verify a live cluster through this kubeconfig")
    group.addoption("--context", metavar="NAME", help="kubeconfig context (default: current)")
    group.addoption("--manifests", metavar="DIR", help="verify a configuration repository")
    group.addoption("--infra-version", default="v5", metavar="vN", help="infrastructure version (default v5)")
    group.addoption("--cluster-type", default="production", help="development or production (default production)")
    group.addoption("--cluster", metavar="NAME", help="cluster name for reports (default: from the source)")
    group.addoption("--profiles-dir", metavar="DIR", help="profiles folder (default: the bundled profiles)")
    group.addoption("--ukic-report-dir", metavar="DIR", help="write ukic reports under DIR/<cluster>/<time>/")
    hosts_options.add_options(group)
    add_kind_options(group)


def pytest_configure(config: pytest.Config) -> None:
    for tag, meaning in TAGS.items():
        config.addinivalue_line("markers", f"{tag}: {meaning}")
    for module in _library_modules():
        if not config.pluginmanager.has_plugin(module):
            config.pluginmanager.import_plugin(module)


def _library_modules() -> Iterator[str]:
    """Every step module, and the top-level fixture modules, of the bundled library."""
    for package in ("steps", "fixtures"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and not info.name.startswith("_"):
                yield f"{package}.{info.name}"


# -- the run -------------------------------------------------------------------------------------
def _is_scenario(item: pytest.Item) -> bool:
    return getattr(item, "obj", None) in scenario_wrapper_template_registry


def _build_run(config: pytest.Config) -> UkicRun:
    """A run from command-line options, for a plain `pytest` session over the features."""
    from ukic.profiles import select
    from ukic.sources.factory import open_source_from_options
    from ukic.state import ClusterState

    selection = select(
        config.getoption("--infra-version"),
        config.getoption("--cluster-type"),
        Path(config.getoption("--profiles-dir")) if config.getoption("--profiles-dir") else None,
    )
    source = open_source_from_options(
        snapshot=config.getoption("--snapshot"),
        kubeconfig=config.getoption("--kubeconfig"),
        context=config.getoption("--context"),
        manifests=config.getoption("--manifests"),
    )
    hosts = hosts_options.spec_from_options(config)
    return UkicRun(selection=selection, source=source, state=ClusterState(source), hosts=hosts)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Scenarios in the manual's order of areas, then in file order."""

    def position(item: pytest.Item) -> tuple[int, str, int]:
        if not _is_scenario(item):
            return (-1, "", 0)
        template = scenario_wrapper_template_registry[item.obj]  # type: ignore[attr-defined]
        stem = Path(template.feature.filename).stem
        rank = MANUAL_ORDER.index(stem) if stem in MANUAL_ORDER else len(MANUAL_ORDER)
        return (rank, stem, template.line_number)

    items.sort(key=position)


def pytest_collection_finish(session: pytest.Session) -> None:
    items = [i for i in session.items if _is_scenario(i)]
    if not items:
        return
    config = session.config
    provided = getattr(config, PROVIDED_RUN, None)
    try:
        run = provided or _build_run(config)
        config.stash[RUN] = run
        run.state.prefetch(reads_for_tags(tag for i in items for tag in (m.name for m in i.iter_markers())))
    except UkicError as err:
        if provided is None:
            pytest.exit(f"ukic: {err.message}", returncode=int(err.exit_code))
        provided.fatal = err
        session.items[:] = []  # no check runs on facts that could not be read


@pytest.fixture(scope="session")
def ukic_run(request: pytest.FixtureRequest) -> UkicRun:
    """The run every step shares: profile selection, source, cluster state, hosts."""
    try:
        return request.config.stash[RUN]
    except KeyError:
        raise RuntimeError("ukic_run is only available while scenarios run") from None


@pytest.fixture(scope="session")
def cluster_state(ukic_run: UkicRun) -> Any:
    """The facts of the cluster, read once per run."""
    return ukic_run.state


@pytest.fixture(scope="session")
def selection(ukic_run: UkicRun) -> Any:
    """The selected profile (infrastructure version), cluster type and component catalogue."""
    return ukic_run.selection


# -- scenarios and steps -----------------------------------------------------------------------
#: pytest's own marks, which are no Gherkin tags.
PYTEST_MARKS = frozenset({"parametrize", "usefixtures", "skip", "skipif", "xfail", "filterwarnings"})


def _recorder_for(item: pytest.Item) -> ScenarioRecorder:
    recorder = item.stash.get(RECORDER, None)
    if recorder is None:
        template = scenario_wrapper_template_registry[item.obj]  # type: ignore[attr-defined]
        params = getattr(getattr(item, "callspec", None), "params", {})
        scenario = template.render(params.get("_pytest_bdd_example", {}))
        example_tags = {m.name for m in item.iter_markers()} - PYTEST_MARKS  # Examples blocks carry tags too
        recorder = ScenarioRecorder(scenario, paths.features_dir(), example_tags)
        item.stash[RECORDER] = recorder
    return recorder


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_scenario(item) or RUN not in item.config.stash:
        return
    tags = _recorder_for(item).tags
    for tag, reason in item.config.stash[RUN].not_applicable_tags().items():  # the source's reasons first
        if tag in tags:
            raise NotApplicable(reason)


def pytest_bdd_before_step(request: pytest.FixtureRequest) -> None:
    _recorder_for(request.node).step_started()


def pytest_bdd_after_step(request: pytest.FixtureRequest, step: Any) -> None:
    _recorder_for(request.node).step_ended(step.keyword, step.name, step.line_number, None)


def pytest_bdd_step_error(request: pytest.FixtureRequest, step: Any, exception: Exception) -> None:
    _recorder_for(request.node).step_ended(step.keyword, step.name, step.line_number, exception)


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, step: Any, exception: Exception) -> None:
    recorder = _recorder_for(request.node)
    recorder.step_started()
    recorder.step_ended(step.keyword, step.name, step.line_number, exception)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport | None:
    """Our report for a decided scenario: the outcome and its one-line reason, never a traceback."""
    if not _is_scenario(item) or RUN not in item.config.stash:
        return None
    decided_at_setup = call.when == "setup" and call.excinfo is not None
    if call.when != "call" and not decided_at_setup:
        return None
    result = _recorder_for(item).finish(call.excinfo.value if call.excinfo else None)
    item.config.stash[RUN].results.append(result)
    outcome = PYTEST_OUTCOME[result.outcome]
    longrepr: tuple[str, int, str] | str | None = None
    if outcome == "skipped":
        longrepr = (str(item.path), result.line, f"{result.outcome.value}: {result.reason}")
    elif outcome == "failed":
        longrepr = f"{result.id}: {result.reason}"
    sections = [("ukic", f"warning: {result.reason}")] if result.outcome is Outcome.WARNING else []
    report = pytest.TestReport(
        item.nodeid,
        item.location,
        dict.fromkeys(item.keywords, 1),
        outcome,  # type: ignore[arg-type]
        longrepr,
        call.when,  # type: ignore[arg-type]
        sections,
        call.duration,
        call.start,
        call.stop,
        user_properties=item.user_properties,
    )
    report.ukic_outcome = result.outcome  # type: ignore[attr-defined]
    return report


def pytest_report_teststatus(report: pytest.TestReport) -> tuple[str, str, str] | None:
    outcome = getattr(report, "ukic_outcome", None)
    return STATUS[outcome] if outcome is not None else None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """A plain `pytest` run over the features exits like `ukic verify`: 0, 1 or 2."""
    run = session.config.stash.get(RUN, None)
    if run is None or getattr(session.config, PROVIDED_RUN, None) is not None:
        return
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = int(exit_code_for(r.outcome for r in run.results))
    report_dir = session.config.getoption("--ukic-report-dir")
    if report_dir and run.results:
        from ukic.run import result_of, write_reports

        write_reports(result_of(run, started=None), Path(report_dir))

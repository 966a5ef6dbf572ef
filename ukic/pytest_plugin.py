"""ukic's pytest plugin: options, the scenarios of the ukic features, and one honest outcome for each.

Loaded through the `pytest11` entry point and inert in any session that does not collect
ukic's binding module (features/test_manual.py): it defines no fixtures of its own, and the
step and fixture library is registered only when that module is collected. For such a session
it generates outline examples from the selected profile, builds (or receives from `ukic
verify`) one UkicRun, prefetches what the selected scenarios read, and records a ScenarioResult
per scenario: passed, failed, warning, unverifiable or not applicable.
"""

from __future__ import annotations

import importlib.util
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from ukic.binding import BINDING_MODULE, EXAMPLE_FIXTURE, SCENARIO_MARK, binding
from ukic.errors import UkicError, UsageError
from ukic.feature_index import ID_TAG, ScenarioSpec, load_features
from ukic.hosts import options as hosts_options
from ukic.kind.fixture import add_kind_options
from ukic.outcome import NotApplicable, Outcome, exit_code_for
from ukic.paths import library_packages
from ukic.profiles.rules import rule_examples, rule_keys
from ukic.resources import reads_for_tags
from ukic.run_context import UkicRun
from ukic.run_handover import RUN, provided_run
from ukic.scenario_record import ScenarioRecorder

if TYPE_CHECKING:
    from ukic.profiles import Selection

RECORDER = pytest.StashKey[ScenarioRecorder]()
NO_EXAMPLE = "none"  # the id of an outline whose profile list is empty (deselected)

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
    "operations": "what daily operations leave behind",
    "nodes": "checks on the nodes over SSH",
    "routers": "checks on the upstream routers over SSH",
    "recommended": "a recommendation: failing it is a warning",
    "runtime": "needs a running cluster (not a config repository)",
    "repository": "needs a configuration repository (not a running cluster)",
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
    "operations",
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
    config.addinivalue_line("markers", f"{SCENARIO_MARK}(spec): a scenario of the ukic features (set by ukic.binding)")


def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    """While ukic binds its features, the @id tags are its own, not pytest marks."""
    if binding() and tag.startswith(ID_TAG):
        return True
    return None


# -- the library and the selection, for sessions that collect the ukic features -----------------
PROBLEM = pytest.StashKey[UkicError]()
SELECTION = pytest.StashKey["Selection"]()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Before ukic's binding module is imported: check its features, then register the step library.

    Features that break the house rules leave the module unimported (an empty collector in its
    place); the session then stops with the one-line problem (exit 4) once collection is over.
    """
    config = parent.config
    if module_path.name != BINDING_MODULE or not any(module_path.parent.glob("*.feature")):
        return None
    folder = module_path.parent
    try:
        specs = load_features(folder)
        check_rules(specs, folder.name)
    except UkicError as err:
        config.stash[PROBLEM] = err
        return _Unbound.from_parent(parent, path=module_path)
    for module in _library_modules():
        if not config.pluginmanager.has_plugin(module):
            config.pluginmanager.import_plugin(module)
    return None


class _Unbound(pytest.File):
    """Stands in for a binding module whose features cannot be bound."""

    def collect(self) -> list[pytest.Item]:
        return []


def _library_modules() -> Iterator[str]:
    """Every step module and fixture module of the bundled library (under ukic in a wheel)."""
    for package in library_packages():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and not info.name.startswith("_"):
                yield f"{package}.{info.name}"


def check_rules(specs: list[ScenarioSpec], folder_name: str) -> None:
    """Every profile rule a feature names is a field of the profile or cluster-type models."""
    known = set(rule_keys())
    for spec in specs:
        for key in spec.rules:
            if key not in known:
                raise UsageError(
                    f"{folder_name}/{spec.feature_file}:{spec.line}: scenario {spec.name!r} names profile rule "
                    f"{key!r}, which the profile and cluster-type models do not have"
                )


def _stop(config: pytest.Config, err: UkicError) -> NoReturn:
    """End the session with the one-line error: `ukic verify` raises it, plain pytest exits with its code."""
    provided = provided_run(config)
    if provided is not None:
        provided.fatal = err
    pytest.exit(f"ukic: {err.message}", returncode=int(err.exit_code))


def _selection(config: pytest.Config) -> Selection:
    """The selection of `ukic verify`'s run, else the one the options name (built once per session)."""
    provided = provided_run(config)
    if provided is not None:
        return provided.selection
    if SELECTION not in config.stash:
        from ukic.profiles import select

        folder = config.getoption("--profiles-dir")
        try:
            config.stash[SELECTION] = select(
                config.getoption("--infra-version"),
                config.getoption("--cluster-type"),
                Path(folder) if folder else None,
            )
        except UkicError as err:
            _stop(config, err)
    return config.stash[SELECTION]


def _spec(item: pytest.Item | Any) -> ScenarioSpec | None:
    marker = item.get_closest_marker(SCENARIO_MARK)
    return marker.args[0] if marker is not None else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """An outline gets one example per item of the profile list its Examples name."""
    spec = _spec(metafunc.definition)
    if spec is None or spec.examples is None:
        return
    config = metafunc.config
    examples = spec.examples
    values = rule_examples(_selection(config), examples.rule, examples.column)
    for value in values:
        config.addinivalue_line("markers", f"{value}: generated from the profile's {examples.rule}")
    params = [pytest.param({examples.column: v}, id=v, marks=[getattr(pytest.mark, v)]) for v in values]
    metafunc.parametrize(EXAMPLE_FIXTURE, params or [pytest.param(None, id=NO_EXAMPLE)])


def _example(item: pytest.Item) -> dict[str, str] | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(EXAMPLE_FIXTURE) if callspec is not None else None


# -- the run -------------------------------------------------------------------------------------
def _build_run(config: pytest.Config) -> UkicRun:
    """A run from command-line options, for a plain `pytest` session over the features."""
    from ukic.sources.factory import open_source_from_options
    from ukic.state import ClusterState

    selection = _selection(config)
    source = open_source_from_options(
        snapshot=config.getoption("--snapshot"),
        kubeconfig=config.getoption("--kubeconfig"),
        context=config.getoption("--context"),
        manifests=config.getoption("--manifests"),
    )
    hosts = hosts_options.spec_from_options(config)
    return UkicRun(selection=selection, source=source, state=ClusterState(source), hosts=hosts)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outlines whose profile list is empty drop out; ids are unique; scenarios in the manual's order."""
    if PROBLEM in config.stash:
        _stop(config, config.stash[PROBLEM])
    empty = [i for i in items if _spec(i) is not None and _spec(i).examples is not None and _example(i) is None]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [i for i in items if i not in empty]
    seen: dict[str, str] = {}
    for item in items:
        spec = _spec(item)
        if spec is None:
            continue
        scenario_id = spec.render(spec.id, _example(item))
        if seen.setdefault(scenario_id, item.nodeid) != item.nodeid:
            clash = f"two scenarios have the id {scenario_id!r}: {seen[scenario_id]} and {item.nodeid}"
            _stop(config, UsageError(clash))

    def position(item: pytest.Item) -> tuple[int, str, int]:
        spec = _spec(item)
        if spec is None:
            return (-1, "", 0)
        rank = MANUAL_ORDER.index(spec.stem) if spec.stem in MANUAL_ORDER else len(MANUAL_ORDER)
        return (rank, spec.stem, spec.line)

    items.sort(key=position)


def pytest_collection_finish(session: pytest.Session) -> None:
    items = [i for i in session.items if _spec(i) is not None]
    if not items:
        return
    config = session.config
    provided = provided_run(config)
    try:
        run = provided or _build_run(config)
        config.stash[RUN] = run
        run.state.prefetch(reads_for_tags(tag for i in items for tag in (m.name for m in i.iter_markers())))
    except UkicError as err:
        if provided is None:
            pytest.exit(f"ukic: {err.message}", returncode=int(err.exit_code))
        provided.fatal = err
        session.items[:] = []  # no check runs on facts that could not be read


# -- scenarios and steps -----------------------------------------------------------------------
def _recorder_for(item: pytest.Item) -> ScenarioRecorder:
    recorder = item.stash.get(RECORDER, None)
    if recorder is None:
        spec = _spec(item)
        assert spec is not None
        recorder = ScenarioRecorder(spec, _example(item))
        item.stash[RECORDER] = recorder
    return recorder


def _is_scenario(item: pytest.Item) -> bool:
    return _spec(item) is not None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_scenario(item) or RUN not in item.config.stash:
        return
    tags = _recorder_for(item).tags
    for tag, reason in item.config.stash[RUN].not_applicable_tags().items():  # the source's reasons first
        if tag in tags:
            raise NotApplicable(reason)


def pytest_bdd_before_step(request: pytest.FixtureRequest) -> None:
    if _is_scenario(request.node):
        _recorder_for(request.node).step_started()


def pytest_bdd_after_step(request: pytest.FixtureRequest) -> None:
    if _is_scenario(request.node):
        _recorder_for(request.node).step_ended(None)


def pytest_bdd_step_error(request: pytest.FixtureRequest, exception: Exception) -> None:
    if _is_scenario(request.node):
        _recorder_for(request.node).step_ended(exception)


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, step: Any) -> None:
    if _is_scenario(request.node):
        _recorder_for(request.node).lookup_failed(step.keyword, step.name)


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
    remedy = f"\n  remedy: {result.remedy}" if result.remedy else ""
    if outcome == "skipped":
        longrepr = (str(item.path), result.line, f"{result.outcome.value}: {result.reason}{remedy}")
    elif outcome == "failed":
        longrepr = f"{result.id}: {result.reason}{remedy}"
    sections = [("ukic", f"warning: {result.reason}{remedy}")] if result.outcome is Outcome.WARNING else []
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
    if run is None or provided_run(session.config) is not None:
        return
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = int(exit_code_for(r.outcome for r in run.results))
    report_dir = session.config.getoption("--ukic-report-dir")
    if report_dir and run.results:
        from ukic.run_result import result_of, write_reports

        write_reports(result_of(run, started=None), Path(report_dir))

"""The components a version requires, and those it retired."""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from ukic import components, kube
from ukic.outcome import CheckFailed, NotApplicable, fail_on
from ukic.profiles.model import Component
from ukic.run_context import UkicRun
from ukic.state import ClusterState


def _component(ukic_run: UkicRun, name: str) -> Component:
    try:
        return ukic_run.selection.components[name]
    except KeyError:
        raise CheckFailed(f"component {name!r} is not described in profiles/components.yaml") from None


@given(parsers.parse('the profile requires the component "{name}"'), target_fixture="component")
def required_component(ukic_run: UkicRun, name: str) -> Component:
    profile = ukic_run.selection.profile
    if name not in profile.components.require:
        raise NotApplicable(f"profile {profile.version} does not require {name}")
    return _component(ukic_run, name)


@given(parsers.parse('the profile forbids the component "{name}"'), target_fixture="component")
def forbidden_component(ukic_run: UkicRun, name: str) -> Component:
    profile = ukic_run.selection.profile
    if name not in profile.components.forbid:
        raise NotApplicable(f"profile {profile.version} does not retire {name}")
    return _component(ukic_run, name)


@then("every workload of the component is running")
def component_running(cluster_state: ClusterState, component: Component) -> None:
    problems = []
    for finding in components.expected_workloads(cluster_state, component):
        if finding.obj is None:
            problems.append(f"{component.title}: no {finding.expected}")
            continue
        ready, numbers = kube.workload_ready(finding.obj)
        if not ready:
            problems.append(f"{component.title}: {kube.ref(finding.obj)} not running ({numbers})")
    fail_on(problems)


@then("nothing of the component is left in the cluster")
def component_gone(cluster_state: ClusterState, component: Component) -> None:
    fail_on(f"{component.title} left over: {what}" for what in components.leftovers(cluster_state, component))

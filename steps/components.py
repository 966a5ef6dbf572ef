"""The components a version requires, and those it retired (found as profiles/components.yaml describes them)."""

from __future__ import annotations

from pytest_bdd import then

from ukic import components, kube
from ukic.outcome import fail_on
from ukic.profiles.model import Component
from ukic.state import ClusterState


@then("every workload of the component is running")
def component_running(cluster_state: ClusterState, component: Component) -> None:
    problems, fixes = [], []
    for finding in components.expected_workloads(cluster_state, component):
        if finding.obj is None:
            problems.append(f"{component.title}: no {finding.expected}")
            fixes.append(component.install)
            continue
        ready, numbers = kube.workload_ready(finding.obj)
        if not ready:
            problems.append(f"{component.title}: {kube.ref(finding.obj)} not running ({numbers})")
            where = f"-n {kube.namespace_of(finding.obj)} " if kube.namespace_of(finding.obj) else ""
            kind = str(finding.obj.get("kind") or "").lower()
            fixes.append(f"kubectl {where}describe {kind} {kube.name_of(finding.obj)} (why it is not ready)")
    fail_on(problems, remedy="; ".join(dict.fromkeys(fixes)))


@then("nothing of the component is left in the cluster")
def component_gone(cluster_state: ClusterState, component: Component) -> None:
    fail_on(
        (f"{component.title} left over: {what}" for what in components.leftovers(cluster_state, component)),
        remedy=component.remove,
    )

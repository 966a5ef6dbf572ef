"""The components a version requires, and those it retired (found as profiles/components.yaml describes them)."""

from __future__ import annotations

from pytest_bdd import then

from ukic import components
from ukic.outcome import fail_on
from ukic.profiles.model import Component
from ukic.state import ClusterState


@then("every workload of the component is running")
def component_running(cluster_state: ClusterState, component: Component) -> None:
    problems = components.running_problems(cluster_state, component)
    fail_on([p.problem for p in problems], remedy="; ".join(dict.fromkeys(p.fix for p in problems)))


@then("nothing of the component is left in the cluster")
def component_gone(cluster_state: ClusterState, component: Component) -> None:
    fail_on(
        (f"{component.title} left over: {what}" for what in components.leftovers(cluster_state, component)),
        remedy=component.remove,
    )

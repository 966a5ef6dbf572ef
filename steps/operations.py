"""What daily operations leave behind: cordoned nodes, pods hanging in Terminating, kubelet versions,
Helm releases outside ArgoCD, Secrets in the configuration repository."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytest_bdd import then

from ukic import kube, remedies
from ukic.drift import helm, skew, terminating
from ukic.outcome import CheckFailed, Unverifiable, fail_on
from ukic.profiles.rules import Rules
from ukic.run_context import UkicRun
from ukic.state import ClusterState, NodeView
from ukic.timestamps import parse_rfc3339

APPLICATIONS = "applications.argoproj.io"
HELMRELEASES = "helmreleases.helm.toolkit.fluxcd.io"
#: kubeadm's API server static pods (component=kube-apiserver, tier=control-plane, as its etcd pods): kubeadm
#: 1.22 cmd/kubeadm/app/util/staticpod/utils.go, ComponentPod, labels every control-plane pod so.
APISERVER_SELECTOR = {"component": "kube-apiserver", "tier": "control-plane"}


# -- cordoned nodes ----------------------------------------------------------------------------------
@then("no node is cordoned")
def no_node_cordoned(nodes: list[NodeView]) -> None:
    """`kubectl cordon` sets spec.unschedulable (k8s.io/kubectl 1.22 pkg/drain/cordon.go, CordonHelper), and
    `kubectl get nodes` shows such a node as SchedulingDisabled (pkg/printers/internalversion/printers.go,
    printNode), as the manual's listing shows server60."""
    cordoned = [n.name for n in nodes if n.unschedulable]
    fail_on(
        (f"node {name} is cordoned (SchedulingDisabled): nothing new is scheduled on it" for name in cordoned),
        remedy=remedies.uncordon(cordoned),
    )


# -- pods hanging in Terminating ---------------------------------------------------------------------
def reference_time(ukic_run: UkicRun) -> datetime | None:
    """ "Now" for the facts: when they were captured (a live or kind source stamps its facts with the API
    server's clock, else this machine's); None for a snapshot that does not say when it was taken."""
    return parse_rfc3339(ukic_run.source.info().captured_at)


@then("no pod is still terminating that long after its grace period")
def no_pod_stuck(ukic_run: UkicRun, cluster_state: ClusterState, rules: Rules) -> None:
    key = "operations.terminating_margin_minutes"
    margin = timedelta(minutes=rules[key])
    pods = cluster_state.list("pods")
    now = reference_time(ukic_run)
    if now is None:
        deleting = [kube.ref(p, "Pod") for p in pods if kube.meta(p).get("deletionTimestamp")]
        if deleting:
            raise Unverifiable(
                f"{', '.join(deleting[:3])}{' and more' if len(deleting) > 3 else ''} terminating, but the snapshot "
                "has no capturedAt: how long they have been terminating is not known",
                remedy="capture with ukic capture (it records capturedAt), or add capturedAt to cluster.yaml",
            )
        return
    stuck = terminating.stuck_pods(pods, now, margin)
    fail_on(
        (f"{p.describe(now)}; the profile allows {rules[key]} min" for p in stuck),
        remedy="; ".join(p.remedy for p in stuck),
    )


# -- kubelet versions --------------------------------------------------------------------------------
def _kubelets(nodes: list[NodeView]) -> dict[str, skew.Version]:
    found, unreadable = {}, []
    for node in nodes:
        version = skew.parse_version(node.kubelet_version)
        if version is None:
            unreadable.append(f"node {node.name}: kubelet version {node.kubelet_version or '(none)'!r}")
        else:
            found[node.name] = version
    if unreadable:
        raise Unverifiable("; ".join(unreadable) + " is not a version")
    return found


def _apiserver(ukic_run: UkicRun, cluster_state: ClusterState) -> tuple[skew.Version, str]:
    """The oldest API server version the facts show: the server's own, and each kube-apiserver pod's image."""
    seen: dict[str, skew.Version] = {}
    server = skew.parse_version(ukic_run.source.info().server_version or "")
    if server is not None:
        seen["the API server's /version"] = server
    try:
        pods = cluster_state.labelled("pods", APISERVER_SELECTOR, namespace="kube-system")
    except Unverifiable:
        pods = []
    for pod in pods:
        for image in kube.images(pod):
            version = skew.parse_version(kube.image_tag(image))  # "latest" or "(digest)": no version
            if version is not None and kube.image_repository(image).endswith("kube-apiserver"):
                seen[kube.ref(pod, "Pod")] = version
    if not seen:
        raise Unverifiable("the API server's version is not known (no serverVersion, no kube-apiserver pod image)")
    where, oldest = min(seen.items(), key=lambda item: item[1].key)
    return oldest, where


@then("no kubelet is newer than the API server or further behind it than the policy allows")
def kubelets_within_policy(ukic_run: UkicRun, cluster_state: ClusterState, nodes: list[NodeView], rules: Rules) -> None:
    kubelets = _kubelets(nodes)
    apiserver, where = _apiserver(ukic_run, cluster_state)
    problems = skew.outside_policy(kubelets, apiserver, rules["kubernetes.kubelet_skew_minors"])
    outside = set(problems)
    newer = {node for node in outside if kubelets[node].minor_key > apiserver.minor_key}
    fail_on(
        (f"{p} (API server version from {where})" for p in problems.values()),
        remedy=remedies.align_kubelets(
            outside - newer, newer, f"the API server's minor version {apiserver.major}.{apiserver.minor}"
        ),
    )


@then("the kubelets run one version, kubeadm's kubernetesVersion")
def kubelets_agree(cluster_state: ClusterState, nodes: list[NodeView]) -> None:
    """kubeadm keeps the ClusterConfiguration it installed with, kubernetesVersion included, in ConfigMap
    kube-system/kubeadm-config (kubeadm 1.22 `init phase upload-config kubeadm`,
    cmd/kubeadm/app/phases/uploadconfig)."""
    kubelets = _kubelets(nodes)
    config = cluster_state.kubeadm_cluster_configuration()
    wanted = skew.parse_version(str(config.data.get("kubernetesVersion", ""))) if config else None
    differences = skew.differences(kubelets, wanted)
    if differences is None:
        return
    target = wanted or min(kubelets.values(), key=lambda v: v.key)
    behind = [node for node, v in kubelets.items() if v.key < target.key]
    ahead = [node for node, v in kubelets.items() if v.key > target.key]
    raise CheckFailed(differences, remedy=remedies.align_kubelets(behind, ahead, target.text))


# -- Helm releases outside ArgoCD --------------------------------------------------------------------
@then("every Helm release is managed by an ArgoCD Application or installed with helm as the profile says")
def helm_releases_managed(cluster_state: ClusterState, rules: Rules) -> None:
    installs = {key: str(rules[key]) for key in ("install.rook_operator", "install.calico")}
    releases = helm.releases(cluster_state.list("secrets"))
    if not releases:
        return
    applications = cluster_state.list(APPLICATIONS)
    deployments = cluster_state.list("deployments.apps")
    flux = rules["install.helm_charts"] == "flux"
    helmreleases = cluster_state.list(HELMRELEASES) if flux else []
    unmanaged = [
        r
        for r in releases
        if helm.managing_application(r, applications) is None
        and helm.managing_helmrelease(r, helmreleases) is None
        and helm.prescribing_rule(r, deployments, installs) is None
    ]
    managers = "no Flux HelmRelease and no ArgoCD Application" if flux else "no ArgoCD Application"
    fail_on(
        (f"{r.describe()} is managed by {managers}" for r in unmanaged),
        remedy="; ".join(
            (
                f"declare the chart of {r.name} as a Flux HelmRelease (helm.toolkit.fluxcd.io) with targetNamespace "
                f"{r.namespace} in the repository Flux applies"
                if flux
                else f"deploy the chart of {r.name} through an ArgoCD Application (destination namespace {r.namespace})"
            )
            + f", then drop helm's own record: {remedies.forget_helm_release(r.name, r.namespace)}"
            for r in unmanaged
        ),
    )


# -- Secrets in the configuration repository ---------------------------------------------------------
@then("no Secret in the repository carries data or stringData")
def no_secret_values_in_git(cluster_state: ClusterState) -> None:
    """Tagged @repository: a source that reads a running cluster declares it not applicable."""
    carrying = [
        (kube.ref(s, "Secret"), fields)
        for s in cluster_state.list("secrets")
        if (fields := kube.annotations(s).get(kube.SECRET_PAYLOAD_ANNOTATION))
    ]
    fail_on(
        (f"{ref} carries {fields} in the repository (values not shown)" for ref, fields in carrying),
        remedy="remove the Secret from the repository and let kubernetes-secret-generator create it in the cluster "
        "(v1: secrets are 'not stored in the git repository, but only in the cluster')",
    )

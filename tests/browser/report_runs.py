"""Hand-built RunResults for the report tests: every outcome, hostile text, a realistic v5 run."""

from __future__ import annotations

import re

from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult, StepResult

HOSTILE = "<script>alert('x')</script> & \"quoted\" ünïcødé ✓ 日本"


def step(keyword: str, text: str, line: int, outcome: Outcome = Outcome.PASSED, **kw) -> StepResult:
    return StepResult(keyword=keyword, text=text, line=line, outcome=outcome, **kw)


def scenario(
    feature_file: str,
    feature: str,
    name: str,
    outcome: Outcome,
    reason: str = "",
    *,
    line: int = 10,
    tags: list[str] | None = None,
    steps: list[StepResult] | None = None,
    duration: float = 0.004,
    waiver: dict | None = None,
    description: str = "",
    remedy: str = "",
) -> ScenarioResult:
    stem = feature_file.rsplit("/", 1)[-1].removesuffix(".feature")
    return ScenarioResult(
        id=f"{stem}.{re.sub('[^a-z0-9]+', '-', name.lower()).strip('-')}",
        feature=feature,
        feature_file=feature_file,
        name=name,
        line=line,
        tags=list(tags or []),
        outcome=outcome,
        reason=reason,
        duration=duration,
        steps=list(steps or []),
        feature_description=description,
        waiver=waiver,
        remedy=remedy,
    )


def run(scenarios: list[ScenarioResult], *, cluster: str = "place10", notes: list[str] | None = None) -> RunResult:
    return RunResult(
        cluster=cluster,
        source={
            "kind": "snapshot",
            "location": "fixtures/samples/v5-production",
            "cluster_name": cluster,
            "captured_at": "2026-11-26T19:58:12Z",
            "server_version": "v1.31.2",
            "context": f"admin@{cluster}",
            "extra": {},
        },
        profile={
            "version": "v5",
            "type": "production",
            "digest": "sha256:9f2c4e1a7b3d5f60818293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e",
            "chain": ["v1", "v2", "v3", "v4", "v5"],
        },
        harness_version="0.1.0",
        started_at="2026-11-26T20:15:00.250000+00:00",
        finished_at="2026-11-26T20:15:02.750000+00:00",
        duration=2.5,
        scenarios=scenarios,
        notes=list(notes or []),
    )


BGP = ("bgp.feature", "Calico BGP routing without overlay")
STORAGE = ("storage.feature", "Rook-Ceph persistent storage")
TOPOLOGY = ("topology.feature", "Cluster size and shape per cluster type")


def all_outcomes_run() -> RunResult:
    """Two features, one scenario of each outcome, hostile text in names and reasons."""
    given = step("Given", 'the BGP configuration "default"', 14, duration=0.0012)
    return run(
        [
            scenario(
                *BGP,
                "Nodes form a full BGP mesh",
                Outcome.PASSED,
                line=13,
                tags=["bgp", "v1"],  # the pytest plugin records tags without "@"
                steps=[given, step("Then", "the node-to-node mesh is enabled", 15, duration=0.0003)],
                description="Calico peers with the upstream router.\nNo overlay.",
            ),
            scenario(
                *BGP,
                f"Upstream peers keep the original next hop {HOSTILE}",
                Outcome.FAILED,
                f"bgppeer router-a: keepOriginalNextHop is false {HOSTILE}",
                line=25,
                remedy=f"set keepOriginalNextHop: true in BGPPeer router-a, then calicoctl apply -f - {HOSTILE}",
                tags=["@bgp", "@v1"],
                steps=[
                    step("Given", "the BGP peers", 26, duration=0.001),
                    step("Then", "there is at least one peer", 27, duration=0.0005),
                    step(
                        "And",
                        "every peer keeps the original next hop and names its AS number",
                        28,
                        Outcome.FAILED,
                        duration=0.002,
                        message=f"bgppeer router-a: keepOriginalNextHop is false {HOSTILE}",
                    ),
                ],
            ),
            scenario(
                *BGP,
                "IP pools are IPv6 and use no overlay",
                Outcome.UNVERIFIABLE,
                "ippools.crd.projectcalico.org: not captured in the snapshot",
                line=30,
                tags=["@bgp"],
                steps=[
                    step(
                        "Given",
                        "the IP pools",
                        31,
                        Outcome.UNVERIFIABLE,
                        message="ippools.crd.projectcalico.org: not captured in the snapshot",
                    ),
                    step("Then", "there is at least one IP pool", 32, ran=False),
                ],
            ),
            scenario(
                *BGP,
                "The service network is announced over BGP",
                Outcome.UNVERIFIABLE,
                "bgpconfigurations.crd.projectcalico.org: forbidden (403)",
                line=20,
                tags=["@bgp"],
                steps=[],  # decided before any step ran
            ),
            scenario(
                *STORAGE,
                "Ceph reports HEALTH_OK",
                Outcome.WARNING,
                "cephcluster rook-ceph/rook-ceph reports HEALTH_WARN (recommended HEALTH_OK)",
                line=29,
                tags=["@storage", "@ceph", "@recommended"],
                steps=[
                    step("Given", "the Ceph cluster", 30),
                    step("Then", "it reports HEALTH_OK", 31, Outcome.FAILED, message="HEALTH_WARN"),
                ],
            ),
            scenario(
                *STORAGE,
                "The Ceph cluster asks for the cluster type's number of monitors",
                Outcome.WAIVED,
                "cephcluster rook-ceph/rook-ceph: mon.count 3, production needs 5",
                line=14,
                tags=["@storage", "@ceph"],
                steps=[
                    step("Given", "the Ceph cluster", 15),
                    step(
                        "Then",
                        "its monitor count equals the cluster type's storage monitors",
                        16,
                        Outcome.FAILED,
                    ),
                ],
                waiver={
                    "ticket": "OPS-1234",
                    "justification": "mons move to new hosts",
                    "expires": "2027-01-31",
                },
            ),
            scenario(
                *STORAGE,
                "The rook operator is running",
                Outcome.NOT_APPLICABLE,
                "a snapshot of manifests carries no runtime state",
                line=9,
                tags=["@storage", "@runtime"],
                steps=[step("Given", "the Ceph cluster", 10, Outcome.NOT_APPLICABLE)],
            ),
        ],
        notes=[f"waiver OPS-9 matches no scenario {HOSTILE}"],
    )


#: The outcome counts of realistic_run(); tests assert reports show exactly these.
REALISTIC_COUNTS = {
    "passed": 41,
    "failed": 1,
    "warning": 1,
    "unverifiable": 2,
    "not applicable": 12,
    "waived": 1,
}


def realistic_run() -> RunResult:
    """A v5 production run shaped like a real one, with REALISTIC_COUNTS outcomes."""
    scenarios = [
        scenario(
            *BGP,
            "Upstream peers keep the original next hop",
            Outcome.FAILED,
            "bgppeer router-b (2a0a:e5c0:2:12::1): keepOriginalNextHop is false",
            line=25,
            tags=["@bgp", "@v1"],
            steps=[
                step("Given", "the BGP peers", 26, duration=0.0011),
                step("Then", "there is at least one peer", 27, duration=0.0002),
                step(
                    "And",
                    "every peer keeps the original next hop and names its AS number",
                    28,
                    Outcome.FAILED,
                    duration=0.0009,
                    message="bgppeer router-b (2a0a:e5c0:2:12::1): keepOriginalNextHop is false",
                ),
            ],
            description="Calico peers with an upstream router; nodes form a full mesh.",
        ),
        scenario(
            *BGP,
            "IP pools are IPv6 and use no overlay",
            Outcome.UNVERIFIABLE,
            "ippools.crd.projectcalico.org: not captured in the snapshot",
            line=30,
            tags=["@bgp", "@v1"],
            steps=[
                step(
                    "Given",
                    "the IP pools",
                    31,
                    Outcome.UNVERIFIABLE,
                    message="ippools.crd.projectcalico.org: not captured in the snapshot",
                ),
                step("Then", "there is at least one IP pool", 32, ran=False),
                step("And", "every IP pool is IPv6 with IP-in-IP and VXLAN off", 33, ran=False),
            ],
        ),
        scenario(
            *STORAGE,
            "Ceph reports HEALTH_OK",
            Outcome.WARNING,
            "cephcluster rook-ceph/rook-ceph reports HEALTH_WARN: 1 pool(s) have no replicas configured",
            line=29,
            tags=["@storage", "@ceph", "@recommended", "@runtime"],
            steps=[
                step("Given", "the Ceph cluster", 30),
                step("Then", "it reports HEALTH_OK", 31, Outcome.FAILED, message="HEALTH_WARN"),
            ],
        ),
        scenario(
            *STORAGE,
            "All requested monitors are running",
            Outcome.UNVERIFIABLE,
            "pods: forbidden (403) for user ukic-audit in namespace rook-ceph",
            line=19,
            tags=["@storage", "@ceph", "@runtime"],
        ),
        scenario(
            *TOPOLOGY,
            "Control-plane nodes are kept free of workloads where the cluster type requires it",
            Outcome.WAIVED,
            "node server63 (control-plane) has no NoSchedule taint",
            line=31,
            tags=["@topology", "@runtime"],
            steps=[
                step("Given", 'the cluster type "required" control-plane separation', 32),
                step("And", "the cluster's nodes", 33),
                step(
                    "Then",
                    "every control-plane node is tainted against ordinary workloads",
                    34,
                    Outcome.FAILED,
                    message="node server63 (control-plane) has no NoSchedule taint",
                ),
            ],
            waiver={
                "ticket": "OPS-2211",
                "justification": "taint after the mon migration",
                "expires": "2027-01-15",
            },
        ),
    ]
    passing = [
        (BGP, "calico-node runs on every node"),
        (BGP, "Nodes form a full BGP mesh"),
        (BGP, "The cluster speaks BGP from a private AS number"),
        (BGP, "The service network is announced over BGP"),
        (STORAGE, "The rook operator is running"),
        (STORAGE, "The Ceph cluster asks for the cluster type's number of monitors"),
        (STORAGE, "The Ceph cluster is up and reports its health"),
        (STORAGE, "A storage class serves rbd volumes"),
        (STORAGE, "A storage class serves cephfs volumes"),
        (TOPOLOGY, "The cluster has at least the minimum number of nodes"),
        (TOPOLOGY, "The cluster has at least the minimum number of control-plane nodes"),
        (TOPOLOGY, "The cluster has at least the minimum number of schedulable workers"),
        (TOPOLOGY, "The cluster meets the recommended size"),
        (TOPOLOGY, "Every node is Ready"),
    ]
    passing += [
        (("ipv6.feature", "IPv6-only networking"), name)
        for name in (
            "Nodes are reached over IPv6 only",
            "Node pod networks are IPv6 only",
            "kubeadm assigns IPv6 pod and service subnets",
            "The API service is IPv6 single-stack",
        )
    ]
    components = ("components.feature", "The components each infrastructure version runs")
    for component in (
        "calico",
        "secret-generator",
        "certbot",
        "rook-operator",
        "argocd",
        "argo-workflows",
        "tigera-operator",
        "calicoctl",
    ):
        passing.append((components, f"Required component {component} runs"))
    for component in (
        "flux",
        "helm-operator",
        "weave",
        "flannel",
        "kube-router",
        "metallb",
        "nginx-ingress",
        "cilium",
        "rook-ceph-cluster-chart",
        "ceph-csi-legacy",
        "local-path",
        "traefik",
        "calico-typha-manifest",
    ):
        passing.append((components, f"Retired component {component} is gone"))
    passing += [
        (
            ("control_plane.feature", "kubeadm control plane with stacked etcd"),
            "Every control-plane node runs a stacked etcd member",
        ),
        (
            ("control_plane.feature", "kubeadm control plane with stacked etcd"),
            "etcd runs on control-plane nodes only",
        ),
    ]
    for index, ((ffile, ftitle), name) in enumerate(passing):
        scenarios.append(
            scenario(
                ffile,
                ftitle,
                name,
                Outcome.PASSED,
                line=8 + index,
                tags=["@v1"],
                steps=[
                    step("Given", "the cluster's nodes", 9 + index, duration=0.0004),
                    step("Then", name.lower(), 10 + index, duration=0.0002),
                ],
                duration=0.001 + index / 10000,
            )
        )
    not_applicable = [
        ("Required component flux runs", "v5 production does not require flux (retired in v2)"),
        ("Required component helm-operator runs", "v5 production does not require helm-operator"),
        ("Retired component argocd is gone", "v5 production does not forbid argocd"),
        ("Retired component tigera-operator is gone", "v5 production does not forbid tigera-operator"),
        ("Retired component calico-manifest is gone", "not retired before v5"),
        ("Retired component secret-generator is gone", "v5 production does not forbid secret-generator"),
        ("Retired component certbot is gone", "v5 production does not forbid certbot"),
    ]
    for index, (name, reason) in enumerate(not_applicable):
        scenarios.append(
            scenario(
                *components,
                name,
                Outcome.NOT_APPLICABLE,
                reason,
                line=40 + index,
                tags=["@components"],
                duration=0.0001,
            )
        )
    rook = ("rook_install.feature", "How rook is installed in each version")
    calico = ("calico_operator.feature", "Calico run by the tigera-operator")
    for ffile, name, reason in (
        (rook, "The rook operator is installed from manifests", "v5 installs the rook operator with helm"),
        (
            rook,
            "The Ceph cluster is configured by the rook-ceph-cluster chart",
            "v5 configures it by manifests",
        ),
        (
            calico,
            "calico-node is installed from the calico.yaml manifest",
            "v5 installs Calico by the operator",
        ),
        (calico, "Typha is configured by hand", "the tigera-operator manages Typha in v5"),
        (BGP, "Route reflectors are configured", "v5 production uses a full node mesh"),
    ):
        scenarios.append(scenario(*ffile, name, Outcome.NOT_APPLICABLE, reason, tags=["@v3"], duration=0.0001))
    return run(scenarios, notes=["waiver OPS-1999 (expired 2026-10-01) was ignored"])

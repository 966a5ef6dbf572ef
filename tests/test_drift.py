"""The drift checks' own logic at its edges: margins, the skew policy, release bookkeeping, separation.

What each check does on a whole cluster is asserted on the generated samples (tests/test_samples_verify.py);
here are the boundaries those samples do not reach.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.snapshots import node, write_snapshot
from ukic import kube
from ukic.drift import helm, osd, skew, terminating
from ukic.outcome import Outcome
from ukic.run import VerifyRequest, verify
from ukic.run_result import write_reports
from ukic.sources.manifests import ManifestsSource
from ukic.sources.snapshot import SnapshotSource
from ukic.state import NodeView

NOW = datetime(2021, 11, 6, 21, 50, tzinfo=UTC)
REPOS = Path(__file__).resolve().parent.parent / "fixtures" / "repos"


def pod(name: str, deadline_minutes_ago: float | None, grace: int | None = 30) -> dict:
    meta: dict = {"name": name, "namespace": "apps"}
    if deadline_minutes_ago is not None:
        meta["deletionTimestamp"] = (NOW - timedelta(minutes=deadline_minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if grace is not None:
        meta["deletionGracePeriodSeconds"] = grace
    return {"metadata": meta, "spec": {"nodeName": "server24"}}


# -- pods hanging in Terminating -------------------------------------------------------------------
def test_only_pods_past_their_deadline_by_more_than_the_margin_hang() -> None:
    pods = [pod("running", None), pod("deleting", -0.5), pod("at-margin", 15), pod("past", 16), pod("old", 600)]
    stuck = terminating.stuck_pods(pods, NOW, timedelta(minutes=15))
    assert [p.name for p in stuck] == ["old", "past"]  # oldest first; exactly at the margin is not yet hanging
    assert stuck[0].remedy == "kubectl delete pod old --grace-period=0 --force --namespace apps"
    assert stuck[0].describe(NOW) == (
        "pod apps/old on server24 is Terminating since 2021-11-06T11:50:00Z, grace period 30 s "
        "(10 h 0 min past its deadline)"
    )


def test_an_unreadable_deletion_timestamp_is_no_evidence() -> None:
    broken = pod("x", 60)
    broken["metadata"]["deletionTimestamp"] = "yesterday"
    assert terminating.stuck_pods([broken], NOW, timedelta(0)) == []


# -- kubelet skew ---------------------------------------------------------------------------------
def versions(**nodes: str) -> dict[str, skew.Version]:
    parsed = {name: skew.parse_version(text) for name, text in nodes.items()}
    assert all(v is not None for v in parsed.values())
    return parsed  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("kubelet", "outside"),
    [
        ("v1.22.2", False),  # a newer patch of the same minor: within the policy
        ("v1.21.14", False),
        ("v1.20.0", False),  # two minors older: the most 1.22 allows
        ("v1.19.16", True),
        ("v1.23.0", True),  # newer than the API server
        ("v2.22.0", True),
    ],
)
def test_the_skew_policy_speaks_of_minor_versions(kubelet: str, outside: bool) -> None:
    apiserver = skew.parse_version("v1.22.0")
    assert apiserver is not None
    assert bool(skew.outside_policy(versions(server22=kubelet), apiserver, 2)) is outside


def test_versions_that_differ_within_the_policy_are_named_by_group() -> None:
    kubelets = versions(server22="v1.22.0", server23="v1.22.2", server24="v1.22.0")
    assert skew.differences(kubelets, skew.parse_version("v1.22.0")) == (
        "kubelets differ: v1.22.0 on server22, server24; v1.22.2 on server23; kubeadm's kubernetesVersion is v1.22.0"
    )
    same = versions(server22="v1.22.2", server23="v1.22.2")
    assert skew.differences(same, None) is None
    assert skew.differences(same, skew.parse_version("v1.22.0")) == (
        "kubelets differ: v1.22.2 on server22, server23; kubeadm's kubernetesVersion is v1.22.0"
    )
    assert skew.parse_version("v1.22.2+k3s1") == skew.Version(1, 22, 2, "v1.22.2+k3s1")
    assert skew.parse_version("latest") is None


def test_remedies_move_each_kubelet_the_right_way(tmp_path: Path) -> None:
    """A kubelet newer than the API server is not "upgraded" to it: it goes back, or the control plane moves up
    (kubeadm upgrades the control plane before the kubelets)."""
    sample = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "v5-production"
    nodes = yaml.safe_load((sample / "nodes.yaml").read_text())
    for item in nodes["items"]:
        if item["metadata"]["name"] == "server24":
            item["status"]["nodeInfo"]["kubeletVersion"] = "v1.23.1"
    folder = tmp_path / "snap"
    shutil.copytree(sample, folder)
    (folder / "nodes.yaml").write_text(yaml.safe_dump(nodes))
    result = verify(VerifyRequest(SnapshotSource(folder), "v5", "production", marker="operations"))
    by_id = {s.id: s for s in result.scenarios}
    policy, agree = by_id["operations.kubelet-skew-policy"], by_id["operations.kubelet-versions-agree"]
    assert policy.outcome is Outcome.FAILED and "kubelet v1.23.1 is newer than the API server" in policy.reason
    assert policy.remedy.startswith("downgrade the kubelet of server24 to the API server's minor version 1.22 (or")
    assert "upgrade the kubelet" not in policy.remedy
    assert agree.remedy.startswith("downgrade the kubelet of server23, server24 to v1.22.0 (or bring the control")


# -- cordons and control-plane separation -----------------------------------------------------------
def cordoned(obj: dict) -> dict:
    obj["spec"]["unschedulable"] = True
    obj["spec"]["taints"].append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
    return obj


def test_a_cordon_keeps_pods_off_but_is_no_control_plane_separation() -> None:
    master = NodeView.of(cordoned(node("server63", "2a0a::63", control_plane=True)))
    assert not master.schedulable and not master.keeps_workloads_off and master.only_cordoned
    tainted = NodeView.of(cordoned(node("server65", "2a0a::65", control_plane=True, tainted=True)))
    assert tainted.keeps_workloads_off and not tainted.only_cordoned  # uncordoning would not make it a worker


def test_a_cordoned_untainted_master_warns_as_not_separated(tmp_path: Path) -> None:
    nodes = [cordoned(node(f"server6{i}", f"2a0a::6{i}", control_plane=True)) for i in range(3)]
    nodes += [node(f"server2{i}", f"2a0a::2{i}") for i in range(5)]
    result = verify(
        VerifyRequest(
            SnapshotSource(write_snapshot(tmp_path, {"nodes": nodes})),
            "v5",
            "production",
            marker="topology or operations",
        )
    )
    outcomes = {s.id: (s.outcome, s.reason) for s in result.scenarios}
    outcome, reason = outcomes["topology.control-plane-tainted-recommended"]
    assert outcome is Outcome.WARNING and "control-plane node server60 has no NoSchedule taint" in reason
    assert outcomes["operations.node-cordoned"][0] is Outcome.WARNING


# -- Helm releases ---------------------------------------------------------------------------------
def release_secret(name: str, revision: int, status: str, namespace: str = "monitoring") -> dict:
    labels = {"name": name, "owner": "helm", "status": status, "version": str(revision)}
    return {"metadata": {"name": f"sh.helm.release.v1.{name}.v{revision}", "namespace": namespace, "labels": labels}}


def test_the_latest_revision_of_each_installed_release_counts() -> None:
    secrets = [
        release_secret("grafana", 1, "superseded"),
        release_secret("grafana", 2, "deployed"),
        release_secret("old", 3, "uninstalled"),  # kept with --keep-history: not installed
        {"metadata": {"name": "sh.helm.release.v1.fake.v1", "namespace": "x", "labels": {"owner": "someone"}}},
        {"metadata": {"name": "db-password", "namespace": "x"}},
    ]
    assert [(r.name, r.revision, r.status) for r in helm.releases(secrets)] == [("grafana", 2, "deployed")]


def test_an_application_manages_a_release_by_name_and_namespace() -> None:
    (grafana,) = helm.releases([release_secret("grafana", 1, "deployed")])
    app = {"metadata": {"name": "grafana"}, "spec": {"destination": {"namespace": "monitoring"}, "source": {}}}
    renamed = {
        "metadata": {"name": "monitoring-stack"},
        "spec": {"destination": {"namespace": "monitoring"}, "source": {"helm": {"releaseName": "grafana"}}},
    }
    elsewhere = {"metadata": {"name": "grafana"}, "spec": {"destination": {"namespace": "other"}, "source": {}}}
    assert helm.managing_application(grafana, [app]) is app
    assert helm.managing_application(grafana, [renamed]) is renamed
    assert helm.managing_application(grafana, [elsewhere]) is None


def test_a_release_the_profile_prescribes_is_recognised_by_what_it_installed() -> None:
    (rook,) = helm.releases([release_secret("rook-ceph", 1, "deployed", "rook-ceph")])
    annotations = {"meta.helm.sh/release-name": "rook-ceph", "meta.helm.sh/release-namespace": "rook-ceph"}
    operator = {"metadata": {"name": "rook-ceph-operator", "namespace": "rook-ceph", "annotations": annotations}}
    assert helm.prescribing_rule(rook, [operator], {"install.rook_operator": "helm"}) == "install.rook_operator: helm"
    assert helm.prescribing_rule(rook, [operator], {"install.rook_operator": "argocd-helm"}) is None


# -- Calico images and osd-prepare states -----------------------------------------------------------
def test_image_tags() -> None:
    assert kube.image_tag("docker.io/calico/node:v3.20.2") == "v3.20.2"
    assert kube.image_tag("calico/ctl") == "latest"
    assert kube.image_tag("calico/node@sha256:abc") == "(digest)"
    assert kube.image_tag("registry:5000/calico/node") == "latest"


def prepare_pod(phase: str, state: dict, init_state: dict | None = None) -> dict:
    status: dict = {"phase": phase, "containerStatuses": [{"name": "provision", "ready": False, "state": state}]}
    if init_state is not None:
        status["initContainerStatuses"] = [{"name": "copy-bins", "ready": False, "state": init_state}]
    return {"metadata": {"name": "p", "namespace": "rook-ceph"}, "spec": {"nodeName": "server25"}, "status": status}


@pytest.mark.parametrize(
    ("pod", "failed"),
    [
        (prepare_pod("Succeeded", {"terminated": {"exitCode": 0, "reason": "Completed"}}), False),
        (prepare_pod("Running", {"running": {}}), False),
        (prepare_pod("Pending", {"waiting": {"reason": "ContainerCreating"}}), False),
        (prepare_pod("Failed", {"terminated": {"exitCode": 1, "reason": "Error"}}), True),
        (prepare_pod("Running", {"waiting": {"reason": "CrashLoopBackOff"}}), True),
        (
            prepare_pod(
                "Pending", {"waiting": {"reason": "PodInitializing"}}, {"waiting": {"reason": "CrashLoopBackOff"}}
            ),
            True,
        ),
        (prepare_pod("Pending", {"waiting": {"reason": "ImagePullBackOff"}}), True),
    ],
)
def test_prepare_pods_fail_in_states_they_do_not_leave(pod: dict, failed: bool) -> None:
    assert bool(osd.failed_prepares([pod])) is failed


def test_an_osd_deployment_without_a_pod_is_not_running() -> None:
    deployment = {
        "kind": "Deployment",
        "metadata": {"name": "rook-ceph-osd-7", "namespace": "rook-ceph", "labels": {"ceph-osd-id": "7"}},
        "spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/hostname": "server27"}}}},
    }
    count = osd.count_osds([deployment], [])
    assert (
        count.describe()
        == "0 of 1 prepared OSDs running: osd.7 on node server27 (Deployment rook-ceph/rook-ceph-osd-7: no pod)"
    )


# -- Secrets in the configuration repository ---------------------------------------------------------
SECRET_VALUE = "correct-horse-battery-staple"


def test_a_secret_with_values_in_the_repository_fails_naming_the_file_never_the_value(tmp_path: Path) -> None:

    repo = tmp_path / "k8s-config"
    shutil.copytree(REPOS / "v5-production", repo)
    (repo / "apps").mkdir(exist_ok=True)
    (repo / "apps" / "db.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\n"
        f"stringData: {{password: {SECRET_VALUE}}}\ndata: {{user: cm9vdA==, host: ZGI=}}\n"
    )
    clean = verify(VerifyRequest(ManifestsSource(REPOS / "v5-production"), "v5", "production"))
    assert {s.id: s.outcome for s in clean.scenarios}["operations.no-secrets-in-git"] is Outcome.PASSED
    result = verify(VerifyRequest(ManifestsSource(repo), "v5", "production"))
    scenario = next(s for s in result.scenarios if s.id == "operations.no-secrets-in-git")
    assert scenario.outcome is Outcome.FAILED
    assert scenario.reason.startswith("Secret apps/db (apps/db.yaml#1) carries data (2 keys), stringData (1 key)")
    assert "kubernetes-secret-generator" in scenario.remedy
    folder = write_reports(result, tmp_path / "reports")
    for written in folder.iterdir():
        text = written.read_text(encoding="utf-8")
        assert SECRET_VALUE not in text and "cm9vdA==" not in text and "password" not in text, written.name
    assert SECRET_VALUE not in json.dumps(result.to_dict())

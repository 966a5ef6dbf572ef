"""The sample configuration repositories, verified through the real features: the verdict each deserves."""

from __future__ import annotations

from pathlib import Path

import pytest

from ukic.outcome import Outcome
from ukic.result import RunResult
from ukic.run import VerifyRequest, verify
from ukic.sources.manifests import ManifestsSource

REPOS = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
SAMPLES = ["v1-development", "v2-development", "v3-production", "v4-production", "v5-production"]


def _verify(repo: str, version: str, cluster_type: str) -> RunResult:
    return verify(VerifyRequest(ManifestsSource(REPOS / repo), version, cluster_type))


def _failed(result: RunResult) -> dict[str, str]:
    return {s.name: s.reason for s in result.scenarios if s.outcome is Outcome.FAILED}


@pytest.mark.parametrize("repo", SAMPLES)
def test_each_sample_repository_conforms_to_its_version(repo: str) -> None:
    version, cluster_type = repo.split("-")
    result = _verify(repo, version, cluster_type)
    assert _failed(result) == {}
    assert result.exit_code == 0
    outcomes = {s.outcome for s in result.scenarios}
    assert Outcome.UNVERIFIABLE not in outcomes
    runtime = [s for s in result.scenarios if "runtime" in s.tags]
    assert runtime and all(s.outcome is Outcome.NOT_APPLICABLE for s in runtime)
    # (scenarios that also need SSH hosts may give that reason instead)
    assert {s.reason for s in runtime if "hosts" not in s.tags} == {"manifests carry no runtime state"}
    # what a repository can show is checked, not skipped: kubeadm subnets, BGP, pools, storage classes
    passed = {s.name for s in result.scenarios if s.outcome is Outcome.PASSED}
    assert {
        "kubeadm assigns IPv6 pod and service subnets",
        "The cluster speaks BGP from a private AS number",
        "The service network is announced over BGP",
        "Upstream peers keep the original next hop",
        "IP pools are IPv6 and use no overlay",
        "The Ceph cluster asks for the cluster type's number of monitors",
    } <= passed


def test_every_sample_notes_what_it_ignored() -> None:
    ignored = {repo: ManifestsSource(REPOS / repo).ignored for repo in SAMPLES}
    assert "apps/nextcloud/values.yaml: document 1 has no kind" in ignored["v2-development"]
    assert any(
        i.startswith("charts/ungleich-web/: 1 template and CRD file(s) of a Helm chart")
        for i in ignored["v3-production"]
    )
    assert "rook/operator-values.yaml: document 1 has no kind" in ignored["v5-production"]


@pytest.mark.parametrize(
    ("repo", "version", "cluster_type", "scenario", "expected"),
    [
        # Flux still in a v1 repository verified as v2, where it must be gone
        ("v1-development", "v2", "development", "Retired component flux is gone",
         "Deployment flux-system/kustomize-controller (flux-system/gotk-components.yaml#3.items[1])"),
        # a v3 repository (Ceph cluster through an ArgoCD chart) verified as v4 (plain manifests)
        ("v3-production", "v4", "production", "The Ceph cluster is configured the way the version prescribes",
         "CephCluster rook-ceph/rook-ceph (argocd/apps/rook-ceph-cluster.yaml#1 via chart rook-ceph-cluster)"),
        # a production repository verified as development: 5 monitors instead of 3
        ("v4-production", "v4", "development", "The Ceph cluster asks for the cluster type's number of monitors",
         "CephCluster rook-ceph/rook-ceph (rook/cluster.yaml#1): spec.mon.count is 5"),
        # a v4 repository verified as v5: no tigera-operator Installation
        ("v4-production", "v5", "production", "The tigera-operator runs Calico with BGP and without encapsulation",
         "Installation default (operator.tigera.io) does not exist"),
    ],
)  # fmt: skip
def test_a_repository_checked_against_another_version_fails_naming_file_and_object(
    repo: str, version: str, cluster_type: str, scenario: str, expected: str
) -> None:
    result = _verify(repo, version, cluster_type)
    failed = _failed(result)
    assert scenario in failed, failed
    assert expected in failed[scenario]
    assert result.exit_code == 1

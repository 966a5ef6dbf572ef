"""deploy/rbac.yaml is generated from the catalogue and grants exactly what ukic reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI
from ukic import rbac
from ukic.cli import main
from ukic.resources import CATALOG
from ukic.sources.live import LiveSource

pytest_plugins = ["tests.fakeapi.fixtures"]

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "rbac.yaml"


def cluster_role() -> dict:
    (role,) = [d for d in yaml.safe_load_all(DEPLOY.read_text()) if d["kind"] == "ClusterRole"]
    return role


def test_committed_file_equals_the_generated_one() -> None:
    assert DEPLOY.read_text() == rbac.render(), "regenerate with: ukic rbac > deploy/rbac.yaml"


def test_ukic_rbac_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rbac"]) == 0
    assert capsys.readouterr().out == DEPLOY.read_text()


def test_documents_are_a_service_account_a_role_and_its_binding() -> None:
    docs = list(yaml.safe_load_all(DEPLOY.read_text()))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Namespace", "ukic"),
        ("ServiceAccount", "ukic"),
        ("ClusterRole", "ukic-reader"),
        ("ClusterRoleBinding", "ukic-reader"),
    ]
    account, binding = docs[1], docs[3]
    assert account["metadata"]["namespace"] == "ukic"
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "ukic-reader"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ukic", "namespace": "ukic"}]


def test_role_covers_every_catalogued_resource_and_nothing_more() -> None:
    rules = cluster_role()["rules"]
    resource_rules = [r for r in rules if "resources" in r]
    granted = {(group, plural) for r in resource_rules for group in r["apiGroups"] for plural in r["resources"]}
    assert granted == {(r.group, r.plural) for r in CATALOG}
    assert all(r["verbs"] == ["get", "list"] for r in resource_rules)
    assert [r for r in rules if "resources" not in r] == [
        {"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/version"], "verbs": ["get"]}
    ]
    text = yaml.safe_dump(rules)
    for forbidden in ("'*'", "watch", "create", "update", "patch", "delete", "escalate", "bind", "impersonate"):
        assert forbidden not in text
    assert all("resourceNames" not in r for r in rules)


def test_a_cluster_enforcing_the_role_lets_ukic_read_everything_it_asks_for(
    fake: FakeKubeAPI, kubeconfig: Path
) -> None:
    fake.enforce_rbac(cluster_role()["rules"])
    source = LiveSource(kubeconfig, None)
    source.info()
    results = source.prefetch(r.key for r in CATALOG)
    assert all(isinstance(v, list) for v in results.values()), results
    assert len(results["nodes"]) == 2
    assert fake.requests and all(r.method == "GET" for r in fake.requests)


def test_the_enforcement_is_real_a_missing_rule_leaves_that_resource_unverifiable(
    fake: FakeKubeAPI, kubeconfig: Path
) -> None:
    without_calico = [r for r in cluster_role()["rules"] if r.get("apiGroups") != ["crd.projectcalico.org"]]
    fake.enforce_rbac(without_calico)
    results = LiveSource(kubeconfig, None).prefetch(["nodes", "bgppeers.crd.projectcalico.org"])
    assert len(results["nodes"]) == 2
    assert "RBAC: needs get/list on bgppeers in group crd.projectcalico.org" in str(
        results["bgppeers.crd.projectcalico.org"]
    )

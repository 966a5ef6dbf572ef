"""The install plan per version: what runs, in which order, with which documents on stdin."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ukic.cli import main
from ukic.kind.config import KindOptions
from ukic.kind.plan import Plan, build_plan
from ukic.profiles import list_profiles, select

KUBECONFIG = Path("/tmp/ukic-test/kubeconfig")


def plan_for(version: str, cluster_type: str = "development", **options: object) -> Plan:
    return build_plan(select(version, cluster_type), KindOptions(name=f"t-{version}", **options), KUBECONFIG)


def verbs(plan: Plan) -> list[str]:
    """Each step as its tool and the words that say what it does (flags and kubeconfig dropped)."""
    out = []
    for step in plan.steps:
        words = [w for w in step.argv if not w.startswith("-") and w not in (str(KUBECONFIG), plan.target.context)]
        out.append(" ".join(words[:4]))
    return out


def test_v5_plan_order() -> None:
    plan = plan_for("v5")
    assert verbs(plan) == [
        "kind create cluster t-v5",
        "helm repo add projectcalico",
        "helm install calico projectcalico/tigera-operator",
        "kubectl wait crd/bgpconfigurations.crd.projectcalico.org crd/bgppeers.crd.projectcalico.org",
        "kubectl wait node",
        "kubectl apply",  # BGP configuration
        "kubectl apply",  # calicoctl pod
        "kubectl kube-system wait pod/calicoctl",
        "kubectl create namespace argocd",
        "kubectl apply argocd https://raw.githubusercontent.com/argoproj/argo-cd/v2.1.7/manifests/install.yaml",
        "kubectl argocd wait deployment",
        "kubectl argocd rollout status",
        "kubectl create namespace argo",
        "kubectl apply argo https://github.com/argoproj/argo-workflows/releases/download/v3.1.13/install.yaml",
        "kubectl argo wait deployment",
        "helm repo add mittwald",
        "helm install kubernetes-secret-generator mittwald/kubernetes-secret-generator",
        "helm repo add rook-release",
        "helm install rook-ceph rook-release/rook-ceph",
    ]
    assert plan.installed == (
        "calico",
        "tigera-operator",
        "calicoctl",
        "argocd",
        "argo-workflows",
        "secret-generator",
        "rook-operator",
    )
    assert set(plan.not_installed) == {"certbot"}


def test_v1_installs_flux_and_rook_from_manifests_no_argo() -> None:
    plan = plan_for("v1")
    commands = [step.command for step in plan.steps]
    assert any("fluxcd/flux2/releases/download" in c for c in commands)
    assert not any("argo" in c for c in commands)
    rook = [s for s in plan.steps if "rook" in s.command]
    assert "install method manifests" in rook[0].title
    assert [a for a in rook[0].argv if a.startswith("https://")] == [
        f"https://raw.githubusercontent.com/rook/rook/v1.7.11/cluster/examples/kubernetes/ceph/{name}.yaml"
        for name in ("crds", "common", "operator")
    ]
    assert "calicoctl" not in plan.installed


def test_v3_installs_rook_through_argocd_after_argocd() -> None:
    plan = plan_for("v3")
    titles = [s.title for s in plan.steps]
    argocd_at = next(i for i, t in enumerate(titles) if t.startswith("Install Argo CD"))
    rook_at = next(i for i, t in enumerate(titles) if "Rook operator through an Argo CD Application" in t)
    assert argocd_at < rook_at
    app = yaml.safe_load(plan.steps[rook_at].stdin or "")
    assert app["kind"] == "Application" and app["spec"]["source"]["chart"] == "rook-ceph"
    assert app["spec"]["destination"]["namespace"] == "rook-ceph"
    wait = plan.steps[rook_at + 1]
    assert wait.retry_for > 0  # the operator appears only once Argo CD has synced


@pytest.mark.parametrize("version", [p.version for p in list_profiles()])
def test_every_version_installs_what_it_requires_except_what_kind_cannot_host(version: str) -> None:
    selection = select(version, "production")
    plan = plan_for(version, "production")
    required = set(selection.profile.components.require)
    assert set(plan.installed) | set(plan.not_installed) >= required
    assert not set(plan.installed) & set(selection.profile.components.forbid)
    assert plan.steps[0].argv[:3] == ("kind", "create", "cluster")
    # every command after the first talks to this cluster only, never the user's current context
    for step in plan.steps[1:]:
        if step.argv[:2] == ("helm", "repo"):
            continue
        assert str(KUBECONFIG) in step.argv and plan.target.context in step.argv, step.command


def test_calico_values_ask_for_an_ipv6_pool_with_bgp_and_no_encapsulation() -> None:
    plan = plan_for("v5", pod_subnet="2001:db8:42::/56")
    step = next(s for s in plan.steps if s.argv[:1] == ("helm",) and "install" in s.argv and "calico" in s.argv)
    assert step.argv[step.argv.index("--version") + 1] == "v3.20.2"
    assert step.argv[step.argv.index("--values") + 1] == "-"
    network = yaml.safe_load(step.stdin or "")["installation"]["calicoNetwork"]
    assert network["bgp"] == "Enabled"
    assert network["ipPools"] == [
        {
            "cidr": "2001:db8:42::/56",
            "blockSize": 122,
            "encapsulation": "None",
            "natOutgoing": "Enabled",
            "nodeSelector": "all()",
        }
    ]


def test_bgp_objects_follow_the_profile_rules() -> None:
    plan = plan_for("v4", service_subnet="2001:db8:96::/112")
    step = next(s for s in plan.steps if s.stdin_label == "bgp-config.yaml")
    config, peer = yaml.safe_load_all(step.stdin or "")
    assert config["kind"] == "BGPConfiguration" and config["metadata"]["name"] == "default"
    assert config["spec"]["nodeToNodeMeshEnabled"] is True
    assert 64512 <= config["spec"]["asNumber"] <= 65534
    assert config["spec"]["serviceClusterIPs"] == [{"cidr": "2001:db8:96::/112"}]
    assert peer["kind"] == "BGPPeer"
    assert peer["spec"]["keepOriginalNextHop"] is True
    assert peer["spec"]["peerIP"].startswith("2001:db8:")  # documentation prefix: never a real router


def test_calicoctl_pod_matches_the_catalogue() -> None:
    selection = select("v5", "development")
    component = selection.components["calicoctl"]
    step = next(s for s in plan_for("v5").steps if s.stdin_label == "calicoctl.yaml")
    pods = [d for d in yaml.safe_load_all(step.stdin or "") if d["kind"] == "Pod"]
    assert [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods] == [
        (w.namespace, w.name) for w in component.workloads
    ]
    image = pods[0]["spec"]["containers"][0]["image"]
    assert any(image.startswith(repo + ":") for repo in component.images)


def test_create_step_sends_the_rendered_config() -> None:
    plan = plan_for("v2", "production", image="kindest/node:v1.22.9")
    create = plan.steps[0]
    assert create.argv == (
        "kind",
        "create",
        "cluster",
        "--name",
        "t-v2",
        "--config",
        "-",
        "--kubeconfig",
        str(KUBECONFIG),
    )
    assert yaml.safe_load(create.stdin or "") == plan.config
    assert "3 control-plane and 3 worker nodes" in create.title


def test_not_applicable_tags_give_reasons() -> None:
    tags = plan_for("v5").not_applicable_tags
    assert "Ceph" in tags["ceph"]
    assert tags["certbot"].startswith("not installed on kind: ")


def test_printed_plan_lists_every_step_and_what_is_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kind", "plan", "--version", "v5", "--type", "production", "--kubeconfig", "/tmp/k"]) == 0
    out = capsys.readouterr().out
    plan = build_plan(select("v5", "production"), KindOptions(name="ukic-v5-production"), Path("/tmp/k"))
    for number, step in enumerate(plan.steps, 1):
        assert f"{number:>2}. {step.title}" in out
        assert f"$ {step.command}" in out
    assert "certbot: ungleich-certbot needs a public DNS name" in out
    assert "@ceph:" in out
    assert "< calico-values.yaml" in out

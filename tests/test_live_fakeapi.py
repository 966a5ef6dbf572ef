"""The fake API is faithful: the official kubernetes client (which validates strictly) accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI

pytest_plugins = ["tests.fakeapi.fixtures"]


@pytest.fixture
def official(fake_tls: FakeKubeAPI, kubeconfig_tls: Path):
    kubernetes = pytest.importorskip("kubernetes")
    return kubernetes.config.new_client_from_config(str(kubeconfig_tls), persist_config=False)


def test_version_has_every_field_the_official_client_requires(official) -> None:
    from kubernetes import client

    info = client.VersionApi(official).get_code()
    assert (info.major, info.minor, info.git_version) == ("1", "30", "v1.30.2")
    assert info.platform == "linux/amd64" and info.go_version and info.build_date and info.compiler


def test_discovery_documents_parse(official) -> None:
    from kubernetes import client

    assert client.CoreApi(official).get_api_versions().versions == ["v1"]
    groups = {g.name: g for g in client.ApisApi(official).get_api_versions().groups}
    assert groups["crd.projectcalico.org"].preferred_version.group_version == "crd.projectcalico.org/v1"
    core = client.CoreV1Api(official).get_api_resources()
    assert {"nodes", "pods", "secrets", "pods/log"} <= {r.name for r in core.resources}


def test_list_with_label_selector_and_paging(official) -> None:
    from kubernetes import client

    api = client.CoreV1Api(official)
    first = api.list_node(limit=1)
    assert [n.metadata.name for n in first.items] == ["server1"]
    assert first.metadata._continue and first.metadata.remaining_item_count == 1
    second = api.list_node(limit=1, _continue=first.metadata._continue)
    assert [n.metadata.name for n in second.items] == ["server2"] and not second.metadata._continue
    control = api.list_node(label_selector="node-role.kubernetes.io/control-plane")
    assert [n.metadata.name for n in control.items] == ["server1"]
    workers = api.list_node(label_selector="!node-role.kubernetes.io/control-plane")
    assert [n.metadata.name for n in workers.items] == ["server2"]
    pods = api.list_namespaced_pod(
        "kube-system", label_selector="k8s-app in (calico-node)", field_selector="spec.nodeName=server2"
    )
    assert [p.metadata.name for p in pods.items] == ["calico-node-2"]


def test_get_core_and_custom_objects(official) -> None:
    from kubernetes import client

    pod = client.CoreV1Api(official).read_namespaced_pod("calico-node-1", "kube-system")
    assert pod.spec.node_name == "server1"
    peer = client.CustomObjectsApi(official).get_cluster_custom_object(
        "crd.projectcalico.org", "v1", "bgppeers", "router1"
    )
    assert peer["spec"]["asNumber"] == 65534
    peers = client.CustomObjectsApi(official).list_cluster_custom_object("crd.projectcalico.org", "v1", "bgppeers")
    assert [p["kind"] for p in peers["items"]] == ["BGPPeer"]
    with pytest.raises(client.ApiException) as missing:
        client.CoreV1Api(official).read_node("no-such-node")
    assert missing.value.status == 404


@pytest.mark.parametrize("path", ["/api/", "/apis/", "/api/v1/", "/apis/apps/v1/", "/version/", "/apis/apps/"])
def test_discovery_paths_answer_with_and_without_trailing_slash(fake: FakeKubeAPI, path: str) -> None:
    import json
    import urllib.request

    def get(p: str) -> dict:
        request = urllib.request.Request(fake.url + p, headers={"Authorization": "Bearer fake-token"})
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    assert get(path) == get(path.rstrip("/"))


def test_builtin_list_items_omit_apiversion_and_kind_like_the_real_server(fake: FakeKubeAPI) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(fake.url + "/api/v1/nodes", headers={"Authorization": "Bearer fake-token"})
    with urllib.request.urlopen(request) as answer:
        body = json.load(answer)
    assert body["kind"] == "NodeList" and body["apiVersion"] == "v1"
    assert all("kind" not in item and "apiVersion" not in item for item in body["items"])

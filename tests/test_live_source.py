"""LiveSource against a real HTTP server speaking the Kubernetes API (tests/fakeapi)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from tests.fakeapi.objects import SECRET_VALUE, tiny_cluster
from ukic.cli import main
from ukic.errors import SourceError
from ukic.kubeapi import kubeconfig as kubeconfig_module
from ukic.resources import CATALOG
from ukic.sources.base import ResourceUnavailable
from ukic.sources.live import LiveSource

pytest_plugins = ["tests.fakeapi.fixtures"]


def test_info_names_server_context_cluster_and_version(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    info = LiveSource(kubeconfig, None).info()
    assert info.kind == "live"
    assert info.location == fake.url
    assert (info.cluster_name, info.context, info.server_version) == ("fake", "fake-admin@fake", "v1.30.2")
    assert info.captured_at and info.captured_at.endswith("Z")


def test_the_facts_are_dated_by_the_api_servers_clock(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    # the clock a pod's deletionTimestamp is set by: a replayed 2021 snapshot answers with its capture time
    fake.clock = datetime(2021, 11, 6, 21, 50, tzinfo=UTC)
    assert LiveSource(kubeconfig, None).info().captured_at == "2021-11-06T21:50:00Z"
    fake.clock = None  # the fake's real Date header: now
    stamp = LiveSource(kubeconfig, None).info().captured_at
    assert stamp is not None
    assert abs(datetime.fromisoformat(stamp.replace("Z", "+00:00")) - datetime.now(UTC)) < timedelta(minutes=1)


def test_lists_core_and_custom_resources_with_apiversion_and_kind(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    source = LiveSource(kubeconfig, None)
    nodes = source.list("nodes")
    assert [(n["apiVersion"], n["kind"], n["metadata"]["name"]) for n in nodes] == [
        ("v1", "Node", "server1"),
        ("v1", "Node", "server2"),
    ]
    peers = source.list("bgppeers.crd.projectcalico.org")
    assert [(p["apiVersion"], p["kind"]) for p in peers] == [("crd.projectcalico.org/v1", "BGPPeer")]


def test_each_resource_is_fetched_once_and_discovery_runs_once(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    source = LiveSource(kubeconfig, None)
    source.prefetch(["nodes", "pods"])
    source.list("nodes")
    source.list("ippools.crd.projectcalico.org")
    source.prefetch(["nodes", "ippools.crd.projectcalico.org"])
    paths = [r.path for r in fake.requests]
    assert paths.count("/api/v1/nodes") == 1 and paths.count("/apis/crd.projectcalico.org/v1/ippools") == 1
    assert paths.count("/api") == 1 and paths.count("/apis") == 1  # aggregated discovery: nothing more
    assert not [p for p in paths if p in ("/api/v1", "/apis/crd.projectcalico.org/v1")]


def test_paging_follows_continue_until_the_end(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.objects["configmaps"] = [
        {"metadata": {"name": f"cm{i:04d}", "namespace": "default"}, "data": {"i": str(i)}} for i in range(1234)
    ]
    items = LiveSource(kubeconfig, None).list("configmaps")
    assert [i["metadata"]["name"] for i in items] == [f"cm{i:04d}" for i in range(1234)]
    pages = [r for r in fake.requests if r.path == "/api/v1/configmaps"]
    assert len(pages) == 3
    assert all("limit=500" in r.query for r in pages)
    assert ["continue=" in r.query for r in pages] == [False, True, True]


def test_an_expired_continue_token_restarts_the_list_once(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.objects["configmaps"] = [{"metadata": {"name": f"cm{i}", "namespace": "a"}} for i in range(700)]
    fake.expire_continue("configmaps")
    assert len(LiveSource(kubeconfig, None).list("configmaps")) == 700
    assert len([r for r in fake.requests if r.path == "/api/v1/configmaps"]) == 4  # page, 410, page, page


def test_a_group_the_server_does_not_serve_means_none_exist(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.unserve_group("crd.projectcalico.org")
    source = LiveSource(kubeconfig, None)
    assert source.list("bgppeers.crd.projectcalico.org") == []
    assert source.list("installations.operator.tigera.io") == []  # never served at all
    assert not [r for r in fake.requests if "projectcalico" in r.path or "tigera" in r.path]


def test_a_resource_found_only_in_a_non_preferred_version_is_still_listed(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.objects["ippools.crd.projectcalico.org"][0]["apiVersion"] = "crd.projectcalico.org/v3"
    source = LiveSource(kubeconfig, None)
    assert [i["apiVersion"] for i in source.list("ippools.crd.projectcalico.org")] == ["crd.projectcalico.org/v3"]
    assert [i["apiVersion"] for i in source.list("bgppeers.crd.projectcalico.org")] == ["crd.projectcalico.org/v1"]
    paths = [r.path for r in fake.requests]
    assert "/apis/crd.projectcalico.org/v3/ippools" in paths


def test_forbidden_resource_is_unavailable_with_the_missing_permission(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.forbid("bgppeers.crd.projectcalico.org")
    fake.forbid("secrets")
    source = LiveSource(kubeconfig, None)
    results = source.prefetch(["nodes", "bgppeers.crd.projectcalico.org", "secrets"])
    assert len(results["nodes"]) == 2
    gap = results["bgppeers.crd.projectcalico.org"]
    assert isinstance(gap, ResourceUnavailable)
    assert gap.reason == (
        "forbidden: cannot list bgppeers.crd.projectcalico.org "
        "(RBAC: needs get/list on bgppeers in group crd.projectcalico.org)"
    )
    with pytest.raises(ResourceUnavailable, match=r'needs get/list on secrets in the core API group \(""\)'):
        source.list("secrets")


def test_secrets_are_requested_and_kept_as_metadata_only(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    secrets = LiveSource(kubeconfig, None).list("secrets")
    assert secrets == [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": "sh.helm.release.v1.rook-ceph.v1",
                "namespace": "rook-ceph",
                "labels": {"owner": "helm", "name": "rook-ceph"},
            },
        }
    ]
    (request,) = [r for r in fake.requests if r.path == "/api/v1/secrets"]
    assert request.accept.startswith("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")


def test_secret_data_is_stripped_even_when_the_server_ignores_the_metadata_request(
    fake: FakeKubeAPI, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ukic.kubeapi.paging.METADATA_ONLY", "application/json")
    (secret,) = LiveSource(kubeconfig, None).list("secrets")
    assert "data" not in secret and SECRET_VALUE not in repr(secret)
    assert secret["metadata"]["name"] == "sh.helm.release.v1.rook-ceph.v1"


def test_prefetch_is_concurrent(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    source = LiveSource(kubeconfig, None, concurrency=8)
    source.prefetch([])  # discovery
    fake.latency = 0.2
    keys = [r.key for r in CATALOG][:8]
    started = time.perf_counter()
    results = source.prefetch(keys)
    elapsed = time.perf_counter() - started
    assert set(results) == set(keys)
    assert elapsed < 0.2 * len(keys) / 2, f"8 lists of 0.2 s took {elapsed:.2f} s: not concurrent"


def test_500_then_success_is_retried(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.fail("nodes", 500, times=1)
    assert len(LiveSource(kubeconfig, None).list("nodes")) == 2
    assert [r.path for r in fake.requests].count("/api/v1/nodes") == 2


def test_429_waits_as_long_as_retry_after_says(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    source = LiveSource(kubeconfig, None)
    source.prefetch([])
    fake.fail("nodes", 429, times=1, retry_after="1")
    started = time.perf_counter()
    assert len(source.list("nodes")) == 2
    assert time.perf_counter() - started >= 1.0


def test_a_dropped_connection_is_retried(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.drop("nodes", times=1)
    assert len(LiveSource(kubeconfig, None).list("nodes")) == 2
    assert [r.path for r in fake.requests].count("/api/v1/nodes") == 2


def test_persistent_server_errors_make_only_that_resource_unavailable(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.fail("pods", 503, times=None)
    source = LiveSource(kubeconfig, None, retries=2)
    with pytest.raises(ResourceUnavailable) as gap:
        source.list("pods")
    assert gap.value.reason == f"cannot list pods: {fake.url} answered 503 injected fault: 503 after 3 attempts"
    assert len(source.list("nodes")) == 2


def test_a_hanging_response_times_out_with_one_line(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.hang("nodes", seconds=5)
    source = LiveSource(kubeconfig, None, read_timeout=0.5)
    with pytest.raises(SourceError) as error:
        source.list("nodes")
    assert error.value.message == (
        f"timed out after 0.5 s waiting for {fake.url}/api/v1/nodes?limit=500 (see --read-timeout)"
    )


def test_malformed_json_is_a_source_error_naming_the_url(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.malformed("nodes")
    with pytest.raises(SourceError, match=r"^malformed JSON from http://127\.0\.0\.1:\d+/api/v1/nodes\?limit=500: "):
        LiveSource(kubeconfig, None).list("nodes")


def test_a_rejected_token_is_a_source_error_without_the_token(fake: FakeKubeAPI, tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "kc", fake.url, token="wrong-secret-token")
    with pytest.raises(SourceError) as error:
        LiveSource(config, None).list("nodes")
    assert error.value.message == (
        f"unauthorized (401) at {fake.url}: the credentials of context 'fake-admin@fake' "
        f"in kubeconfig {config} were rejected"
    )
    assert "wrong-secret-token" not in error.value.message


def test_tls_with_the_kubeconfig_ca_works(fake_tls: FakeKubeAPI, kubeconfig_tls: Path) -> None:
    assert len(LiveSource(kubeconfig_tls, None).list("nodes")) == 2


def test_tls_with_a_ca_file_path_relative_to_the_kubeconfig(fake_tls: FakeKubeAPI, tmp_path: Path) -> None:
    assert fake_tls.tls is not None
    (tmp_path / "ca.crt").write_bytes(fake_tls.tls.ca.read_bytes())
    config = write_kubeconfig(tmp_path / "kc", fake_tls.url, ca_file=Path("ca.crt"), embed_ca=False)
    assert len(LiveSource(config, None).list("nodes")) == 2


def test_kubeconfig_env_lists_files_merged_like_kubectl(
    fake: FakeKubeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_kubeconfig(tmp_path / "a", "http://127.0.0.1:9", context="other", cluster="other")
    second = write_kubeconfig(tmp_path / "b", fake.url, context="lab", cluster="lab")
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path / 'missing'}:{first}:{second}")
    source = LiveSource(None, "lab")
    assert source.info().cluster_name == "lab" and len(source.list("nodes")) == 2
    assert LiveSource(None, None).context == "other"  # the first current-context wins


def test_in_cluster_service_account(fake_tls: FakeKubeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fake_tls.tls is not None
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text("fake-token")
    (account / "ca.crt").write_bytes(fake_tls.tls.ca.read_bytes())
    monkeypatch.setattr(kubeconfig_module, "SERVICE_ACCOUNT_DIR", account)
    monkeypatch.setattr(kubeconfig_module, "DEFAULT_KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    host, port = fake_tls.url.removeprefix("https://").split(":")
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    source = LiveSource(None, None)
    info = source.info()
    assert info.location == f"{fake_tls.url} (in-cluster service account)" and info.context is None
    assert len(source.list("nodes")) == 2


def exec_kubeconfig(path: Path, server: str, command: str) -> Path:
    import yaml

    doc = yaml.safe_load(write_kubeconfig(path, server, token=None).read_text())
    doc["users"][0]["user"] = {
        "exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": command, "interactiveMode": "Never"}
    }
    path.write_text(yaml.safe_dump(doc))
    return path


def test_an_exec_credentials_plugin_supplies_the_token(fake: FakeKubeAPI, tmp_path: Path) -> None:
    plugin = tmp_path / "kubelogin"
    plugin.write_text(
        "#!/bin/sh\n"
        'echo \'{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",'
        ' "status": {"token": "fake-token"}}\'\n'
    )
    plugin.chmod(0o755)
    config = exec_kubeconfig(tmp_path / "kc", fake.url, str(plugin))
    assert len(LiveSource(config, None).list("nodes")) == 2


def test_a_failing_credentials_plugin_is_one_usage_line(fake: FakeKubeAPI, tmp_path: Path) -> None:
    from ukic.errors import UsageError

    config = exec_kubeconfig(tmp_path / "kc", fake.url, str(tmp_path / "no-such-plugin"))
    with pytest.raises(UsageError) as error:
        LiveSource(config, None)
    assert error.value.message == (
        f"kubeconfig {config}: user 'fake-admin': credential plugin {tmp_path / 'no-such-plugin'}: not found"
    )
    assert fake.requests == []


def test_pods_are_projected_page_by_page_but_capture_keeps_them_whole(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path
) -> None:
    pod = {
        "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "nodeName": "server22",
            "containers": [{"name": "web", "image": "nginx:1.21", "env": [{"name": "A"}]}],
        },
        "status": {"phase": "Running"},
    }
    fake.reset({**tiny_cluster(), "pods": [pod]})
    (slim,) = LiveSource(kubeconfig, None).list("pods")
    assert slim["spec"] == {"nodeName": "server22", "containers": [{"name": "web", "image": "nginx:1.21"}]}
    (whole,) = LiveSource(kubeconfig, None, project=False).list("pods")
    assert whole["spec"]["containers"][0]["env"] == [{"name": "A"}]
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(tmp_path / "snap")]) == 0
    assert '"env": [' in (tmp_path / "snap" / "pods.json").read_text()


def test_a_server_paging_forever_with_new_tokens_is_stopped_after_the_page_cap(
    fake: FakeKubeAPI, kubeconfig: Path
) -> None:
    from ukic.kubeapi.http import ApiClient
    from ukic.kubeapi.kubeconfig import load_target
    from ukic.kubeapi.paging import list_collection

    fake.page_forever("nodes", same_token=False)
    client = ApiClient(load_target(kubeconfig, None).endpoint)
    with pytest.raises(SourceError, match=r"/api/v1/nodes is still paging after 25 pages of 500: giving up"):
        list_collection(client, "/api/v1/nodes", max_pages=25)
    assert len([r for r in fake.requests if r.path == "/api/v1/nodes"]) == 25

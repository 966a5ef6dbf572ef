"""Discovery: aggregated (apidiscovery.k8s.io, two requests) where the server offers it, the plain
per-group documents where it does not, and the same facts either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from tests.fakeapi.objects import tiny_cluster
from ukic.kubeapi.discovery import AGGREGATED_ACCEPT
from ukic.resources import CATALOG
from ukic.sources.base import ResourceUnavailable
from ukic.sources.live import LiveSource

#: Kubernetes 1.26+ (aggregated discovery, v2 since 1.30, v2beta1 1.26-1.32) and an older server.
SERVERS = {"v2": ("v2",), "v2beta1": ("v2beta1",), "older": ()}


@pytest.fixture(params=list(SERVERS), scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[FakeKubeAPI]:
    with FakeKubeAPI(tiny_cluster(), aggregated_discovery=SERVERS[request.param]) as api:
        yield api


@pytest.fixture
def api(server: FakeKubeAPI) -> FakeKubeAPI:
    server.reset(tiny_cluster())
    return server


def everything(api: FakeKubeAPI, tmp_path: Path) -> dict[str, object]:
    """What a live source reads of every catalogued resource: its items, or why it cannot."""
    source = LiveSource(write_kubeconfig(tmp_path / "kubeconfig", api.url), None)
    try:
        fetched = source.prefetch(r.key for r in CATALOG)
    finally:
        source.close()
    return {k: v.reason if isinstance(v, ResourceUnavailable) else v for k, v in fetched.items()}


def discovery_paths(api: FakeKubeAPI) -> list[str]:
    return [r.path for r in api.requests if "limit=" not in r.query and r.path != "/version"]


def test_aggregated_discovery_is_two_requests_and_the_older_way_reads_each_group(
    api: FakeKubeAPI, tmp_path: Path
) -> None:
    everything(api, tmp_path)
    paths = discovery_paths(api)
    if api.aggregated_discovery:
        assert sorted(paths) == ["/api", "/apis"]
    else:
        groups = {r.group for r in CATALOG if r.key in api.objects}
        assert "/api/v1" in paths and {f"/apis/{g}/v1" for g in groups - {""}} <= set(paths)
    roots = [r for r in api.requests if r.path in ("/api", "/apis")]
    assert {r.accept for r in roots} == {AGGREGATED_ACCEPT}


def test_both_ways_find_the_same_objects(api: FakeKubeAPI, tmp_path: Path) -> None:
    older = FakeKubeAPI(tiny_cluster(), aggregated_discovery=())
    with older:
        expected = everything(older, tmp_path / "older")
    assert everything(api, tmp_path) == expected


def test_a_group_whose_api_server_is_down_is_unavailable_by_name(api: FakeKubeAPI, tmp_path: Path) -> None:
    api.make_stale("crd.projectcalico.org")
    got = everything(api, tmp_path)
    reason = got["bgppeers.crd.projectcalico.org"]
    assert isinstance(reason, str) and "crd.projectcalico.org" in reason
    assert isinstance(got["nodes"], list) and got["nodes"]  # the rest is read as usual


def test_a_group_the_server_does_not_serve_has_no_objects(api: FakeKubeAPI, tmp_path: Path) -> None:
    api.unserve_group("crd.projectcalico.org")
    assert everything(api, tmp_path)["bgppeers.crd.projectcalico.org"] == []

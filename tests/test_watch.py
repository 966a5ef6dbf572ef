"""Watching collections through the fake API: events, bookmarks, 410 Gone both ways, metadata only, GET only."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI
from tests.fakeapi.objects import SECRET_VALUE, tiny_cluster
from ukic.kubeapi.http import ApiClient, ApiStatusError
from ukic.kubeapi.kubeconfig import load_target
from ukic.kubeapi.watch import Watch, WatchEvent, WatchExpired, current_resource_version
from ukic.rbac import rules
from ukic.serve.watchers import ClusterWatchers
from ukic.sources.live import LiveSource, WatchPoint

pytest_plugins = ["tests.fakeapi.fixtures"]

POOLS = "/apis/crd.projectcalico.org/v1/ippools"


def client_for(kubeconfig: Path) -> ApiClient:
    return ApiClient(load_target(kubeconfig, None).endpoint, read_timeout=10)


def later(seconds: float, action) -> None:
    threading.Timer(seconds, action).start()


def pool(mode: str) -> dict:
    obj = tiny_cluster()["ippools.crd.projectcalico.org"][0]
    obj["spec"]["ipipMode"] = mode
    return obj


def test_events_then_bookmarks_move_the_resource_version(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    fake.bookmark_interval = 0.3
    client = client_for(kubeconfig)
    start = current_resource_version(client, POOLS)
    later(0.5, lambda: fake.put("ippools.crd.projectcalico.org", pool("Always")))
    events = list(Watch(client, POOLS, start, timeout_seconds=2))
    kinds = [e.type for e in events]
    assert "MODIFIED" in kinds and kinds[-1] == "BOOKMARK"
    modified = next(e for e in events if e.type == "MODIFIED")
    assert modified.name == "default-ipv6-ippool" and modified.resource_version != start
    assert events[-1].resource_version == modified.resource_version  # nothing changed since
    assert {r.method for r in fake.requests} == {"GET"}


def test_resuming_from_the_last_version_replays_only_what_came_after(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    client = client_for(kubeconfig)
    start = current_resource_version(client, POOLS)
    fake.put("ippools.crd.projectcalico.org", pool("Always"))
    seen = list(Watch(client, POOLS, start, timeout_seconds=1))
    resumed_from = [e for e in seen if e.type == "MODIFIED"][-1].resource_version
    fake.put("ippools.crd.projectcalico.org", pool("CrossSubnet"))
    fake.delete("ippools.crd.projectcalico.org", "default-ipv6-ippool")
    assert resumed_from is not None
    replay = [e.type for e in Watch(client, POOLS, resumed_from, timeout_seconds=1) if e.type != "BOOKMARK"]
    assert replay == ["MODIFIED", "DELETED"]


def test_a_compacted_version_is_410_as_an_error_event_and_as_a_status(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    client = client_for(kubeconfig)
    start = current_resource_version(client, POOLS)
    fake.history.expire()
    with pytest.raises(WatchExpired, match="too old resource version"):
        list(Watch(client, POOLS, start, timeout_seconds=1))
    fake.gone("ippools.crd.projectcalico.org")
    with pytest.raises(WatchExpired, match="410"):
        list(Watch(client, POOLS, current_resource_version(client, POOLS), timeout_seconds=1))
    assert list(Watch(client, POOLS, current_resource_version(client, POOLS), timeout_seconds=1)) is not None


def test_secrets_are_watched_as_metadata_only(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    client = client_for(kubeconfig)
    start = current_resource_version(client, "/api/v1/secrets")
    secret = tiny_cluster()["secrets"][0]
    secret["data"] = {"release": SECRET_VALUE + "Cg=="}
    fake.put("secrets", secret)
    watch = Watch(client, "/api/v1/secrets", start, timeout_seconds=1)
    events = list(watch)
    assert [e.type for e in events if e.type != "BOOKMARK"] == ["MODIFIED"]
    assert all(SECRET_VALUE not in repr(e) for e in events)
    watches = [r for r in fake.requests if "watch=1" in r.query]
    assert watches and all("as=PartialObjectMetadata;" in r.accept for r in watches)


def test_closing_the_client_ends_a_stream_from_another_thread(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    client = client_for(kubeconfig)
    watch = Watch(client, POOLS, current_resource_version(client, POOLS), timeout_seconds=60)
    started = time.monotonic()
    later(0.5, client.close)
    list(watch)
    assert time.monotonic() - started < 5


def test_live_source_keeps_where_to_resume_each_list(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    source = LiveSource(kubeconfig, None)
    source.prefetch(["nodes", "ippools.crd.projectcalico.org"])
    points = source.watch_points()
    assert set(points) == {"nodes", "ippools.crd.projectcalico.org"}
    assert points["ippools.crd.projectcalico.org"] == WatchPoint(POOLS, str(fake.history.current))
    source.close()


def test_watchers_report_changes_and_a_watch_rbac_does_not_grant(fake: FakeKubeAPI, kubeconfig: Path) -> None:
    changes: list[str] = []
    problems: list[str] = []
    version = str(fake.history.current)
    fake.enforce_rbac([*rules(verbs=("get", "list")), {"apiGroups": [""], "resources": ["nodes"], "verbs": ["watch"]}])
    watchers = ClusterWatchers(client_for(kubeconfig), changes.append, problems.append, seconds=5)
    try:
        watchers.ensure(
            {"nodes": WatchPoint("/api/v1/nodes", version), "ippools.crd.projectcalico.org": WatchPoint(POOLS, version)}
        )
        node = tiny_cluster()["nodes"][0]
        node["spec"]["unschedulable"] = True
        fake.put("nodes", node)
        deadline = time.monotonic() + 10
        while (not changes or not problems) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        watchers.close()
    assert changes == ["nodes: modified server1"]
    assert problems == [
        "watch of ippools.crd.projectcalico.org forbidden (RBAC: needs watch on ippools in group "
        "crd.projectcalico.org); changes to it are seen at the next interval only"
    ]


def test_an_error_event_other_than_410_is_a_status_error() -> None:
    from ukic.kubeapi.watch import _event

    with pytest.raises(ApiStatusError):
        _event(b'{"type": "ERROR", "object": {"kind": "Status", "code": 500, "message": "boom"}}', "u")
    assert _event(b'{"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "7"}}}', "u") == WatchEvent(
        "BOOKMARK", "7"
    )

"""Read-only by construction: nothing but GET ever reaches the cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI
from ukic.cli import main
from ukic.kubeapi.http import ApiClient, Endpoint, ReadOnlyViolation

pytest_plugins = ["tests.fakeapi.fixtures"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post", "HEAD", "OPTIONS", "CONNECT"])
def test_the_http_layer_refuses_every_other_method_before_sending(fake: FakeKubeAPI, method: str) -> None:
    client = ApiClient(Endpoint(server=fake.url, origin="test"))
    with pytest.raises(ReadOnlyViolation, match=f"refused to send {method} "):
        client.request(method, fake.url + "/api/v1/namespaces/default/configmaps")
    assert fake.requests == []


def test_the_http_layer_talks_to_its_own_server_only(fake: FakeKubeAPI) -> None:
    client = ApiClient(Endpoint(server=fake.url, origin="test"))
    with pytest.raises(ReadOnlyViolation, match=r"refused to send a request to http://example\.invalid/"):
        client.request("GET", "http://example.invalid/api")


def test_a_full_verify_and_capture_send_only_get(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--kubeconfig", str(kubeconfig), "--no-reports", "--color", "never"]) in (0, 1, 2)
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(tmp_path / "snap")]) == 0
    methods = {r.method for r in fake.requests}
    assert methods == {"GET"}, fake.requests
    assert len(fake.requests) > 20

"""pytest fixtures for the fake API: one running server per session, reset before each test.

Use from a test module with ``pytest_plugins = ["tests.fakeapi.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeapi.kubeconfig import write_kubeconfig
from tests.fakeapi.objects import tiny_cluster
from tests.fakeapi.server import FakeKubeAPI
from tests.fakeapi.tls import TLSFiles, make_certificates


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    pytest.importorskip("trustme", reason="trustme makes the test certificates: pip install -e '.[test]'")
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def _plain_server() -> Iterator[FakeKubeAPI]:
    with FakeKubeAPI(tiny_cluster()) as api:
        yield api


@pytest.fixture(scope="session")
def _tls_server(tls_files: TLSFiles) -> Iterator[FakeKubeAPI]:
    with FakeKubeAPI(tiny_cluster(), tls=tls_files) as api:
        yield api


@pytest.fixture
def fake(_plain_server: FakeKubeAPI) -> FakeKubeAPI:
    """The plain-HTTP fake serving the tiny cluster, faults and log cleared."""
    _plain_server.reset(tiny_cluster())
    return _plain_server


@pytest.fixture
def fake_tls(_tls_server: FakeKubeAPI) -> FakeKubeAPI:
    """The HTTPS fake (certificate from a test CA) serving the tiny cluster."""
    _tls_server.reset(tiny_cluster())
    return _tls_server


@pytest.fixture
def kubeconfig(fake: FakeKubeAPI, tmp_path: Path) -> Path:
    """A kubeconfig for the plain fake with its token."""
    return write_kubeconfig(tmp_path / "kubeconfig", fake.url)


@pytest.fixture
def kubeconfig_tls(fake_tls: FakeKubeAPI, tmp_path: Path) -> Path:
    """A kubeconfig for the HTTPS fake that trusts its certificate."""
    assert fake_tls.tls is not None
    return write_kubeconfig(tmp_path / "kubeconfig-tls", fake_tls.url, ca_file=fake_tls.tls.ca)

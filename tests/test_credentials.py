"""Kubeconfig credentials read as kubectl reads them, and never left behind (ukic.kubeapi.credentials)."""

from __future__ import annotations

import base64
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI, TLSFiles, write_kubeconfig
from tests.fakeapi.objects import tiny_cluster
from ukic.errors import UsageError
from ukic.kubeapi import credentials
from ukic.redact import redact
from ukic.sources.live import LiveSource

pytest_plugins = ["tests.fakeapi.fixtures"]


def kubeconfig(path: Path, server: str, user: dict[str, Any], **cluster: Any) -> Path:
    doc = yaml.safe_load(write_kubeconfig(path, server, token=None).read_text())
    doc["users"][0]["user"] = user
    doc["clusters"][0]["cluster"].update(cluster)
    path.write_text(yaml.safe_dump(doc))
    return path


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR for the test: whatever ukic leaves in a temporary folder shows up here."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(scope="module")
def fake_mtls(tls_files: TLSFiles) -> Iterator[FakeKubeAPI]:
    """An HTTPS fake that, like kube-apiserver with admin.conf, knows its client by certificate alone."""
    with FakeKubeAPI(tiny_cluster(), tls=tls_files.demanding_client_cert(), token=None) as api:
        yield api


@pytest.mark.parametrize("content", ["fake-token\n", "  fake-token \r\n", "fake-token"])
def test_a_token_file_is_trimmed_like_kubectl(content: str, fake: FakeKubeAPI, tmp_path: Path) -> None:
    (tmp_path / "token").write_text(content)
    config = kubeconfig(tmp_path / "kc", fake.url, {"tokenFile": "token"})  # relative to the kubeconfig
    assert len(LiveSource(config, None).list("nodes")) == 2


def test_an_inline_token_with_a_newline_is_trimmed(fake: FakeKubeAPI, tmp_path: Path) -> None:
    config = kubeconfig(tmp_path / "kc", fake.url, {"token": "fake-token\n"})
    assert len(LiveSource(config, None).list("nodes")) == 2


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"tokenFile": "absent"}, "tokenFile {dir}/absent: no such file"),
        ({"tokenFile": "empty"}, "tokenFile {dir}/empty: the file is empty"),
        ({"tokenFile": "/dev/zero"}, "tokenFile /dev/zero: not a regular file"),
        ({"tokenFile": "two-lines"}, "tokenFile {dir}/two-lines: holds a line break or another character"),
        ({"token": "secret-line-1\nsecret-2"}, "token holds a line break or another character"),
        ({"token": "s\u00e9cret-\u4e2d-9f8e"}, "token holds a line break or another character"),
        ({"client-key-data": "not base64!"}, "client-key-data is not valid base64"),
        ({"auth-provider": {"name": "oidc"}}, "auth-provider credentials are not supported"),
        ({"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1alpha1"}}, "exec: apiVersion"),
    ],
)
def test_a_bad_user_field_is_one_line_naming_file_user_and_field(
    user: dict[str, Any], message: str, fake: FakeKubeAPI, tmp_path: Path
) -> None:
    (tmp_path / "empty").write_text("\n")
    (tmp_path / "two-lines").write_text("secret-line-1\nsecret-2\n")
    config = kubeconfig(tmp_path / "kc", fake.url, user)
    with pytest.raises(UsageError) as error:
        LiveSource(config, None)
    assert error.value.message.startswith(f"kubeconfig {config}: user 'fake-admin': {message.format(dir=tmp_path)}")
    assert "secret-" not in error.value.message and "9f8e" not in error.value.message
    assert fake.requests == []


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ({"certificate-authority-data": "%%%"}, "certificate-authority-data is not valid base64"),
        ({"certificate-authority-data": b64(b"just text")}, "certificate-authority: not a PEM certificate"),
    ],
)
def test_a_bad_certificate_authority_is_one_line_naming_the_field(
    cluster: dict[str, Any], message: str, fake_tls: FakeKubeAPI, tmp_path: Path
) -> None:
    config = kubeconfig(tmp_path / "kc", fake_tls.url, {"token": "fake-token"}, **cluster)
    with pytest.raises(UsageError) as error:
        LiveSource(config, None)
    assert error.value.message == f"kubeconfig {config}: cluster 'fake': {message}"


def test_a_client_key_is_used_from_memory_and_never_written(
    fake_mtls: FakeKubeAPI, tls_files: TLSFiles, tmp_path: Path, private_tmp: Path
) -> None:
    key = tls_files.client_key.read_bytes()
    user = {"client-certificate-data": b64(tls_files.client_cert.read_bytes()), "client-key-data": b64(key)}
    config = kubeconfig(
        tmp_path / "kc", fake_mtls.url, user, **{"certificate-authority-data": b64(tls_files.ca.read_bytes())}
    )
    source = LiveSource(config, None)
    assert len(source.list("nodes")) == 2
    source.close()
    assert list(private_tmp.iterdir()) == []
    body = key.decode().splitlines()[1]
    assert redact(f"leaked {body}") == "leaked <redacted>"  # the key is hunted in every output from now on


def test_without_memfd_the_key_lives_in_a_private_folder_only_while_it_is_loaded(
    tls_files: TLSFiles, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "memfd_create")
    seen = []
    with credentials.memory_file(tls_files.client_key.read_bytes(), "client-key") as path:
        folder = Path(path).parent
        seen.append((folder.parent, oct(folder.stat().st_mode & 0o777), Path(path).read_bytes()))
    assert seen == [(private_tmp, "0o700", tls_files.client_key.read_bytes())]
    assert list(private_tmp.iterdir()) == []


def test_a_client_certificate_without_its_key_is_named(
    fake_tls: FakeKubeAPI, tls_files: TLSFiles, tmp_path: Path
) -> None:
    user = {"client-certificate-data": b64(tls_files.client_cert.read_bytes())}
    config = kubeconfig(tmp_path / "kc", fake_tls.url, user)
    with pytest.raises(UsageError, match="client-certificate and client-key must be given together"):
        LiveSource(config, None)


def exec_user(plugin: Path, api_version: str = "client.authentication.k8s.io/v1") -> dict[str, Any]:
    return {"exec": {"apiVersion": api_version, "command": str(plugin), "interactiveMode": "Never"}}


def python_plugin(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\nimport json, os, sys, time\n{body}\n")
    path.chmod(0o755)
    return path


def stopped_plugin(fake: FakeKubeAPI, tmp_path: Path, body: str, exec_timeout: float, within: float) -> str:
    """The one-line error a plugin running ``body`` ends in, asserted to come within ``within`` seconds."""
    plugin = python_plugin(tmp_path / "kubelogin", body)
    config = kubeconfig(tmp_path / "kc", fake.url, exec_user(plugin))
    started = time.monotonic()
    with pytest.raises(UsageError) as error:
        LiveSource(config, None, exec_timeout=exec_timeout)
    assert time.monotonic() - started < within
    return error.value.message


def test_an_exec_plugin_that_hangs_is_stopped_and_named(fake: FakeKubeAPI, tmp_path: Path) -> None:
    message = stopped_plugin(fake, tmp_path, "time.sleep(60)", exec_timeout=0.5, within=5)
    assert message == (
        f"kubeconfig {tmp_path / 'kc'}: user 'fake-admin': credential plugin {tmp_path / 'kubelogin'}: "
        "gave no answer within 0.5 s"
    )


def test_an_exec_plugin_printing_without_end_is_stopped_at_the_output_limit(fake: FakeKubeAPI, tmp_path: Path) -> None:
    """communicate() would hold whatever it prints until the time limit; a stream stops at 1 MiB."""
    body = "while True:\n    sys.stdout.write('x' * 65536)"
    message = stopped_plugin(fake, tmp_path, body, exec_timeout=20, within=10)
    assert message.endswith(f"credential plugin {tmp_path / 'kubelogin'}: printed more than 1 MiB")


def test_an_exec_plugin_gets_its_environment_and_its_token_is_remembered(fake: FakeKubeAPI, tmp_path: Path) -> None:
    plugin = python_plugin(
        tmp_path / "kubelogin",
        "info = json.loads(os.environ['KUBERNETES_EXEC_INFO'])\n"
        "assert info['spec'] == {'interactive': False} and sys.stdin.read() == ''\n"
        "print(json.dumps({'apiVersion': info['apiVersion'], 'kind': 'ExecCredential',"
        " 'status': {'token': 'fake-token', 'expirationTimestamp': '2999-01-01T00:00:00Z'}}))",
    )
    config = kubeconfig(tmp_path / "kc", fake.url, exec_user(plugin))
    assert len(LiveSource(config, None).list("nodes")) == 2


def test_an_exec_plugin_failing_says_its_last_stderr_line_redacted(fake: FakeKubeAPI, tmp_path: Path) -> None:
    plugin = python_plugin(tmp_path / "kubelogin", "print('using Bearer abcdefghij', file=sys.stderr); sys.exit(3)")
    config = kubeconfig(tmp_path / "kc", fake.url, exec_user(plugin))
    with pytest.raises(UsageError) as error:
        LiveSource(config, None)
    assert error.value.message.endswith(f"credential plugin {plugin}: exited with 3: using Bearer <redacted>")


def test_an_exec_plugin_failing_to_renew_mid_run_could_not_verify(fake: FakeKubeAPI, tmp_path: Path) -> None:
    """The kubeconfig was fine when the run began; a plugin that fails once its token expires is the cluster
    not being readable (exit 2), not a usage error (exit 4)."""
    from ukic.errors import SourceError

    asked = tmp_path / "asked"
    plugin = python_plugin(
        tmp_path / "kubelogin",
        f"if os.path.exists({str(asked)!r}):\n    sys.exit('the identity provider is down')\n"
        f"open({str(asked)!r}, 'w').close()\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
        " 'status': {'token': 'fake-token', 'expirationTimestamp': '2000-01-01T00:00:00Z'}}))",
    )
    source = LiveSource(kubeconfig(tmp_path / "kc", fake.url, exec_user(plugin)), None)
    with pytest.raises(SourceError) as error:
        source.list("nodes")
    assert not isinstance(error.value, UsageError)
    assert error.value.message.endswith(f"credential plugin {plugin}: exited with 1: the identity provider is down")
    assert fake.requests == []


def test_an_exec_plugin_token_no_header_can_carry_is_named_before_any_request(
    fake: FakeKubeAPI, tmp_path: Path
) -> None:
    plugin = python_plugin(
        tmp_path / "kubelogin",
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
        " 'status': {'token': 'secret-line-1\\nsecret-2'}}))",
    )
    config = kubeconfig(tmp_path / "kc", fake.url, exec_user(plugin))
    with pytest.raises(UsageError) as error:
        LiveSource(config, None)
    assert error.value.message.endswith(
        f"credential plugin {plugin}: answered a token that holds a line break"
        + (" or another character no HTTP header may carry (printable ASCII only)")
    )
    assert fake.requests == []


def test_userinfo_is_taken_out_of_server_and_proxy_urls(tmp_path: Path) -> None:
    config = kubeconfig(
        tmp_path / "kc",
        "https://admin:url-secret-1@[2a0a:e5c0::1]:6443",
        {},
        **{"proxy-url": "http://proxyuser:proxy-secret-2@127.0.0.1:3128", "insecure-skip-tls-verify": True},
    )
    source = LiveSource(config, None)
    endpoint = source._target.endpoint
    assert endpoint.server == "https://[2a0a:e5c0::1]:6443" and endpoint.proxy == "http://127.0.0.1:3128"
    assert endpoint.proxy_headers == {"Proxy-Authorization": "Basic " + b64(b"proxyuser:proxy-secret-2")}
    assert endpoint.authorization() == "Basic " + b64(b"admin:url-secret-1")
    assert "secret" not in source.server
    assert redact("x url-secret-1 proxy-secret-2") == "x <redacted> <redacted>"

"""Every fault of a live cluster gives one user-facing line and a distinct exit code (capture and verify)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from ukic.cli import main
from ukic.resources import CATALOG

pytest_plugins = ["tests.fakeapi.fixtures"]

PEERS = "bgppeers.crd.projectcalico.org"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def capture_args(config: Path, tmp_path: Path, *extra: str) -> list[str]:
    return ["capture", "--kubeconfig", str(config), "-o", str(tmp_path / "snap"), *extra]


def verify_args(config: Path, *extra: str) -> list[str]:
    return ["verify", "--kubeconfig", str(config), "--no-reports", "--color", "never", *extra]


def nothing_written(tmp_path: Path) -> bool:
    return not (tmp_path / "snap").exists() and not list(tmp_path.glob(".snap.*"))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the cluster cannot be read: exit 2, one line --------------------------------------------------


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_connection_refused(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    config = write_kubeconfig(tmp_path / "kc", f"http://127.0.0.1:{port}")
    argv = capture_args(config, tmp_path) if command == "capture" else verify_args(config)
    code, _, err = run(argv, capsys)
    assert (code, err) == (
        2,
        f"ukic: cannot connect to the Kubernetes API at http://127.0.0.1:{port}: Connection refused\n",
    )
    assert nothing_written(tmp_path)


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_tls_verification_failure(
    command: str, fake_tls: FakeKubeAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_kubeconfig(tmp_path / "kc", fake_tls.url)  # no CA: the test CA is not trusted
    argv = capture_args(config, tmp_path) if command == "capture" else verify_args(config)
    code, _, err = run(argv, capsys)
    assert (code, err) == (
        2,
        f"ukic: TLS verification of {fake_tls.url} failed: certificate verify failed: "
        "unable to get local issuer certificate "
        f"(check the certificate authority of context 'fake-admin@fake' in kubeconfig {config})\n",
    )
    assert fake_tls.requests == []  # the handshake failed before any request
    assert nothing_written(tmp_path)


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_401(command: str, fake: FakeKubeAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_kubeconfig(tmp_path / "kc", fake.url, token="expired-token-123")
    argv = capture_args(config, tmp_path) if command == "capture" else verify_args(config)
    code, out, err = run(argv, capsys)
    assert (code, err) == (
        2,
        f"ukic: unauthorized (401) at {fake.url}: the credentials of context 'fake-admin@fake' "
        f"in kubeconfig {config} were rejected\n",
    )
    assert "expired-token-123" not in out + err
    assert nothing_written(tmp_path)


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_hanging_response_beyond_the_read_timeout(
    command: str, fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.hang("nodes", seconds=5)
    extra = ("--read-timeout", "0.5")
    argv = capture_args(kubeconfig, tmp_path, *extra) if command == "capture" else verify_args(kubeconfig, *extra)
    code, _, err = run(argv, capsys)
    assert (code, err) == (
        2,
        f"ukic: timed out after 0.5 s waiting for {fake.url}/api/v1/nodes?limit=500 (see --read-timeout)\n",
    )
    assert nothing_written(tmp_path)
    assert [r.path for r in fake.requests].count("/api/v1/nodes") == 1  # verify's early fetch failed: not asked again


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_malformed_json(
    command: str, fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.malformed(PEERS)
    argv = capture_args(kubeconfig, tmp_path) if command == "capture" else verify_args(kubeconfig)
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.startswith(f"ukic: malformed JSON from {fake.url}/apis/crd.projectcalico.org/v1/bgppeers?limit=500: ")
    assert err.count("\n") == 1
    assert nothing_written(tmp_path)


# -- the user's kubeconfig is wrong: exit 4, one line naming the file -------------------------------


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_kubeconfig_missing(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c3-admin.conf"
    argv = capture_args(config, tmp_path) if command == "capture" else verify_args(config)
    assert run(argv, capsys)[::2] == (4, f"ukic: kubeconfig {config}: no such file\n")


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_kubeconfig_malformed(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c3-admin.conf"
    config.write_text("apiVersion: v1\nclusters:\n- name: c3\n  cluster: {server: [\n")
    argv = capture_args(config, tmp_path) if command == "capture" else verify_args(config)
    code, _, err = run(argv, capsys)
    assert code == 4
    assert err.startswith(f"ukic: kubeconfig {config}: not valid YAML (line ") and err.count("\n") == 1


def test_kubeconfig_not_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kc"
    config.write_text("- just\n- a list\n")
    assert run(capture_args(config, tmp_path), capsys)[::2] == (
        4,
        f"ukic: kubeconfig {config}: expected a mapping with clusters, contexts and users\n",
    )


@pytest.mark.parametrize("command", ["capture", "verify"])
def test_unknown_context(command: str, fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys) -> None:
    argv = (
        capture_args(kubeconfig, tmp_path, "--context", "c9")
        if command == "capture"
        else verify_args(kubeconfig, "--context", "c9")
    )
    assert run(argv, capsys)[::2] == (
        4,
        f"ukic: kubeconfig {kubeconfig}: no context 'c9' (contexts: fake-admin@fake)\n",
    )
    assert fake.requests == []


def test_context_naming_an_undefined_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kc"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c3\n"
        "contexts:\n- name: c3\n  context: {cluster: c3, user: admin}\nclusters: []\nusers: []\n"
    )
    assert run(capture_args(config, tmp_path), capsys)[::2] == (
        4,
        f"ukic: kubeconfig {config}: context 'c3' refers to cluster 'c3', which is not defined\n",
    )


def test_no_current_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_kubeconfig(tmp_path / "kc", "https://[2a0a:e5c0::1]:6443", current=False)
    assert run(capture_args(config, tmp_path), capsys)[::2] == (
        4,
        f"ukic: kubeconfig {config}: no current-context set; pass --context (contexts: fake-admin@fake)\n",
    )


# -- one resource is a problem: the rest of the cluster is still read -------------------------------


def test_403_on_one_resource_capture_warns_and_leaves_it_uncaptured(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.forbid(PEERS)
    code, out, err = run(capture_args(kubeconfig, tmp_path), capsys)
    assert code == 0
    assert err == (
        f"ukic: warning: not captured: {PEERS}: forbidden: cannot list {PEERS} "
        "(RBAC: needs get/list on bgppeers in group crd.projectcalico.org)\n"
    )
    assert out.endswith("; 1 not captured (see warnings)\n")
    assert not (tmp_path / "snap" / f"{PEERS}.json").exists()
    assert (tmp_path / "snap" / "ippools.crd.projectcalico.org.json").exists()


def test_403_on_one_resource_verify_is_unverifiable_naming_the_permission(
    fake: FakeKubeAPI, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.forbid(PEERS)
    code, out, err = run(verify_args(kubeconfig, "-m", "bgp"), capsys)
    assert (code, err) == (1, "")  # the tiny cluster also fails a BGP scenario; failed outranks unverifiable
    block = out.split("Upstream peers keep the original next hop", 1)[1].splitlines()[1]
    assert block.strip() == (
        f"{PEERS}: forbidden: cannot list {PEERS} (RBAC: needs get/list on bgppeers in group crd.projectcalico.org)"
    )
    assert "UNVERIFIABLE  Upstream peers keep the original next hop" in out


def test_404_group_means_none_exist(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.unserve_group("crd.projectcalico.org")
    code, _, err = run(capture_args(kubeconfig, tmp_path), capsys)
    assert (code, err) == (0, "")
    assert '"items": []' in (tmp_path / "snap" / f"{PEERS}.json").read_text()
    code, out, err = run(verify_args(kubeconfig, "-m", "bgp"), capsys)
    assert (code, err) == (1, "")
    assert "FAILED        Upstream peers keep the original next hop" in out
    assert "UNVERIFIABLE" not in out


CLEAN: list[tuple[int, str]] = []  # the fault-free verify, run once


def outcomes(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  ") and not line.startswith("   ")]


@pytest.mark.parametrize(
    "inject",
    [
        pytest.param(lambda fake: fake.fail("nodes", 500, times=1), id="500-then-success"),
        pytest.param(lambda fake: fake.fail(PEERS, 429, times=1, retry_after="1"), id="429-retry-after"),
        pytest.param(lambda fake: fake.fail("/apis", 503, times=1), id="503-on-discovery"),
        pytest.param(lambda fake: fake.drop("pods", times=1), id="dropped-connection"),
    ],
)
def test_transient_faults_are_retried_and_change_nothing(
    inject, fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not CLEAN:
        CLEAN.append(run(verify_args(kubeconfig, "-m", "bgp or topology"), capsys)[:2])
    ((code, clean),) = CLEAN
    fake.clear_log()
    inject(fake)
    faulty_code, faulty, err = run(verify_args(kubeconfig, "-m", "bgp or topology"), capsys)
    assert (faulty_code, err) == (code, "")
    assert [f.hits for f in fake.faults.values()] == [1]  # the fault did fire, and was ridden out
    assert outcomes(faulty) == outcomes(clean)
    inject(fake)
    assert run(capture_args(kubeconfig, tmp_path), capsys)[::2] == (0, "")
    assert len(list((tmp_path / "snap").glob("*.json"))) == len(CATALOG)  # and cluster.yaml


def test_kubeconfig_env_naming_only_missing_files(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path}/a:{tmp_path}/b")
    assert run(["capture", "-o", str(tmp_path / "snap")], capsys)[::2] == (
        4,
        f"ukic: KUBECONFIG={tmp_path}/a:{tmp_path}/b: none of these files exists\n",
    )


def test_no_kubeconfig_anywhere_and_not_in_a_pod(tmp_path: Path, monkeypatch, capsys) -> None:
    from ukic.kubeapi import kubeconfig as module

    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setattr(module, "DEFAULT_KUBECONFIG", str(tmp_path / "absent"))
    assert run(["capture", "-o", str(tmp_path / "snap")], capsys)[::2] == (
        4,
        f"ukic: no cluster to read: pass --kubeconfig FILE, set KUBECONFIG, create {tmp_path / 'absent'}, "
        "or run ukic inside a pod with a service account\n",
    )


def test_certificate_authority_file_missing(tmp_path: Path, capsys) -> None:
    config = write_kubeconfig(tmp_path / "kc", "https://127.0.0.1:6443", ca_file=tmp_path / "ca.crt", embed_ca=False)
    assert run(capture_args(config, tmp_path), capsys)[::2] == (
        4,
        f"ukic: kubeconfig {config}: cluster 'fake': certificate-authority {tmp_path / 'ca.crt'}: no such file\n",
    )

"""Without kind, a container engine, helm or kubectl: exit 4 and one line saying what is missing and where to get it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ukic.cli import main
from ukic.kind.preflight import PreflightError, preflight

if TYPE_CHECKING:
    from tests.standins.harness import Standins

pytest_plugins = ["tests.standins.harness"]  # the `standins` fixture

KIND = "kind not found on PATH: install it from https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
ENGINE = (
    "no container engine: neither docker nor podman found on PATH: install Docker from "
    "https://docs.docker.com/engine/install/ or Podman from https://podman.io/docs/installation"
)
CREATE = ["kind", "create", "--version", "v5", "--type", "development"]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("KIND_EXPERIMENTAL_PROVIDER", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return empty


def test_kind_create_with_nothing_on_path(empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(CREATE) == 4
    assert one_line_error(capsys) == f"ukic: {KIND}; also missing: container engine (docker/podman), helm, kubectl"
    assert not (empty_path.parent / "cache").exists()  # nothing was prepared


def test_verify_kind_with_nothing_on_path(empty_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--kind", "--version", "v5", "--type", "development", "--no-reports"])
    assert code == 4
    assert one_line_error(capsys).startswith(f"ukic: {KIND}; also missing: ")


def test_kind_without_an_engine(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.remove("docker")
    assert main(CREATE) == 4
    assert one_line_error(capsys) == f"ukic: {ENGINE}"
    assert standins.commands() == [
        ["kind", "version"],
        ["helm", "version", "--short"],
        ["kubectl", "version", "--client"],
    ]


def test_verify_kind_without_an_engine_creates_nothing(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.remove("docker")
    assert main(["verify", "--kind", "--version", "v2", "--type", "production", "--no-reports"]) == 4
    assert one_line_error(capsys) == f"ukic: {ENGINE}"
    assert not any(c[:2] == ["kind", "create"] for c in standins.commands())


def test_engine_present_but_not_answering(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.fail("docker info")
    assert main(CREATE) == 4
    assert one_line_error(capsys) == (
        "ukic: no container engine answering (`docker info` failed: exit 1: stand-in docker info: partial output "
        "before the failure): start it, or install Docker from https://docs.docker.com/engine/install/ or Podman "
        "from https://podman.io/docs/installation"
    )


def test_kind_present_but_broken(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.fail("kind version")
    assert main(CREATE) == 4
    line = one_line_error(capsys)
    assert line.startswith(f"ukic: kind ({standins.bin / 'kind'}) did not answer `kind version` (exit 1: ")
    assert line.endswith("reinstall it from https://kind.sigs.k8s.io/docs/user/quick-start/#installation")


@pytest.mark.parametrize(
    ("tool", "url"),
    [("helm", "https://helm.sh/docs/intro/install/"), ("kubectl", "https://kubernetes.io/docs/tasks/tools/")],
)
def test_install_tools_missing(standins: Standins, capsys: pytest.CaptureFixture[str], tool: str, url: str) -> None:
    standins.remove(tool)
    assert main(CREATE) == 4
    assert one_line_error(capsys) == f"ukic: {tool} not found on PATH: install it from {url}"


def test_provider_variable_names_the_engine(standins: Standins, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIND_EXPERIMENTAL_PROVIDER", "podman")  # docker is there, but kind was told podman
    with pytest.raises(PreflightError) as caught:
        preflight()
    assert caught.value.message.startswith(
        "no container engine: podman not found on PATH (KIND_EXPERIMENTAL_PROVIDER=podman): install Docker"
    )
    assert caught.value.exit_code == 4


def test_all_present(standins: Standins) -> None:
    toolchain = preflight()
    assert toolchain.engine == "docker" and toolchain.env == {}
    standins.remove("docker")
    standins.install("podman")
    assert preflight().env == {"KIND_EXPERIMENTAL_PROVIDER": "podman"}

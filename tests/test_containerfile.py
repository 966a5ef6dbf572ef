"""The Containerfile without a container engine: the build stage's RUN lines, run here into a clean venv,
install a working ukic without pip; the final stage runs ukic as a non-root user; and the entrypoint starts
`ukic serve` with every filesystem read-only except /tmp and the report volume (a private mount namespace),
as the Helm chart runs it (readOnlyRootFilesystem, an emptyDir at /tmp, a PVC for reports)."""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ukic import paths

ROOT = Path(__file__).resolve().parent.parent
SH = shutil.which("sh") or "/bin/sh"  # the steps' shell; /bin/sh is there even with only the venv on PATH
CONTAINERFILE = ROOT / "Containerfile"
IGNORE = ROOT / ".containerignore"


@dataclass
class Stage:
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [value for key, value in self.instructions if key == keyword]


def stages() -> list[Stage]:
    """The Containerfile's stages, instructions with their continuation lines joined."""
    text = CONTAINERFILE.read_text().replace("\\\n", " ")
    found: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, value = line.partition(" ")
        if keyword == "FROM":
            parts = value.split()
            found.append(Stage(parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None))
        elif found:
            found[-1].instructions.append((keyword, value.strip()))
    return found


def exec_form(value: str) -> list[str]:
    return json.loads(value)


def build_context(target: Path) -> None:
    """Copy the repository as `COPY . .` would, leaving out what .containerignore names."""
    patterns = [p.strip() for p in IGNORE.read_text().splitlines() if p.strip() and not p.startswith("#")]

    def ignored(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT)
        return {n for n in names if any(_matches(relative / n, p) for p in patterns)}

    shutil.copytree(ROOT, target, ignore=ignored, symlinks=True)


def _matches(path: Path, pattern: str) -> bool:
    if pattern.startswith("**/"):
        return fnmatch.fnmatch(path.name, pattern.removeprefix("**/"))
    return fnmatch.fnmatch(path.as_posix(), pattern)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the build stage's RUN lines with its paths under a temporary folder; the venv it leaves."""
    build = stages()[0]
    assert build.name == "build"
    root = tmp_path_factory.mktemp("image")
    workdir = build.all("WORKDIR")[0]
    mapped = {"/opt/ukic": str(root / "opt" / "ukic"), workdir: str(root / "src")}
    build_context(root / "src")
    for command in build.all("RUN"):
        for pod, here in mapped.items():
            command = command.replace(pod, here)
        if command.startswith("python "):
            command = shlex.quote(sys.executable) + command.removeprefix("python")
        done = subprocess.run([SH, "-c", command], cwd=root / "src", capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"RUN {command}\n{done.stdout}\n{done.stderr}"
    return root / "opt" / "ukic"


def run_env(venv: Path, home: Path) -> dict[str, str]:
    """The final stage's environment: its PATH first, nothing of the test's venv."""
    final = stages()[-1]
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home)}
    for value in final.all("ENV"):
        for pair in shlex.split(value):
            key, _, setting = pair.partition("=")
            if key not in ("PATH", "HOME"):
                env[key] = setting
    return env


def test_the_image_runs_ukic_as_a_non_root_user_without_build_tools() -> None:
    final = stages()[-1]
    user = final.all("USER")[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0
    assert exec_form(final.all("ENTRYPOINT")[-1]) == ["ukic"]
    assert exec_form(final.all("CMD")[-1])[0] == "serve"
    assert [c for c in final.all("COPY") if "--from=build" in c] == ["--from=build /opt/ukic /opt/ukic"]
    assert all(tool in " ".join(final.all("RUN")) for tool in ("uninstall --yes", "pip", "setuptools", "wheel"))


def test_the_build_stage_installs_a_working_ukic_without_pip(built: Path, tmp_path: Path) -> None:
    assert not (built / "bin" / "pip").exists()
    assert not list(built.glob("lib/python*/site-packages/pip"))
    env = run_env(built, tmp_path)
    done = subprocess.run(["ukic", "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("ukic "), done.stderr
    done = subprocess.run(
        ["ukic", "verify", "--report-dir", str(tmp_path / "r")], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0 and "CONFORMANT (exit 0)" in done.stdout, done.stdout + done.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare (util-linux)")
def test_the_entrypoint_serves_with_a_read_only_root_filesystem(built: Path, tmp_path: Path) -> None:
    scratch, volume = tmp_path / "tmp", tmp_path / "volume"
    scratch.mkdir()
    volume.mkdir()
    final = stages()[-1]
    port = 19000 + os.getpid() % 1000
    command = [*exec_form(final.all("ENTRYPOINT")[-1]), *exec_form(final.all("CMD")[-1])]
    command = [a.replace("/var/lib/ukic", str(volume)) for a in command]
    command += ["--snapshot", str(paths.samples_dir() / "v5-production"), "--listen", f"127.0.0.1:{port}"]
    script = f"""
set -e
mount --make-rprivate /
for target in $(awk '{{print $5}}' /proc/self/mountinfo | sort -u); do
  case "$target" in /proc*|/sys*|/dev*) continue;; esac
  mount -o remount,bind,ro "$target" 2>/dev/null || true
done
mount -t tmpfs -o size=64m tmpfs {shlex.quote(str(scratch))}
mount -t tmpfs -o size=64m tmpfs {shlex.quote(str(volume))}
if touch {shlex.quote(str(tmp_path / "probe"))} 2>/dev/null; then echo "root filesystem still writable"; exit 9; fi
exec {" ".join(shlex.quote(a) for a in command)}
"""
    env = run_env(built, scratch)
    process = subprocess.Popen(  # from inside the checkout: its ukic/steps/fixtures must not shadow the installed
        ["unshare", "--mount", "sh", "-c", script],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                    ready = answer.status
                    break
            except OSError:
                time.sleep(0.5)
        assert ready == 200, process.stderr.read() if process.poll() is not None else "not ready in 90 s"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            metrics = answer.read().decode()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=15)
    assert 'ukic_cluster_conformant{cluster="place10",type="production",version="v5"} 1.0' in metrics, err
    assert process.returncode == 0, err
    assert "ledger not updated" not in err and "cannot write" not in err

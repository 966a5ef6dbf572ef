"""The lab's own promises: a clear skip reason where it cannot run, and nothing left behind when it fails."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.lab import netns
from tests.lab.processes import read_pid
from tests.lab.site import Lab, lab_prerequisites


def test_not_root_is_a_clear_skip_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert lab_prerequisites() == "the IPv6 lab needs root to create network namespaces"


def test_missing_daemons_are_named_with_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    # every other tool is there (a fresh machine has none of them: the test must not depend on it)
    monkeypatch.setattr(shutil, "which", lambda name: None if name in ("bird", "ceph-mon") else f"/usr/bin/{name}")
    reason = lab_prerequisites()
    assert reason is not None and reason.startswith("the IPv6 lab needs bird, ceph-mon (Debian: ")


class _LabWithDeadMember(Lab):
    """node3's etcd exits at once: the lab notices while waiting for health and must clean up."""

    seen_pids: dict[str, int | None]

    def etcd_argv(self, name: str, state: str) -> list[str]:
        return ["sh", "-c", "exit 3"] if name == "node3" else super().etcd_argv(name, state)

    def close(self) -> None:
        self.seen_pids = {d.name: read_pid(d.pid_file) for d in self.daemons.values()}
        super().close()


@pytest.mark.lab
def test_a_lab_that_fails_to_start_leaves_no_process_namespace_or_file() -> None:
    reason = lab_prerequisites()
    if reason is not None:
        pytest.skip(reason)
    lab = _LabWithDeadMember()
    with pytest.raises(RuntimeError, match="etcd-node3 exited"):
        lab.start()
    running = {name: pid for name, pid in lab.seen_pids.items() if pid is not None}
    assert len(running) == 14  # every daemon had been started (one of them died at once)
    for name, pid in running.items():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
            pytest.fail(f"{name} (pid {pid}) is still running")
    ours = {m.namespace for m in lab.machines.values()} | {lab.bridge_ns}
    assert not ours & netns.existing_namespaces()
    assert not lab.root.exists()

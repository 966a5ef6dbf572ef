"""Put chosen stand-ins alone on PATH and read back what they were asked to do.

The wrappers written here run standin.py with this interpreter by absolute path, so PATH can
hold nothing but the stand-ins (no python3, no real docker that could answer instead).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STANDIN = Path(__file__).with_name("standin.py")
ALL_TOOLS = ("kind", "docker", "helm", "kubectl")


@dataclass
class Standins:
    bin: Path
    log: Path
    state: Path
    monkeypatch: pytest.MonkeyPatch

    def install(self, *tools: str) -> None:
        """Make these tools (and only these, plus earlier ones) available on PATH."""
        for tool in tools:
            wrapper = self.bin / tool
            wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S -I "{STANDIN}" {tool} "$@"\n')
            wrapper.chmod(0o755)

    def remove(self, tool: str) -> None:
        (self.bin / tool).unlink()

    def fail(self, *rules: str) -> None:
        self.monkeypatch.setenv("UKIC_STANDIN_FAIL", ";".join(rules))

    def interrupt(self, rule: str) -> None:
        self.monkeypatch.setenv("UKIC_STANDIN_INTERRUPT", rule)

    def hang(self, rule: str) -> None:
        self.monkeypatch.setenv("UKIC_STANDIN_HANG", rule)

    def calls(self, tool: str | None = None) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        records = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [r for r in records if tool is None or r["tool"] == tool]

    def commands(self) -> list[list[str]]:
        """Every call as [tool, *argv], in order."""
        return [[r["tool"], *r["argv"]] for r in self.calls()]

    def clusters(self) -> list[str]:
        path = self.state / "clusters"
        return path.read_text().split() if path.exists() else []

    def add_cluster(self, name: str) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "clusters").write_text(" ".join([*self.clusters(), name]))


@pytest.fixture
def standins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Standins]:
    """All four stand-ins alone on PATH, a private state folder, and ~/.cache moved into tmp_path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    found = Standins(bin_dir, tmp_path / "calls.jsonl", tmp_path / "standin-state", monkeypatch)
    found.install(*ALL_TOOLS)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("UKIC_STANDIN_LOG", str(found.log))
    monkeypatch.setenv("UKIC_STANDIN_STATE", str(found.state))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for variable in ("UKIC_STANDIN_FAIL", "UKIC_STANDIN_INTERRUPT", "UKIC_STANDIN_HANG", "KIND_EXPERIMENTAL_PROVIDER"):
        monkeypatch.delenv(variable, raising=False)
    yield found

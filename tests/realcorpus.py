"""Helpers for the tests on fixtures/real: run ukic on a real case, and make single-fault variants of it.

A variant is a copy of a kubectl-written snapshot or an assembled configuration repository with one
fault put in; ``changed`` compares its verdicts with the unchanged case's, so a test names exactly the
scenarios the fault may move and every other verdict is held where it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.realexpect import conformant
from tests.realgen.parts import release_secret
from ukic.outcome import Outcome
from ukic.run import VerifyRequest, verify
from ukic.sources.manifests import ManifestsSource
from ukic.sources.snapshot import SnapshotSource

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
P, F, W, U, NA = Outcome.PASSED, Outcome.FAILED, Outcome.WARNING, Outcome.UNVERIFIABLE, Outcome.NOT_APPLICABLE


def run(source: Any, version: str = "v5", cluster_type: str = "production", marker: str | None = None) -> dict:
    result = verify(VerifyRequest(source, version, cluster_type, marker=marker))
    return {s.name: s for s in result.scenarios}


def outcomes(results: dict) -> dict[str, Outcome]:
    return {name: r.outcome for name, r in results.items()}


def applicable(results: dict) -> dict[str, Outcome]:
    return {name: o for name, o in outcomes(results).items() if o is not NA}


def not_passed(results: dict) -> dict[str, str]:
    """Every scenario that did not pass or does not apply, with its reason (what a failed assertion shows)."""
    return {n: f"{r.outcome.value}: {r.reason}" for n, r in results.items() if r.outcome not in (P, NA)}


def snapshot(name: str) -> SnapshotSource:
    return SnapshotSource(REAL / "clusters" / name)


def repository(name: str) -> ManifestsSource:
    return ManifestsSource(REAL / "repos" / name)


@dataclass(frozen=True)
class Case:
    """A real case: the kubectl-written snapshot and the repository named ``name``, judged as ``version``
    (v1..v5) and ``cluster_type`` unless a call says otherwise."""

    name: str
    version: str
    cluster_type: str

    @property
    def cluster(self) -> Path:
        return REAL / "clusters" / self.name

    @property
    def repo(self) -> Path:
        return REAL / "repos" / self.name

    def conformant(self) -> dict[str, Outcome]:
        """The passed verdicts the manual expects of the unchanged snapshot (tests/realexpect.py)."""
        return conformant(int(self.version.removeprefix("v")), production=self.cluster_type == "production")

    def judge(self, source: Any, version: str | None = None, marker: str | None = None) -> dict:
        """ukic's verdicts on ``source``, as this case's version (or ``version``) and cluster type."""
        return run(source, version or self.version, self.cluster_type, marker)

    def snapshot_verdicts(self, version: str | None = None, marker: str | None = None) -> dict:
        return self.judge(SnapshotSource(self.cluster), version, marker)

    def repository_verdicts(self, version: str | None = None, marker: str | None = None) -> dict:
        return self.judge(ManifestsSource(self.repo), version, marker)

    def snapshot_variant(self, tmp_path: Path, change: Callable[[Path], None], marker: str | None = None) -> dict:
        """The verdicts on a copy of the snapshot with one fault put in by ``change``."""
        return self.judge(SnapshotSource(copy_of(tmp_path, self.cluster, change)), marker=marker)

    def repository_variant(self, tmp_path: Path, change: Callable[[Path], None], marker: str | None = None) -> dict:
        """The verdicts on a copy of the repository with one fault put in by ``change``."""
        return self.judge(ManifestsSource(copy_of(tmp_path, self.repo, change)), marker=marker)

    def moved(self, results: dict) -> dict[str, Outcome]:
        """What a snapshot variant moved away from the conformant verdicts."""
        return changed(self.conformant(), results)

    def repository_moved(self, results: dict) -> dict[str, Outcome]:
        """What a repository variant moved away from the unchanged repository's verdicts."""
        return changed(outcomes(self.repository_verdicts()), results)


#: The real cases, each judged as the manual's version and cluster type it was built after.
V1 = Case("v1-development", "v1", "development")
V2 = Case("v2-development", "v2", "development")
V3 = Case("v3-production", "v3", "production")
V4 = Case("v4-production", "v4", "production")
V5 = Case("v5-production", "v5", "production")
CASES = (V1, V2, V3, V4, V5)


def _items(path: Path) -> tuple[dict, list[dict]]:
    doc = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    return doc, doc["items"]


def copy_of(tmp_path: Path, folder: Path, change: Callable[[Path], None]) -> Path:
    """A copy of a snapshot or repository folder with one fault put in by ``change``."""
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    change(target)
    return target


def edit(folder: Path, name: str, change: Callable[[list[dict]], None]) -> None:
    """Change the items of one kubectl-written List file in place."""
    path = folder / name
    doc, items = _items(path)
    change(items)
    path.write_text(json.dumps(doc) if path.suffix == ".json" else yaml.safe_dump(doc))


def edit_text(path: Path, old: str, new: str) -> None:
    """Replace one exact passage of a file (it must be there once)."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} found {text.count(old)} times"
    path.write_text(text.replace(old, new))


def named(items: list[dict], name: str) -> dict:
    return next(i for i in items if i["metadata"]["name"] == name or i["metadata"]["name"].startswith(name + "-"))


def changed(base: Mapping[str, Outcome], results: dict) -> dict[str, Outcome]:
    """The verdicts a variant moved away from the unchanged case's (NA: a scenario it no longer has)."""
    got = outcomes(results)
    moved = {n: o for n, o in got.items() if base.get(n, NA) is not o}
    return moved | {n: NA for n, o in base.items() if n not in got and o is not NA}


def helm_by_hand(folder: Path, application: str, namespace: str) -> None:
    """A chart an Application synced, installed instead with `helm install <application> ...`: the chart's
    Deployments carry helm's annotations (the release is named as ArgoCD named it), helm keeps its
    record, and the Application is gone."""

    def mark(deployments: list[dict]) -> None:
        for item in deployments:
            meta = item["metadata"]
            if (meta.get("labels") or {}).get("app.kubernetes.io/instance") == application:
                meta.setdefault("annotations", {}).update(
                    {"meta.helm.sh/release-name": application, "meta.helm.sh/release-namespace": namespace}
                )

    edit(folder, "deployments.apps.json", mark)
    edit(folder, "secrets.yaml", lambda secrets: secrets.append(release_secret(application, namespace)))
    edit(folder, "applications.argoproj.io.yaml", lambda apps: apps.remove(named(apps, application)))

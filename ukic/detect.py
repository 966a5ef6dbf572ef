"""Which infrastructure version does a cluster actually conform to?

Every known version (v1..v5, whatever the profiles folder holds) is verified against the
same facts: one ClusterState is shared by all runs, so each resource is read once and every
version sees the same snapshot of a live cluster. The answer is the highest version whose run is conformant
(no failure, nothing unverifiable; warnings allowed) and, for every higher version, the
scenarios that stand in the way. Versions are not cumulative (v4 drops Flux for ArgoCD), so
every version is evaluated, not just the first ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult
from ukic.sources.base import Source

#: Outcomes that keep a version from being "fully conformed to".
BLOCKING = (Outcome.FAILED, Outcome.UNVERIFIABLE)


@dataclass
class VersionVerdict:
    """One version's run over the cluster."""

    version: str
    result: RunResult

    @property
    def conformant(self) -> bool:
        return self.result.exit_code == 0

    @property
    def blockers(self) -> list[ScenarioResult]:
        return [s for s in self.result.scenarios if s.outcome in BLOCKING]


@dataclass
class Detection:
    """Every version's verdict, oldest version first."""

    cluster_type: str
    verdicts: list[VersionVerdict] = field(default_factory=list)

    @property
    def conforms_to(self) -> str | None:
        """The highest version the cluster fully conforms to, or None."""
        conforming = [v.version for v in self.verdicts if v.conformant]
        return conforming[-1] if conforming else None

    @property
    def higher(self) -> list[VersionVerdict]:
        """The versions above the detected one (all of them when none conforms)."""
        best = self.conforms_to
        if best is None:
            return list(self.verdicts)
        index = [v.version for v in self.verdicts].index(best)
        return self.verdicts[index + 1 :]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.cluster_type,
            "conforms_to": self.conforms_to,
            "versions": [
                {
                    "version": v.version,
                    "verdict": v.result.verdict,
                    "counts": v.result.counts,
                    "digest": v.result.profile.get("digest"),
                    "blockers": [{"id": s.id, "outcome": s.outcome.value, "reason": s.reason} for s in v.blockers],
                }
                for v in self.verdicts
            ],
        }


def known_versions(profiles_dir: Path | None = None) -> list[str]:
    """The infrastructure versions of the profiles folder, oldest first."""
    from ukic.profiles.files import profile_versions, profiles_folder

    return profile_versions(profiles_folder(profiles_dir))


def detect(
    source: Source,
    cluster_type: str,
    *,
    cluster: str | None = None,
    versions: list[str] | None = None,
    profiles_dir: Path | None = None,
) -> Detection:
    """Verify the source against every version; raises UkicError when the source cannot be read at all."""
    from ukic.run import VerifyRequest, verify
    from ukic.state import ClusterState

    shared = ClusterState(source)
    detection = Detection(cluster_type=cluster_type)
    for version in versions or known_versions(profiles_dir):
        request = VerifyRequest(
            source=source,
            version=version,
            cluster_type=cluster_type,
            cluster=cluster,
            profiles_dir=profiles_dir,
            state=shared,
        )
        detection.verdicts.append(VersionVerdict(version=version, result=verify(request)))
    return detection

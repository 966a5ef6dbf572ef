"""kind source: an ephemeral cluster built from the profile, then read like any live cluster.

``KindSource.create("v5", "development")`` preflights, creates and installs (printing the plan and
its progress on stderr), and returns a source that reads the cluster through
:class:`ukic.sources.live.LiveSource`. ``close()`` (or leaving a ``with`` block) deletes the
cluster unless ``keep``. Scenarios kind cannot satisfy (a Ceph cluster on real disks, SSH hosts,
components kind cannot host) are declared in :attr:`not_applicable_tags`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path

from ukic.kind.cluster import KindCluster
from ukic.kind.config import DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KindOptions, default_name
from ukic.kind.runner import Report, to_stderr
from ukic.kind.versions import NODE_IMAGE
from ukic.sources.base import RUNNING_CLUSTER_TAGS, Obj, ResourceUnavailable, Source, SourceInfo


class KindSource(Source):
    """A created kind cluster, read through the live source (opened on first use)."""

    def __init__(self, cluster: KindCluster) -> None:
        self.cluster = cluster
        self._live: Source | None = None

    @classmethod
    def create(
        cls,
        version: str,
        cluster_type: str,
        name: str | None = None,
        keep: bool = False,
        image: str | None = None,
        *,
        pod_subnet: str | None = None,
        service_subnet: str | None = None,
        recommended: bool = False,
        kubeconfig: Path | None = None,
        profiles_dir: Path | None = None,
        report: Report = to_stderr,
    ) -> KindSource:
        """Create and install a cluster shaped like ``version``/``cluster_type``; raise (after clean-up) on failure."""
        from ukic.profiles import select

        selection = select(version, cluster_type, profiles_dir)
        options = KindOptions(
            name=name or default_name(version, cluster_type),
            image=image or NODE_IMAGE,
            pod_subnet=pod_subnet or DEFAULT_POD_SUBNET,
            service_subnet=service_subnet or DEFAULT_SERVICE_SUBNET,
            recommended=recommended,
        )
        cluster = KindCluster(selection, options, keep=keep, kubeconfig=kubeconfig, report=report)
        cluster.create()
        return cls(cluster)

    @property
    def kubeconfig(self) -> Path:
        return self.cluster.kubeconfig

    @property
    def context(self) -> str:
        return self.cluster.context

    @property
    def not_applicable_tags(self) -> Mapping[str, str]:  # type: ignore[override]
        return {**RUNNING_CLUSTER_TAGS, **self.cluster.plan.not_applicable_tags}

    def info(self) -> SourceInfo:
        live = self._source().info()
        return dataclasses.replace(
            live,
            kind="kind",
            cluster_name=self.cluster.name,
            extra={
                **live.extra,
                "node_image": self.cluster.options.image,
                "installed": ", ".join(self.cluster.plan.installed),
            },
        )

    def list(self, key: str) -> list[Obj]:
        return self._source().list(key)

    def prefetch(self, keys: Iterable[str]) -> dict[str, list[Obj] | ResourceUnavailable]:
        return self._source().prefetch(keys)

    def close(self) -> None:
        """Close the API connections, then delete the cluster unless keep."""
        try:
            if self._live is not None:
                self._live.close()
                self._live = None
        finally:
            self.cluster.close()

    def __enter__(self) -> KindSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _source(self) -> Source:
        if self._live is None:
            from ukic.sources.live import LiveSource  # the HTTP client only when a cluster is read

            self._live = LiveSource(self.cluster.kubeconfig, self.cluster.context)
        return self._live

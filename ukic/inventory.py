"""The cluster inventory (clusters.yaml): which clusters exist, who runs them and how to read them.

One entry per cluster::

    clusters:
      - name: place10
        purpose: production
        setup: HW            # VM | HW | PI
        maintainer: Nico
        version: v5
        type: production     # development | production
        v4_proxy: true
        masters: [server63, server65, server83]   # optional: the table's Master(s) column
        argo: true           # optional: the table's argo column
        rook: true           # optional: the table's rook column
        unused: false        # optional: the table marks the cluster UNUSED
        source: {kubeconfig: ~/c10-admin.conf, context: admin@place10}
        hosts: {...}         # optional, handed to ukic.hosts when it is installed

A source is exactly one of ``{snapshot: path}``, ``{kubeconfig: path, context: name}`` or
``{manifests: path}``. Relative paths resolve against the inventory file's folder. Every
problem is a UsageError naming the file, the cluster and the field. The declared table columns
(masters, argo, rook) are compared with what the cluster shows by the cluster_table feature.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from msgspec import Meta
from msgspec.structs import replace

from ukic.errors import UsageError
from ukic.hosts.spec import HostsSpec
from ukic.sources.base import Source
from ukic.validate import FieldError, Model, Text, build
from ukic.yamlio import read_user_file

if TYPE_CHECKING:
    from ukic.sources.factory import SourceOptions

SOURCE_KINDS = ("snapshot", "kubeconfig", "manifests")


class SourceSpec(Model, kw_only=True):
    """Where a cluster's facts come from."""

    snapshot: Path | None = None
    kubeconfig: Path | None = None
    context: str | None = None
    manifests: Path | None = None

    def __post_init__(self) -> None:
        given = [kind for kind in SOURCE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"needs exactly one of {', '.join(SOURCE_KINDS)}")
        if self.context is not None and self.kubeconfig is None:
            raise ValueError("context belongs with kubeconfig")

    @property
    def kind(self) -> str:
        return next(kind for kind in SOURCE_KINDS if getattr(self, kind) is not None)

    def resolved(self, base: Path) -> SourceSpec:
        """The same spec with relative paths (and ~) taken against ``base``."""
        paths = {kind: _resolve(getattr(self, kind), base) for kind in SOURCE_KINDS if getattr(self, kind) is not None}
        return replace(self, **paths)

    def describe(self) -> str:
        if self.kubeconfig is not None:
            return f"kubeconfig {self.kubeconfig}" + (f" (context {self.context})" if self.context else "")
        return f"{self.kind} {getattr(self, self.kind)}"


class Cluster(Model, kw_only=True):
    """One inventory entry: the manual's cluster table row plus how to verify the cluster."""

    name: Text
    purpose: str
    setup: Literal["VM", "HW", "PI"]
    maintainer: str
    version: Annotated[str, Meta(pattern=r"^v[1-9][0-9]*$")]
    type: Literal["development", "production"]
    v4_proxy: bool
    source: SourceSpec
    hosts: dict[str, Any] | None = None
    masters: list[str] | None = None  # the table's Master(s): control-plane node names
    argo: bool | None = None  # the table's argo column: ArgoCD runs
    rook: bool | None = None  # the table's rook column: Rook runs
    unused: bool = False  # the table marks the cluster UNUSED

    def __post_init__(self) -> None:
        if self.name != self.name.strip():
            raise FieldError("name", "must not start or end with spaces")

    def declared_columns(self) -> dict[str, Any]:
        """The table columns the inventory states for this cluster and the cluster itself can show."""
        return {c: getattr(self, c) for c in ("masters", "argo", "rook") if getattr(self, c) is not None}


class Inventory(Model, kw_only=True):
    """All clusters of one inventory file, in file order."""

    path: Path
    clusters: tuple[Cluster, ...]

    def names(self) -> list[str]:
        return [c.name for c in self.clusters]

    def get(self, name: str) -> Cluster | None:
        return next((c for c in self.clusters if c.name == name), None)


def load_inventory(path: str | Path) -> Inventory:
    """Read and validate clusters.yaml; relative source paths resolve against its folder."""
    where = str(path)
    file = Path(path)
    doc = read_user_file(file)
    if not isinstance(doc, dict) or set(doc) != {"clusters"}:
        raise UsageError(f"{where}: expected one top-level key 'clusters' holding a list of clusters")
    entries = doc["clusters"]
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"{where}: clusters: expected a non-empty list of clusters")
    base = file.resolve().parent
    clusters: list[Cluster] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = _entry_label(entry, index)
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: {label}: expected a mapping of cluster fields")
        cluster = build(Cluster, entry, f"{where}: {label}", strict=False)
        if cluster.name in seen:
            raise UsageError(f"{where}: {label}: name: listed twice")
        seen.add(cluster.name)
        cluster = replace(cluster, source=cluster.source.resolved(base), hosts=_hosts_resolved(cluster.hosts, base))
        try:
            hosts_spec(cluster)  # a bad hosts block is the inventory's error, found before any run
        except UsageError as exc:
            raise UsageError(f"{where}: {exc.message}") from None
        clusters.append(cluster)
    return Inventory(path=file, clusters=tuple(clusters))


def open_cluster_source(cluster: Cluster) -> Source:
    """Open the cluster's source (live and manifests sources are imported only when used)."""
    return source_options(cluster).open()


def source_options(cluster: Cluster) -> SourceOptions:
    """The cluster's source as the options `ukic verify` would be given."""
    from ukic.sources.factory import SourceOptions

    spec = cluster.source
    return SourceOptions(
        snapshot=_text(spec.snapshot),
        kubeconfig=_text(spec.kubeconfig),
        context=spec.context,
        manifests=_text(spec.manifests),
    )


def hosts_spec(cluster: Cluster) -> HostsSpec | None:
    """The cluster's hosts block as a ukic.hosts.HostsSpec (None when it has none)."""
    if cluster.hosts is None:
        return None
    return build(HostsSpec, cluster.hosts, f"cluster {cluster.name!r}: hosts", strict=False)


def _hosts_resolved(hosts: dict[str, Any] | None, base: Path) -> dict[str, Any] | None:
    """The hosts block with a relative ssh_config taken against the inventory's folder, like source paths."""
    if not hosts or not isinstance(hosts.get("ssh_config"), str):
        return hosts
    return {**hosts, "ssh_config": str(_resolve(Path(hosts["ssh_config"]), base))}


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _resolve(path: Path, base: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else base / path


def _entry_label(entry: object, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"cluster {name!r}" if isinstance(name, str) and name else f"cluster #{index + 1}"

"""The shape of a profile (infrastructure version), a cluster type and a component, as msgspec Structs.

Every model forbids unknown keys: a typo in a profile is an error, never a silently ignored rule.
Checks across fields live in ``__post_init__`` (msgspec runs it while converting and reports its
ValueError at the model's key path). Structs are built in C at import time, so loading the
profiles costs a run almost nothing (issue 15: no pydantic on a verify's way).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct, field, to_builtins

from ukic.validate import Model, Text

InstallMethod = Literal["manifests", "helm", "argocd-helm"]
"""How a component's objects got into the cluster:
manifests   - plain YAML (kubectl apply, or an ArgoCD Application over a plain path), no chart;
helm        - `helm install` directly (meta.helm.sh annotations, a release Secret);
argocd-helm - a Helm chart rendered by an ArgoCD Application (no release Secret)."""

NonNegative = Annotated[int, Meta(ge=0)]
Positive = Annotated[int, Meta(ge=1)]


class Strict(Model):
    """A profile model (see ukic.validate.Model); a rule has no default here: its value lives in the
    profiles (v1 states every rule, later versions inherit it)."""


class ComponentRules(Strict, kw_only=True):
    require: list[str] = field(default_factory=list)  # components that must run
    forbid: list[str] = field(default_factory=list)  # components that must be gone

    def __post_init__(self) -> None:
        for key in ("require", "forbid"):
            names = getattr(self, key)
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{key} lists {', '.join(repeated)} more than once")
        both = sorted(set(self.require) & set(self.forbid))
        if both:
            raise ValueError(f"{', '.join(both)} both required and forbidden")


class InstallRules(Strict, kw_only=True):
    rook_operator: InstallMethod
    rook_cluster: InstallMethod
    calico: Literal["any", "tigera-operator"]
    #: What deploys the Helm charts of a production cluster: ArgoCD Applications, or Flux HelmReleases
    #: (helm-controller installs each as a Helm release of its own).
    helm_charts: Literal["argocd", "flux"]


class NetworkRules(Strict, kw_only=True):
    ip_family: Literal["IPv6"]
    overlay: bool


class BgpRules(Strict, kw_only=True):
    node_to_node_mesh: bool
    keep_original_next_hop: bool
    private_asn: bool
    announce_service_network: bool


class StorageClassRule(Strict, kw_only=True):
    purpose: str  # "rbd" / "cephfs": how the manual names the class's use
    provisioner: str
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany"]


class StorageRules(Strict, kw_only=True):
    classes: list[StorageClassRule]


class KubernetesRules(Strict, kw_only=True):
    kubelet_skew_minors: NonNegative  # minor versions a kubelet may lag behind the API server


class CalicoRules(Strict, kw_only=True):
    version: str | None  # the Calico release the manual installs; null: not pinned
    operator_version: str | None  # the tigera-operator image that release ships


class OperationsRules(Strict, kw_only=True):
    terminating_margin_minutes: NonNegative  # how long past its deadline a deleting pod may hang


class SecretRules(Strict, kw_only=True):
    only_in_cluster: bool  # Secrets live only in the cluster, never in the git repository


class Profile(Strict, kw_only=True):
    """One infrastructure version after its `extends` chain has been merged."""

    version: str
    title: str
    released: Annotated[str, Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]  # YYYY-MM, as the manual dates versions
    extends: str | None = None
    notes: list[str] = field(default_factory=list)
    components: ComponentRules
    install: InstallRules
    network: NetworkRules
    bgp: BgpRules
    storage: StorageRules
    kubernetes: KubernetesRules
    calico: CalicoRules
    operations: OperationsRules
    secrets: SecretRules


class ClusterType(Strict, kw_only=True):
    """The manual's "Cluster types" table as numbers."""

    name: str
    title: str
    min_nodes: Positive
    min_control_plane: Positive
    min_schedulable_workers: NonNegative
    recommended_nodes: Positive
    recommended_control_plane: Positive
    recommended_schedulable_workers: NonNegative
    control_plane_separation: Literal["optional", "recommended", "required"]
    storage_monitors: Positive
    helm_through_argocd: bool  # Helm charts are deployed through ArgoCD, not with the helm utility by hand

    def __post_init__(self) -> None:
        """Recommendations are at least the minimums; no part is larger than the whole."""
        for part in ("nodes", "control_plane", "schedulable_workers"):
            minimum, recommended = getattr(self, f"min_{part}"), getattr(self, f"recommended_{part}")
            if recommended < minimum:
                raise ValueError(f"recommended_{part} ({recommended}) is below min_{part} ({minimum})")
        for level in ("min", "recommended"):
            nodes = getattr(self, f"{level}_nodes")
            for part in ("control_plane", "schedulable_workers"):
                if getattr(self, f"{level}_{part}") > nodes:
                    raise ValueError(f"{level}_{part} is larger than {level}_nodes ({nodes})")


WorkloadKind = Literal["Deployment", "DaemonSet", "StatefulSet", "Pod"]


class WorkloadRef(Strict, kw_only=True):
    """One role a component's workloads play (its controller, its UI, ...), and how to recognise it.

    A workload plays the role when it matches the name (in ``namespace`` when one is given), all of
    the labels, or one of the images (whichever the catalogue gives): charts prefix names with the
    release name and installers take other namespaces (``flux install --namespace``), so upstream
    labels and images find in any namespace what a name alone misses. ``kind`` None: any workload kind.
    """

    kind: WorkloadKind | None = None
    name: str | None = None
    namespace: str | None = None  # where the name is looked for; None: any namespace
    labels: dict[str, str] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)  # image repositories
    role: str | None = None  # how messages name a role without a name
    optional: bool = False  # the component works without it (absent or scaled to 0 on purpose)

    def __post_init__(self) -> None:
        if not (self.name or self.labels or self.images):
            raise ValueError("a workload needs a name, labels or images to be recognised by")
        if self.name and self.kind is None:
            raise ValueError("a workload named by its name needs a kind")
        if self.namespace and not self.name:
            raise ValueError("namespace narrows the name only: labels and images match in any namespace")

    def describe(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        if self.name:
            return f"{self.kind} {where}{self.name}"
        if self.role:
            return f"{self.role} ({self.kind or 'workload'} in any namespace)"
        shown = ", ".join(f"{k}={v}" for k, v in self.labels.items()) or ", ".join(self.images)
        return f"{self.kind or 'workload'} {where}({shown})"


class Component(Strict, kw_only=True):
    """How a component shows itself in a cluster."""

    title: str
    workloads: list[WorkloadRef] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # image repositories; any workload using one counts
    crd_groups: list[str] = field(default_factory=list)  # API groups of its CRDs (left-over detection)
    resources: list[str] = field(default_factory=list)  # resource keys whose objects belong to it
    install: Text  # the command that installs it: the remedy when it does not run
    remove: Text  # the command that removes it: the remedy when it is left over

    def __post_init__(self) -> None:
        if not self.workloads and not self.images:
            raise ValueError("a component needs workloads or images, else it can never be seen running")


#: Keys a profile file may carry besides the Profile fields (before merging).
PROFILE_FILE_KEYS = set(Profile.__struct_fields__)

#: Profile keys that describe a version rather than state a rule: never inherited through
#: `extends`, left out of `ukic profiles diff`.
METADATA_KEYS = ("version", "title", "released", "extends", "notes")


def as_data(model: Struct) -> Any:
    """A model as plain data (mappings, lists, text, numbers), every field included: for JSON and digests."""
    return to_builtins(model)

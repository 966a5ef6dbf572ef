"""The install plan: an explicit, ordered list of commands that shapes a kind cluster like a profile.

Nothing runs here; ``ukic kind plan`` prints the plan and ukic.kind.runner executes it. Components
kind cannot host are listed with the reason, and that reason becomes the *not applicable* outcome
of the scenarios that need them (see :attr:`Plan.not_applicable_tags`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.kind import manifests, versions
from ukic.kind.config import KindOptions, node_counts, render_config
from ukic.kind.process import command_line
from ukic.profiles.selection import Selection
from ukic.yamlio import dump

#: Scenario tags no kind cluster can satisfy, whatever the profile.
KIND_NOT_APPLICABLE: dict[str, str] = {
    "ceph": "kind nodes have no disks for Ceph monitors and OSDs; Ceph needs real hosts",
}

#: Components kind cannot host, with the reason (also a scenario tag of the same name).
UNSUITABLE: dict[str, str] = {
    "certbot": "ungleich-certbot needs a public DNS name that Let's Encrypt can reach; kind has none",
}

WAIT = 600  # seconds a rollout may take
STEP_SLACK = 60  # process timeout beyond the tool's own --timeout


@dataclass(frozen=True)
class Target:
    """The cluster the plan acts on and the kubeconfig every later command uses."""

    name: str
    kubeconfig: Path

    @property
    def context(self) -> str:
        return f"kind-{self.name}"

    def kubectl(self, *args: str) -> tuple[str, ...]:
        return ("kubectl", "--kubeconfig", str(self.kubeconfig), "--context", self.context, *args)

    def helm(self, *args: str) -> tuple[str, ...]:
        return ("helm", "--kubeconfig", str(self.kubeconfig), "--kube-context", self.context, *args)


@dataclass(frozen=True)
class Step:
    """One command of the plan; ``stdin`` is a document the command reads from ``-``."""

    title: str
    argv: tuple[str, ...]
    stdin: str | None = None
    stdin_label: str | None = None  # how the printed plan names the stdin document
    timeout: float = WAIT + STEP_SLACK
    retry_for: float = 0.0  # re-run until it succeeds for this long (waiting for an object to appear)

    @property
    def command(self) -> str:
        text = command_line(self.argv)
        return f"{text} < {self.stdin_label}" if self.stdin_label else text


@dataclass(frozen=True)
class Plan:
    target: Target
    config: dict[str, Any]
    steps: tuple[Step, ...]
    installed: tuple[str, ...]  # components the plan installs, in order
    not_installed: dict[str, str] = field(default_factory=dict)  # component -> reason

    @property
    def not_applicable_tags(self) -> dict[str, str]:
        """Tags whose scenarios are not applicable on this cluster, with the reason."""
        tags = dict(KIND_NOT_APPLICABLE)
        tags.update({name: f"not installed on kind: {why}" for name, why in self.not_installed.items()})
        return tags

    def render(self) -> str:
        """The plan as printed before it runs."""
        lines = [f"Install plan for kind cluster {self.target.name} (context {self.target.context}):"]
        width = len(str(len(self.steps)))
        for number, step in enumerate(self.steps, 1):
            lines.append(f"  {number:>{width}}. {step.title}")
            lines.append(f"  {'':>{width}}  $ {step.command}")
        if self.not_installed:
            lines.append("Not installed on kind:")
            lines += [f"  - {name}: {why}" for name, why in self.not_installed.items()]
        lines.append("Not applicable on kind (scenario tags):")
        lines += [f"  - @{tag}: {why}" for tag, why in KIND_NOT_APPLICABLE.items()]
        return "\n".join(lines)


Recipe = Callable[["_Context"], list[Step]]


@dataclass(frozen=True)
class _Context:
    selection: Selection
    options: KindOptions
    target: Target

    @property
    def required(self) -> list[str]:
        return self.selection.profile.components.require


def build_plan(selection: Selection, options: KindOptions, kubeconfig: Path) -> Plan:
    """The steps that create the cluster and install the profile's components, in install order."""
    target = Target(options.name, kubeconfig)
    ctx = _Context(selection, options, target)
    config = render_config(selection.cluster_type, options)
    steps = [_create_step(ctx, config)]
    installed: list[str] = []
    not_installed: dict[str, str] = {}
    wanted = ["calico", *(name for name in ctx.required if name != "calico")]  # no cluster without a CNI
    for name in sorted(wanted, key=_install_rank):
        reason = _unsuitable(ctx, name)
        if reason:
            not_installed[name] = reason
            continue
        steps += RECIPES[name](ctx)
        installed.append(name)
    return Plan(target, config, tuple(steps), tuple(installed), not_installed)


def _install_rank(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


def _unsuitable(ctx: _Context, name: str) -> str | None:
    if name in UNSUITABLE:
        return UNSUITABLE[name]
    if name not in RECIPES:
        return "ukic has no kind install step for this component"
    if name == "rook-operator" and _rook_method(ctx) == "argocd-helm" and "argocd" not in ctx.required:
        return "the profile installs it through Argo CD but does not require Argo CD"
    return None


def _rook_method(ctx: _Context) -> str:
    return ctx.selection.profile.install.rook_operator


def _create_step(ctx: _Context, config: dict[str, Any]) -> Step:
    control, workers = node_counts(ctx.selection.cluster_type, ctx.options.recommended)
    return Step(
        f"Create kind cluster {ctx.target.name}: {control} control-plane and {workers} worker nodes, "
        f"IPv6 only, no default CNI ({ctx.options.image})",
        (
            "kind",
            "create",
            "cluster",
            "--name",
            ctx.target.name,
            "--config",
            "-",
            "--kubeconfig",
            str(ctx.target.kubeconfig),
        ),
        stdin=dump(config),
        stdin_label="kind-config.yaml",
        timeout=900,
    )


def _repo_add(repo: tuple[str, str]) -> Step:
    name, url = repo
    # without --force-update: a user's repository of the same name but another URL is an error, not overwritten
    return Step(f"Add Helm repository {name} ({url})", ("helm", "repo", "add", name, url), timeout=120)


def _wait_deployments(ctx: _Context, namespace: str, what: str) -> Step:
    return Step(
        f"Wait for {what} to be available",
        ctx.target.kubectl(
            "-n", namespace, "wait", "--for=condition=Available", "deployment", "--all", f"--timeout={WAIT}s"
        ),
    )


def _calico(ctx: _Context) -> list[Step]:
    profile = ctx.selection.profile
    values = manifests.calico_values(ctx.options.pod_subnet, profile)
    encapsulation = values["installation"]["calicoNetwork"]["ipPools"][0]["encapsulation"]
    repo = versions.CALICO_CHART_REPO[0]
    bgp = profile.bgp
    return [
        _repo_add(versions.CALICO_CHART_REPO),
        Step(
            f"Install Calico through the tigera-operator chart {versions.CALICO_CHART_VERSION} "
            f"(IPv6 pool {ctx.options.pod_subnet}, BGP Enabled, encapsulation {encapsulation})",
            ctx.target.helm(
                "install",
                "calico",
                f"{repo}/tigera-operator",
                "--version",
                versions.CALICO_CHART_VERSION,
                "--values",
                "-",
                "--wait",
                f"--timeout={WAIT}s",
            ),
            stdin=dump(values),
            stdin_label="calico-values.yaml",
        ),
        Step(
            "Wait for Calico's BGP resource definitions",
            ctx.target.kubectl(
                "wait",
                "--for=condition=Established",
                "--timeout=60s",
                "crd/bgpconfigurations.crd.projectcalico.org",
                "crd/bgppeers.crd.projectcalico.org",
            ),
            timeout=60 + STEP_SLACK,
            retry_for=300,
        ),
        Step(
            "Wait for every node to be Ready (Calico networking up)",
            ctx.target.kubectl("wait", "--for=condition=Ready", "node", "--all", f"--timeout={WAIT}s"),
        ),
        Step(
            f"Configure BGP: node-to-node mesh {'on' if bgp.node_to_node_mesh else 'off'}, private AS "
            f"{manifests.CLUSTER_AS}, service network announced, placeholder upstream peer "
            f"{manifests.PLACEHOLDER_PEER[1]}",
            ctx.target.kubectl("apply", "-f", "-"),
            stdin=manifests.stream(manifests.bgp_objects(profile, ctx.options.service_subnet)),
            stdin_label="bgp-config.yaml",
            timeout=120,
        ),
    ]


def _tigera_operator(ctx: _Context) -> list[Step]:
    return []  # the Calico step installs it: the chart *is* the tigera-operator


def _calicoctl(ctx: _Context) -> list[Step]:
    return [
        Step(
            f"Run calicoctl as a pod in kube-system ({versions.CALICOCTL_IMAGE})",
            ctx.target.kubectl("apply", "-f", "-"),
            stdin=manifests.stream(manifests.calicoctl_objects()),
            stdin_label="calicoctl.yaml",
            timeout=120,
        ),
        Step(
            "Wait for the calicoctl pod to be Ready",
            ctx.target.kubectl(
                "-n", "kube-system", "wait", "--for=condition=Ready", "pod/calicoctl", f"--timeout={WAIT}s"
            ),
        ),
    ]


def _flux(ctx: _Context) -> list[Step]:
    return [
        Step(f"Install Flux {versions.FLUX_VERSION}", ctx.target.kubectl("apply", "-f", versions.FLUX_INSTALL_URL)),
        _wait_deployments(ctx, "flux-system", "the Flux controllers"),
    ]


def _argocd(ctx: _Context) -> list[Step]:
    return [
        Step("Create namespace argocd", ctx.target.kubectl("create", "namespace", "argocd"), timeout=120),
        Step(
            f"Install Argo CD {versions.ARGOCD_VERSION}",
            ctx.target.kubectl("apply", "-n", "argocd", "-f", versions.ARGOCD_INSTALL_URL),
        ),
        _wait_deployments(ctx, "argocd", "Argo CD"),
        Step(
            "Wait for the Argo CD application controller",
            ctx.target.kubectl(
                "-n", "argocd", "rollout", "status", "statefulset/argocd-application-controller", f"--timeout={WAIT}s"
            ),
        ),
    ]


def _argo_workflows(ctx: _Context) -> list[Step]:
    return [
        Step("Create namespace argo", ctx.target.kubectl("create", "namespace", "argo"), timeout=120),
        Step(
            f"Install Argo Workflows {versions.ARGO_WORKFLOWS_VERSION}",
            ctx.target.kubectl("apply", "-n", "argo", "-f", versions.ARGO_WORKFLOWS_INSTALL_URL),
        ),
        _wait_deployments(ctx, "argo", "Argo Workflows"),
    ]


def _secret_generator(ctx: _Context) -> list[Step]:
    repo = versions.SECRET_GENERATOR_CHART_REPO[0]
    return [
        _repo_add(versions.SECRET_GENERATOR_CHART_REPO),
        Step(
            f"Install kubernetes-secret-generator chart {versions.SECRET_GENERATOR_CHART_VERSION}",
            ctx.target.helm(
                "install",
                "kubernetes-secret-generator",
                f"{repo}/kubernetes-secret-generator",
                "--version",
                versions.SECRET_GENERATOR_CHART_VERSION,
                "--namespace",
                "secret-generator",
                "--create-namespace",
                "--wait",
                f"--timeout={WAIT}s",
            ),
        ),
    ]


def _rook_operator(ctx: _Context) -> list[Step]:
    method = _rook_method(ctx)
    if method == "helm":
        repo = versions.ROOK_CHART_REPO[0]
        return [
            _repo_add(versions.ROOK_CHART_REPO),
            Step(
                f"Install the Rook operator with Helm (chart rook-ceph {versions.ROOK_VERSION}; install method helm)",
                ctx.target.helm(
                    "install",
                    "rook-ceph",
                    f"{repo}/rook-ceph",
                    "--version",
                    versions.ROOK_VERSION,
                    "--namespace",
                    "rook-ceph",
                    "--create-namespace",
                    "--wait",
                    f"--timeout={WAIT}s",
                ),
            ),
        ]
    if method == "argocd-helm":
        return [
            Step(
                f"Install the Rook operator through an Argo CD Application (chart rook-ceph {versions.ROOK_VERSION}; "
                "install method argocd-helm)",
                ctx.target.kubectl("apply", "-f", "-"),
                stdin=dump(manifests.rook_operator_application()),
                stdin_label="rook-ceph-application.yaml",
                timeout=120,
            ),
            Step(
                "Wait for Argo CD to sync the Rook operator",
                ctx.target.kubectl(
                    "-n",
                    "rook-ceph",
                    "wait",
                    "--for=condition=Available",
                    "deployment/rook-ceph-operator",
                    "--timeout=60s",
                ),
                timeout=60 + STEP_SLACK,
                retry_for=WAIT,
            ),
        ]
    args: list[str] = ["apply"]
    for url in versions.ROOK_OPERATOR_MANIFESTS:
        args += ["-f", url]
    return [
        Step(
            f"Install the Rook operator from manifests ({versions.ROOK_VERSION}; install method manifests)",
            ctx.target.kubectl(*args),
        ),
        Step(
            "Wait for the Rook operator to be available",
            ctx.target.kubectl(
                "-n",
                "rook-ceph",
                "wait",
                "--for=condition=Available",
                "deployment/rook-ceph-operator",
                f"--timeout={WAIT}s",
            ),
        ),
    ]


#: Install order: network first, then GitOps (Argo CD must exist before Applications), then the rest.
RECIPES: dict[str, Recipe] = {
    "calico": _calico,
    "tigera-operator": _tigera_operator,
    "calicoctl": _calicoctl,
    "flux": _flux,
    "argocd": _argocd,
    "argo-workflows": _argo_workflows,
    "secret-generator": _secret_generator,
    "rook-operator": _rook_operator,
}
ORDER: tuple[str, ...] = (*RECIPES, *UNSUITABLE)

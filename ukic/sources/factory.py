"""Build the one source a command was pointed at: snapshot, live kubeconfig, manifests or kind."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path

from ukic import paths
from ukic.errors import UsageError
from ukic.sources.base import Source


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """The source options shared by verify, detect and capture-like commands."""
    group = parser.add_argument_group("source (one of; default: the bundled v5 production sample)")
    group.add_argument("--snapshot", metavar="PATH", help="snapshot folder or .tar.gz (kubectl get -A -o yaml files)")
    group.add_argument("--kubeconfig", metavar="FILE", help="live cluster through this kubeconfig (or $KUBECONFIG)")
    group.add_argument("--context", metavar="NAME", help="kubeconfig context (default: the current context)")
    group.add_argument(
        "--live", action="store_true", help="the live cluster of $KUBECONFIG (or ~/.kube/config), current context"
    )
    group.add_argument("--manifests", metavar="DIR", help="a configuration repository of YAML manifests")
    group.add_argument("--kind", action="store_true", help="create an ephemeral kind cluster from the profile")
    group.add_argument("--keep", action="store_true", help="with --kind: keep the cluster afterwards")
    group.add_argument("--kind-image", metavar="IMAGE", help="with --kind: node image (default: Kubernetes 1.22)")
    add_timeout_arguments(group, live="live: ")


#: The longest time limit an option takes: a day (an endless one would let a silent server hold a run forever).
MAX_SECONDS = 86400.0


def seconds(text: str) -> float:
    """argparse type of a time limit: a number of seconds above 0, at most MAX_SECONDS."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= MAX_SECONDS:  # also false for nan
        raise argparse.ArgumentTypeError(f"{text!r}: needs a number of seconds above 0, at most {MAX_SECONDS:g}")
    return value


def add_timeout_arguments(parser: argparse._ActionsContainer, live: str = "") -> None:
    """--connect-timeout, --read-timeout and --exec-timeout (for a live cluster)."""
    parser.add_argument(
        "--connect-timeout", type=seconds, default=5.0, metavar="S", help=f"{live}connect timeout (5 s)"
    )
    parser.add_argument("--read-timeout", type=seconds, default=30.0, metavar="S", help=f"{live}read timeout (30 s)")
    parser.add_argument(
        "--exec-timeout",
        type=seconds,
        default=30.0,
        metavar="S",
        help=f"{live}time a kubeconfig exec credential plugin may take (30 s)",
    )


def open_source(args: argparse.Namespace) -> Source:
    """The source named by parsed arguments (see add_source_arguments)."""
    if getattr(args, "kind", False):
        chosen = [n for n in ("snapshot", "kubeconfig", "manifests", "live") if getattr(args, n, None)]
        if chosen:
            raise UsageError(f"--kind and --{chosen[0]} name two sources; give one")
        from ukic.sources.kind import KindSource

        return KindSource.create(
            args.version,
            args.type,
            getattr(args, "cluster", None),
            args.keep,
            args.kind_image,
            profiles_dir=getattr(args, "profiles_dir", None),
        )
    return source_options(args).open()


@dataclass(frozen=True)
class SourceOptions:
    """A source named by options, kept as data (it travels to worker processes); see open_source_from_options."""

    snapshot: str | None = None
    kubeconfig: str | None = None
    context: str | None = None
    manifests: str | None = None
    live: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    exec_timeout: float = 30.0

    @property
    def kind(self) -> str:
        """snapshot | manifests | live | sample (the bundled default)."""
        if self.snapshot:
            return "snapshot"
        if self.manifests:
            return "manifests"
        return "live" if self.kubeconfig or self.context or self.live else "sample"

    def open(self) -> Source:
        return open_source_from_options(**asdict(self))


def source_options(args: argparse.Namespace) -> SourceOptions:
    """The source options of parsed arguments (see add_source_arguments)."""
    return SourceOptions(
        snapshot=args.snapshot,
        kubeconfig=args.kubeconfig,
        context=args.context,
        manifests=args.manifests,
        live=args.live,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        exec_timeout=args.exec_timeout,
    )


def open_source_from_options(
    snapshot: str | None = None,
    kubeconfig: str | None = None,
    context: str | None = None,
    manifests: str | None = None,
    live: bool = False,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    exec_timeout: float = 30.0,
) -> Source:
    """One source from explicit options; with none given, the bundled v5 production sample."""
    if live and (snapshot or manifests):
        raise UsageError(f"--live and --{'snapshot' if snapshot else 'manifests'} name two sources; give one")
    given = {
        name: value
        for name, value in (("snapshot", snapshot), ("kubeconfig", kubeconfig), ("manifests", manifests))
        if value
    }
    if len(given) > 1:
        first, second = list(given)[:2]
        raise UsageError(f"--{first} and --{second} name two sources; give one")
    if snapshot:
        from ukic.sources.snapshot import SnapshotSource

        return SnapshotSource(Path(snapshot))
    if manifests:
        from ukic.sources.manifests import ManifestsSource

        return ManifestsSource(Path(manifests))
    if kubeconfig or context or live:
        from ukic.sources.live import LiveSource

        return LiveSource(
            Path(kubeconfig) if kubeconfig else None,
            context,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            exec_timeout=exec_timeout,
        )
    from ukic.sources.snapshot import SnapshotSource

    return SnapshotSource(paths.default_sample())

"""`ukic kind config|plan|create|delete`: throw-away kind clusters shaped like an infrastructure version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ukic.errors import ExitCode

if TYPE_CHECKING:
    from ukic.kind.config import KindOptions
    from ukic.profiles import Selection


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "kind",
        help="ephemeral kind clusters shaped like an infrastructure version",
        description=(
            "Render, plan, create and delete kind clusters built from a profile: IPv6 only, Calico instead "
            "of the default CNI, node roles per cluster type. `ukic verify --kind` creates, verifies and "
            "deletes one in a single run."
        ),
        epilog="Exit codes: 0 done, 2 a plan step failed (cluster deleted unless --keep), 3 interrupted, "
        "4 usage error or a missing tool.",
    )
    actions = parser.add_subparsers(dest="kind_action", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(handler=lambda args: _usage(parser))

    config = actions.add_parser("config", help="print the kind cluster configuration (v1alpha4 YAML)")
    _add_shape_arguments(config)
    config.set_defaults(handler=run_config)

    plan = actions.add_parser("plan", help="print the install plan without running it")
    _add_shape_arguments(plan)
    plan.add_argument("--kubeconfig", type=Path, metavar="FILE", help="where create would write the kubeconfig")
    plan.set_defaults(handler=run_plan)

    create = actions.add_parser(
        "create", help="create the cluster and install the version's components (the cluster stays)"
    )
    _add_shape_arguments(create)
    create.add_argument(
        "--kubeconfig",
        type=Path,
        metavar="FILE",
        help="write the cluster's kubeconfig here (default: ~/.cache/ukic/kind/NAME/kubeconfig)",
    )
    create.add_argument(
        "--keep", action="store_true", help="keep the cluster even when setting it up fails or is interrupted"
    )
    create.set_defaults(handler=run_create)

    delete = actions.add_parser("delete", help="delete a kind cluster made by ukic")
    delete.add_argument("--name", metavar="NAME", help="cluster name (default: ukic-VERSION-TYPE)")
    delete.add_argument("--version", metavar="vN", help="with --type: names the default cluster")
    delete.add_argument("--type", metavar="TYPE", help="with --version: names the default cluster")
    delete.set_defaults(handler=run_delete)


def _add_shape_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", required=True, metavar="vN", help="infrastructure version, e.g. v5")
    parser.add_argument("--type", required=True, metavar="TYPE", help="cluster type: development or production")
    parser.add_argument("--name", metavar="NAME", help="kind cluster name (default: ukic-VERSION-TYPE)")
    parser.add_argument("--image", metavar="IMAGE", help="node image (default: kindest/node of Kubernetes 1.22)")
    parser.add_argument("--pod-subnet", metavar="CIDR", help="IPv6 pod network (default fd00:10:244::/56)")
    parser.add_argument("--service-subnet", metavar="CIDR", help="IPv6 service network (default fd00:10:96::/112)")
    parser.add_argument(
        "--recommended", action="store_true", help="size for the type's recommended node counts, not the minimums"
    )
    parser.add_argument("--profiles-dir", type=Path, metavar="DIR", help="profiles folder (default: bundled)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return ExitCode.USAGE


def _shape(args: argparse.Namespace) -> tuple[Selection, KindOptions]:
    """The profile selection and kind options the arguments describe."""
    from ukic.kind.config import DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KindOptions, default_name
    from ukic.kind.versions import NODE_IMAGE
    from ukic.profiles import select

    selection = select(args.version, args.type, args.profiles_dir)
    options = KindOptions(
        name=args.name or default_name(args.version, args.type),
        image=NODE_IMAGE if args.image is None else args.image,
        pod_subnet=args.pod_subnet or DEFAULT_POD_SUBNET,
        service_subnet=args.service_subnet or DEFAULT_SERVICE_SUBNET,
        recommended=args.recommended,
    )
    return selection, options


def run_config(args: argparse.Namespace) -> int:
    from ukic.kind.config import render_config
    from ukic.yamlio import dump

    selection, options = _shape(args)
    sys.stdout.write(dump(render_config(selection.cluster_type, options)))
    return ExitCode.CONFORMANT


def run_plan(args: argparse.Namespace) -> int:
    from ukic.kind.cluster import state_dir
    from ukic.kind.plan import build_plan

    selection, options = _shape(args)
    kubeconfig = args.kubeconfig or state_dir(options.name) / "kubeconfig"
    print(build_plan(selection, options, kubeconfig).render())
    return ExitCode.CONFORMANT


def run_create(args: argparse.Namespace) -> int:
    from ukic.kind.cluster import KindCluster

    selection, options = _shape(args)
    cluster = KindCluster(selection, options, keep=args.keep, kubeconfig=args.kubeconfig)
    cluster.create()  # cleans up itself when it fails or is interrupted
    print(f"kind cluster {cluster.name} created (context {cluster.context})")
    print(f"kubeconfig: {cluster.kubeconfig}")
    print(
        f"verify it:  ukic verify --kubeconfig {cluster.kubeconfig} --context {cluster.context} "
        f"--version {args.version} --type {args.type}"
    )
    print(f"delete it:  ukic kind delete --name {cluster.name}")
    return ExitCode.CONFORMANT


def run_delete(args: argparse.Namespace) -> int:
    from ukic.errors import UsageError
    from ukic.kind.cluster import delete_cluster
    from ukic.kind.config import default_name

    name = args.name
    if not name:
        if not (args.version and args.type):
            raise UsageError("kind delete: give --name, or --version and --type for the default name")
        name = default_name(args.version, args.type)
    if delete_cluster(name):
        print(f"kind cluster {name} deleted")
    return ExitCode.CONFORMANT

"""`ukic rbac`: print the ServiceAccount and read-only ClusterRole ukic needs on a cluster."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rbac",
        help="print the read-only RBAC (ServiceAccount, ClusterRole, binding) ukic needs",
        description="Print deploy/rbac.yaml: a ClusterRole with get/list on exactly the resources ukic reads, "
        "a ServiceAccount ukic in namespace ukic, and the binding. Apply it with kubectl apply -f -.",
    )
    parser.add_argument("--watch", action="store_true", help="also grant watch (for ukic serve --watch)")
    parser.add_argument("--rules", action="store_true", help="print only the ClusterRole's rules (the Helm chart's)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.rbac import VERBS, WATCH_VERBS, render, render_rules

    verbs = WATCH_VERBS if args.watch else VERBS
    print(render_rules(verbs) if args.rules else render(verbs=verbs), end="")
    return 0

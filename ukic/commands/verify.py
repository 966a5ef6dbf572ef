"""`ukic verify`: check one cluster against one infrastructure version and cluster type."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ukic.hosts import options as hosts_options
from ukic.sources.factory import add_source_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify a cluster against the manual (default: the bundled v5 production sample)",
        description="Verify a cluster against the ungleich infrastructure manual and write reports.",
        epilog="Exit codes: 0 conformant (warnings allowed), 1 not conformant, 2 could not verify, 4 usage error.",
    )
    parser.add_argument("--version", default="v5", metavar="vN", help="infrastructure version (default v5)")
    parser.add_argument(
        "--type",
        default="production",
        metavar="TYPE",
        help="cluster type: development or production (default production)",
    )
    parser.add_argument(
        "--cluster", metavar="NAME", help="cluster name for reports and ledger (default: from the source)"
    )
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    parser.add_argument("--no-reports", action="store_true", help="print the result only; write no report or ledger")
    parser.add_argument(
        "-m",
        "--select",
        dest="marker",
        metavar="EXPR",
        help="only scenarios whose tags match, e.g. 'bgp and not recommended'",
    )
    parser.add_argument("--waivers", type=Path, metavar="FILE", help="waivers.yaml of known, accepted deviations")
    parser.add_argument(
        "--profiles-dir", type=Path, metavar="DIR", help="profiles folder (default: the bundled profiles)"
    )
    parser.add_argument(
        "--base", metavar="GIT_REF", help="with --manifests: report what the change since GIT_REF makes worse"
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="terminal colours")
    parser.add_argument(
        "--inventory",
        type=Path,
        metavar="clusters.yaml",
        help="with --cluster NAME: verify that inventory cluster (its version, type, source and hosts)",
    )
    add_source_arguments(parser)
    hosts_options.add_cli_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.errors import UsageError
    from ukic.resources import early_reads
    from ukic.sources.factory import open_source

    if args.base:
        if not args.manifests:
            raise UsageError("--base compares two states of a configuration repository: give --manifests DIR")
        from ukic.gate import run_gate

        return run_gate(args)
    entry = _inventory_entry(args) if args.inventory is not None else None
    source = None
    if not args.kind:  # reading starts at once (GET only), while the profiles load: a live cluster answers meanwhile
        source = open_source(args)
        source.start_prefetch(early_reads(args.marker))
    try:
        from ukic.profiles import select

        select(args.version, args.type, args.profiles_dir)  # bad version or type: fail before building a kind cluster
        hosts = _hosts(entry) if entry is not None else hosts_options.spec_from_args(args)
    except BaseException:
        if source is not None:
            source.close()
        raise
    source = source or open_source(args)
    from ukic.errors import ExitCode, SourceError
    from ukic.ledger import failure_entry, ledger_path, record, record_failure
    from ukic.report.terminal import render_terminal
    from ukic.run import VerifyRequest, verify
    from ukic.run_result import write_reports

    try:
        result = verify(
            VerifyRequest(
                source=source,
                version=args.version,
                cluster_type=args.type,
                cluster=args.cluster,
                marker=args.marker,
                hosts=hosts,
                waivers=args.waivers,
                profiles_dir=args.profiles_dir,
                inventory_entry=entry,
            )
        )
    except SourceError as err:  # the cluster could not be read at all: a named cluster is "could not verify"
        if args.cluster and not args.no_reports:
            entry = failure_entry(args.version, args.type, err.message, int(ExitCode.UNVERIFIABLE))
            record_failure(ledger_path(args.report_dir), args.cluster, entry)
        raise
    finally:
        source.close()
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    print(render_terminal(result, color=color), end="")
    if not args.no_reports:
        folder = write_reports(result, args.report_dir)
        record(ledger_path(args.report_dir), result, folder)
        print(f"reports: {folder}")
    return result.exit_code


def _inventory_entry(args: argparse.Namespace) -> Any:
    """The --cluster entry of --inventory; its version, type and source replace the arguments'."""
    from dataclasses import asdict

    from ukic.errors import UsageError
    from ukic.inventory import load_inventory, source_options

    given = [f"--{n}" for n in ("snapshot", "kubeconfig", "context", "manifests", "live", "kind") if getattr(args, n)]
    if given:
        raise UsageError(f"--inventory names the cluster's source: drop {', '.join(given)}")
    if not args.cluster:
        raise UsageError("--inventory needs --cluster NAME: which of its clusters to verify")
    inventory = load_inventory(args.inventory)
    entry = inventory.get(args.cluster)
    if entry is None:
        raise UsageError(f"{args.inventory}: no cluster {args.cluster!r} (it has {', '.join(inventory.names())})")
    for option, value in asdict(source_options(entry)).items():
        if option in ("snapshot", "kubeconfig", "context", "manifests"):
            setattr(args, option, value)
    args.version, args.type = entry.version, entry.type
    return entry


def _hosts(entry: Any) -> Any:
    from ukic.inventory import hosts_spec

    return hosts_spec(entry)

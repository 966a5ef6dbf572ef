"""`ukic serve`: verify one cluster (or an inventory) on an interval and on changes; serve metrics and reports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ukic.hosts import options as hosts_options
from ukic.sources.factory import add_source_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="verify on an interval (and on watched changes); serve /metrics, /healthz, /readyz and reports",
        description="Verify one cluster (any source option of verify; default: the cluster of $KUBECONFIG or "
        "~/.kube/config, or the pod's service account) or every cluster of --inventory, every --interval and, "
        "with --watch, soon after a change to anything its scenarios read. Serves Prometheus metrics at "
        "/metrics, /healthz, /readyz, the cluster table at / and the reports read-only. Stops on SIGTERM.",
        epilog="Exit codes: 0 after SIGTERM or SIGINT, 4 usage error (including an address it cannot listen on).",
    )
    parser.add_argument("--inventory", type=Path, metavar="clusters.yaml", help="serve every cluster of an inventory")
    parser.add_argument("--version", default="v5", metavar="vN", help="infrastructure version (default v5)")
    parser.add_argument("--type", default="production", metavar="TYPE", help="development or production")
    parser.add_argument("--cluster", metavar="NAME", help="cluster name (default: from the source)")
    parser.add_argument(
        "--interval",
        default="1h",
        metavar="DURATION",
        help="time between runs, e.g. 15m, 1h (default 1h, ±10%% jitter)",
    )
    parser.add_argument("--watch", action="store_true", help="also re-verify within seconds of a change (live sources)")
    parser.add_argument("--listen", default="[::]:9797", metavar="HOST:PORT", help="default [::]:9797")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    parser.add_argument("--parallel", type=int, default=4, metavar="N", help="clusters verified at the same time")
    parser.add_argument("-m", "--select", dest="marker", metavar="EXPR", help="only scenarios whose tags match")
    parser.add_argument("--waivers", type=Path, metavar="FILE", help="waivers.yaml of known, accepted deviations")
    parser.add_argument("--profiles-dir", type=Path, metavar="DIR", help="profiles folder (default: bundled)")
    add_source_arguments(parser)
    hosts_options.add_cli_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.errors import UsageError
    from ukic.serve.loop import ServeConfig, serve
    from ukic.serve.schedule import parse_duration
    from ukic.serve.web import parse_listen

    try:
        interval = parse_duration(args.interval)
    except ValueError as exc:
        raise UsageError(f"--interval: {exc}") from None
    if args.parallel < 1:
        raise UsageError("--parallel: needs a number of workers of at least 1")
    if args.kind:
        raise UsageError("serve verifies clusters that stay: --kind makes an ephemeral one; verify it with ukic verify")
    parse_listen(args.listen)
    inventory, jobs = _jobs(args)
    config = ServeConfig(
        jobs=tuple(jobs),
        report_dir=args.report_dir,
        interval=interval,
        listen=args.listen,
        watch=args.watch,
        parallel=args.parallel,
        inventory=inventory,
    )
    return serve(config)


def _jobs(args: argparse.Namespace) -> tuple[Any, list[Any]]:
    """The inventory (or None) and one VerifyJob per cluster to serve."""
    from ukic.errors import UsageError
    from ukic.profiles import select
    from ukic.workers import VerifyJob

    if args.inventory is not None:
        given = [f"--{n}" for n in ("snapshot", "kubeconfig", "manifests", "context", "cluster") if getattr(args, n)]
        if args.live:
            given.append("--live")
        if given:
            raise UsageError(f"--inventory names the clusters and their sources: drop {', '.join(given)}")
        from ukic.audit import check_versions
        from ukic.inventory import load_inventory

        inventory = load_inventory(args.inventory)
        check_versions(inventory, args.profiles_dir)
        jobs = [VerifyJob.of_cluster(c, args.report_dir, args.waivers, args.profiles_dir) for c in inventory.clusters]
        return inventory, [_with_marker(job, args.marker) for job in jobs]
    select(args.version, args.type, args.profiles_dir)  # a bad version or type fails before anything starts
    options = _source(args)
    job = VerifyJob(
        name=args.cluster or _default_name(options),
        version=args.version,
        type=args.type,
        source=options,
        report_dir=args.report_dir,
        hosts=hosts_options.spec_from_args(args),
        waivers=args.waivers,
        profiles_dir=args.profiles_dir,
        marker=args.marker,
    )
    return None, [job]


def _with_marker(job: Any, marker: str | None) -> Any:
    from dataclasses import replace

    return replace(job, marker=marker)


def _source(args: argparse.Namespace) -> Any:
    """The source options; with none given, the live cluster (kubeconfig or the pod's service account)."""
    from dataclasses import replace

    from ukic.sources.factory import source_options

    options = source_options(args)
    return replace(options, live=True) if options.kind == "sample" else options


def _default_name(options: Any) -> str:
    """The cluster's name as its source tells it, without contacting a cluster."""
    from ukic.errors import UsageError

    if options.kind == "live":
        from ukic.kubeapi.kubeconfig import load_target

        name = load_target(options.kubeconfig, options.context).cluster_name
        if not name:
            raise UsageError("give --cluster NAME: the pod's service account does not say which cluster this is")
        return name
    source = options.open()
    try:
        info = source.info()
        return info.cluster_name or Path(info.location).name or "cluster"
    finally:
        source.close()

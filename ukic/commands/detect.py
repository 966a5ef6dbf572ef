"""`ukic detect`: the highest infrastructure version a cluster fully conforms to, and what blocks the next."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ukic.sources.factory import add_source_arguments

MAX_BLOCKERS_SHOWN = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "detect",
        help="find the highest infrastructure version a cluster conforms to",
        description="Verify the cluster against every infrastructure version (same facts for all) and report "
        "the highest one it fully conforms to, and for each higher version the scenarios in the way.",
        epilog="Exit codes: 0 some version conforms, 1 none does, 2 the source could not be read, 4 usage error.",
    )
    parser.add_argument("--type", required=True, choices=("development", "production"), help="cluster type to judge by")
    parser.add_argument("--cluster", metavar="NAME", help="cluster name (default: from the source)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--profiles-dir", type=Path, metavar="DIR", help="profiles folder (default: bundled)")
    add_source_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.detect import detect
    from ukic.errors import UsageError
    from ukic.sources.factory import open_source

    if getattr(args, "kind", False):
        raise UsageError("detect reads an existing cluster; --kind would build one for a single version")
    source = open_source(args)
    try:
        detection = detect(source, args.type, cluster=args.cluster, profiles_dir=args.profiles_dir)
    finally:
        source.close()
    if args.format == "json":
        print(json.dumps(detection.to_dict(), indent=2))
    else:
        print(render_text(detection))
    return 0 if detection.conforms_to else 1


def render_text(detection: Any) -> str:
    """Per-version verdicts, the answer, then what stands in the way of each higher version."""
    from ukic.redact import printable

    lines = [f"ukic detect ({printable(detection.cluster_type, one_line=True)})", ""]
    width = max(len(v.version) for v in detection.verdicts)
    for verdict in detection.verdicts:
        counts = verdict.result.counts
        summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        lines.append(f"  {verdict.version:<{width}}  {verdict.result.verdict:<16}  {summary}")
    lines.append("")
    best = detection.conforms_to
    if best:
        lines.append(f"Conforms to {best} ({detection.cluster_type}).")
    else:
        lines.append(f"Conforms to no infrastructure version ({detection.cluster_type}).")
    for verdict in detection.higher:
        blockers = verdict.blockers
        if not blockers:
            continue
        lines += ["", f"{verdict.version}: {len(blockers)} scenario{'s' if len(blockers) != 1 else ''} in the way"]
        for scenario in blockers[:MAX_BLOCKERS_SHOWN]:
            reason = printable(f"{scenario.id}: {scenario.reason}", one_line=True)
            lines.append(f"  - [{scenario.outcome.value}] {reason}")
        if len(blockers) > MAX_BLOCKERS_SHOWN:
            lines.append(f"  - and {len(blockers) - MAX_BLOCKERS_SHOWN} more (--format json lists all)")
    return "\n".join(lines)

"""`ukic profiles list | show | diff`: read the infrastructure versions the harness checks against."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ukic.errors import ExitCode


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "profiles",
        help="list, show and compare infrastructure versions (profiles)",
        description="Infrastructure versions are YAML files; each extends the one before it.",
    )
    actions = parser.add_subparsers(dest="profiles_action", metavar="ACTION", required=True)
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument(
        "--profiles-dir", metavar="DIR", type=Path, help="read profiles from DIR instead of the bundled ones"
    )

    listing = actions.add_parser("list", parents=[folder], help="every version: released, extends, title")
    listing.set_defaults(handler=list_command)

    show = actions.add_parser("show", parents=[folder], help="a version's merged rules, chain and digest")
    show.add_argument("version", help="infrastructure version, e.g. v4")
    show.add_argument("--type", dest="cluster_type", metavar="TYPE", help="also show a cluster type")
    show.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (yaml)")
    show.set_defaults(handler=show_command)

    diff = actions.add_parser("diff", parents=[folder], help="the rules version NEW changed from OLD")
    diff.add_argument("old", help="the earlier version, e.g. v3")
    diff.add_argument("new", help="the later version, e.g. v4")
    diff.set_defaults(handler=diff_command)


def list_command(args: argparse.Namespace) -> int:
    from ukic.profiles import list_profiles

    rows = [("VERSION", "RELEASED", "EXTENDS", "TITLE")]
    rows += [(p.version, p.released, p.extends or "-", p.title) for p in list_profiles(args.profiles_dir)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return ExitCode.CONFORMANT


def show_command(args: argparse.Namespace) -> int:
    from ukic.profiles import Selection, profile_digest, resolve, select
    from ukic.profiles.model import as_data

    selection: Selection | None = None
    if args.cluster_type is None:
        resolved = resolve(args.version, args.profiles_dir)
        profile, chain = resolved.profile, resolved.chain
    else:
        selection = select(args.version, args.cluster_type, args.profiles_dir)
        profile, chain = selection.profile, selection.chain
    document: dict[str, Any] = {"version": profile.version, "chain": chain}
    if selection is not None:
        document["digest"] = selection.digest  # what a run over this version and type records
    document["profile_digest"] = profile_digest(profile)
    document["profile"] = as_data(profile)
    if selection is not None:
        document["cluster_type"] = as_data(selection.cluster_type)
    if args.format == "json":
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        from ukic.yamlio import dump

        print(dump(document), end="")
    return ExitCode.CONFORMANT


def diff_command(args: argparse.Namespace) -> int:
    from ukic.profiles import diff_profiles

    changes = diff_profiles(args.old, args.new, args.profiles_dir)
    for change in changes:
        delta = _list_delta(change.old, change.new)
        print(f"{change.path}: {_shown(change.old)} -> {_shown(change.new)}{delta}")
    if not changes:
        print(f"{args.old} and {args.new} state the same rules")
    return ExitCode.CONFORMANT


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(unset)"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _list_delta(old: Any, new: Any) -> str:
    """For lists of names: which were added and which removed, e.g. ' (+argocd, -flux)'."""
    if not (isinstance(old, list) and isinstance(new, list)):
        return ""
    if not all(isinstance(v, str) for v in [*old, *new]):
        return ""
    delta = [f"+{n}" for n in new if n not in old] + [f"-{n}" for n in old if n not in new]
    return f" ({', '.join(delta)})" if delta else ""

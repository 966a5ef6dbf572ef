"""The kind configuration for every version and cluster type: v1alpha4 fields only, IPv6 only, enough nodes."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
import yaml

from ukic.cli import main
from ukic.errors import UsageError
from ukic.kind.config import KindOptions, node_counts, render_config
from ukic.profiles import list_profiles, load_cluster_types, select

# kind.x-k8s.io/v1alpha4, written down from kind's API types (pkg/apis/config/v1alpha4/types.go)
CLUSTER_KEYS = {
    "kind",
    "apiVersion",
    "name",
    "featureGates",
    "runtimeConfig",
    "nodes",
    "networking",
    "kubeadmConfigPatches",
    "kubeadmConfigPatchesJSON6902",
    "containerdConfigPatches",
    "containerdConfigPatchesJSON6902",
}
NODE_KEYS = {
    "role",
    "image",
    "labels",
    "extraMounts",
    "extraPortMappings",
    "kubeadmConfigPatches",
    "kubeadmConfigPatchesJSON6902",
}
NETWORKING_KEYS = {
    "ipFamily",
    "apiServerPort",
    "apiServerAddress",
    "podSubnet",
    "serviceSubnet",
    "disableDefaultCNI",
    "kubeProxyMode",
    "dnsSearch",
}
ROLES = {"control-plane", "worker"}
IP_FAMILIES = {"ipv4", "ipv6", "dual"}

VERSIONS = [p.version for p in list_profiles()]
TYPES = sorted(load_cluster_types())


def check_v1alpha4(doc: dict[str, Any]) -> list[str]:
    """Every problem with doc as a kind v1alpha4 Cluster; empty when valid."""
    problems = [f"unknown Cluster field {k}" for k in sorted(set(doc) - CLUSTER_KEYS)]
    if doc.get("kind") != "Cluster" or doc.get("apiVersion") != "kind.x-k8s.io/v1alpha4":
        problems.append(f"not a v1alpha4 Cluster: {doc.get('kind')} {doc.get('apiVersion')}")
    net = doc.get("networking", {})
    problems += [f"unknown networking field {k}" for k in sorted(set(net) - NETWORKING_KEYS)]
    if net.get("ipFamily") not in IP_FAMILIES:
        problems.append(f"ipFamily {net.get('ipFamily')!r}")
    if not isinstance(net.get("disableDefaultCNI", False), bool):
        problems.append("disableDefaultCNI is not a boolean")
    for node in doc.get("nodes", []):
        problems += [f"unknown node field {k}" for k in sorted(set(node) - NODE_KEYS)]
        if node.get("role") not in ROLES:
            problems.append(f"node role {node.get('role')!r}")
        if not isinstance(node.get("image", ""), str):
            problems.append("node image is not a string")
    if not doc.get("nodes"):
        problems.append("no nodes")
    return problems


def test_schema_check_catches_wrong_fields() -> None:
    bad = {
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "network": {},
        "networking": {"ipFamily": "IPv6", "podCIDR": "x"},
        "nodes": [{"role": "master", "img": "x"}],
    }
    assert check_v1alpha4(bad) == [
        "unknown Cluster field network",
        "unknown networking field podCIDR",
        "ipFamily 'IPv6'",
        "unknown node field img",
        "node role 'master'",
    ]


@pytest.mark.parametrize("cluster_type", TYPES)
@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_and_type_renders_valid_ipv6_only_config(version: str, cluster_type: str) -> None:
    selection = select(version, cluster_type)
    text = _cli_config(version, cluster_type)
    doc = yaml.safe_load(text)

    assert check_v1alpha4(doc) == []
    net = doc["networking"]
    assert net["ipFamily"] == "ipv6"
    assert net["disableDefaultCNI"] is True
    assert net["apiServerAddress"] == "::1"
    for field in ("podSubnet", "serviceSubnet"):
        assert ipaddress.ip_network(net[field]).version == 6, field
    assert "ipv4" not in text.lower() and "10.244." not in text  # nothing IPv4 slipped in

    ctype = selection.cluster_type
    roles = [n["role"] for n in doc["nodes"]]
    workers = roles.count("worker")  # kind taints control planes whenever there are workers
    assert roles.count("control-plane") >= ctype.min_control_plane
    assert workers >= ctype.min_schedulable_workers
    assert len(roles) >= ctype.min_nodes
    assert roles == sorted(roles)  # control planes first, as kind lists them
    assert doc["name"] == f"ukic-{version}-{cluster_type}"


@pytest.mark.parametrize(
    ("cluster_type", "recommended", "expected"),
    [
        ("development", False, (1, 3)),  # 3 nodes minimum, 3 schedulable workers: the master cannot count
        ("production", False, (3, 3)),  # 5 minimum, 3 control planes, 3 schedulable workers
        ("development", True, (1, 3)),  # recommended 4: a dedicated master and 3 workers
        ("production", True, (3, 5)),  # recommended 8: 3 masters and 5 workers
    ],
)
def test_node_counts_follow_the_cluster_type(cluster_type: str, recommended: bool, expected: tuple[int, int]) -> None:
    assert node_counts(load_cluster_types()[cluster_type], recommended) == expected


def test_v5_development_matches_the_issue_example() -> None:
    doc = yaml.safe_load(_cli_config("v5", "development", "--image", "kindest/node:v1.22.15"))
    assert doc == {
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "name": "ukic-v5-development",
        "networking": {
            "ipFamily": "ipv6",
            "apiServerAddress": "::1",
            "podSubnet": "fd00:10:244::/56",
            "serviceSubnet": "fd00:10:96::/112",
            "disableDefaultCNI": True,
        },
        "nodes": [{"role": "control-plane", "image": "kindest/node:v1.22.15"}]
        + [{"role": "worker", "image": "kindest/node:v1.22.15"}] * 3,
    }


def test_subnets_and_name_options_are_used() -> None:
    doc = yaml.safe_load(
        _cli_config(
            "v2",
            "production",
            "--pod-subnet",
            "2001:db8:1::/56",
            "--service-subnet",
            "2001:db8:2::/112",
            "--name",
            "ci-42",
            "--recommended",
        )
    )
    assert doc["networking"]["podSubnet"] == "2001:db8:1::/56"
    assert doc["networking"]["serviceSubnet"] == "2001:db8:2::/112"
    assert doc["name"] == "ci-42"
    assert len(doc["nodes"]) == 8


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pod-subnet", "10.244.0.0/16"], "--pod-subnet 10.244.0.0/16: must be an IPv6 network"),
        (["--service-subnet", "fd00::1/64"], "--service-subnet 'fd00::1/64': not a network in CIDR notation"),
        (["--name", "Bad_Name"], "kind cluster name 'Bad_Name': lowercase letters"),
        (["--image", " "], "--image: empty node image name"),
        (["--type", "staging"], "unknown cluster type 'staging'"),
    ],
)
def test_bad_options_are_one_line_usage_errors(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {"--version": "v5", "--type": "development"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["kind", "config", *[part for pair in base.items() for part in pair]]
    assert main(argv) == 4
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_version_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kind", "config", "--version", "v9", "--type", "production"]) == 4
    assert "v9" in capsys.readouterr().err


def test_options_object_rejects_ipv4_directly() -> None:
    with pytest.raises(UsageError, match="must be an IPv6 network"):
        KindOptions(name="x", pod_subnet="192.168.0.0/16")


def test_render_is_pure_data() -> None:
    selection = select("v1", "development")
    doc = render_config(selection.cluster_type, KindOptions(name="a"))
    assert yaml.safe_load(yaml.safe_dump(doc)) == doc


def _cli_config(version: str, cluster_type: str, *extra: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["kind", "config", "--version", version, "--type", cluster_type, *extra])
    assert code == 0
    return out.getvalue()

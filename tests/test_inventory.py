"""clusters.yaml: validated entries, errors naming cluster and field, paths relative to the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ukic.errors import UsageError
from ukic.inventory import hosts_spec, load_inventory, open_cluster_source

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "clusters.yaml"

ENTRY = """\
  - name: {name}
    purpose: Dev
    setup: VM
    maintainer: Nico
    version: v5
    type: development
    v4_proxy: false
    source: {source}
"""


def write(tmp_path: Path, body: str, name: str = "clusters.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def inventory_of(tmp_path: Path, *entries: tuple[str, str], extra: str = "") -> Path:
    body = "clusters:\n" + "".join(ENTRY.format(name=n, source=s) for n, s in entries) + extra
    return write(tmp_path, body)


def test_relative_paths_resolve_against_the_inventory_folder(tmp_path: Path) -> None:
    (tmp_path / "snaps" / "p6").mkdir(parents=True)
    path = inventory_of(
        tmp_path,
        ("p6", "{snapshot: snaps/p6}"),
        ("p7", "{kubeconfig: conf/c7.conf, context: admin@p7}"),
        ("p8", "{manifests: /srv/k8s-config}"),
    )
    inventory = load_inventory(path)
    assert inventory.names() == ["p6", "p7", "p8"]
    p6, p7, p8 = inventory.clusters
    assert p6.source.snapshot == tmp_path / "snaps" / "p6"
    assert p7.source.kubeconfig == tmp_path / "conf" / "c7.conf"
    assert p7.source.context == "admin@p7"
    assert p8.source.manifests == Path("/srv/k8s-config")
    assert (p6.setup, p6.type, p6.v4_proxy, p6.version) == ("VM", "development", False, "v5")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{snapshot: a, manifests: b}",
            "cluster 'place10': source: needs exactly one of snapshot, kubeconfig, manifests",
        ),
        ("{}", "cluster 'place10': source: needs exactly one of snapshot, kubeconfig, manifests"),
        ("{snapshot: a, context: x}", "cluster 'place10': source: context belongs with kubeconfig"),
        ("{snapshot: a, colour: blue}", "cluster 'place10': unknown key 'source.colour'"),
    ],
)
def test_source_errors_name_the_cluster_and_field(tmp_path: Path, source: str, expected: str) -> None:
    path = inventory_of(tmp_path, ("place10", source))
    with pytest.raises(UsageError) as caught:
        load_inventory(path)
    assert caught.value.message.startswith(f"{path}: {expected}")


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (("setup: VM", "setup: cloud"), "cluster 'p6': setup: Input should be 'VM', 'HW' or 'PI'"),
        (("type: development", "type: staging"), "cluster 'p6': type:"),
        (("version: v5", "version: five"), "cluster 'p6': version:"),
        (("v4_proxy: false", "v4_proxy: maybe"), "cluster 'p6': v4_proxy:"),
        (("    maintainer: Nico\n", ""), "cluster 'p6': missing key 'maintainer'"),
        (("    purpose: Dev\n", "    purpose: Dev\n    owner: me\n"), "cluster 'p6': unknown key 'owner'"),
    ],
)
def test_field_errors_name_the_cluster_and_field(tmp_path: Path, replace: tuple[str, str], expected: str) -> None:
    path = inventory_of(tmp_path, ("p6", "{snapshot: x}"))
    path.write_text(path.read_text().replace(*replace), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_inventory(path)
    assert caught.value.message.startswith(f"{path}: {expected}")


def test_unnamed_entry_is_named_by_position(tmp_path: Path) -> None:
    path = write(tmp_path, "clusters:\n  - purpose: Dev\n")
    with pytest.raises(UsageError, match=r"cluster #1: missing key 'name'"):
        load_inventory(path)


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    path = inventory_of(tmp_path, ("p6", "{snapshot: a}"), ("p6", "{snapshot: b}"))
    with pytest.raises(UsageError, match=r"cluster 'p6': name: listed twice"):
        load_inventory(path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("clusters: []\n", "clusters: expected a non-empty list"),
        ("- name: p6\n", "expected one top-level key 'clusters'"),
        ("clusters: [\n", "not valid YAML"),
        ("clusters:\n  - just-a-string\n", "cluster #1: expected a mapping"),
    ],
)
def test_malformed_files_are_one_line_usage_errors(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(UsageError, match=expected) as caught:
        load_inventory(write(tmp_path, body))
    assert "\n" not in caught.value.message


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope.yaml: file not found$"):
        load_inventory(tmp_path / "nope.yaml")


def test_opens_a_snapshot_source_and_reports_a_missing_one(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "nodes.yaml").write_text("apiVersion: v1\nkind: List\nitems: []\n", encoding="utf-8")
    path = inventory_of(tmp_path, ("good", "{snapshot: snap}"), ("gone", "{snapshot: missing}"))
    good, gone = load_inventory(path).clusters
    source = open_cluster_source(good)
    assert source.info().kind == "snapshot"
    assert source.list("nodes") == []
    with pytest.raises(UsageError, match="no such file"):
        open_cluster_source(gone)


def test_hosts_block_is_optional_and_passed_on_or_noted(tmp_path: Path) -> None:
    path = inventory_of(tmp_path, ("p6", "{snapshot: s}"), ("p7", "{snapshot: s}"))
    block = "    hosts: {node_template: 'ssh://root@{node}', routers: {router1: 'ssh://root@router1'}}\n"
    path.write_text(path.read_text().replace("    source: {snapshot: s}\n", "    source: {snapshot: s}\n" + block, 1))
    with_hosts, without = load_inventory(path).clusters
    assert with_hosts.hosts == {"node_template": "ssh://root@{node}", "routers": {"router1": "ssh://root@router1"}}
    assert hosts_spec(without) is None
    assert type(hosts_spec(with_hosts)).__name__ == "HostsSpec"


def test_relative_ssh_config_resolves_against_the_inventory_folder(tmp_path: Path) -> None:
    (tmp_path / "ssh_config").write_text("Host *\n  User root\n")
    path = inventory_of(tmp_path, ("p6", "{snapshot: s}"))
    block = "    hosts: {node_template: 'ssh://root@{node}', ssh_config: ssh_config}\n"
    path.write_text(path.read_text().replace("    source: {snapshot: s}\n", "    source: {snapshot: s}\n" + block, 1))
    (cluster,) = load_inventory(path).clusters
    assert hosts_spec(cluster).ssh_config == tmp_path / "ssh_config"


def test_bad_hosts_block_is_an_inventory_error(tmp_path: Path) -> None:
    if importlib.util.find_spec("ukic.hosts") is None:
        pytest.skip("this ukic has no host checks (ukic.hosts), so the hosts block is not interpreted")
    path = inventory_of(tmp_path, ("p6", "{snapshot: s}"))
    path.write_text(path.read_text() + "    hosts: {node_template: 'telnet://{node}'}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_inventory(path)
    assert caught.value.message.startswith(f"{path}: cluster 'p6': hosts: ")
    assert "telnet" in caught.value.message


def test_example_inventory_is_valid_and_points_at_existing_samples() -> None:
    inventory = load_inventory(EXAMPLE)
    assert len(inventory.clusters) >= 5
    for cluster in inventory.clusters:
        assert cluster.source.snapshot is not None
        assert cluster.source.snapshot.is_dir(), f"{cluster.name}: {cluster.source.snapshot} missing"

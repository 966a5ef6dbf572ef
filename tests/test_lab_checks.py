"""Node and router checks through the real harness against the IPv6 lab: sshd, BIRD, etcd and ceph-mon.

Each fault test breaks one thing in the shared lab, runs `ukic.run.verify` with the lab's
hosts, and restores the lab (the fault helpers undo their change even when the test fails).
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

from tests.lab import cri
from tests.lab.cluster import whole_cluster
from tests.lab.site import SERVICE_SUBNET, Lab
from tests.lab.snapshot import write_snapshot
from ukic import ledger
from ukic.hosts import probes
from ukic.hosts.pool import HostPool
from ukic.outcome import Outcome
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

if TYPE_CHECKING:
    from tests.lab.fixture import VerifyLab

pytest_plugins = ["tests.lab.fixture"]
pytestmark = pytest.mark.lab

ETCD = "etcd's members are exactly the control-plane nodes, all started and answering"
FORWARDING = "Every node forwards IPv6"
ADMIN_CONF = "The masters hold the cluster's admin.conf"
QUORUM = "The storage monitors are in quorum, as many as the cluster type calls for"
SESSIONS = "Every router has an established BGP session with every node"
NEXT_HOP = "Each pod block is reached through the node that hosts it"
SERVICES = "The service network is announced to the routers"
NODE_SCENARIOS = {ETCD, FORWARDING, ADMIN_CONF, QUORUM}
ROUTER_SCENARIOS = {SESSIONS, NEXT_HOP, SERVICES}


def outcomes(results: dict) -> dict[str, Outcome]:
    return {name: r.outcome for name, r in results.items()}


def test_healthy_lab_passes_every_node_and_router_scenario(verify_lab: VerifyLab) -> None:
    results = verify_lab("nodes or routers")
    assert set(results) == NODE_SCENARIOS | ROUTER_SCENARIOS
    assert outcomes(results) == dict.fromkeys(results, Outcome.PASSED), {n: r.reason for n, r in results.items()}


def test_silent_member_of_a_control_plane_node_is_down_not_stale(healthy_lab: Lab, verify_lab: VerifyLab) -> None:
    with healthy_lab.stale_etcd_member("node3") as member:
        results = verify_lab("nodes")
    etcd = results[ETCD]
    assert etcd.outcome is Outcome.FAILED
    assert member["id"] in etcd.reason and member["peer_url"] in etcd.reason
    assert "down — check before removing" in etcd.reason
    assert "member remove" not in etcd.reason + etcd.remedy  # node3 is a current control-plane node: never remove it
    assert etcd.reason.count("etcd member ") == 1  # the live members are not blamed
    assert results[FORWARDING].outcome is Outcome.PASSED


def test_silent_member_of_a_node_no_longer_in_the_control_plane_is_stale_with_the_manuals_command(
    healthy_lab: Lab, verify_lab: VerifyLab, tmp_path
) -> None:
    snapshot = write_snapshot(tmp_path / "snapshot", healthy_lab.nodes, control_plane=["node1", "node2"])
    with healthy_lab.stale_etcd_member("node3") as member:
        results = verify_lab("nodes", snapshot=snapshot)
    reason = results[ETCD].reason
    assert results[ETCD].outcome is Outcome.FAILED
    assert (
        f"etcd member {member['id']} (node3, peer {member['peer_url']}) is not a current control-plane node: "
        "stale — remove it" in reason
    )
    assert results[ETCD].remedy == (
        "kubectl exec -n kube-system -ti etcd-node1 -- etcdctl --endpoints '[::1]:2379' "
        "--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt "
        f"--key /etc/kubernetes/pki/etcd/server.key member remove {member['id']}"
    )


# -- the container paths: crictl is a stand-in (tests/lab/cri.py), etcdctl and ceph are real ----------------
def test_etcd_is_read_inside_its_container_where_the_node_has_no_etcdctl(
    healthy_lab: Lab, verify_lab: VerifyLab
) -> None:
    with healthy_lab.node_without("node1", "etcdctl"):
        pool = HostPool(healthy_lab.hosts_spec())
        try:
            seen = probes.etcd_membership(pool, ["node1"])
        finally:
            pool.close()
        assert sorted(m.name for m in seen.members) == ["node1", "node2", "node3"]
        urls = {url for m in seen.members for url in m.client_urls}
        assert urls <= set(seen.health) and all(seen.health[url].healthy for url in urls)
        assert seen.via.startswith("etcdctl in container etcd of kube-system/* (")
        assert seen.via.endswith(") through crictl exec")
        assert verify_lab("nodes")[ETCD].outcome is Outcome.PASSED
        with healthy_lab.stale_etcd_member("node3") as member:
            reason = verify_lab("nodes")[ETCD].reason
    assert f"etcd member {member['id']} (node3" in reason and "down — check before removing" in reason
    assert "(seen from node node1 (ssh://root@node1), etcdctl in container etcd of kube-system/*" in reason


def test_a_node_without_etcdctl_whose_etcd_container_is_down_hands_over_to_the_next(
    healthy_lab: Lab, verify_lab: VerifyLab
) -> None:
    with healthy_lab.node_without("node1", "etcdctl"), healthy_lab.stale_etcd_member("node1") as member:
        reason = verify_lab("nodes")[ETCD].reason
    assert f"etcd member {member['id']} (node1, peer {member['peer_url']})" in reason
    assert "down — check before removing" in reason
    assert "(seen from node node2 (ssh://root@node2), etcdctl on the node)" in reason


def test_ceph_is_read_through_a_monitors_admin_socket_where_no_host_has_ceph_conf(
    healthy_lab: Lab, verify_lab: VerifyLab
) -> None:
    nodes = [n.name for n in healthy_lab.nodes]
    with ExitStack() as stack:
        for node in nodes:
            stack.enter_context(healthy_lab.node_without(node, ceph_conf=True))
        assert verify_lab("nodes")[QUORUM].outcome is Outcome.PASSED
        with healthy_lab.stopped_monitor("node3"):
            result = verify_lab("nodes")[QUORUM]
    assert result.outcome is Outcome.FAILED
    assert f"monitor node3 ([{healthy_lab.machines['node3'].address}]:6789) is in the monmap but not in quorum" in (
        result.reason
    )
    assert "seen from node node1 (ssh://root@node1) (monitor node1's admin socket in container mon of " in result.reason
    assert f"rook-ceph/{cri.mon_pod('node1')} (" in result.reason


def test_next_hop_self_fails_naming_the_route_and_the_wrong_next_hop(healthy_lab: Lab, verify_lab: VerifyLab) -> None:
    relay = healthy_lab.machines["node1"]
    with healthy_lab.next_hop_self("node1"):
        results = verify_lab("routers")
    reason = results[NEXT_HOP].reason
    assert results[NEXT_HOP].outcome is Outcome.FAILED
    for owner in ("node2", "node3"):
        (block,) = healthy_lab.machines[owner].pod_blocks
        assert f"pod block {block} of node {owner} is routed via {relay.address} from node node1 (best route)" in reason
    for block in relay.pod_blocks:
        assert f"pod block {block} " not in reason  # node1's own blocks are announced right
    assert results[SESSIONS].outcome is Outcome.PASSED
    assert results[SERVICES].outcome is Outcome.PASSED


def test_stopped_bird_fails_the_session_scenario_naming_the_peer(healthy_lab: Lab, verify_lab: VerifyLab) -> None:
    with healthy_lab.stopped_bird("node2"):
        results = verify_lab("routers")
    reason = results[SESSIONS].reason
    assert results[SESSIONS].outcome is Outcome.FAILED
    assert "no Established session with node node2" in reason
    assert healthy_lab.machines["node2"].address in reason
    assert "node1" not in reason and "node3" not in reason


def test_stopped_monitor_fails_the_quorum_scenario_naming_it(healthy_lab: Lab, verify_lab: VerifyLab) -> None:
    with healthy_lab.stopped_monitor("node3"):
        results = verify_lab("nodes")
    reason = results[QUORUM].reason
    assert results[QUORUM].outcome is Outcome.FAILED
    assert (
        f"monitor node3 ([{healthy_lab.machines['node3'].address}]:6789) is in the monmap but not in quorum" in reason
    )
    assert "monitor node1" not in reason


def test_hosts_refusing_ssh_make_their_scenarios_unverifiable(healthy_lab: Lab, verify_lab: VerifyLab) -> None:
    with healthy_lab.stopped("sshd-node1", "sshd-router1"):
        results = verify_lab("nodes or routers")
    for name in (FORWARDING, ADMIN_CONF):
        assert results[name].outcome is Outcome.UNVERIFIABLE
        assert results[name].reason.startswith("node node1 (ssh://root@node1): cannot reach over SSH")
    for name in ROUTER_SCENARIOS:
        assert results[name].outcome is Outcome.UNVERIFIABLE
        assert "router router1 (ssh://root@router1): cannot reach over SSH" in results[name].reason
    # etcd and Ceph are asked on the next control-plane node that answers
    assert results[ETCD].outcome is Outcome.PASSED
    assert results[QUORUM].outcome is Outcome.PASSED


def test_node_facts_that_differ_from_the_cluster_fail_naming_the_node(
    healthy_lab: Lab, verify_lab: VerifyLab, tmp_path
) -> None:
    # node3 is not a control-plane node in this cluster: its etcd member is stale, its admin.conf not asked for
    snapshot = write_snapshot(tmp_path / "snapshot", healthy_lab.nodes, control_plane=["node1", "node2"])
    with healthy_lab.forwarding_off("node1"), healthy_lab.admin_conf_missing("node2"):
        results = verify_lab("nodes", snapshot=snapshot)
    assert results[ETCD].outcome is Outcome.FAILED
    assert "(node3, peer https://[fd00:5eed::13]:2380) is not a current control-plane node" in results[ETCD].reason
    assert results[FORWARDING].outcome is Outcome.FAILED
    assert "node node1" in results[FORWARDING].reason and "node2" not in results[FORWARDING].reason
    assert results[ADMIN_CONF].outcome is Outcome.FAILED
    assert "node node2" in results[ADMIN_CONF].reason and "node1" not in results[ADMIN_CONF].reason


def test_missing_service_route_and_unknown_pod_blocks(healthy_lab: Lab, verify_lab: VerifyLab, tmp_path) -> None:
    snapshot = write_snapshot(tmp_path / "snapshot", healthy_lab.nodes)
    config = (snapshot / "configmaps.yaml").read_text()
    (snapshot / "configmaps.yaml").write_text(config.replace(SERVICE_SUBNET, "fd00:10:97::/108"))
    # node3 took a new IPAM block that its BIRD does not announce (yet)
    affinities = snapshot / "blockaffinities.crd.projectcalico.org.yaml"
    affinities.write_text(affinities.read_text().replace("fd00:10:244::b300/122", "fd00:10:244::9c0/122"))
    results = verify_lab("routers", snapshot=snapshot)
    assert results[SERVICES].outcome is Outcome.FAILED
    assert "no route for the service network fd00:10:97::/108" in results[SERVICES].reason
    assert results[NEXT_HOP].outcome is Outcome.FAILED
    assert "router router1 has no route for pod block fd00:10:244::9c0/122 of node node3" in results[NEXT_HOP].reason


def test_next_hops_are_judged_per_ipam_block_not_per_node_podcidr(
    healthy_lab: Lab, verify_lab: VerifyLab, tmp_path
) -> None:
    """Only node1 has a podCIDR (the whole /64, as kube-controller-manager leaves it); the router learns
    the /122 blocks, and with node1 relaying without keepOriginalNextHop each wrong block is named."""
    snapshot = write_snapshot(tmp_path / "snapshot", healthy_lab.nodes)
    assert "podCIDR" not in (snapshot / "nodes.yaml").read_text().split("name: node2")[1]
    assert verify_lab("routers", snapshot=snapshot)[NEXT_HOP].outcome is Outcome.PASSED
    with healthy_lab.next_hop_self("node1"):
        results = verify_lab("routers", snapshot=snapshot)
    reason = results[NEXT_HOP].reason
    assert results[NEXT_HOP].outcome is Outcome.FAILED
    assert reason.count("the original next hop was not kept") == 2  # node2's and node3's one block each


# -- honest "last verified": a run that reached the nodes and routers is a full verification ------------
def test_a_conformant_run_over_ssh_is_a_full_verification_and_one_without_hosts_is_api_only(
    healthy_lab: Lab, tmp_path
) -> None:
    snapshot = whole_cluster(healthy_lab, tmp_path / "cluster")
    ledger_file = tmp_path / "reports" / ledger.LEDGER_FILE
    full = verify(VerifyRequest(SnapshotSource(snapshot), "v5", "development", hosts=healthy_lab.hosts_spec()))
    assert full.exit_code == 0, {s.id: s.reason for s in full.scenarios if s.outcome is not Outcome.PASSED}
    checked = {s.id for s in full.scenarios if s.outcome is Outcome.PASSED}
    assert {"nodes.etcd-members", "nodes.ceph-quorum", "routers.pod-blocks-via-own-node"} <= checked
    ledger.record(ledger_file, full, None)
    api_only = verify(VerifyRequest(SnapshotSource(snapshot), "v5", "development"))
    assert api_only.exit_code == 0
    ledger.record(ledger_file, api_only, None)
    entry = ledger.load_ledger(ledger_file)["clusters"]["lab"]
    assert [h["checked"] for h in entry["history"]] == [["api", "nodes", "routers"], ["api"]]
    assert entry["last_fully_verified"] == entry["last_verified"] == full.finished_at[:10]
    (row,) = ledger.table_rows(ledger.load_ledger(ledger_file))
    assert ledger.verified_cell(row) == f"{api_only.finished_at[:10]} (API only)"

"""The pure parts of the host checks, on outputs captured from the real daemons of the lab (tests/lab/captured)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ukic.hosts import bird, ceph, etcd

CAPTURED = Path(__file__).parent / "lab" / "captured"
CONTROL_PLANE = ["node1", "node2", "node3"]
#: The lab's Calico IPAM blocks (/122) per node, as its BIRD announces them (tests/lab/site.py IPAM_BLOCKS).
BLOCKS = {
    "node1": ("fd00:10:244::e2c0/122", "fd00:10:244::1:8f40/122"),
    "node2": ("fd00:10:244::4d80/122",),
    "node3": ("fd00:10:244::b300/122",),
}
NODES = [bird.ClusterNode(f"node{i}", (f"fd00:5eed::1{i}",), BLOCKS[f"node{i}"]) for i in (1, 2, 3)]


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


# -- etcd ------------------------------------------------------------------------------------------
def test_member_list_parses_ids_as_etcdctl_shows_them_in_hex() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list.json"))
    assert sorted(m.name for m in members) == CONTROL_PLANE
    node1 = next(m for m in members if m.name == "node1")
    assert node1.id == 1420223181241191570 and node1.id_hex == "13b5a5756ba80c92"
    assert node1.peer_urls == ("https://[fd00:5eed::11]:2380",)
    assert all(m.started for m in members)


def test_healthy_membership_has_no_problem() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list.json"))
    health = etcd.parse_endpoint_health(captured("etcd-endpoint-health.json"))
    assert etcd.membership_problems(members, CONTROL_PLANE, health) == []


#: The manual's remove command, through the etcd pod of the node that answered.
def manual_remove(pod: str, member_id: str) -> str:
    return (
        f"kubectl exec -n kube-system -ti {pod} -- etcdctl --endpoints '[::1]:2379' "
        "--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt "
        f"--key /etc/kubernetes/pki/etcd/server.key member remove {member_id}"
    )


def test_a_silent_member_of_a_current_control_plane_node_is_down_not_stale() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list-stale.json"))
    assert all(m.started for m in members)  # etcd keeps listing the dead member as started
    health = etcd.parse_endpoint_health(captured("etcd-endpoint-health-stale.json"))
    problems = etcd.membership_problems(members, CONTROL_PLANE, health, "etcd-node1")
    node3 = next(m for m in members if m.name == "node3")
    assert len(problems) == 1
    (text, remedy) = problems[0]
    assert text.startswith(f"etcd member {node3.id_hex} (node3, peer https://[fd00:5eed::13]:2380)")
    assert "context deadline exceeded" in text
    assert "down — check before removing" in text
    assert "member remove" not in text + remedy  # node3 is still a control-plane node: never advise removal
    assert remedy.startswith("kubectl -n kube-system get pods -l component=etcd,tier=control-plane")


def test_the_same_silent_member_is_stale_once_its_node_left_the_control_plane() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list-stale.json"))
    health = etcd.parse_endpoint_health(captured("etcd-endpoint-health-stale.json"))
    problems = etcd.membership_problems(members, ["node1", "node2"], health, "etcd-node1")
    node3 = next(m for m in members if m.name == "node3")
    assert problems == [
        (
            f"etcd member {node3.id_hex} (node3, peer https://[fd00:5eed::13]:2380) is not a current control-plane "
            "node: stale — remove it",
            manual_remove("etcd-node1", node3.id_hex),
        )
    ]


def test_a_member_added_but_never_started_is_stale() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list-unstarted.json"))
    unstarted = [m for m in members if not m.started]
    assert len(unstarted) == 1 and unstarted[0].name == ""
    health = {url: etcd.EndpointHealth(url, True) for url in etcd.client_endpoints(members)}
    problems = etcd.membership_problems(members, CONTROL_PLANE, health, "etcd-node2")
    assert problems == [
        (
            f"etcd member {unstarted[0].id_hex} (peer https://[fd00:5eed::14]:2380) was added but never started "
            "(no name or client URLs): stale — remove it",
            manual_remove("etcd-node2", unstarted[0].id_hex),
        )
    ]


def test_members_must_be_exactly_the_control_plane() -> None:
    members = etcd.parse_member_list(captured("etcd-member-list.json"))
    health = etcd.parse_endpoint_health(captured("etcd-endpoint-health.json"))
    problems = etcd.membership_problems(members, ["node1", "node2", "node4"], health)
    assert problems[0].problem == "control-plane node node4 is not an etcd member"
    assert "--control-plane --certificate-key CERTKEY" in problems[0].remedy  # the manual's re-join
    assert (
        "(node3, peer https://[fd00:5eed::13]:2380) is not a current control-plane node: stale" in problems[1].problem
    )
    assert len(problems) == 2


def test_the_http_gateway_gives_ids_as_strings() -> None:
    text = '{"members":[{"ID":"1420223181241191570","name":"a","peerURLs":["p"],"clientURLs":["c"]}]}'
    assert etcd.parse_member_list(text)[0].id_hex == "13b5a5756ba80c92"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Error: context deadline exceeded", "not JSON"),
        ('{"header": {}}', "no 'members' list"),
        ('{"members": [{"name": "x"}]}', "member without ID"),
        ('{"members": [{"ID": true}]}', "is not a number"),
    ],
)
def test_malformed_member_lists_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        etcd.parse_member_list(text)


# -- BIRD ------------------------------------------------------------------------------------------
def test_protocols_give_each_bgp_session_with_its_neighbour_and_state() -> None:
    protocols = bird.parse_protocols(captured("bird-router-protocols.txt"))
    assert [(p.name, p.neighbor_address, p.bgp_state) for p in protocols] == [
        ("node1", "fd00:5eed::11", "Established"),
        ("node2", "fd00:5eed::12", "Established"),
        ("node3", "fd00:5eed::13", "Established"),
    ]
    assert bird.session_problems("router1", protocols, NODES) == []


def test_a_node_whose_bird_stopped_is_named_with_its_state_and_last_error() -> None:
    protocols = bird.parse_protocols(captured("bird-router-protocols-node2-down.txt"))
    assert bird.session_problems("router1", protocols, NODES) == [
        "router router1: no Established session with node node2: BGP session node2 is Active, "
        "last error: Received: Administrative shutdown (peer fd00:5eed::12)"
    ]


def test_a_node_without_any_session_is_named() -> None:
    protocols = bird.parse_protocols(captured("bird-router-protocols.txt"))
    extra = bird.ClusterNode("node4", ("fd00:5eed::14",))
    assert bird.session_problems("router1", protocols, [*NODES, extra]) == [
        "router router1 has no BGP session with node node4 (fd00:5eed::14)"
    ]


def test_routes_carry_best_mark_gateway_and_relaying_peer() -> None:
    routes = bird.parse_routes(captured("bird-router-routes.txt"))
    assert len(routes) == 15  # 4 IPAM blocks and the service network, each from 3 nodes
    relayed = [r for r in routes if r.prefix == "fd00:10:244::4d80/122" and r.protocol == "node1"]
    assert [(r.prefix, r.protocol, r.gateways, r.learned_from) for r in relayed] == [
        ("fd00:10:244::4d80/122", "node1", ("fd00:5eed::12",), "fd00:5eed::11")
    ]
    assert relayed[0].attributes["BGP.as_path"] == "65534"


def test_healthy_routes_reach_every_block_via_its_own_node() -> None:
    text = captured("bird-router-routes.txt")
    protocols = bird.parse_protocols(captured("bird-router-protocols.txt"))
    routes = bird.parse_routes(text)
    assert bird.next_hop_problems("router1", routes, protocols, NODES) == []
    assert bird.service_problems("router1", routes, protocols, NODES, ["fd00:10:96::/108"]) == []


def test_next_hop_self_is_named_with_the_route_and_the_wrong_next_hop() -> None:
    protocols = bird.parse_protocols(captured("bird-router-protocols.txt"))
    routes = bird.parse_routes(captured("bird-router-routes-nexthopself.txt"))
    assert bird.next_hop_problems("router1", routes, protocols, NODES) == [
        f"router router1: pod block {BLOCKS[f'node{i}'][0]} of node node{i} is routed via fd00:5eed::11 "
        f"from node node1 (best route), not via node{i}'s own fd00:5eed::1{i}: the original next hop was not kept"
        for i in (2, 3)
    ]


def test_a_block_the_router_lacks_and_a_service_network_it_lacks() -> None:
    protocols = bird.parse_protocols(captured("bird-router-protocols-node2-down.txt"))
    routes = bird.parse_routes(captured("bird-router-routes-node2-down.txt"))
    assert bird.next_hop_problems("router1", routes, protocols, NODES) == [
        "router router1 has no route for pod block fd00:10:244::4d80/122 of node node2"
    ]
    assert bird.service_problems("router1", routes, protocols, NODES, ["fd00:10:97::/108"]) == [
        "router router1 has no route for the service network fd00:10:97::/108 announced by a node"
    ]
    # a shorter announced prefix covers the service subnet
    assert bird.service_problems("router1", routes, protocols, NODES, ["fd00:10:96::/112"]) == []


def test_the_later_bird_layout_with_the_prefix_on_its_own_line() -> None:
    text = (
        "Table master6:\n"
        "fd00:10:244:0:1::/80\n"
        "        unicast [node1 2024-01-01 12:00:00] * (100) [AS65534i]\n"
        "\tvia fd00:5eed::11 on eth0\n"
        "        unicast [node2 2024-01-01 12:00:00 from fd00:5eed::12] (100) [AS65534i]\n"
        "\tvia fd00:5eed::11 on eth0\n"
    )
    routes = bird.parse_routes(text)
    assert [(r.prefix, r.protocol, r.best, r.gateways) for r in routes] == [
        ("fd00:10:244:0:1::/80", "node1", True, ("fd00:5eed::11",)),
        ("fd00:10:244:0:1::/80", "node2", False, ("fd00:5eed::11",)),
    ]


# -- Ceph ------------------------------------------------------------------------------------------
def test_quorum_status_lists_the_monmap_in_rank_order() -> None:
    status = ceph.parse_quorum_status(captured("ceph-quorum.json"))
    assert [(m.name, m.address) for m in status.monitors] == [
        ("node1", "[fd00:5eed::11]:6789"),
        ("node2", "[fd00:5eed::12]:6789"),
        ("node3", "[fd00:5eed::13]:6789"),
    ]
    assert status.in_quorum == ("node1", "node2", "node3")
    assert ceph.out_of_quorum(status) == []
    assert ceph.count_problems(status, 3, "development") == []


def test_a_stopped_monitor_is_named_and_the_count_follows_the_cluster_type() -> None:
    status = ceph.parse_quorum_status(captured("ceph-quorum-node3-down.json"))
    assert ceph.out_of_quorum(status) == [
        "monitor node3 ([fd00:5eed::13]:6789) is in the monmap but not in quorum (quorum: node1, node2)"
    ]
    assert ceph.count_problems(status, 5, "production") == [
        "the monmap has 3 monitors (node1, node2, node3); a production cluster has 5"
    ]


def test_malformed_quorum_status_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"no monmap\.mons list"):
        ceph.parse_quorum_status('{"quorum_names": []}')
    with pytest.raises(ValueError, match="not JSON"):
        ceph.parse_quorum_status("timed out")


def test_a_monitors_admin_socket_gives_the_same_quorum() -> None:
    quorum = ceph.parse_quorum_status(captured("ceph-quorum.json"))
    status = ceph.parse_mon_status(captured("ceph-mon-status.json"))
    assert (status.asked, status.asked_state, status.current) == ("node1", "leader", True)
    assert status.monitors == quorum.monitors and status.in_quorum == quorum.in_quorum
    down = ceph.parse_mon_status(captured("ceph-mon-status-node3-down.json"))
    assert (down.asked, down.asked_state) == ("node2", "peon")
    assert ceph.out_of_quorum(down) == ceph.out_of_quorum(
        ceph.parse_quorum_status(captured("ceph-quorum-node3-down.json"))
    )


def test_a_monitor_outside_the_quorum_only_speaks_for_itself() -> None:
    doc = json.loads(captured("ceph-mon-status-node3-down.json"))
    doc.update(name="node3", rank=2, state="probing", quorum=[])
    status = ceph.parse_mon_status(json.dumps(doc))
    assert not status.current
    assert ceph.out_of_quorum(status) == [
        "monitor node3 is probing, outside the quorum (its own admin socket says so; no monitor in the quorum answered)"
    ]


def test_malformed_mon_status_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="ceph mon_status: no quorum list"):
        ceph.parse_mon_status('{"monmap": {"mons": []}}')
    with pytest.raises(ValueError, match="ceph mon_status: not JSON"):
        ceph.parse_mon_status("admin_socket: exception getting command descriptions: [Errno 2] No such file")

"""Capture the real command outputs the parser tests read (tests/lab/captured/), from a running lab.

    sudo .venv/bin/python -m tests.lab.capture tests/lab/captured

Healthy outputs first, then each under one fault: a stale etcd member, a member added but
never started, a node announcing with `next hop self`, a node's BIRD stopped, a ceph-mon stopped
(`ceph quorum_status` and a monitor's admin socket `mon_status`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.lab.processes import wait_until
from tests.lab.site import Lab


def capture(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def save(name: str, text: str) -> None:
        (folder / name).write_text(text)

    with Lab() as lab:

        def etcd(*args: str) -> str:
            return lab.etcdctl("node1", *args).stdout

        def quorum_status() -> str:
            return lab.in_ns("node1", ["ceph", "-c", str(lab.ceph_conf), "quorum_status", "-f", "json"]).stdout

        def mon_status(mon: str) -> str:
            """What a monitor's admin socket answers (the path a host without ceph.conf takes)."""
            return lab.in_ns(mon, ["ceph", "--admin-daemon", str(lab.mon_socket(mon)), "mon_status"]).stdout

        members = lab.etcd_members()
        endpoints = ",".join(url for m in members for url in m["clientURLs"])
        save("etcd-member-list.json", etcd("member", "list", "-w", "json"))
        save("etcd-endpoint-health.json", etcd("endpoint", "health", f"--endpoints={endpoints}", "-w", "json"))
        save("bird-router-protocols.txt", lab.birdc(lab.ROUTER, "show", "protocols", "all"))
        save("bird-router-routes.txt", lab.birdc(lab.ROUTER, "show", "route", "all"))
        save("ceph-quorum.json", quorum_status())
        save("ceph-mon-status.json", mon_status("node1"))
        with lab.stale_etcd_member("node3"):
            save("etcd-member-list-stale.json", etcd("member", "list", "-w", "json"))
            save(
                "etcd-endpoint-health-stale.json",
                etcd("endpoint", "health", f"--endpoints={endpoints}", "-w", "json"),
            )
        add = ["member", "add", "node4", "--peer-urls=https://[fd00:5eed::14]:2380"]
        wait_until("etcd member add node4", lambda: lab.etcdctl("node1", *add).returncode == 0, 15, 0.5)
        save("etcd-member-list-unstarted.json", etcd("member", "list", "-w", "json"))
        unstarted = next(m for m in lab.etcd_members() if not m.get("name"))
        lab.etcdctl("node1", "member", "remove", f"{unstarted['ID']:x}")
        with lab.next_hop_self("node1"):
            save("bird-router-routes-nexthopself.txt", lab.birdc(lab.ROUTER, "show", "route", "all"))
        with lab.stopped_bird("node2"):
            save("bird-router-protocols-node2-down.txt", lab.birdc(lab.ROUTER, "show", "protocols", "all"))
            save("bird-router-routes-node2-down.txt", lab.birdc(lab.ROUTER, "show", "route", "all"))
        with lab.stopped_monitor("node3"):
            save("ceph-quorum-node3-down.json", quorum_status())
            save("ceph-mon-status-node3-down.json", mon_status("node2"))


if __name__ == "__main__":
    capture(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/lab/captured"))

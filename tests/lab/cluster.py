"""The lab as a whole cluster: every object the API checks read, for nodes named and addressed as the lab's.

The sample builder (fixtures/samplegen) writes a v5 cluster whose nodes are the lab's three machines
(all control-plane, untainted: a development cluster whose master also takes work, as the manual's
"1 master, 3 worker" reads), its BGP configuration peering the lab's router from the lab's AS, and its
networks the lab's; Calico's IPAM blocks are then the lab's own (those the lab's BIRD announces), so
the API, the nodes and the router tell one story and a run over SSH can be conformant end to end.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fixtures.samplegen import samples
from fixtures.samplegen.build import build
from fixtures.samplegen.spec import NodeSpec, Peer
from fixtures.samplegen.write import write_snapshot as write_sample
from tests.lab import configs
from tests.lab.site import POD_SUBNET, SERVICE_SUBNET, Lab
from tests.lab.snapshot import write_snapshot as write_lab_snapshot

IPAM = ("blockaffinities.crd.projectcalico.org.yaml", "ipamblocks.crd.projectcalico.org.yaml")


def whole_cluster(lab: Lab, folder: Path) -> Path:
    """Write the lab's cluster to ``folder`` (a snapshot for `ukic verify --version v5 --type development`)."""
    names = [m.name for m in lab.nodes]
    spec = samples.v5_production()
    spec.name = spec.seed = "lab"
    spec.cluster_type = "development"
    spec.nodes = [NodeSpec(m.name, m.address, control_plane=True) for m in lab.nodes]
    spec.pod_subnet, spec.service_subnet = POD_SUBNET, SERVICE_SUBNET
    spec.asn = configs.NODE_AS
    spec.peer = Peer(lab.ROUTER, lab.router.address, configs.ROUTER_AS)
    spec.mon_nodes = spec.storage_nodes = spec.app_nodes = names
    write_sample(build(spec), folder)
    with tempfile.TemporaryDirectory() as scratch:
        write_lab_snapshot(Path(scratch), lab.nodes)
        for name in IPAM:
            shutil.copyfile(Path(scratch) / name, folder / name)
    return folder

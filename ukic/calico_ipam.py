"""Which pod address blocks Calico IPAM gave each node: what calico-node's BIRD announces to the routers.

Calico IPAM does not use a node's ``spec.podCIDR``: it carves blocks (IPv6 default /122, the
pool's blockSize) out of the IP pools and gives each node affinity for the blocks it hands
addresses from; objects ``blockaffinities`` (spec.node, spec.cidr, spec.state) and
``ipamblocks`` (spec.cidr, spec.affinity "host:<node>") in crd.projectcalico.org/v1
(calico v3.20.2, _includes/charts/calico/crds/kdd/crd.projectcalico.org_blockaffinities.yaml and
_ipamblocks.yaml). calico-node's BIRD announces each block of its own host as a blackhole route
and exports only blocks whose affinity is ``confirmed`` (confd templates bird6_aggr.cfg.template:
"IP blocks for this host", calico_aggr). With keepOriginalNextHop the router must reach each
block through its affine node.
"""

from __future__ import annotations

from ukic.outcome import Unverifiable
from ukic.state import ClusterState

BLOCK_AFFINITIES = "blockaffinities.crd.projectcalico.org"
IPAM_BLOCKS = "ipamblocks.crd.projectcalico.org"
HOST_PREFIX = "host:"


def _deleted(spec: dict) -> bool:
    # a string in the CRD "for compatibility with older releases"; a bool from newer writers
    return str(spec.get("deleted", "false")).lower() == "true"


def node_blocks(state: ClusterState) -> dict[str, list[str]]:
    """Node name -> CIDRs of the IPAM blocks it holds confirmed affinity for (announced by its BIRD).

    Read from the block affinities; when those cannot be read, from the blocks' own affinity.
    Unverifiable when neither can be read.
    """
    try:
        affinities = state.list(BLOCK_AFFINITIES)
    except Unverifiable as gap:
        try:
            blocks = state.list(IPAM_BLOCKS)
        except Unverifiable:
            raise Unverifiable(f"Calico's IPAM blocks are not known: {gap}") from None
        found: dict[str, list[str]] = {}
        for block in blocks:
            spec = block.get("spec") or {}
            affinity = str(spec.get("affinity") or "")
            if affinity.startswith(HOST_PREFIX) and spec.get("cidr") and not _deleted(spec):
                found.setdefault(affinity.removeprefix(HOST_PREFIX), []).append(str(spec["cidr"]))
        return found
    found = {}
    for affinity in affinities:
        spec = affinity.get("spec") or {}
        if spec.get("state") == "confirmed" and spec.get("node") and spec.get("cidr") and not _deleted(spec):
            found.setdefault(str(spec["node"]), []).append(str(spec["cidr"]))
    return found

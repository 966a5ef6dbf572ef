"""Steps shared by several features: the nodes and the kubeadm configuration."""

from __future__ import annotations

from pytest_bdd import given

from ukic import remedies
from ukic.outcome import CheckFailed
from ukic.state import ClusterState, KubeadmConfig, NodeView


@given("the cluster's nodes", target_fixture="nodes")
def the_nodes(cluster_state: ClusterState) -> list[NodeView]:
    nodes = cluster_state.nodes()
    if not nodes:
        raise CheckFailed("the cluster has no Node objects", remedy=remedies.KUBEADM_INIT)
    return nodes


@given("the kubeadm cluster configuration", target_fixture="kubeadm_config")
def the_kubeadm_config(cluster_state: ClusterState) -> KubeadmConfig:
    config = cluster_state.kubeadm_cluster_configuration()
    if config is None:
        raise CheckFailed(
            "no ClusterConfiguration in ConfigMap kube-system/kubeadm-config: the cluster was not set up with kubeadm",
            remedy=remedies.KUBEADM_INIT,
        )
    return config

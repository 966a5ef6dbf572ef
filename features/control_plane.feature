@control_plane @runtime @v1
Feature: kubeadm control plane with stacked etcd
  Clusters are set up with kubeadm; HA control planes join with --control-plane and run
  etcd stacked on the control-plane nodes (the manual's etcd re-join procedure lists
  the etcd pods with component=etcd,tier=control-plane).

  @id:control_plane.etcd-on-each-control-plane-node
  Scenario: Every control-plane node runs a stacked etcd member
    Given the cluster's nodes
    Then a running etcd pod sits on every control-plane node

  @id:control_plane.etcd-only-on-control-plane
  Scenario: etcd runs on control-plane nodes only
    Given the cluster's nodes
    Then no etcd pod sits on a node outside the control plane

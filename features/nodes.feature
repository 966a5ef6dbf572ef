@nodes @hosts @runtime @v1
Feature: What the nodes themselves show
  Some of the manual's expectations can only be seen on the machines. Re-joining a
  control-plane node hangs while etcd still lists its old member ("the etcd server is still
  a member of the cluster. We first need to remove it from the etcd cluster"); the masters
  hold the admin.conf an operator copies ("On the masters of each cluster you can find the
  file /etc/kubernetes/admin.conf"); pods are routed without an overlay, so every node must
  forward IPv6; and the storage monitors must be in quorum, as many as the cluster type
  names. These checks run commands on the nodes over SSH; without hosts they are not
  applicable. Where a node has no etcdctl, it runs inside the node's etcd container (crictl
  exec), as the manual runs it with kubectl exec; where a host has no ceph.conf, the quorum is
  read from a monitor's admin socket inside its container. A member of a current control-plane
  node that does not answer is down and must be looked at; only a member that no control-plane
  node stands behind, or that never started, is stale and removed with the manual's command.

  @id:nodes.etcd-members
  Scenario: etcd's members are exactly the control-plane nodes, all started and answering
    Given etcd's member list, read on a control-plane node
    Then every control-plane node is an etcd member and no member is stale

  @id:nodes.ipv6-forwarding
  Scenario: Every node forwards IPv6
    Given the profile rule "network.ip_family" is "IPv6"
    And every node of the cluster, reached over SSH
    Then IPv6 forwarding is enabled on each of them

  @id:nodes.admin-conf
  Scenario: The masters hold the cluster's admin.conf
    Given the control-plane nodes, reached over SSH
    Then each of them has the admin.conf

  @ceph @id:nodes.ceph-quorum
  Scenario: The storage monitors are in quorum, as many as the cluster type calls for
    Given the profile rule "cluster_type.storage_monitors"
    And Ceph's quorum status, read on a host that reaches the storage cluster
    Then every monitor of the monmap is in quorum
    And there are as many monitors as the cluster type calls for

@topology @runtime @v1
Feature: Cluster size and shape per cluster type
  The manual's table of cluster types: development needs 3 nodes (1 master, 3 workers:
  the master takes work too), production 5 (3 masters, 3 workers); 4 and 8 are the
  recommended minimums with dedicated masters; production recommends separating the
  control plane, development leaves it optional.

  @id:topology.min-nodes
  Scenario: The cluster has at least the minimum number of nodes
    Given the profile rule "cluster_type.min_nodes"
    And the cluster's nodes
    Then there are at least as many nodes as the cluster type's minimum

  @id:topology.min-control-plane
  Scenario: The cluster has at least the minimum number of control-plane nodes
    Given the profile rule "cluster_type.min_control_plane"
    And the cluster's nodes
    Then there are at least as many control-plane nodes as the cluster type's minimum

  @id:topology.min-workers
  Scenario: The cluster has at least the minimum number of schedulable workers
    Given the profile rule "cluster_type.min_schedulable_workers"
    And the cluster's nodes
    Then there are at least as many schedulable workers as the cluster type's minimum

  @recommended @id:topology.recommended-size
  Scenario: The cluster meets the recommended size
    Given the profile rule "cluster_type.recommended_nodes"
    And the profile rule "cluster_type.recommended_control_plane"
    And the profile rule "cluster_type.recommended_schedulable_workers"
    And the cluster's nodes
    Then the node, control-plane and worker counts meet the cluster type's recommendation

  @recommended @id:topology.control-plane-tainted-recommended
  Scenario: Control-plane nodes are kept free of workloads where the cluster type recommends it
    Given the profile rule "cluster_type.control_plane_separation" is "recommended"
    And the cluster's nodes
    Then every control-plane node is tainted against ordinary workloads

  @id:topology.control-plane-tainted-required
  Scenario: Control-plane nodes are kept free of workloads where the cluster type requires it
    Given the profile rule "cluster_type.control_plane_separation" is "required"
    And the cluster's nodes
    Then every control-plane node is tainted against ordinary workloads

  @id:topology.nodes-ready
  Scenario: Every node is Ready
    Given the cluster's nodes
    Then every node reports Ready

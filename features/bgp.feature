@bgp @v1
Feature: Calico BGP routing without overlay
  The manual: Calico is the CNI "with BGP, IPv6 only, no encapsulation". Our clusters peer
  with an upstream router to propagate the pod and service networks; nodes form a full
  mesh (nodeToNodeMeshEnabled), keep the original next hop so that only the node hosting
  a pod announces it, and use a private AS number.

  @runtime
  Scenario: calico-node runs on every node
    Given the cluster's nodes
    Then a ready calico-node pod runs on every node

  Scenario: Nodes form a full BGP mesh
    Given the BGP configuration "default"
    Then the node-to-node mesh is enabled

  Scenario: The cluster speaks BGP from a private AS number
    Given the BGP configuration "default"
    Then its AS number is private

  Scenario: The service network is announced over BGP
    Given the BGP configuration "default"
    And the kubeadm cluster configuration
    Then the announced service cluster IPs cover the service subnet

  Scenario: Upstream peers keep the original next hop
    Given the BGP peers
    Then there is at least one peer
    And every peer keeps the original next hop and names its AS number

  Scenario: IP pools are IPv6 and use no overlay
    Given the IP pools
    Then there is at least one IP pool
    And every IP pool is IPv6 with IP-in-IP and VXLAN off

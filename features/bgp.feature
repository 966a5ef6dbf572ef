@bgp @v1
Feature: Calico BGP routing without overlay
  The manual: Calico is the CNI "with BGP, IPv6 only, no encapsulation". Our clusters peer
  with an upstream router to propagate the pod and service networks; nodes form a full
  mesh (nodeToNodeMeshEnabled), keep the original next hop so that only the node hosting
  a pod announces it, and use a private AS number.

  @runtime @id:bgp.calico-node-everywhere
  Scenario: calico-node runs on every node
    Given the cluster's nodes
    Then a ready calico-node pod runs on every node

  @id:bgp.node-mesh
  Scenario: Nodes form a full BGP mesh
    Given the profile rule "bgp.node_to_node_mesh"
    And the BGP configuration "default"
    Then the node-to-node mesh is enabled

  @id:bgp.private-asn
  Scenario: The cluster speaks BGP from a private AS number
    Given the profile rule "bgp.private_asn"
    And the BGP configuration "default"
    Then its AS number is private

  @id:bgp.service-network-announced
  Scenario: The service network is announced over BGP
    Given the profile rule "bgp.announce_service_network"
    And the BGP configuration "default"
    And the kubeadm cluster configuration
    Then the announced service cluster IPs cover the service subnet

  @id:bgp.peer-keeps-next-hop
  Scenario: Upstream peers keep the original next hop
    Given the profile rule "bgp.keep_original_next_hop"
    And the BGP peers
    Then there is at least one peer
    And every peer keeps the original next hop and names its AS number

  @id:bgp.pools-without-overlay
  Scenario: IP pools are IPv6 and use no overlay
    Given the profile rule "network.ip_family" is "IPv6"
    And the profile rule "network.overlay" is "false"
    And the IP pools
    Then there is at least one IP pool
    And every IP pool is IPv6 with IP-in-IP and VXLAN off

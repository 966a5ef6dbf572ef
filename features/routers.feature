@routers @hosts @runtime @v1
Feature: What the upstream routers see
  The manual: "By default our k8s clusters BGP peer with an upstream router to propagate
  podcidr and servicecidr", and "We keep the original next hop so that only the server with
  the pod is announcing it (instead of ecmp)". The routers' BIRD shows whether that works:
  a session with every node, each pod address block (Calico IPAM's blocks, announced by the
  node they are affine to; not the node's podCIDR, which Calico IPAM does not use) reached
  through that node itself (even when another node relays the announcement), and the service
  network announced. These
  checks run birdc on the routers over SSH; without routers they are not applicable.

  @id:routers.sessions-with-every-node
  Scenario: Every router has an established BGP session with every node
    Given the BGP sessions and routes of every router
    Then each router has an Established session with every node

  @id:routers.pod-blocks-via-own-node
  Scenario: Each pod block is reached through the node that hosts it
    Given the profile rule "bgp.keep_original_next_hop"
    And the BGP sessions and routes of every router
    Then each node's pod block is routed via that node's own address, not via a node that relayed it

  @id:routers.service-network-routed
  Scenario: The service network is announced to the routers
    Given the profile rule "bgp.announce_service_network"
    And the BGP sessions and routes of every router
    Then each router has a route for the service network, learned from the nodes

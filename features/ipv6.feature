@ipv6 @v1
Feature: IPv6-only networking
  The manual: "All k8s clusters are IPv6 only". No node, pod network, service network
  or cluster service may carry an IPv4 address.

  @runtime @id:ipv6.node-addresses
  Scenario: Nodes are reached over IPv6 only
    Given the profile rule "network.ip_family" is "IPv6"
    And the cluster's nodes
    Then every node has an InternalIP and all of them are IPv6

  @runtime @id:ipv6.node-pod-cidrs
  Scenario: Node pod networks are IPv6 only
    Given the profile rule "network.ip_family" is "IPv6"
    And the cluster's nodes
    Then every pod CIDR a node carries is IPv6

  @id:ipv6.kubeadm-subnets
  Scenario: kubeadm assigns IPv6 pod and service subnets
    Given the profile rule "network.ip_family" is "IPv6"
    And the kubeadm cluster configuration
    Then the networking podSubnet is IPv6 only
    And the networking serviceSubnet is IPv6 only

  @runtime @id:ipv6.api-service
  Scenario: The API service is IPv6 single-stack
    Given the profile rule "network.ip_family" is "IPv6"
    And the service "default/kubernetes"
    Then it is a single-stack IPv6 service

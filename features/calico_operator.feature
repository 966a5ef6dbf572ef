@calico_operator @v5
Feature: Calico run by the tigera-operator
  The manual installs Calico with helm from the projectcalico/tigera-operator chart, which
  configures IPv6 by itself; our settings stay BGP on and no encapsulation. It pins the
  release: `helm install calico projectcalico/tigera-operator --version v3.20.2`.

  @id:calico_operator.bgp-without-encapsulation
  Scenario: The tigera-operator runs Calico with BGP and without encapsulation
    Given the profile rule "install.calico" is "tigera-operator"
    And the profile rule "network.overlay" is "false"
    Then the Installation "default" enables BGP
    And every IP pool of the Installation uses no encapsulation

  @runtime @id:calico_operator.installed-with-helm
  Scenario: The tigera-operator was installed with Helm
    Given the profile rule "install.calico" is "tigera-operator"
    Then the deployment "tigera-operator/tigera-operator" belongs to a Helm release

  @runtime @recommended @id:calico_operator.documented-calico-release
  Scenario: Calico runs the release the manual installs
    Given the profile rule "calico.version"
    And the profile rule "calico.operator_version"
    Then calico-node, calicoctl and the tigera-operator run the images of that release

@rook_install
Feature: How rook is installed in each version
  v1 and v2 install rook from manifests; v3 installs it "via helm via argocd"; v4 and v5
  configure the Ceph cluster "via manifests instead of using the rook-ceph-cluster helm
  chart" while "the rook operator is still being installed via helm".

  @runtime @v3 @id:rook_install.rook-operator-install-method
  Scenario: The rook operator is installed the way the version prescribes
    Given the profile rule "install.rook_operator"
    Then the rook operator deployment was installed that way

  @v3 @ceph @id:rook_install.ceph-cluster-install-method
  Scenario: The Ceph cluster is configured the way the version prescribes
    Given the profile rule "install.rook_cluster"
    Then the Ceph cluster was configured that way

@storage @v1
Feature: Rook-Ceph persistent storage
  The manual: rook with ceph rbd and cephfs provides persistent storage (required for both
  cluster types): rbd for almost everything (ReadWriteOnce), cephfs for smaller things
  that need multi access (ReadWriteMany). Development clusters run 3 storage monitors,
  production clusters 5. New disks become OSDs through the rook-ceph-osd-prepare jobs; when
  one fails, the manual reads its logs and lets the operator re-scan ("Inspecting the logs of
  a specific server", "Triggering server prepare / adding new osds").

  @runtime @ceph @id:storage.rook-operator-running
  Scenario: The rook operator is running
    Given the Ceph cluster
    Then a rook operator pod is running

  @ceph @id:storage.mon-count
  Scenario: The Ceph cluster asks for the cluster type's number of monitors
    Given the profile rule "cluster_type.storage_monitors"
    And the Ceph cluster
    Then its monitor count equals the cluster type's storage monitors

  @runtime @ceph @id:storage.mon-pods-running
  Scenario: All requested monitors are running
    Given the Ceph cluster
    Then as many monitor pods are running as its monitor count

  @runtime @ceph @id:storage.ceph-up
  Scenario: The Ceph cluster is up and reports its health
    Given the Ceph cluster
    Then it is ready and reports a health that is not HEALTH_ERR

  @runtime @ceph @recommended @id:storage.ceph-health-ok
  Scenario: Ceph reports HEALTH_OK
    Given the Ceph cluster
    Then it reports HEALTH_OK

  @runtime @ceph @id:storage.osd-prepare-succeeds
  Scenario: No rook-ceph-osd-prepare pod has failed
    Given the Ceph cluster
    Then no rook-ceph-osd-prepare pod has failed or is crash-looping

  @runtime @ceph @id:storage.prepared-osds-run
  Scenario: Every prepared OSD runs
    Given the Ceph cluster
    Then as many OSDs run as devices were prepared

  @ceph @id:storage.<purpose>-class
  Scenario Outline: A storage class serves <purpose> volumes
    Given the profile rule "storage.classes" names the <purpose> storage class
    Then a StorageClass uses that provisioner

    Examples: from the profile rule "storage.classes"
      | purpose |

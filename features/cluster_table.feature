@cluster_table @runtime
Feature: The manual's cluster table
  The manual opens with a table of its clusters ("k8s clusters"): purpose and setup,
  maintainer, the master(s), whether argo and rook run, the v4 proxy, and the date each was
  last verified; some rows say UNUSED. An inventory may declare these columns per cluster, and
  what the cluster itself shows must agree with them: its control-plane nodes, and whether the
  ArgoCD and Rook deployments exist. The v4 proxy cannot be seen from the cluster and is not
  compared. A cluster the table marks UNUSED should no longer answer.

  @recommended @id:cluster_table.declared-columns
  Scenario: The cluster shows the masters, argo and rook its table row declares
    Given the cluster's row in the inventory
    Then the masters, argo and rook it declares are what the cluster shows

  @recommended @id:cluster_table.unused-cluster-is-gone
  Scenario: A cluster the table marks UNUSED no longer answers
    Given the cluster's row in the inventory marks it UNUSED
    Then the cluster does not answer

@components
Feature: The components each infrastructure version runs
  Every version names the components it needs (v1: Calico, kubernetes-secret-generator,
  ungleich-certbot, rook, Flux v2; v2 replaced Flux with ArgoCD and added Argo Workflows;
  v5 runs Calico through the tigera-operator with a calicoctl pod). A component that a
  version replaced must be gone, not left running beside its successor.

  @runtime @v1
  Scenario Outline: Required component <component> runs
    Given the profile requires the component "<component>"
    Then every workload of the component is running

    Examples:
      | component        |
      | calico           |
      | secret-generator |
      | rook-operator    |
      | flux             |
      | argocd           |
      | argo-workflows   |
      | tigera-operator  |
      | calicoctl        |

    @certbot
    Examples: ungleich-certbot gets certificates from Let's Encrypt, which an ephemeral cluster cannot reach
      | component |
      | certbot   |

  @v2
  Scenario Outline: Retired component <component> is gone
    Given the profile forbids the component "<component>"
    Then nothing of the component is left in the cluster

    Examples:
      | component |
      | flux      |

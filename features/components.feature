@components
Feature: The components each infrastructure version runs
  Every version names the components it needs (v1: Calico, kubernetes-secret-generator,
  ungleich-certbot, rook, Flux v2; v2 replaced Flux with ArgoCD and added Argo Workflows;
  v5 runs Calico through the tigera-operator with a calicoctl pod). A component that a
  version replaced must be gone, not left running beside its successor. The profile lists
  them (components.require, components.forbid) and profiles/components.yaml says how each
  shows itself, so every listed component gets its scenario here without editing this file.

  @runtime @v1 @id:components.<component>-runs
  Scenario Outline: Required component <component> runs
    Given the profile rule "components.require" names the component <component>
    Then every workload of the component is running

    Examples: from the profile rule "components.require"
      | component |

  @v2 @id:components.<component>-gone
  Scenario Outline: Retired component <component> is gone
    Given the profile rule "components.forbid" names the component <component>
    Then nothing of the component is left in the cluster

    Examples: from the profile rule "components.forbid"
      | component |

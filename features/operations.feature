@operations @v1
Feature: What daily operations leave behind
  The manual's operations sections describe how clusters drift in daily work: a node drained
  for maintenance ("Removing / draining a node") stays cordoned until someone runs
  `kubectl uncordon` ("Readding a node after draining"; its own listing shows server60
  Ready,SchedulingDisabled); a pod can hang in Terminating ("Deleting a pod that is hanging in
  terminating state"); nodes re-joined at different times run different kubelets (its listing
  shows server23 on v1.22.2, the others on v1.22.0); Helm charts are "In production, ...
  managed via argocd" (in v1, before Argo CD, through Flux's HelmReleases); and secrets are "not stored in the git repository, but only in the
  cluster".

  @runtime @recommended @id:operations.node-cordoned
  Scenario: No node is left cordoned after maintenance
    Given the cluster's nodes
    Then no node is cordoned

  @runtime @recommended @id:operations.pod-stuck-terminating
  Scenario: No pod hangs in Terminating
    Given the profile rule "operations.terminating_margin_minutes"
    Then no pod is still terminating that long after its grace period

  @runtime @id:operations.kubelet-skew-policy
  Scenario: Every kubelet is within the Kubernetes version skew policy
    Given the profile rule "kubernetes.kubelet_skew_minors"
    And the cluster's nodes
    Then no kubelet is newer than the API server or further behind it than the policy allows

  @runtime @recommended @id:operations.kubelet-versions-agree
  Scenario: Every kubelet runs the version kubeadm installed
    Given the cluster's nodes
    Then the kubelets run one version, kubeadm's kubernetesVersion

  @runtime @recommended @id:operations.helm-releases-through-argocd
  Scenario: Helm releases in production are managed by ArgoCD
    Given the profile rule "cluster_type.helm_through_argocd"
    And the profile rule "install.rook_operator"
    And the profile rule "install.calico"
    And the profile rule "install.helm_charts"
    Then every Helm release is managed by an ArgoCD Application or installed with helm as the profile says

  @repository @id:operations.no-secrets-in-git
  Scenario: The configuration repository holds no secret values
    Given the profile rule "secrets.only_in_cluster"
    Then no Secret in the repository carries data or stringData

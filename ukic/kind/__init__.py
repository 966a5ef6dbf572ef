"""Ephemeral kind clusters shaped like an infrastructure version.

config     - the kind.x-k8s.io/v1alpha4 Cluster configuration a profile and cluster type imply
preflight  - are kind, a container engine, helm and kubectl present and answering
manifests  - the objects and Helm values the install plan feeds on stdin
plan       - the ordered, printable install plan built from a profile
runner     - runs plan steps as processes, reporting progress, failing with command and output
cluster    - create / install / delete orchestration with clean-up on failure and Ctrl-C
fixture    - the session-scoped pytest fixture ``kind_cluster``
"""

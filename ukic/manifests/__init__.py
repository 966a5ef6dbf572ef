"""Reading a configuration repository: YAML files -> Kubernetes objects keyed like the API serves them.

``reader`` finds and parses the files; ``kubeadm``, ``calico``, ``charts`` and ``helm_installs`` translate what a
repository states in its own formats, ``mapping`` puts it all under the resource keys of
ukic.resources. ukic.sources.manifests wraps the result as a Source.
"""

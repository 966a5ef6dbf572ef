"""A small, read-only Kubernetes API client: kubeconfig loading, GET-only HTTP, discovery, paged LIST.

Responses stay raw JSON (plain dicts). The kubernetes package is used for one thing only,
turning a kubeconfig (certificates, tokens, exec plugins) into connection settings, and is
imported lazily inside :mod:`ukic.kubeapi.kubeconfig`.
"""

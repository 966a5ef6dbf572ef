"""A small, read-only Kubernetes API client: kubeconfig loading, GET-only HTTP, discovery, paged LIST.

Responses stay raw JSON (plain dicts). Kubeconfigs are read by ukic itself
(:mod:`ukic.kubeapi.credentials`), the way kubectl reads them, so that no key is ever
written to disk, tokens are trimmed and credential plugins run with a time limit.
"""

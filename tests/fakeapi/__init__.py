"""A fake Kubernetes API server for ukic's tests and benchmarks (see server.py)."""

from tests.fakeapi.kubeconfig import write_kubeconfig
from tests.fakeapi.server import FakeKubeAPI, Recorded
from tests.fakeapi.tls import TLSFiles, make_certificates

__all__ = ["FakeKubeAPI", "Recorded", "TLSFiles", "make_certificates", "write_kubeconfig"]

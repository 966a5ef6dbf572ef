"""Certificates for the fake API, made in-process with trustme (no openssl command needed).

One test CA signs the server certificate (valid for 127.0.0.1, ::1 and localhost) and a client
certificate, so a fake can also demand a client certificate the way kube-apiserver does.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class TLSFiles:
    """PEM files: the CA a client trusts, the server's pair and a client pair signed by that CA."""

    ca: Path
    cert: Path
    key: Path
    client_cert: Path
    client_key: Path
    require_client_cert: bool = False

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        if self.require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cafile=str(self.ca))
        return context

    def demanding_client_cert(self) -> TLSFiles:
        return replace(self, require_client_cert=True)


def make_certificates(folder: Path, name: str = "fake-kube-apiserver") -> TLSFiles:
    """Write ``ca.crt``, ``<name>.crt``/``.key`` and ``client.crt``/``.key`` into ``folder``."""
    import trustme

    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="ukic test CA")
    server = ca.issue_cert("127.0.0.1", "::1", "localhost", common_name=name)
    client = ca.issue_cert("fake-admin@example.invalid", common_name="fake-admin")
    files = TLSFiles(
        ca=folder / "ca.crt",
        cert=folder / f"{name}.crt",
        key=folder / f"{name}.key",
        client_cert=folder / "client.crt",
        client_key=folder / "client.key",
    )
    ca.cert_pem.write_to_path(str(files.ca))
    files.cert.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    server.private_key_pem.write_to_path(str(files.key))
    files.client_cert.write_bytes(b"".join(blob.bytes() for blob in client.cert_chain_pems))
    client.private_key_pem.write_to_path(str(files.client_key))
    return files

"""A self-signed server certificate for the fake API (made with the openssl command)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TLSFiles:
    """PEM files of a self-signed certificate valid for 127.0.0.1 and localhost."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


def make_self_signed(folder: Path, name: str = "fake-kube-apiserver") -> TLSFiles:
    """Create ``<name>.crt`` and ``<name>.key`` in ``folder`` (an EC key: fast to make)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = TLSFiles(cert=folder / f"{name}.crt", key=folder / f"{name}.key")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-nodes",
            "-days",
            "2",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-keyout",
            str(files.key),
            "-out",
            str(files.cert),
            "-subj",
            f"/CN={name}",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return files

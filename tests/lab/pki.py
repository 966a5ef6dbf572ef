"""Keys and certificates for the lab: an SSH host and client key, an etcd CA and member certificates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.lab.processes import run

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


def ssh_key(path: Path, comment: str) -> None:
    """An ed25519 key pair without passphrase at ``path`` and ``path``.pub."""
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], "ssh-keygen")


def etcd_ca(folder: Path) -> None:
    """ca.crt and ca.key in ``folder``, as kubeadm lays out /etc/kubernetes/pki/etcd."""
    folder.mkdir(parents=True, exist_ok=True)
    run(
        [
            "openssl",
            "req",
            "-x509",
            *EC_KEY,
            "-keyout",
            str(folder / "ca.key"),
            "-out",
            str(folder / "ca.crt"),
            "-days",
            "2",
            "-subj",
            "/CN=etcd-ca",
        ],
        "etcd CA",
    )


def etcd_member_cert(ca_folder: Path, folder: Path, name: str, addresses: Sequence[str]) -> None:
    """server.crt/server.key for a member (server and client use, as kubeadm issues), plus ca.crt.

    The member uses the same pair for peers, as kubeadm's peer.crt would; the check uses it
    as its client certificate, as the manual's etcdctl commands do.
    """
    folder.mkdir(parents=True, exist_ok=True)
    extensions = folder / "server.ext"
    sans = ",".join([*(f"IP:{a}" for a in addresses), "DNS:localhost", f"DNS:{name}"])
    extensions.write_text(f"subjectAltName={sans}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n")
    csr = folder / "server.csr"
    run(
        ["openssl", "req", *EC_KEY, "-keyout", str(folder / "server.key"), "-out", str(csr), "-subj", f"/CN={name}"],
        f"etcd key for {name}",
    )
    run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            str(csr),
            "-CA",
            str(ca_folder / "ca.crt"),
            "-CAkey",
            str(ca_folder / "ca.key"),
            "-CAcreateserial",
            "-out",
            str(folder / "server.crt"),
            "-days",
            "2",
            "-extfile",
            str(extensions),
        ],
        f"etcd certificate for {name}",
    )
    (folder / "ca.crt").write_bytes((ca_folder / "ca.crt").read_bytes())
    csr.unlink()
    extensions.unlink()

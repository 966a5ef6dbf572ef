"""Host URLs as testinfra reads them (``ssh://root@server63``): the scheme picks the connection backend."""

from __future__ import annotations

import re

#: testinfra connection backends (the URL scheme picks one).
BACKENDS = (
    "ssh",
    "safe-ssh",
    "paramiko",
    "local",
    "docker",
    "podman",
    "kubectl",
    "openshift",
    "ansible",
    "salt",
    "winrm",
    "lxc",
    "chroot",
)
SSH_BACKENDS = ("ssh", "safe-ssh", "paramiko")
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)$")


def check_url(url: str) -> str:
    """A testinfra host URL such as ssh://root@server63; ValueError says what is wrong."""
    match = _URL.match(url)
    if match is None:
        raise ValueError(f"{url!r} is not a host URL (e.g. ssh://root@server63)")
    if match["scheme"] not in BACKENDS:
        raise ValueError(f"{url!r}: unknown connection {match['scheme']!r} (known: {', '.join(BACKENDS)})")
    if match["scheme"] != "local" and not match["rest"]:
        raise ValueError(f"{url!r} names no host")
    return url


def scheme_of(url: str) -> str:
    match = _URL.match(url)
    return match["scheme"] if match else ""

"""Find the cluster the way kubectl does: --kubeconfig, else $KUBECONFIG, else ~/.kube/config,
else the pod's service account.

$KUBECONFIG may list several files (``:``-separated); they are merged like kubectl merges
them: the first file defining a cluster, context or user name wins, and the first
``current-context`` set wins. Missing files in that list are skipped, as kubectl does.

The files are checked here so a mistake gets one line naming the file and the field;
ukic.kubeapi.credentials then turns the chosen context into TLS settings and a token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukic.errors import UsageError
from ukic.kubeapi.credentials import EXEC_TIMEOUT, Credentials, Field, in_cluster_credentials, kubeconfig_credentials
from ukic.kubeapi.http import Endpoint
from ukic.redact import redact
from ukic.yamlio import read_user_file

#: Where Kubernetes mounts a pod's service-account token and CA (overridable for tests).
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
DEFAULT_KUBECONFIG = "~/.kube/config"
_SECTIONS = ("clusters", "contexts", "users")


@dataclass(frozen=True)
class Target:
    """The chosen cluster: how to reach it and what to call it."""

    endpoint: Endpoint
    context: str | None
    cluster_name: str | None


def load_target(
    kubeconfig: Path | str | None,
    context: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    exec_timeout: float = EXEC_TIMEOUT,
) -> Target:
    """Resolve the kubeconfig (or in-cluster config) into a Target; UsageError on any mistake."""
    env = os.environ if environ is None else environ
    paths = _kubeconfig_paths(kubeconfig, env)
    if paths is None:
        if context:
            raise UsageError(
                f"--context {context} given, but there is no kubeconfig (no --kubeconfig, KUBECONFIG unset, "
                f"{DEFAULT_KUBECONFIG} missing); inside a pod ukic uses its service account"
            )
        return _in_cluster(env)
    where = os.pathsep.join(str(p) for p in paths)
    merged = _merge([(p, _read(p)) for p in paths])
    name, cluster_name = _choose_context(merged, context, where)
    endpoint = _endpoint_from_kubeconfig(merged, name, cluster_name, exec_timeout)
    return Target(endpoint=endpoint, context=name, cluster_name=cluster_name)


def _kubeconfig_paths(kubeconfig: Path | str | None, env: Mapping[str, str]) -> list[Path] | None:
    if kubeconfig is not None:
        path = Path(kubeconfig).expanduser()
        if not path.is_file():
            raise UsageError(f"kubeconfig {path}: no such file")
        return [path]
    listed = env.get("KUBECONFIG", "")
    if listed:
        paths = [Path(p).expanduser() for p in listed.split(os.pathsep) if p]
        existing = [p for p in paths if p.is_file()]
        if not existing:
            raise UsageError(f"KUBECONFIG={listed}: none of these files exists")
        return existing
    default = Path(DEFAULT_KUBECONFIG).expanduser()
    if default.is_file():
        return [default]
    if env.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT_DIR / "token").is_file():
        return None
    raise UsageError(
        f"no cluster to read: pass --kubeconfig FILE, set KUBECONFIG, create {DEFAULT_KUBECONFIG}, "
        "or run ukic inside a pod with a service account"
    )


def _read(path: Path) -> dict[str, Any]:
    doc = read_user_file(path, f"kubeconfig {path}")
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UsageError(f"kubeconfig {path}: expected a mapping with clusters, contexts and users")
    for section in _SECTIONS:
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            raise UsageError(f"kubeconfig {path}: {section} must be a list")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
                raise UsageError(f"kubeconfig {path}: {section}[{index}] has no name")
            body = entry.get(section[:-1])
            if body is not None and not isinstance(body, dict):
                raise UsageError(
                    f"kubeconfig {path}: {section}[{index}] ({entry['name']}): {section[:-1]} must be a mapping"
                )
    current = doc.get("current-context")
    if current is not None and not isinstance(current, str):
        raise UsageError(f"kubeconfig {path}: current-context must be a string")
    return doc


def _merge(docs: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """kubectl's merge: first definition of a name wins, first current-context wins.

    Each entry keeps the file that defined it (relative paths in it are relative to that file).
    """
    merged: dict[str, Any] = {section: {} for section in _SECTIONS}
    merged["current-context"] = None
    for path, doc in docs:
        for section in _SECTIONS:
            for entry in doc.get(section) or []:
                merged[section].setdefault(entry["name"], _Entry(entry.get(section[:-1]) or {}, path))
        if not merged["current-context"] and doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
    return merged


@dataclass(frozen=True)
class _Entry:
    """A named cluster, context or user and the kubeconfig file it came from."""

    body: dict[str, Any]
    path: Path

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)


def _choose_context(merged: dict[str, Any], context: str | None, where: str) -> tuple[str, str]:
    contexts: dict[str, Any] = merged["contexts"]
    available = ", ".join(sorted(contexts)) or "none"
    name = context or merged["current-context"]
    if not name:
        raise UsageError(f"kubeconfig {where}: no current-context set; pass --context (contexts: {available})")
    if name not in contexts:
        raise UsageError(f"kubeconfig {where}: no context {name!r} (contexts: {available})")
    cluster_name = contexts[name].get("cluster")
    if not isinstance(cluster_name, str) or not cluster_name:
        raise UsageError(f"kubeconfig {where}: context {name!r} names no cluster")
    cluster = merged["clusters"].get(cluster_name)
    if cluster is None:
        raise UsageError(
            f"kubeconfig {where}: context {name!r} refers to cluster {cluster_name!r}, which is not defined"
        )
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith(("https://", "http://")):
        raise UsageError(f"kubeconfig {where}: cluster {cluster_name!r} has no server URL (https://host:port)")
    user_name = contexts[name].get("user")
    if user_name and not isinstance(user_name, str):
        raise UsageError(f"kubeconfig {where}: context {name!r}: user must be a name")
    return name, cluster_name


def _endpoint_from_kubeconfig(merged: dict[str, Any], context: str, cluster_name: str, exec_timeout: float) -> Endpoint:
    cluster = merged["clusters"][cluster_name]
    user_name = merged["contexts"][context].get("user") or ""
    user = merged["users"].get(user_name) or _Entry({}, cluster.path)
    credentials = kubeconfig_credentials(
        cluster.body["server"],
        Field(cluster.body, f"kubeconfig {cluster.path}: cluster {cluster_name!r}", cluster.path.parent),
        Field(user.body, f"kubeconfig {user.path}: user {user_name!r}", user.path.parent),
        exec_timeout=exec_timeout,
    )
    where = os.pathsep.join(dict.fromkeys(str(e.path) for e in (merged["contexts"][context], cluster, user)))
    return _endpoint(credentials, f"context {context!r} in kubeconfig {where}")


def _in_cluster(env: Mapping[str, str]) -> Target:
    credentials = in_cluster_credentials(SERVICE_ACCOUNT_DIR, env)
    origin = f"the pod's service account ({SERVICE_ACCOUNT_DIR})"
    return Target(endpoint=_endpoint(credentials, origin), context=None, cluster_name=None)


def _endpoint(credentials: Credentials, origin: str) -> Endpoint:
    tls = credentials.tls
    return Endpoint(
        server=credentials.server,
        origin=redact(origin),
        ssl_context=tls.context if tls else None,
        verify=tls.verify if tls else True,
        tls_server_name=tls.server_name if tls else None,
        proxy=credentials.proxy,
        proxy_headers=dict(credentials.proxy_headers),
        authorization=credentials.authorization,
    )

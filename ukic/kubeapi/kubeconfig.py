"""Find the cluster the way kubectl does: --kubeconfig, else $KUBECONFIG, else ~/.kube/config,
else the pod's service account.

$KUBECONFIG may list several files (``:``-separated); they are merged like kubectl merges
them: the first file defining a cluster, context or user name wins, and the first
``current-context`` set wins. Missing files in that list are skipped, as kubectl does.

The files are checked here first so a mistake gets one line naming the file and the field;
the kubernetes package then turns the chosen context into certificates and a token (exec
plugins, token files, client certificates). It is imported only inside the functions here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukic.errors import UsageError
from ukic.kubeapi.http import Endpoint
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


def load_target(kubeconfig: Path | str | None, context: str | None, environ: Mapping[str, str] | None = None) -> Target:
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
    endpoint = _endpoint_from_kubeconfig(paths, name, cluster_name, where)
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
    """kubectl's merge: first definition of a name wins, first current-context wins."""
    merged: dict[str, Any] = {section: {} for section in _SECTIONS}
    merged["current-context"] = None
    for _path, doc in docs:
        for section in _SECTIONS:
            for entry in doc.get(section) or []:
                merged[section].setdefault(entry["name"], entry.get(section[:-1]) or {})
        if not merged["current-context"] and doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
    return merged


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
    return name, cluster_name


def _endpoint_from_kubeconfig(paths: list[Path], context: str, cluster_name: str, where: str) -> Endpoint:
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import load_kube_config

    configuration = Configuration()
    complaints = _Complaints()
    root = logging.getLogger()
    root.addHandler(complaints)  # the loader logs (not raises) credential-plugin failures
    try:
        load_kube_config(
            config_file=os.pathsep.join(str(p) for p in paths),
            context=context,
            client_configuration=configuration,
            persist_config=False,
        )
    except ConfigException as exc:
        raise UsageError(f"kubeconfig {where}: context {context!r}: {_first_line(exc)}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"kubeconfig {where}: context {context!r}: cannot load its credentials ({type(exc).__name__})"
        ) from None
    finally:
        root.removeHandler(complaints)
    if complaints.first is not None:
        raise UsageError(f"kubeconfig {where}: context {context!r}: credentials plugin failed: {complaints.first}")
    origin = f"context {context!r} in kubeconfig {where}"
    return _endpoint(configuration, origin, where)


def _in_cluster(env: Mapping[str, str]) -> Target:
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import InClusterConfigLoader

    configuration = Configuration()
    loader = InClusterConfigLoader(
        token_filename=str(SERVICE_ACCOUNT_DIR / "token"),
        cert_filename=str(SERVICE_ACCOUNT_DIR / "ca.crt"),
        environ=env,
    )
    try:
        loader.load_and_set(configuration)
    except (ConfigException, OSError) as exc:
        raise UsageError(f"in-cluster service account {SERVICE_ACCOUNT_DIR}: {_first_line(exc)}") from None
    origin = f"the pod's service account ({SERVICE_ACCOUNT_DIR})"
    return Target(endpoint=_endpoint(configuration, origin, str(SERVICE_ACCOUNT_DIR)), context=None, cluster_name=None)


def _endpoint(configuration: Any, origin: str, where: str) -> Endpoint:
    for label, file in (
        ("certificate authority", configuration.ssl_ca_cert),
        ("client certificate", configuration.cert_file),
        ("client key", configuration.key_file),
    ):
        if file and not Path(file).is_file():
            raise UsageError(f"kubeconfig {where}: {label} {file}: no such file")

    def authorization() -> str | None:
        # Calls the loader's refresh hook, so exec-plugin and service-account tokens renew.
        return configuration.get_api_key_with_prefix("BearerToken")

    return Endpoint(
        server=configuration.host,
        origin=origin,
        ca_file=configuration.ssl_ca_cert,
        cert_file=configuration.cert_file,
        key_file=configuration.key_file,
        verify=bool(configuration.verify_ssl),
        tls_server_name=getattr(configuration, "tls_server_name", None),
        proxy=configuration.proxy,
        authorization=authorization,
    )


class _Complaints(logging.Handler):
    """Keeps the first error the kubernetes loader logs while loading credentials."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.first is None:
            text = record.getMessage().strip()
            self.first = (text.splitlines()[0] if text else "unknown error")[:200]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

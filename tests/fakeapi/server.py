"""A small, faithful fake of the Kubernetes API server on pytest-httpserver.

It speaks enough of the real API for ukic and for the official kubernetes client:
``/version`` with every field, discovery (``/api``, ``/api/v1``, ``/apis``, ``/apis/<g>``,
``/apis/<g>/<v>``, with or without a trailing slash; ``/api`` and ``/apis`` also aggregated,
``apidiscovery.k8s.io`` v2 and v2beta1, when the Accept header asks for it), LIST and GET of core and custom
resources (cluster-wide and per namespace) with label and field selectors and
``limit``/``continue`` paging, metadata-only lists (PartialObjectMetadataList), watch streams
with bookmarks and 410 Gone (tests/fakeapi/watch.py; change objects with put/delete), bearer
tokens, optional TLS, optional RBAC enforcement from ClusterRole rules, added latency and
fault injection. Every request is recorded as (method, path, query, Accept).

Lists of built-in resources leave out each item's apiVersion/kind, as the real server
does; custom resources keep them.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fakeapi.selectors import SelectorError, field_selector, label_selector
from tests.fakeapi.tls import TLSFiles
from tests.fakeapi.watch import WatchHistory, WatchRequest, stream
from ukic.resources import BUILTIN_GROUPS, BY_KEY, CATALOG, Resource
from ukic.sources.base import ResourceUnavailable
from ukic.sources.snapshot import SnapshotSource

#: Resources a real server also serves; a client asking only for what it needs never touches them.
DECOY_CORE = (("namespaces", False, "Namespace"), ("events", True, "Event"), ("pods/log", True, "Pod"))
DECOY_GROUPS = {
    "rbac.authorization.k8s.io": ("v1", (("clusterroles", False, "ClusterRole"),)),
    "coordination.k8s.io": ("v1", (("leases", True, "Lease"),)),
}
PARTIAL = "as=PartialObjectMetadataList"
AGGREGATED_MEDIA = re.compile(r"g=apidiscovery\.k8s\.io;\s*v=(\w+);\s*as=APIGroupDiscoveryList")
WATCH_PARTIAL = "as=PartialObjectMetadata;"
LIST_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: str
    accept: str
    at: float = field(default=0.0, compare=False)  # time.perf_counter() on arrival


@dataclass
class Fault:
    """Something to go wrong on requests for one resource key or one exact path."""

    kind: str  # status | hang | malformed | drop | expire | trickle | endless | redirect | body | gone
    status: int = 500
    times: int | None = None  # None: every matching request
    retry_after: str | None = None
    seconds: float = 0.0
    hits: int = 0
    text: str = ""  # redirect: the Location; body: the answer; endless: "same" or "new" tokens


@dataclass
class _Route:
    """What a path asks for."""

    kind: str  # version | api | apis | group | resources | list | get | unknown
    group: str = ""
    version: str = ""
    key: str | None = None
    namespace: str | None = None
    name: str | None = None


@dataclass
class _Served:
    resource: Resource
    version: str


class FakeKubeAPI:
    """The fake API server. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        objects: Mapping[str, Iterable[dict[str, Any]]] | None = None,
        *,
        not_captured: Iterable[str] = (),
        server_version: str = "v1.30.2",
        tls: TLSFiles | None = None,
        latency: float = 0.0,
        token: str | None = "fake-token",
        user: str = "fake-admin",
        aggregated_discovery: Iterable[str] = ("v2", "v2beta1"),
    ) -> None:
        """``aggregated_discovery``: the apidiscovery.k8s.io versions served at /api and /apis
        (Kubernetes 1.26+); empty for an older server, which answers the plain documents only."""
        self.objects: dict[str, list[dict[str, Any]]] = {
            key: [copy.deepcopy(o) for o in items] for key, items in (objects or {}).items()
        }
        for key in self.objects:
            if key not in BY_KEY:
                raise ValueError(f"fake API: {key} is not a catalogued resource")
        self.not_captured = set(not_captured)
        self.server_version = server_version
        self._initial_version = server_version
        self.tls = tls
        self.latency = latency
        self.token = token
        self.user = user
        self.requests: list[Recorded] = []
        self.faults: dict[str, Fault] = {}
        self.unserved_groups: set[str] = set()
        self.stale_groups: set[str] = set()
        self.aggregated_discovery = tuple(aggregated_discovery)
        self.rbac_rules: list[dict[str, Any]] | None = None
        self.history = WatchHistory()
        self.bookmark_interval = 1.0  # seconds without events before a watch gets a BOOKMARK
        self.clock: datetime | None = None  # what the server's Date header says (None: the real time)
        self._record_lock = threading.Lock()
        self._fault_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = HTTPServer(
            host="127.0.0.1", port=0, ssl_context=tls.server_context() if tls else None, threaded=True
        )
        self._server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @classmethod
    def from_snapshot(cls, folder: Path, **kwargs: Any) -> FakeKubeAPI:
        """Serve a snapshot: every captured file as a resource; a missing file answers 403 (not readable)."""
        api = cls(**kwargs)
        api.serve_snapshot(folder)
        return api

    def serve_snapshot(self, folder: Path) -> None:
        """From now on serve this snapshot (a folder or .tar.gz), faults and log cleared."""
        snapshot = SnapshotSource(folder, project=False)  # whole objects, as a server holds them
        objects: dict[str, list[dict[str, Any]]] = {}
        missing = set()
        for resource in CATALOG:
            try:
                objects[resource.key] = snapshot.list(resource.key)
            except ResourceUnavailable:
                missing.add(resource.key)
        self.reset(objects)
        self.not_captured = missing
        self.server_version = snapshot.info().server_version or self.server_version
        captured = snapshot.info().captured_at
        # a replayed snapshot answers as the cluster did then: its Date header is the capture time
        self.clock = datetime.fromisoformat(captured.replace("Z", "+00:00")) if captured else None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeKubeAPI:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._stopping.clear()
        self._server.start()
        self._server.server.RequestHandlerClass = _clocked(self._server.server.RequestHandlerClass, self)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server.is_running():
            self._server.stop()

    def __enter__(self) -> FakeKubeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.port}"

    # -- fault injection ---------------------------------------------------------------------

    def forbid(self, key: str) -> None:
        self.faults[key] = Fault("status", status=403)

    def unserve_group(self, group: str) -> None:
        self.unserved_groups.add(group)

    def make_stale(self, group: str) -> None:
        """The group's aggregated API server is down: its versions are marked Stale in aggregated
        discovery, and its resource lists answer 503, as the real aggregator does."""
        self.stale_groups.add(group)

    def fail(self, target: str, status: int = 500, times: int | None = 1, retry_after: str | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests for a resource key or an exact path."""
        self.faults[target] = Fault("status", status=status, times=times, retry_after=retry_after)

    def hang(self, target: str, seconds: float) -> None:
        self.faults[target] = Fault("hang", seconds=seconds, times=None)

    def malformed(self, target: str) -> None:
        self.faults[target] = Fault("malformed", times=None)

    def drop(self, target: str, times: int = 1) -> None:
        """Close the connection without an answer."""
        self.faults[target] = Fault("drop", times=times)

    def trickle(self, target: str, seconds_per_byte: float = 1.0) -> None:
        """Answer 200 at once, then send the body one byte at a time (a read timeout never fires)."""
        self.faults[target] = Fault("trickle", seconds=seconds_per_byte, times=None)

    def page_forever(self, key: str, same_token: bool = True) -> None:
        """Every page of ``key`` is empty and asks for one more (the same continue token, or a new one)."""
        self.faults[key] = Fault("endless", times=None, text="same" if same_token else "new")

    def redirect(self, target: str, location: str) -> None:
        self.faults[target] = Fault("redirect", status=302, times=None, text=location)

    def answer(self, target: str, body: str | bytes, status: int = 200) -> None:
        """Answer these exact bytes (a garbage discovery document, a deep JSON, ...)."""
        text = body if isinstance(body, str) else body.decode("latin-1")
        self.faults[target] = Fault("body", status=status, times=None, text=text)

    def expire_continue(self, key: str) -> None:
        """The first request carrying a continue token for ``key`` gets 410 Gone."""
        self.faults[key] = Fault("expire", times=1)

    def gone(self, key: str) -> None:
        """The next watch of ``key`` is answered with HTTP 410 Gone instead of a stream."""
        self.faults[key] = Fault("gone", times=1)

    def enforce_rbac(self, rules: list[dict[str, Any]]) -> None:
        """Allow only what these ClusterRole rules grant; everything else is 403."""
        self.rbac_rules = rules

    def reset(self, objects: Mapping[str, Iterable[dict[str, Any]]] | None = None) -> None:
        """Back to a healthy server: no faults, no RBAC, every group served, empty log."""
        if objects is not None:
            self.objects = {key: [copy.deepcopy(o) for o in items] for key, items in objects.items()}
            self.not_captured = set()
            self.server_version = self._initial_version  # serve_snapshot may have changed it
            self.history.compact()  # watches from before the reset must relist
            self.clock = None
        self.faults.clear()
        self.unserved_groups.clear()
        self.stale_groups.clear()
        self.rbac_rules = None
        self.latency = 0.0
        self.clear_log()

    # -- changing objects (seen by watches) ------------------------------------------------------

    def put(self, key: str, obj: dict[str, Any]) -> None:
        """Create or replace (by namespace and name) an object; watchers get ADDED or MODIFIED."""
        if key not in BY_KEY:
            raise ValueError(f"fake API: {key} is not a catalogued resource")
        stored = copy.deepcopy(obj)
        items = self.objects.setdefault(key, [])
        for index, old in enumerate(items):
            if _identity(old) == _identity(stored):
                items[index] = stored
                self.history.record(key, "MODIFIED", stored)
                return
        items.append(stored)
        self.history.record(key, "ADDED", stored)

    def delete(self, key: str, name: str, namespace: str | None = None) -> None:
        """Remove an object; watchers get DELETED."""
        items = self.objects.get(key, [])
        for index, old in enumerate(items):
            if _identity(old) == (namespace, name):
                del items[index]
                self.history.record(key, "DELETED", old)
                return
        raise KeyError(f"fake API: no {key} {namespace}/{name}")

    def clear_log(self) -> None:
        with self._record_lock:
            self.requests.clear()

    # -- request handling --------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        path = "/" + request.path.strip("/")
        with self._record_lock:
            self.requests.append(
                Recorded(
                    request.method,
                    path,
                    request.query_string.decode(),
                    request.headers.get("Accept", ""),
                    time.perf_counter(),
                )
            )
        if self.latency:
            time.sleep(self.latency)
        if request.method != "GET":
            return _status(405, "MethodNotAllowed", f"the fake API is read-only: {request.method} is not served")
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        if self.token is not None and (scheme.lower() != "bearer" or presented != self.token):
            return _status(401, "Unauthorized", "Unauthorized")
        route = self._route(path)
        denied = self._rbac_denial(route, path, request)
        if denied is not None:
            return denied
        fault = self._take_fault(path, route, request)
        if fault is not None:
            answer = self._apply_fault(fault, route, request)
            if answer is not None:
                return answer
        if route.key in self.not_captured:
            return self._forbidden(route)
        return self._answer(route, request)

    def _answer(self, route: _Route, request: Request) -> Response:
        if route.kind == "version":
            return _json(self._version())
        if route.kind in ("api", "apis"):
            version = self._aggregated_version(request.headers.get("Accept", ""))
            if version is not None:
                return self._aggregated(route.kind, version)
        if route.kind == "api":
            port = self._server.port
            return _json(
                {
                    "kind": "APIVersions",
                    "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{port}"}],
                }
            )
        if route.kind == "apis":
            return _json(
                {"kind": "APIGroupList", "apiVersion": "v1", "groups": [self._group_doc(g) for g in self._groups()]}
            )
        if route.kind == "group":
            return _json({"kind": "APIGroup", "apiVersion": "v1", **self._group_doc(route.group)})
        if route.kind == "resources":
            if route.group in self.stale_groups:
                return _status(503, "ServiceUnavailable", "the server is currently unable to handle the request")
            return _json(self._resource_list(route.group, route.version))
        if route.kind == "list":
            return self._list(route, request)
        if route.kind == "get":
            return self._get(route)
        return _not_found()

    def _route(self, path: str) -> _Route:
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            return _Route("version")
        if parts == ["api"]:
            return _Route("api")
        if parts == ["apis"]:
            return _Route("apis")
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 2 and parts[0] == "apis":
            group, rest = parts[1], parts[3:]
            if len(parts) == 2:
                return _Route("group", group=group) if group in self._groups() else _Route("unknown")
            version = parts[2]
        else:
            return _Route("unknown")
        if not self._serves_version(group, version):
            return _Route("unknown")
        if not rest:
            return _Route("resources", group=group, version=version)
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        if len(rest) > 2:
            return _Route("unknown")
        served = self._served_at(group, version, rest[0])
        if served is None or (namespace is not None and not served.resource.namespaced):
            return _Route("unknown")
        kind = "list" if len(rest) == 1 else "get"
        name = rest[1] if len(rest) == 2 else None
        return _Route(kind, group=group, version=version, key=served.resource.key, namespace=namespace, name=name)

    # -- what is served ----------------------------------------------------------------------

    def _served(self) -> list[_Served]:
        served = []
        for resource in CATALOG:
            if resource.group in self.unserved_groups:
                continue
            if resource.key not in self.objects and resource.key not in self.not_captured:
                continue
            served.append(_Served(resource, self._version_of(resource)))
        return served

    def _version_of(self, resource: Resource) -> str:
        for item in self.objects.get(resource.key, []):
            group, _, version = str(item.get("apiVersion", "")).rpartition("/")
            if version and group == resource.group:
                return version
        return resource.version

    def _groups(self) -> list[str]:
        groups = {s.resource.group for s in self._served() if s.resource.group}
        groups |= {g for g in DECOY_GROUPS if g not in self.unserved_groups}
        return sorted(groups)

    def _group_versions(self, group: str) -> list[str]:
        if group in DECOY_GROUPS:
            return [DECOY_GROUPS[group][0]]
        versions: list[str] = []
        for s in self._served():
            if s.resource.group == group and s.version not in versions:
                versions.append(s.version)
        return versions

    def _serves_version(self, group: str, version: str) -> bool:
        if group == "":
            return version == "v1"
        return group in self._groups() and version in self._group_versions(group)

    def _served_at(self, group: str, version: str, plural: str) -> _Served | None:
        for s in self._served():
            if s.resource.group == group and s.version == version and s.resource.plural == plural:
                return s
        return None

    def _group_doc(self, group: str) -> dict[str, Any]:
        versions = [{"groupVersion": f"{group}/{v}", "version": v} for v in self._group_versions(group)]
        return {"name": group, "versions": versions, "preferredVersion": versions[0]}

    def _resource_list(self, group: str, version: str) -> dict[str, Any]:
        entries = [
            (s.resource.plural, s.resource.namespaced, s.resource.kind)
            for s in self._served()
            if s.resource.group == group and s.version == version
        ]
        if group == "":
            entries += list(DECOY_CORE)
        elif group in DECOY_GROUPS:
            entries += list(DECOY_GROUPS[group][1])
        resources = []
        for plural, namespaced, kind in entries:
            entry = {
                "name": plural,
                "singularName": "" if "/" in plural else kind.lower(),
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["get"] if "/" in plural else LIST_VERBS,
            }
            if "/" not in plural:
                entry["storageVersionHash"] = base64.b64encode(f"{group}/{plural}".encode()).decode()[:11]
            resources.append(entry)
        group_version = f"{group}/{version}" if group else version
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}

    def _aggregated_version(self, accept: str) -> str | None:
        """The apidiscovery version to answer in: the first the client accepts that is served."""
        for media in accept.split(","):
            found = AGGREGATED_MEDIA.search(media)
            if found and found.group(1) in self.aggregated_discovery:
                return found.group(1)
        return None

    def _aggregated(self, root: str, version: str) -> Response:
        """An APIGroupDiscoveryList: every group (the core group alone at /api), version and resource."""
        items = []
        for group in [""] if root == "api" else self._groups():
            versions = []
            for served in ["v1"] if group == "" else self._group_versions(group):
                if group in self.stale_groups:
                    versions.append({"version": served, "freshness": "Stale"})
                    continue
                resources: list[dict[str, Any]] = []
                for entry in self._resource_list(group, served)["resources"]:
                    parent, _, sub = entry["name"].partition("/")
                    gvk = {"group": group, "version": served, "kind": entry["kind"]}
                    if sub:
                        for owner in (r for r in resources if r["resource"] == parent):
                            owner.setdefault("subresources", []).append(
                                {"subresource": sub, "responseKind": gvk, "verbs": entry["verbs"]}
                            )
                        continue
                    resources.append(
                        {
                            "resource": entry["name"],
                            "responseKind": gvk,
                            "scope": "Namespaced" if entry["namespaced"] else "Cluster",
                            "singularResource": entry["singularName"],
                            "verbs": entry["verbs"],
                        }
                    )
                versions.append({"version": served, "resources": resources, "freshness": "Current"})
            metadata: dict[str, Any] = {"creationTimestamp": None}
            if group:
                metadata["name"] = group
            items.append({"metadata": metadata, "versions": versions})
        body = {
            "kind": "APIGroupDiscoveryList",
            "apiVersion": f"apidiscovery.k8s.io/{version}",
            "metadata": {},
            "items": items,
        }
        media = f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
        return Response(json.dumps(body), 200, content_type=media)

    def _version(self) -> dict[str, str]:
        numbers = re.match(r"v(\d+)\.(\d+)", self.server_version)
        major, minor = numbers.groups() if numbers else ("1", "30")
        return {
            "major": major,
            "minor": minor,
            "gitVersion": self.server_version,
            "gitCommit": "0123456789abcdef0123456789abcdef01234567",
            "gitTreeState": "clean",
            "buildDate": "2024-06-11T20:20:00Z",
            "goVersion": "go1.22.4",
            "compiler": "gc",
            "platform": "linux/amd64",
        }

    # -- reading objects ---------------------------------------------------------------------

    def _list(self, route: _Route, request: Request) -> Response:
        assert route.key is not None
        resource = BY_KEY[route.key]
        try:
            labels = label_selector(request.args.get("labelSelector"))
            fields = field_selector(request.args.get("fieldSelector"))
        except SelectorError as exc:
            return _status(400, "BadRequest", str(exc))

        def matches(obj: dict[str, Any]) -> bool:
            return route.namespace in (None, _meta(obj).get("namespace")) and labels(obj) and fields(obj)

        if _watching(request):
            return self._watch(route, request, matches)
        items = [o for o in self._objects(route.key) if matches(o)]
        try:
            start, snapshot = _decode_continue(request.args.get("continue"))
            limit = int(request.args.get("limit") or 0)
        except ValueError:
            return _status(400, "BadRequest", "invalid limit or continue token")
        resource_version = snapshot or str(self.history.current)
        metadata: dict[str, Any] = {"resourceVersion": resource_version}
        page = items[start : start + limit] if limit > 0 else items[start:]
        rest = len(items) - start - len(page)
        if limit > 0 and rest > 0:
            metadata["continue"] = _encode_continue(start + len(page), resource_version)
            metadata["remainingItemCount"] = rest
        group_version = f"{resource.group}/{route.version}" if resource.group else route.version
        if PARTIAL in request.headers.get("Accept", ""):
            body = {
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": metadata,
                "items": [
                    {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": _meta(o)}
                    for o in page
                ],
            }
            return _json(body)
        if resource.group in BUILTIN_GROUPS:
            page = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in page]
        else:
            page = [{"apiVersion": group_version, "kind": resource.kind, **o} for o in page]
        return _json({"kind": f"{resource.kind}List", "apiVersion": group_version, "metadata": metadata, "items": page})

    def _watch(self, route: _Route, request: Request, matches: Any) -> Response:
        assert route.key is not None
        resource = BY_KEY[route.key]
        accept = request.headers.get("Accept", "")
        if PARTIAL in accept:
            return _status(406, "NotAcceptable", "a watch streams PartialObjectMetadata, not PartialObjectMetadataList")
        try:
            asked = request.args.get("resourceVersion") or "0"
            start = None if asked == "0" else int(asked)
            timeout = float(request.args["timeoutSeconds"]) if "timeoutSeconds" in request.args else None
        except ValueError:
            return _status(400, "BadRequest", "invalid resourceVersion or timeoutSeconds")
        group_version = f"{resource.group}/{route.version}" if resource.group else route.version
        typed = {"apiVersion": group_version, "kind": resource.kind}
        metadata_only = WATCH_PARTIAL in accept

        def render(obj: dict[str, Any]) -> dict[str, Any]:
            if metadata_only:
                return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": _meta(obj)}
            return {**obj, **typed}

        watch = WatchRequest(
            key=route.key,
            resource_version=start,
            timeout=timeout,
            bookmarks=request.args.get("allowWatchBookmarks", "").lower() == "true",
            matches=matches,
            render=render,
            bookmark_object={"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1"}
            if metadata_only
            else dict(typed),
        )
        lines = stream(self.history, watch, lambda: self._objects(route.key), self._stopping, self.bookmark_interval)
        return Response(lines, 200, content_type="application/json", direct_passthrough=True)

    def _get(self, route: _Route) -> Response:
        assert route.key is not None
        resource = BY_KEY[route.key]
        for obj in self._objects(route.key):
            meta = _meta(obj)
            if meta.get("name") == route.name and (not resource.namespaced or meta.get("namespace") == route.namespace):
                group_version = f"{resource.group}/{route.version}" if resource.group else route.version
                return _json({**obj, "apiVersion": group_version, "kind": resource.kind})
        return _status(404, "NotFound", f'{resource.key} "{route.name}" not found')

    def _objects(self, key: str) -> list[dict[str, Any]]:
        items = self.objects.get(key, [])
        return sorted(items, key=lambda o: (str(_meta(o).get("namespace", "")), str(_meta(o).get("name", ""))))

    # -- faults and permissions ----------------------------------------------------------------

    def _take_fault(self, path: str, route: _Route, request: Request) -> Fault | None:
        with self._fault_lock:
            for target in (path, route.key if route.kind == "list" else None):
                fault = self.faults.get(target) if target else None
                if fault is None:
                    continue
                if fault.kind == "expire" and not request.args.get("continue"):
                    continue
                if fault.kind == "gone" and not _watching(request):
                    continue
                if fault.times is not None and fault.hits >= fault.times:
                    continue
                fault.hits += 1
                return fault
        return None

    def _apply_fault(self, fault: Fault, route: _Route, request: Request) -> Response | None:
        if fault.kind == "status":
            if fault.status == 403:
                return self._forbidden(route)
            reason = {429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}.get(fault.status, "")
            response = _status(fault.status, reason, f"injected fault: {fault.status}")
            if fault.retry_after is not None:
                response.headers["Retry-After"] = fault.retry_after
            return response
        if fault.kind == "expire":
            return _status(
                410, "Expired", "The provided continue parameter is too old to display a consistent list result."
            )
        if fault.kind == "gone":
            return _status(410, "Gone", "too old resource version")
        if fault.kind == "malformed":
            return Response('{"kind": "NodeList", "items": [', 200, content_type="application/json")
        if fault.kind == "hang":
            self._stopping.wait(fault.seconds)
            return None
        if fault.kind == "trickle":

            def drip() -> Iterable[bytes]:
                for byte in b'{"kind": "List", "items": []}' * 100:
                    if self._stopping.wait(fault.seconds):
                        return
                    yield bytes([byte])

            return Response(drip(), 200, content_type="application/json")
        if fault.kind == "endless":
            token = "again" if fault.text == "same" else f"page-{fault.hits}"
            return _json({"kind": "List", "apiVersion": "v1", "metadata": {"continue": token}, "items": []})
        if fault.kind == "redirect":
            return Response("", fault.status, headers={"Location": fault.text})
        if fault.kind == "body":
            return Response(fault.text.encode("latin-1"), fault.status, content_type="application/json")
        if fault.kind == "drop":
            sock = request.environ.get("werkzeug.socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            return Response("", 200)
        raise ValueError(f"unknown fault {fault.kind}")

    def _forbidden(self, route: _Route) -> Response:
        resource = BY_KEY[route.key] if route.key else None
        plural = resource.plural if resource else "?"
        group = resource.group if resource else ""
        verb = "get" if route.kind == "get" else "list"
        where = f'in the namespace "{route.namespace}"' if route.namespace else "at the cluster scope"
        text = (
            f'{route.key} is forbidden: User "{self.user}" cannot {verb} resource "{plural}" '
            f'in API group "{group}" {where}'
        )
        return _status(403, "Forbidden", text, details={"group": group, "kind": plural})

    def _rbac_denial(self, route: _Route, path: str, request: Request) -> Response | None:
        if self.rbac_rules is None:
            return None
        if route.kind in ("list", "get"):
            resource = BY_KEY[route.key] if route.key else None
            verb = "watch" if route.kind == "list" and _watching(request) else route.kind
            allowed = resource is not None and any(
                _matches(rule.get("apiGroups"), resource.group)
                and _matches(rule.get("resources"), resource.plural)
                and _matches(rule.get("verbs"), verb)
                for rule in self.rbac_rules
            )
            return None if allowed else self._forbidden(route)
        allowed = any(
            _url_matches(rule.get("nonResourceURLs"), path) and _matches(rule.get("verbs"), "get")
            for rule in self.rbac_rules
        )
        if allowed:
            return None
        return _status(403, "Forbidden", f'forbidden: User "{self.user}" cannot get path "{path}"')


def _matches(allowed: list[str] | None, value: str) -> bool:
    return bool(allowed) and ("*" in allowed or value in allowed)


def _url_matches(allowed: list[str] | None, path: str) -> bool:
    for pattern in allowed or []:
        if pattern == path or pattern == "*" or (pattern.endswith("*") and path.startswith(pattern[:-1])):
            return True
    return False


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


def _encode_continue(start: int, resource_version: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"rv": resource_version, "start": start}).encode()).decode()


def _decode_continue(token: str | None) -> tuple[int, str | None]:
    """(first item, the list's resourceVersion) of a continue token; (0, None) without one."""
    if not token:
        return 0, None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        start, rv = decoded["start"], decoded["rv"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("bad continue token") from exc
    if not isinstance(start, int) or start < 0 or not isinstance(rv, str):
        raise ValueError("bad continue token")
    return start, rv


def _watching(request: Request) -> bool:
    return request.args.get("watch", "").lower() in ("1", "true")


def _identity(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    meta = _meta(obj)
    return meta.get("namespace"), meta.get("name")


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


def _clocked(handler: type, api: FakeKubeAPI) -> type:
    """The server's request handler, with the Date header of every answer from ``api.clock`` when set."""

    class Clocked(handler):  # type: ignore[misc,valid-type]
        def date_time_string(self, timestamp: float | None = None) -> str:
            if api.clock is not None:
                return format_datetime(api.clock, usegmt=True)
            return super().date_time_string(timestamp)

    return Clocked


def _status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> Response:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": details or {},
        "code": code,
    }
    return _json(body, code)


def _not_found() -> Response:
    return _status(404, "NotFound", "the server could not find the requested resource")

"""What a file written by `kubectl get <resource> ... > file` holds, read as the objects of one resource.

Real kubectl (checked with Debian's kubectl against tests/fakeapi, see fixtures/real/SOURCES.md) writes:
- ``-A -o yaml|json`` with objects: a ``List`` (apiVersion v1) whose items carry apiVersion and kind;
- the same for a type it serves but which has no objects: an empty ``List``;
- for a type the server does not have: nothing at all on stdout ("the server doesn't have a
  resource type" goes to stderr), so the redirected file is **empty**;
- ``kubectl get <resource> <name> -o yaml``: the single object, no List;
- ``kubectl get --raw /api/v1/pods``: the API's typed list (``PodList``) whose items carry no
  apiVersion/kind, as the API leaves them out of lists;
- several commands appended to one file: several documents.
Items without apiVersion/kind get the ones of the file's resource, as the live source does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ukic.errors import SourceError
from ukic.projection import Kept
from ukic.resources import Resource
from ukic.shapes import MAPPINGS
from ukic.sources.base import Obj


def _is_list(doc: dict[str, Any]) -> bool:
    kind = doc.get("kind")
    return isinstance(doc.get("items"), list) and (kind is None or (isinstance(kind, str) and kind.endswith("List")))


def items_of(documents: Iterable[Any], resource: Resource, where: str) -> list[Obj]:
    """Every object of the documents (Lists, typed lists, single objects), typed as ``resource``'s objects."""
    found: list[Obj] = []
    for number, doc in enumerate(documents, start=1):
        if not isinstance(doc, dict):
            raise SourceError(
                f"snapshot file {where}: document {number} is a {type(doc).__name__}, not a kubectl List or object"
            )
        if _is_list(doc):
            # an item that is no object is kept as it is: ukic.shapes names it and leaves the resource unverifiable
            found += [_typed(item, resource, where) if isinstance(item, MAPPINGS) else item for item in doc["items"]]
        elif "metadata" in doc and (doc.get("kind") in (None, resource.kind)):
            found.append(_typed(doc, resource, where))
        else:
            kind = doc.get("kind") or "no kind"
            raise SourceError(
                f"snapshot file {where}: expected a List with 'items' or {resource.kind} objects "
                f"(as `kubectl get {resource.key} -A -o yaml` writes), found {kind}"
            )
    return found


def _typed(item: Obj, resource: Resource, where: str) -> Obj:
    kind = item.get("kind")
    if kind is not None and kind != resource.kind:
        raise SourceError(f"snapshot file {where}: holds a {kind}, not {resource.kind} objects")
    if "apiVersion" in item and kind is not None:
        return item
    if isinstance(item, Kept):  # kept compact (ukic.projection): filled in place
        if "apiVersion" not in item:
            item.apiVersion = resource.api_version  # type: ignore[attr-defined]
        if "kind" not in item:
            item.kind = resource.kind  # type: ignore[attr-defined]
        return item
    typed = {"apiVersion": resource.api_version, "kind": resource.kind}
    typed.update(item)
    return typed

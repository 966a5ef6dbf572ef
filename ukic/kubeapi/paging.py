"""Paged LIST: ``limit`` + ``continue`` until the server says there is no more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ukic.errors import SourceError
from ukic.kubeapi.http import JSON, ApiClient, ApiStatusError

PAGE_SIZE = 500
#: Pages of one listing before ukic gives up: 10,000 x 500 objects is far beyond any real cluster.
MAX_PAGES = 10_000
#: Ask for metadata only; a server that cannot do that answers plain JSON (stripped by the caller).
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json"


def list_collection(
    client: ApiClient,
    path: str,
    *,
    metadata_only: bool = False,
    page_size: int = PAGE_SIZE,
    each: Callable[[Any], Any] | None = None,
    max_pages: int = MAX_PAGES,
) -> tuple[list[Any], str | None]:
    """Every item of the collection at ``path``, across pages, and the list's resourceVersion (a
    watch resumes from it); ``each`` (if given) maps every item as its page arrives, so only one
    raw page is held at a time.

    A continue token that expired mid-way (410 Gone) restarts the listing once from the top,
    so the result is one consistent snapshot rather than two halves of different ones. A server
    that hands out a continue token it gave before, or pages on past ``max_pages``, would keep
    ukic listing forever: that is a SourceError naming the collection.
    """
    accept = METADATA_ONLY if metadata_only else JSON
    for restart in (False, True):
        items: list[Any] = []
        token: str | None = None
        seen: set[str] = set()
        version: str | None = None
        try:
            while True:
                if len(seen) >= max_pages:
                    raise SourceError(
                        f"{client.url(path)} is still paging after {max_pages} pages of {page_size}: giving up"
                    )
                query: dict[str, Any] = {"limit": page_size}
                if token:
                    query["continue"] = token
                page = client.get_json(path, query=query, accept=accept)
                batch = page.get("items")
                if batch is None:
                    batch = []
                if not isinstance(batch, list):
                    raise SourceError(f"malformed answer from {client.url(path)}: 'items' is not a list")
                items.extend(batch if each is None else map(each, batch))
                metadata = page.get("metadata")
                metadata = metadata if isinstance(metadata, dict) else {}
                if version is None and isinstance(metadata.get("resourceVersion"), str):
                    version = metadata["resourceVersion"] or None  # every page of one list shares it
                token = metadata.get("continue")
                if not token:
                    return items, version
                if not isinstance(token, str):
                    raise SourceError(f"malformed answer from {client.url(path)}: 'metadata.continue' is not a string")
                if token in seen:
                    raise SourceError(
                        f"{client.url(path)} answered a continue token it had already given "
                        f"(after {len(seen) + 1} pages): the listing would never end"
                    )
                seen.add(token)
        except ApiStatusError as exc:
            if exc.status == 410 and token and not restart:
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover

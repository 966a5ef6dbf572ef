"""A kubectl JSON List read piece by piece, each item decoded straight into the shape kept of it.

`kubectl get -A -o json` (and ukic's own JSON writer) lay a List out with four-space indentation:
every item opens on a line of eight spaces and ``{`` and closes on one of eight spaces and ``}``.
JSON strings hold no raw line breaks, so such a line can only end an item. The file is read in
pieces cut after those lines and each piece is decoded by msgspec, so a 3 GB pods.json is never
held whole, and fields nobody reads are never built. A piece that does not decode (another layout
that happens to look alike, or a broken file) gives up, and the caller reads the file whole.
"""

from __future__ import annotations

import json
import re
from sys import intern
from typing import Any, BinaryIO

import msgspec

from ukic.projection import Kept

PIECE = 1 << 20  # bytes read at a time
HEADER_LIMIT = 64 << 10  # a List's members before its items take far less
HEADER = re.compile(rb'\A\{\n((?:    "[A-Za-z]+": [^\n]*,\n)*)    "items": \[\n(?=        \{\n)')
ITEM_END = b"\n        },\n"  # an item that another follows
LAST_ITEM_END = b"\n        }\n    ]"


#: Strings up to this length are shared (interned) as they are read: phases, condition types,
#: images, node and namespace names repeat across hundreds of thousands of objects.
SHARED_LENGTH = 64


class NotLaidOut(Exception):
    """The file is not a List laid out as kubectl writes it (or does not decode): read it whole."""


def read_list(handle: BinaryIO, item_type: Any = Any) -> dict[str, Any]:
    """The List document, its items decoded as ``item_type``; NotLaidOut when it cannot be read in pieces."""
    first = b""
    while True:  # the members before the items are a few short lines
        more = handle.read(PIECE)
        first += more
        header = HEADER.match(first)
        if header is not None or not more or len(first) > HEADER_LIMIT:
            break
    if header is None:
        raise NotLaidOut
    doc: dict[str, Any] = _members(header.group(1).rstrip(b",\n"))
    decoder = msgspec.json.Decoder(list[item_type])  # type: ignore[valid-type]
    items: list[Any] = []
    # buffer[0] is a spare byte (the line break before an item); buffer[1:] starts with an item. A run
    # of items is decoded in place: the spare byte becomes "[" and the comma after the last one "]".
    buffer = bytearray(first[header.end() - 1 :])
    while True:
        cut = buffer.rfind(ITEM_END)
        if cut >= 0:
            closing = cut + len(ITEM_END) - 2  # the comma after the item's "}"
            items += _decode(decoder, buffer, closing)
            del buffer[: closing + 1]
        more = handle.read(PIECE)
        if not more:
            break
        buffer += more
    last = buffer.find(LAST_ITEM_END)
    if last < 0:
        raise NotLaidOut
    closing = last + len(ITEM_END) - 2  # the line break after the last item's "}"
    items += _decode(decoder, buffer, closing)
    trailer = bytes(buffer[last + len(LAST_ITEM_END) :]).strip()
    if not trailer.startswith((b",", b"}")):
        raise NotLaidOut
    doc["items"] = items
    doc.update(_members(trailer[1:].rstrip().removesuffix(b"}")))
    return doc


def kubectl_json(doc: Any) -> bytes:
    """A document as `kubectl get -o json` writes it: four-space indentation (the layout read above)."""
    return indented_json(doc, 4)


def indented_json(doc: Any, indent: int) -> bytes:
    """``doc`` as UTF-8 JSON indented by ``indent``, one line break at the end (msgspec: ten times faster than
    the json module's indenting encoder). A string that is no text (a lone surrogate, which a server or a
    JSON file may send) keeps the layout with that character replaced, instead of failing the whole file."""
    try:
        return msgspec.json.format(msgspec.json.encode(doc), indent=indent) + b"\n"
    except UnicodeEncodeError:
        return (json.dumps(doc, indent=indent, ensure_ascii=False) + "\n").encode("utf-8", "replace")


def _decode(decoder: msgspec.json.Decoder, buffer: bytearray, closing: int) -> list[Any]:
    """The items in buffer[1:closing], decoded without copying them."""
    buffer[0], buffer[closing] = ord("["), ord("]")
    try:
        with memoryview(buffer) as view:
            items = decoder.decode(view[: closing + 1])
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise NotLaidOut from None
    _share_strings(items)  # now, so the copies just read are freed before the next piece is
    return items


def _share_strings(value: Any) -> None:
    """Replace the short strings of the kept fields (ukic.projection) inside ``value`` by their one shared
    copy; plain dicts kept whole (labels, annotations, container state) are left as decoded."""
    if type(value) is list:
        for index, item in enumerate(value):
            if type(item) is str:
                if len(item) <= SHARED_LENGTH:
                    value[index] = intern(item)
            elif type(item) is list or isinstance(item, Kept):
                _share_strings(item)
        return
    if not isinstance(value, Kept):
        return
    for name in value.__struct_fields__:
        item = getattr(value, name)
        if type(item) is str:
            if len(item) <= SHARED_LENGTH:
                setattr(value, name, intern(item))
        elif type(item) is list or isinstance(item, Kept):
            _share_strings(item)


def _members(text: bytes) -> dict[str, Any]:
    """Top-level members of the List besides its items (apiVersion, kind, metadata)."""
    try:
        members = msgspec.json.decode(b"{" + text + b"}")
    except msgspec.DecodeError:
        raise NotLaidOut from None
    if not isinstance(members, dict):
        raise NotLaidOut
    return members

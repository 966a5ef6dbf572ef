"""YAML and JSON reading with the fastest parser available and one-line errors."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from sys import intern
from typing import Any, BinaryIO

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from ukic.errors import UsageError
from ukic.jsonlist import SHARED_LENGTH, NotLaidOut, read_list
from ukic.projection import Projection, ShapeError

try:  # libyaml is several times faster than the pure-Python parser and emitter
    from yaml import CSafeDumper as SafeDumper
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper, SafeLoader  # type: ignore[assignment]


class ParseError(ValueError):
    """A document could not be parsed; the message names the file and, where known, the line."""


def load_text(
    text: str | bytes | BinaryIO, name: str, keep: Projection | None = None, *, whole_limit: int | None = None
) -> Any:
    """Parse one YAML or JSON document (JSON by file name, else YAML) from text or an open binary file.

    ``keep``, when given, is applied to each item of a kubectl List as soon as it is built,
    so a large List never has to be held whole in memory (pass an open file to stream it).
    ``whole_limit``: the most bytes of JSON read whole when it is not in kubectl's layout.
    """
    try:
        if name.endswith(".json"):
            if hasattr(text, "read"):
                try:  # a large List in pieces, each item decoded straight into what is kept of it
                    return read_list(text, keep.shape if keep is not None else Any)  # type: ignore[arg-type]
                except NotLaidOut:
                    size = text.seek(0, 2)  # type: ignore[union-attr]
                    if whole_limit is not None and size > whole_limit:
                        raise ParseError(
                            f"{name}: {size >> 20} MiB of JSON not laid out as `kubectl get -o json` writes it; "
                            f"only that layout is read in pieces, any other up to {whole_limit >> 20} MiB"
                        ) from None
                    text.seek(0)  # type: ignore[union-attr]
            doc = json.load(text) if hasattr(text, "read") else json.loads(text)  # type: ignore[arg-type]
            if keep is not None and isinstance(doc, dict) and isinstance(doc.get("items"), list):
                doc["items"] = [keep(i) if isinstance(i, dict) else i for i in doc["items"]]
            return doc
        return _load_yaml(text, keep)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: not valid YAML ({_yaml_where(exc)})") from None
    except Exception as exc:
        raise _parse_error(exc, name) from None


def load_documents(
    text: str | bytes | BinaryIO, name: str, keep: Projection | None = None, *, whole_limit: int | None = None
) -> list[Any]:
    """Every document of a YAML stream (or the one JSON document), empty ones left out: what a file
    written by `kubectl get ... > file` holds, from nothing at all (an empty file) to several documents.
    ``keep`` and ``whole_limit`` as for load_text."""
    try:
        if name.endswith(".json"):
            if hasattr(text, "read"):
                if _blank(text):  # type: ignore[arg-type]
                    return []
                text.seek(0)  # type: ignore[union-attr]
            elif not text.strip():  # type: ignore[union-attr]
                return []
            return [load_text(text, name, keep, whole_limit=whole_limit)]
        return [doc for doc in _load_yaml_documents(text, keep) if doc is not None]
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: not valid YAML ({_yaml_where(exc)})") from None
    except ParseError:
        raise
    except Exception as exc:
        raise _parse_error(exc, name) from None


def _blank(handle: BinaryIO) -> bool:
    """Whether an open file holds nothing but white space (read in chunks, at most up to the first text)."""
    while chunk := handle.read(1 << 16):
        if chunk.strip():
            return False
    return True


def load_all_text(text: str | bytes, name: str) -> Iterator[Any]:
    """Parse every document of a multi-document YAML stream."""
    try:
        yield from yaml.load_all(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: not valid YAML ({_yaml_where(exc)})") from None
    except Exception as exc:
        raise _parse_error(exc, name) from None


def _parse_error(exc: Exception, name: str) -> ParseError:
    """Text that is no YAML or JSON beyond what the parsers themselves call syntax errors."""
    if isinstance(exc, ShapeError):
        raise exc  # a malformed object, not malformed text: its resource is unverifiable (ukic.sources)
    if isinstance(exc, ParseError):
        return exc  # already says what is wrong with the text
    if isinstance(exc, UnicodeError):
        return ParseError(f"{name}: not UTF-8 text ({exc.__class__.__name__} at byte {getattr(exc, 'start', '?')})")
    if isinstance(exc, _TooDeep):
        return ParseError(f"{name}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(exc, RecursionError):
        return ParseError(f"{name}: nested too deeply")
    if isinstance(exc, ValueError | OverflowError | TypeError):  # e.g. the date 2021-13-45
        where = f" at line {exc.line}" if isinstance(exc, _AtLine) else ""
        return ParseError(f"{name}: impossible value{where} ({' '.join(str(exc).split())[:120]})")
    raise exc


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_STR_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str"})
#: The first characters of YAML 1.1's implicit types (numbers, dates, null, booleans, merge, value):
#: a plain scalar starting with any other is text, without asking the resolver's patterns.
_TYPED_FIRST = frozenset(SafeLoader.yaml_implicit_resolvers)
_EXPECT_KEY = object()


class _Unusual(Exception):
    """Anchors, aliases, tags, merge or complex keys: left to PyYAML's full constructor."""


#: Deeper than any Kubernetes object (a CRD's schema included); deeper text is refused, not recursed into.
MAX_DEPTH = 200


class _TooDeep(Exception):
    pass


class _AtLine(ValueError):
    """A scalar that cannot be what it claims to be (a date with month 13), with its line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _load_yaml(text: str | bytes | BinaryIO, keep: Projection | None) -> Any:
    """One YAML document, built straight from libyaml's events (several times faster than PyYAML's
    constructor for the plain YAML kubectl writes); anything unusual takes PyYAML's own path."""
    loader = SafeLoader(text)
    try:
        root = _from_events(loader, keep)
        if loader.check_event() and not loader.check_event(StreamEndEvent):
            raise _Unusual  # several documents: PyYAML says so in its own words
        return root
    except _Unusual:
        if hasattr(text, "seek"):
            text.seek(0)  # type: ignore[union-attr]
        return yaml.load(text, Loader=SafeLoader)
    finally:
        loader.dispose()


def _load_yaml_documents(text: str | bytes | BinaryIO, keep: Projection | None) -> list[Any]:
    """Every document of a stream, each built like :func:`_load_yaml` builds its one."""
    loader = SafeLoader(text)
    try:
        documents = []
        while loader.check_event() and not loader.check_event(StreamEndEvent):
            documents.append(_from_events(loader, keep))
        return documents
    except _Unusual:
        if hasattr(text, "seek"):
            text.seek(0)  # type: ignore[union-attr]
        return list(yaml.load_all(text, Loader=SafeLoader))
    finally:
        loader.dispose()


def _scalar(loader: Any, event: ScalarEvent) -> Any:
    value = event.value
    if event.style or not event.implicit[0]:  # quoted, block or tagged
        if event.tag not in _STR_TAGS and not event.implicit[1]:
            raise _Unusual
        return intern(value) if len(value) <= SHARED_LENGTH else value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    first = value[0]
    if first.isalpha() or first not in _TYPED_FIRST:  # no YAML 1.1 number, date or special value starts so
        return intern(value) if len(value) <= SHARED_LENGTH else value
    if value.isdigit() and value.isascii() and (first != "0" or len(value) == 1):
        return int(value)  # a decimal int, as the resolver would say (a leading 0 makes it octal: its way)
    if value == "<<":
        raise _Unusual  # a merge key
    try:
        return loader.construct_object(ScalarNode(loader.resolve(ScalarNode, value, (True, False)), value))
    except (ValueError, OverflowError) as exc:
        raise _AtLine(str(exc), event.start_mark.line + 1) from None


def _from_events(loader: Any, keep: Projection | None) -> Any:
    stack: list[Any] = []  # open containers, outermost first
    keys: list[Any] = []  # per open mapping: the key awaiting its value, or _EXPECT_KEY
    root: Any = None
    while True:
        event = loader.get_event()
        if event is None:  # past the end of the stream
            return root
        kind = event.__class__
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None:
                raise _Unusual
            value = _scalar(loader, event) if kind is ScalarEvent else {} if kind is MappingStartEvent else []
            if not stack:
                root = value
            elif stack[-1].__class__ is dict:
                if keys[-1] is _EXPECT_KEY:
                    if kind is not ScalarEvent:
                        raise _Unusual
                    keys[-1] = value
                    continue
                stack[-1][keys[-1]] = value
                keys[-1] = _EXPECT_KEY
            else:
                stack[-1].append(value)
            if kind is not ScalarEvent:
                stack.append(value)
                keys.append(_EXPECT_KEY)
                if len(stack) > MAX_DEPTH:
                    raise _TooDeep
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            done = stack.pop()
            keys.pop()
            # an item of the List's `items` just ended: reduce it before the next one is built
            if keep is not None and kind is MappingEndEvent and len(stack) == 2 and stack[0].get("items") is stack[1]:
                stack[1][-1] = keep(done)
        elif kind is AliasEvent:
            raise _Unusual
        elif kind is DocumentEndEvent or kind is StreamEndEvent:
            return root


def _yaml_where(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"not UTF-8 text: byte {exc.position} is {exc.character!r}"
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "syntax error"
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return str(problem)


#: Bytes of a file the user names (inventory, waivers, kubeconfig, ...): far beyond any real one.
MAX_USER_FILE = 64 << 20


def read_user_file(path: Path, shown: str | None = None) -> Any:
    """Parse a file the user named (inventory, waivers, profile, kubeconfig, summary.json); any problem
    is one UsageError naming it. ``shown`` is how messages name the file (default: the path)."""
    shown = shown or str(path)
    try:
        info = path.stat()  # before opening: a FIFO would block the open, a device never ends
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{shown}: not a regular file")
        if info.st_size > MAX_USER_FILE:
            raise UsageError(f"{shown}: {info.st_size >> 20} MiB, larger than such a file may be")
        text = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown}: file not found") from None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    try:
        return load_text(text, shown)
    except ParseError as exc:
        raise UsageError(str(exc)) from None


def dump(data: Any) -> str:
    """Block-style YAML with keys in their given order."""
    return yaml.dump(data, Dumper=SafeDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)

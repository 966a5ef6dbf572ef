"""YAML and JSON reading with the fastest parser available and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import yaml

try:  # libyaml is several times faster than the pure-Python parser and emitter
    from yaml import CSafeDumper as SafeDumper
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper, SafeLoader  # type: ignore[assignment]


class ParseError(ValueError):
    """A document could not be parsed; the message names the file and, where known, the line."""


def load_text(text: str | bytes, name: str) -> Any:
    """Parse one YAML or JSON document (JSON by file name, else YAML)."""
    try:
        if name.endswith(".json"):
            return json.loads(text)
        return yaml.load(text, Loader=SafeLoader)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: not valid YAML ({_yaml_where(exc)})") from None


def load_all_text(text: str | bytes, name: str) -> Iterator[Any]:
    """Parse every document of a multi-document YAML stream."""
    try:
        yield from yaml.load_all(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: not valid YAML ({_yaml_where(exc)})") from None


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "syntax error"
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return str(problem)


def dump(data: Any) -> str:
    """Block-style YAML with keys in their given order."""
    return yaml.dump(data, Dumper=SafeDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)

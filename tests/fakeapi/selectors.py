"""Kubernetes label and field selectors, as the API server evaluates them on LIST."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]

_SET = re.compile(r"^\s*(!?)\s*([\w./-]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_EQ = re.compile(r"^\s*([\w./-]+)\s*(==|!=|=)\s*([\w./-]*)\s*$")


class SelectorError(ValueError):
    """The selector does not parse (the server answers 400)."""


def _split(selector: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in selector:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def label_selector(selector: str | None) -> Predicate:
    """A predicate over objects for ``key=v``, ``key!=v``, ``key in (a,b)``, ``key notin (a)``, ``key``, ``!key``."""
    checks = [_label_requirement(part) for part in _split(selector or "")]
    return lambda obj: all(check((obj.get("metadata") or {}).get("labels") or {}) for check in checks)


def _label_requirement(text: str) -> Callable[[dict[str, str]], bool]:
    eq = _EQ.match(text)
    if eq:
        key, op, value = eq.groups()
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    match = _SET.match(text)
    if not match:
        raise SelectorError(f"unable to parse requirement: {text.strip()!r}")
    negated, key, op, values = match.groups()
    if op:
        if negated:
            raise SelectorError(f"unable to parse requirement: {text.strip()!r}")
        allowed = {v.strip() for v in values.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in allowed
        return lambda labels: labels.get(key) not in allowed
    if negated:
        return lambda labels: key not in labels
    return lambda labels: key in labels


def field_selector(selector: str | None) -> Predicate:
    """Equality on dotted fields (``metadata.name=x``, ``spec.nodeName!=y``)."""
    checks = []
    for part in _split(selector or ""):
        eq = _EQ.match(part)
        if not eq:
            raise SelectorError(f"invalid field selector: {part.strip()!r}")
        path, op, value = eq.groups()
        checks.append((path.split("."), op == "!=", value))

    def predicate(obj: dict[str, Any]) -> bool:
        for path, negate, value in checks:
            actual = _dig(obj, path)
            text = "" if actual is None else str(actual)
            if (text == value) == negate:
                return False
        return True

    return predicate


def _dig(obj: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj

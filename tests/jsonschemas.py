"""JSON schemas made strict for validating deploy material, as kubernetes-validate --strict does."""

from __future__ import annotations

from typing import Any


def strict(schema: Any) -> Any:
    """Every object schema that lists its properties allows no others (changed in place, returned)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            strict(value)
    elif isinstance(schema, list):
        for value in schema:
            strict(value)
    return schema

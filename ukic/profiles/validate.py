"""Validating profile data with the pydantic models, and turning the first problem into one line.

A profile file states only what its version changes, so each file is first checked against a
*partial* model (every key optional, unknown keys still rejected, types still checked). That
way the error names the file where the typo is, before anything is merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ukic.errors import UsageError

M = TypeVar("M", bound=BaseModel)


@cache
def partial(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every key optional; nested models are partial too, list items stay whole."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = partial(annotation)
        fields[name] = (annotation | None, None)
    config = ConfigDict(extra="forbid", frozen=True)
    return create_model(f"Partial{model.__name__}", __config__=config, **fields)


def check_partial(model: type[BaseModel], data: dict[str, Any], where: str) -> None:
    """Reject unknown keys and wrong types in one file's own keys."""
    try:
        partial(model).model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{where}: {describe(exc)}") from None


def build(model: type[M], data: Any, where: str, prefix: Sequence[str | int] = ()) -> M:
    """Validate complete data into ``model``; ``where`` names the file, ``prefix`` the key above."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{where}: {describe(exc, prefix)}") from None


def describe(exc: ValidationError, prefix: Sequence[str | int] = ()) -> str:
    """The first validation problem as a phrase naming the dotted key path."""
    errors = exc.errors()
    error = errors[0]
    path = dotted((*prefix, *error["loc"]))
    kind = error["type"]
    if kind == "extra_forbidden":
        text = f"unknown key '{path}'"
    elif kind == "missing":
        text = f"missing key '{path}'"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"] and kind != "value_error":
            text = f"{path}: {message} (got {error['input']!r})"
        else:
            text = f"{path}: {message}" if path else message
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return text


def dotted(location: Sequence[str | int]) -> str:
    """('storage', 'classes', 0, 'purpose') -> 'storage.classes[0].purpose'."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text

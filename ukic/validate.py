"""Validating user files (profiles, inventory, waivers, host specs) into msgspec models; the first problem as one line.

A profile file states only what its version changes, so each file is first checked against a
*partial* model (every key optional, unknown keys still rejected, types still checked). That
way the error names the file where the typo is, before anything is merged.

Every problem reads the same way: ``unknown key 'install.rook_opertor'``,
``missing key 'title'``, or the dotted key path, what the value should be and what it was
(``install.rook_operator: Input should be 'manifests', 'helm' or 'argocd-helm' (got 'helmm')``).
The inventory, the waivers and the host specs are msgspec Structs too and are worded here as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import PurePath
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec

from ukic.errors import UsageError

M = TypeVar("M", bound=msgspec.Struct)
Text = Annotated[str, msgspec.Meta(min_length=1)]


class Model(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A model of a user file: unknown keys are errors, instances are immutable.

    Every model says ``kw_only=True`` itself (msgspec does not inherit it): keys are given by name anyway,
    and a required key may then follow a defaulted one, so fields stay in the order the files show.
    """


Path = tuple[str | int | None, ...]  # keys and list indexes; None: a mapping's key msgspec does not name


class FieldError(ValueError):
    """A model check's (``__post_init__``) problem with one of the model's own keys: worded at that key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@cache
def partial(model: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """``model`` with every key optional; nested models are partial too, list items stay whole."""
    fields: list[tuple[str, Any, None]] = []
    for info in msgspec.structs.fields(model):
        annotation = info.type
        if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
            annotation = partial(annotation)
        fields.append((info.name, annotation | None, None))
    return msgspec.defstruct(f"Partial{model.__name__}", fields, forbid_unknown_fields=True, frozen=True)


def check_partial(model: type[msgspec.Struct], data: dict[str, Any], where: str) -> None:
    """Reject unknown keys and wrong types in one file's own keys."""
    try:
        msgspec.convert(data, partial(model))
    except msgspec.ValidationError as exc:
        raise UsageError(f"{where}: {struct_problem(exc, model, data)}") from None


def build(model: type[M], data: Any, where: str, prefix: Sequence[str | int] = (), *, strict: bool = True) -> M:
    """Validate complete data into ``model``; ``where`` names the file, ``prefix`` the key above.

    ``strict=False`` also takes a number or a boolean written as text ("10", "true") and a whole float
    as an integer, as the inventory, the waivers and the host options always have.
    """
    try:
        return convert(data, model, strict=strict)
    except msgspec.ValidationError as exc:
        raise UsageError(f"{where}: {struct_problem(exc, model, data, prefix)}") from None


def convert(data: Any, model: type[M], *, strict: bool = True) -> M:
    """msgspec's convert, taking text (or a path) for ``pathlib.Path`` fields too."""
    return msgspec.convert(data, model, strict=strict, dec_hook=_decode)


def _decode(kind: Any, value: Any) -> Any:
    is_path = isinstance(kind, type) and issubclass(kind, PurePath)
    if is_path and isinstance(value, str | PurePath):
        return kind(value)
    expected = "path" if is_path else getattr(kind, "__name__", str(kind))
    raise TypeError(f"Expected `{expected}`, got `{type(value).__name__}`")


# -- msgspec's problems ------------------------------------------------------------------------
_AT = re.compile(r"^(?P<message>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>.+)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<key>.+)`$")
_BOUND = re.compile(r"^Expected `\w+` (?P<op>[<>]=?) (?P<bound>\S+)$")
_DATE = re.compile(r"^Invalid RFC3339 encoded (?P<kind>date|datetime|time)$")
_LENGTH = re.compile(r"^Expected `str` of length >= (?P<bound>\d+)$")
_TYPE = re.compile(r"^Expected `(?P<expected>[^`]+)`, got `\w+`$")
#: msgspec's type names in the words ukic's messages have always used (pydantic's, before issue 10).
_TYPE_NAMES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "array": "list",
    "object": "dictionary",
}
_BOUND_WORDS = {">=": "greater than or equal to", ">": "greater than", "<=": "less than or equal to", "<": "less than"}
_UNKNOWN_KEY, _MISSING_KEY, _KEYS = "unknown key", "missing key", "keys must be text"


def struct_problem(
    exc: msgspec.ValidationError, model: type[msgspec.Struct], data: Any, prefix: Sequence[str | int] = ()
) -> str:
    """msgspec's problem as a phrase naming the dotted key path (msgspec stops at the first one)."""
    at, text = locate(exc, model, data)
    path = dotted((*prefix, *at))
    if text in (_UNKNOWN_KEY, _MISSING_KEY):
        return f"{text} '{path}'"
    if text == _KEYS:
        return f"{path or 'the top level'}: {text}"
    return f"{path}: {text}" if path else text


def locate(exc: msgspec.ValidationError, model: type[msgspec.Struct], data: Any) -> tuple[Path, str]:
    """Where msgspec's problem is (keys and indexes; of the key itself when one is unknown or missing)
    and what it is: 'unknown key', 'missing key', 'keys must be text' or a phrase with the value."""
    found = _AT.match(str(exc))
    assert found is not None  # the pattern matches any text
    message = found["message"]
    at: Path = tuple(_path(found["path"] or ""))
    if isinstance(exc.__cause__, FieldError):  # a model check about one of its keys
        return (*at, exc.__cause__.key), message
    if match := _UNKNOWN.match(message):
        return (*at, match["key"]), _UNKNOWN_KEY
    if match := _MISSING.match(message):
        return (*at, match["key"]), _MISSING_KEY
    if found["key"]:  # a mapping key that is no text
        return at, _KEYS
    phrase = _phrase(message, _type_at(model, at))
    if phrase is None:  # a model's own check (__post_init__): its message as it is
        return at, message
    value = _value_at(data, at)
    return at, phrase if value is _UNKNOWN_VALUE else f"{phrase} (got {value!r})"


def _path(text: str) -> Path:
    """msgspec's ``.storage.classes[1]`` as keys and indexes; ``[...]`` is a mapping's key it leaves unnamed."""
    return tuple(int(index) if index else key or None for key, index in _PATH_PART.findall(text))


def _phrase(message: str, annotation: Any) -> str | None:
    """What the value should be, or None when the message is a model check's own."""
    if message.startswith("Invalid enum value"):
        choices = [repr(v) for v in _literal_values(annotation)]
        return "Input should be " + (
            ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else "".join(choices)
        )
    if match := _DATE.match(message):
        return f"Input should be a valid {match['kind']}"
    if message.startswith("Expected `str` matching regex"):
        return f"String should match pattern '{_meta(annotation, 'pattern')}'"
    if match := _LENGTH.match(message):
        bound = int(match["bound"])
        return f"String should have at least {bound} character{'s' if bound != 1 else ''}"
    if match := _BOUND.match(message):
        return f"Input should be {_BOUND_WORDS[match['op']]} {match['bound']}"
    if match := _TYPE.match(message):
        names = [_TYPE_NAMES.get(t, t) for t in match["expected"].split(" | ") if t != "null"]
        return "Input should be a valid " + " or ".join(names)
    return None


def _bare(annotation: Any) -> Any:
    """The type without its constraints and without ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or type(annotation).__name__ == "UnionType":
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _type_at(model: Any, path: Path) -> Any:
    """The annotation of the value at ``path`` inside ``model`` (None where the path leaves the models)."""
    annotation: Any = model
    for part in path:
        bare = _bare(annotation)
        if isinstance(bare, type) and issubclass(bare, msgspec.Struct):
            annotation = next((f.type for f in msgspec.structs.fields(bare) if f.name == part), None)
        elif get_origin(bare) in (list, dict):
            annotation = get_args(bare)[-1]
        else:
            return None
    return annotation


def _literal_values(annotation: Any) -> list[Any]:
    bare = _bare(annotation)
    return list(get_args(bare)) if get_origin(bare) is Literal else []


def _meta(annotation: Any, name: str) -> Any:
    """A constraint (``pattern``, ``ge``, ...) the annotation puts on its value, else None."""
    if get_origin(annotation) is Annotated:
        base, *metas = get_args(annotation)
        found = [getattr(m, name) for m in metas if isinstance(m, msgspec.Meta) and getattr(m, name) is not None]
        return found[0] if found else _meta(base, name)
    if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        found = [v for a in get_args(annotation) if (v := _meta(a, name)) is not None]
        return found[0] if found else None
    return None


_UNKNOWN_VALUE = object()


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        held = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        )
        if not held:
            return _UNKNOWN_VALUE
        data = data[part]
    return data


def dotted(location: Sequence[str | int | None]) -> str:
    """('storage', 'classes', 0, 'purpose') -> 'storage.classes[0].purpose'; None is a key not named."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part is None:
            text += "[...]"
        else:
            text += f".{part}" if text else str(part)
    return text

"""How a profile that ``extends`` another is combined with it.

Mappings merge key by key, lists and scalars are replaced, except the component lists:
a child's ``require`` adds names (and lifts them from the inherited ``forbid``), a child's
``forbid`` adds names (and drops them from the inherited ``require``). The metadata keys
(version, title, released, extends, notes) are not merged: the loader carries each
ancestor's notes down, marked with its version.
"""

from __future__ import annotations

from typing import Any

from ukic.profiles.model import METADATA_KEYS


def extend(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The merged raw profile of ``child`` on top of an already merged ``parent``."""
    inherited = {k: v for k, v in parent.items() if k not in METADATA_KEYS}
    merged = deep_merge(inherited, {k: v for k, v in child.items() if k != "components"})
    merged["components"] = merge_components(parent.get("components") or {}, child.get("components") or {})
    return merged


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: nested mappings merge, everything else is replaced."""
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def merge_components(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, list[str]]:
    """Inherited require/forbid adjusted by the child's additions (each list keeps its order)."""
    added_require = list(child.get("require") or [])
    added_forbid = list(child.get("forbid") or [])
    require = [n for n in parent.get("require") or [] if n not in added_forbid]
    forbid = [n for n in parent.get("forbid") or [] if n not in added_require]
    require += [n for n in added_require if n not in require]
    forbid += [n for n in added_forbid if n not in forbid]
    return {"require": require, "forbid": forbid}

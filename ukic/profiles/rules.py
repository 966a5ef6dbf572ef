"""Profile rules by dotted key: ``bgp.keep_original_next_hop``, ``install.rook_operator``,
``cluster_type.storage_monitors``.

A feature names the rule its scenario checks (``Given the profile rule "bgp.private_asn"``);
these functions are how that name is turned into the value of the selected profile or
cluster type. Every field of the models is a rule except the metadata that describes a
version or type (version, title, notes, ...).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec

from ukic.profiles.model import METADATA_KEYS, ClusterType, Profile

if TYPE_CHECKING:
    from ukic.profiles.selection import Selection

CLUSTER_TYPE = "cluster_type"
#: Cluster-type fields that name or describe the type rather than demand something.
CLUSTER_TYPE_METADATA = ("name", "title")


def rule_keys() -> list[str]:
    """Every rule a profile or cluster type can state, as dotted keys, in model order."""
    return list(_rule_keys())


@cache
def _rule_keys() -> tuple[str, ...]:  # the models are fixed: read their fields once
    profile = [k for k in _leaves(Profile) if k.split(".")[0] not in METADATA_KEYS]
    cluster_type = [f"{CLUSTER_TYPE}.{k}" for k in _leaves(ClusterType) if k not in CLUSTER_TYPE_METADATA]
    return (*profile, *cluster_type)


def _leaves(model: type[msgspec.Struct], prefix: str = "") -> list[str]:
    keys = []
    for info in msgspec.structs.fields(model):
        annotation = info.type
        if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
            keys += _leaves(annotation, f"{prefix}{info.name}.")
        else:
            keys.append(f"{prefix}{info.name}")
    return keys


def rule_value(selection: Selection, key: str) -> Any:
    """The selected value of a rule; KeyError naming the key if no model has it."""
    if key not in _rule_keys():
        raise KeyError(f"{key!r} is no rule of the profile or cluster-type models")
    head, _, rest = key.partition(".")
    value: Any = selection.cluster_type if head == CLUSTER_TYPE else selection.profile
    for part in (rest if head == CLUSTER_TYPE else key).split("."):
        value = getattr(value, part)
    return value


def rule_owner(selection: Selection, key: str) -> tuple[str, str]:
    """Who states the rule: ``("profile", "v5")`` or ``("cluster type", "production")``."""
    if key.split(".")[0] == CLUSTER_TYPE:
        return "cluster type", selection.cluster_type.name
    return "profile", selection.profile.version


def rule_examples(selection: Selection, key: str, column: str) -> list[str]:
    """The rows an outline gets from a list rule: its items, or each item's ``column`` field."""
    value = rule_value(selection, key)
    if not isinstance(value, list):
        raise KeyError(f"{key!r} is not a list, so it cannot fill Examples")
    return [str(getattr(item, column)) if isinstance(item, msgspec.Struct) else str(item) for item in value]


def shown(value: Any) -> str:
    """A rule value as a profile file writes it: ``false``, ``tigera-operator``, ``3``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Rules:
    """The rules one scenario named, with their values: what its check steps may read.

    Reading a rule the scenario did not name is a harness error, so every value a check uses
    is visible in the feature as a `Given the profile rule "..."` line.
    """

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._owners: dict[str, str] = {}

    def add(self, key: str, value: Any, owner: str) -> None:
        self._values[key] = value
        self._owners[key] = owner

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f'the scenario reads {key} but has no step `Given the profile rule "{key}"`') from None

    def owner(self, key: str) -> str:
        """The version (``v5``) or cluster type (``production``) that states the rule."""
        self[key]
        return self._owners[key]

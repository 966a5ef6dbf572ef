"""Profiles as data: infrastructure versions (v1.yaml ...), cluster types and the component catalogue.

A run checks a cluster against a :class:`Selection` (``select("v5", "production")``): the merged
profile of a version, one cluster type and the catalogue, identified by a digest. Every problem
in the data is a UsageError naming the file and key.
"""

from __future__ import annotations

from ukic.profiles.diff import RuleChange, diff_profiles
from ukic.profiles.loader import list_profiles, load_cluster_types, load_components, load_profile, resolve
from ukic.profiles.model import ClusterType, Component, Profile
from ukic.profiles.selection import Selection, profile_digest, select

__all__ = [
    "ClusterType",
    "Component",
    "Profile",
    "RuleChange",
    "Selection",
    "diff_profiles",
    "list_profiles",
    "load_cluster_types",
    "load_components",
    "load_profile",
    "profile_digest",
    "resolve",
    "select",
]

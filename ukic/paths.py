"""Where the bundled features, profiles and sample clusters live (checkout or installed wheel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED_DATA = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def _data_root() -> Path:
    return _INSTALLED_DATA if _INSTALLED_DATA.is_dir() else _CHECKOUT


def features_dir() -> Path:
    return _data_root() / "features"


def profiles_dir() -> Path:
    return _data_root() / "profiles"


def samples_dir() -> Path:
    """fixtures/samples: shipped inside the `fixtures` package, in a checkout and in a wheel alike."""
    spec = importlib.util.find_spec("fixtures")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "samples"
    return _CHECKOUT / "fixtures" / "samples"


def default_sample() -> Path:
    """The bundled v5 production sample that `ukic verify` checks when given no source."""
    return samples_dir() / "v5-production"

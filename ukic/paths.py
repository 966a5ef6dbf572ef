"""Where the bundled features, profiles and sample clusters live (checkout or installed wheel)."""

from __future__ import annotations

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


def library_packages() -> tuple[str, str]:
    """The step and fixture packages: ``ukic.steps``/``ukic.fixtures`` in a wheel, top-level in a checkout."""
    if (_PACKAGE / "steps").is_dir():
        return "ukic.steps", "ukic.fixtures"
    return "steps", "fixtures"


def samples_dir() -> Path:
    """The sample clusters: fixtures/samples, under the ukic package in a wheel."""
    installed = _PACKAGE / "fixtures" / "samples"
    return installed if installed.is_dir() else _CHECKOUT / "fixtures" / "samples"


def default_sample() -> Path:
    """The bundled v5 production sample that `ukic verify` checks when given no source."""
    return samples_dir() / "v5-production"

"""Folders that appear whole or not at all: built under a hidden name beside their final place, then renamed.

Readers (the ledger, report listings, ``ukic serve``, CI uploads) skip names starting with a dot, so
a folder being built is never mistaken for a finished one, and a failure leaves nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging_folder(parent: Path, prefix: str, suffix: str = "") -> Iterator[Path]:
    """A new hidden folder in ``parent`` (its name starts with ``prefix``, which must start with a dot).

    The caller fills it and renames it to its final name inside the block; whatever is still under
    the hidden name when the block ends, normally or by an exception, is removed.
    """
    if not prefix.startswith("."):
        raise ValueError(f"a staging folder is hidden: its prefix must start with a dot, not {prefix!r}")
    temp = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent))
    try:
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # gone already when it was renamed to its final name

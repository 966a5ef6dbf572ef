"""A staging folder is hidden while it is built and never outlives its block under the hidden name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ukic.staging import staging_folder


def test_a_folder_renamed_inside_the_block_stays_whole(tmp_path: Path) -> None:
    with staging_folder(tmp_path, ".tmp-run-") as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".tmp-run-")
        (temp / "summary.json").write_text("{}")
        temp.rename(tmp_path / "run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert (tmp_path / "run" / "summary.json").read_text() == "{}"


def test_a_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="disk full"), staging_folder(tmp_path, ".snap.", ".partial") as temp:
        (temp / "nodes.json").write_text("[]")
        raise OSError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_never_renamed_is_removed(tmp_path: Path) -> None:
    with staging_folder(tmp_path, ".tmp-merge-") as temp:
        (temp / "sub").mkdir()
    assert list(tmp_path.iterdir()) == []


def test_the_name_must_be_hidden(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must start with a dot"), staging_folder(tmp_path, "tmp-"):
        pass
    assert list(tmp_path.iterdir()) == []

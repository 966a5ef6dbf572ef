"""How a prepared run reaches the scenarios: `ukic verify` hands it to the pytest plugin, fixtures read it back."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from ukic.errors import UsageError
from ukic.run_context import UkicRun

RUN = pytest.StashKey[UkicRun]()
PROVIDED_RUN = "ukic_provided_run"


class Provider:
    """A pytest plugin object handing `ukic verify`'s prepared run over, instead of one built from options."""

    def __init__(self, run: UkicRun) -> None:
        self.run = run

    def pytest_configure(self, config: Any) -> None:
        setattr(config, PROVIDED_RUN, self.run)

    @pytest.hookimpl(wrapper=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> Generator[None]:
        """A -m expression pytest cannot read (its mark plugin says so here) ends the run with ukic's one line
        instead of pytest's own ERROR lines; nothing runs."""
        try:
            return (yield)
        except pytest.UsageError as exc:
            self.run.fatal = UsageError(str(exc))
            items.clear()
            return None


def provided_run(config: pytest.Config) -> UkicRun | None:
    """The run `ukic verify` handed over, if this session is one of its."""
    return getattr(config, PROVIDED_RUN, None)


def run_of(config: pytest.Config) -> UkicRun:
    """The run of this session, once the plugin has prepared it."""
    try:
        return config.stash[RUN]
    except KeyError:
        raise RuntimeError("ukic_run is only available while scenarios run") from None

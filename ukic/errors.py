"""User-facing errors: one line, a distinct exit code, never a traceback."""

from __future__ import annotations

from enum import IntEnum

#: Set (to anything) to show the traceback of an internal error, a bug in ukic, after its one line.
DEBUG_ENV = "UKIC_DEBUG"


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    CONFORMANT = 0
    NOT_CONFORMANT = 1
    UNVERIFIABLE = 2
    INTERRUPTED = 3
    USAGE = 4


class UkicError(Exception):
    """An error that is reported to the user as one line with an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(UkicError):
    """Bad arguments, profile, inventory or other input the user must fix (exit 4)."""

    exit_code = ExitCode.USAGE


class SourceError(UkicError):
    """The cluster facts could not be read at all: unreadable snapshot, unreachable API (exit 2)."""

    exit_code = ExitCode.UNVERIFIABLE

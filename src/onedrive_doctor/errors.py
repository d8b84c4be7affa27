"""Exception bases, one per layer.

A malformed *local* input (a bundle file, a command-line value) is a usage or input error that
the CLI turns into one clear line and an exit code. A malformed *server* reply is never an
exception that leaves a probe: it becomes evidence in the probe's attempt record.
"""

from __future__ import annotations

__all__ = ["BundleError", "DoctorError", "InputError", "UsageError"]


class DoctorError(Exception):
    """Base of every error onedrive-doctor raises on purpose."""


class UsageError(DoctorError):
    """The command line asked for something impossible (exit code 2)."""


class InputError(DoctorError):
    """An input could not be read: a file, a bundle, a registry export (exit code 3).

    ``source`` names the file (and ``line`` the line, when known) so the message can point at
    the exact place a helpdesk engineer has to look.
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class BundleError(InputError):
    """The bundle itself (folder or .zip) cannot be opened."""

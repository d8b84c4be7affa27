"""What ``collect`` tried on the PC: one attempt record per registry export and command.

The records live in ``manifest.json`` under ``collection`` (a list, in the order the collector
ran them), so a file that is missing from a bundle says why: the key does not exist on the PC
(``absent``), the command does not exist on that Windows (``not_available``, also listed
in ``unavailable.txt`` as docs/spec/bundle.md asks), it did not apply (``skipped``), or it was
tried and not collected (``failed``, ``timeout``, ``out_of_budget``). Only the last three make
the checks that need the file report ``unknown: not collected (reason)``; the others keep
today's meaning of a missing file.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "UNAVAILABLE_FILE",
    "CollectionAttempt",
    "CollectionStatus",
    "not_collected",
    "unavailable_text",
]

UNAVAILABLE_FILE = "unavailable.txt"


class CollectionStatus(str, enum.Enum):
    """How one export or command ended. Only ``ok`` wrote the file."""

    OK = "ok"
    ABSENT = "absent"  # reg export: the key does not exist on the PC (a fact, not a failure)
    NOT_AVAILABLE = "not_available"  # the command does not exist on this Windows
    SKIPPED = "skipped"  # did not apply (nltest on a workgroup PC); the reason in ``error``
    FAILED = "failed"  # ran and failed: exit code and the first line of stderr
    TIMEOUT = "timeout"  # did not finish within its timeout
    OUT_OF_BUDGET = "out_of_budget"  # never started: the collection's time budget was spent

    @property
    def not_collected(self) -> bool:
        """Whether the file is missing for a reason that says nothing about the PC."""
        return self in (
            CollectionStatus.FAILED,
            CollectionStatus.TIMEOUT,
            CollectionStatus.OUT_OF_BUDGET,
        )


@dataclass(frozen=True)
class CollectionAttempt:
    """One record: the bundle ``file`` the ``command`` was to write, and how it went."""

    file: str
    command: str
    status: CollectionStatus
    exit_code: int | None = None
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def short_command(self) -> str:
        """The command as messages name it: the first stage of a PowerShell pipeline."""
        return self.command.split(" | ", 1)[0]

    @property
    def reason(self) -> str:
        """Why the file is not in the bundle, as one phrase for a finding's message."""
        what = f"`{self.short_command}`"
        status = self.status
        if status is CollectionStatus.FAILED:
            code = f" with exit code {self.exit_code}" if self.exit_code is not None else ""
            detail = f": {self.error}" if self.error else ""
            return f"{what} failed{code}{detail}"
        if status is CollectionStatus.TIMEOUT:
            return f"{what} timed out" + (f" ({self.error})" if self.error else "")
        if status is CollectionStatus.OUT_OF_BUDGET:
            return f"{what} was not run: " + (self.error or "the collection's time budget ran out")
        if status is CollectionStatus.NOT_AVAILABLE:
            return f"{what} is not available on this Windows"
        if status is CollectionStatus.ABSENT:
            return f"{what}: the key does not exist on the PC"
        if status is CollectionStatus.SKIPPED:
            return f"{what} was skipped" + (f": {self.error}" if self.error else "")
        return f"{what} succeeded"

    def to_json(self) -> dict[str, Any]:
        """The record as ``manifest.json`` stores it."""
        return {
            "file": self.file,
            "command": self.command,
            "status": self.status.value,
            "exit_code": self.exit_code,
            "error": self.error,
            "elapsed_s": round(self.elapsed_s, 3),
        }

    @classmethod
    def from_json(cls, data: Any) -> CollectionAttempt:
        """Read one record back; raises ``ValueError`` when it is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("a collection record must be a JSON object")
        file, command = data.get("file"), data.get("command")
        if not isinstance(file, str) or not isinstance(command, str):
            raise ValueError("a collection record needs string 'file' and 'command'")
        exit_code, error = data.get("exit_code"), data.get("error")
        elapsed = data.get("elapsed_s", 0.0)
        bad_code = isinstance(exit_code, bool) or not isinstance(exit_code, int)
        if exit_code is not None and bad_code:
            raise ValueError(f"collection record {file}: 'exit_code' must be an integer or null")
        if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)):
            raise ValueError(f"collection record {file}: 'elapsed_s' must be a number")
        try:
            status = CollectionStatus(data.get("status"))
        except ValueError:
            raise ValueError(
                f"collection record {file}: unknown status {data.get('status')!r}"
            ) from None
        return cls(
            file=file,
            command=command,
            status=status,
            exit_code=exit_code,
            error=error if isinstance(error, str) else None,
            elapsed_s=float(elapsed),
        )


def not_collected(manifest: Mapping[str, Any] | None) -> dict[str, str]:
    """Per bundle file that was tried but not collected, the problem the checks report.

    A malformed ``collection`` list is reported against ``manifest.json`` itself, so the checks
    never take a file the collector may have failed to write for one that is absent on the PC.
    """
    raw = (manifest or {}).get("collection")
    if raw is None:
        return {}
    if not isinstance(raw, list):
        return {"manifest.json": "manifest.json: 'collection' must be a list"}
    problems: dict[str, str] = {}
    for item in raw:
        try:
            attempt = CollectionAttempt.from_json(item)
        except ValueError as exc:
            return {"manifest.json": f"manifest.json: {exc}"}
        if attempt.status.not_collected:
            problems[attempt.file] = f"{attempt.file}: not collected ({attempt.reason})"
    return problems


def unavailable_text(attempts: list[CollectionAttempt]) -> str | None:
    """``unavailable.txt``: ``COMMAND FILE``, one line per command this Windows does not have.

    The same lines the collector scripts write (collect/scripts.py).
    """
    lines = [
        f"{a.short_command.split()[0] if a.short_command.split() else '?'} {a.file}"
        for a in attempts
        if a.status is CollectionStatus.NOT_AVAILABLE
    ]
    return "".join(line + "\n" for line in lines) if lines else None

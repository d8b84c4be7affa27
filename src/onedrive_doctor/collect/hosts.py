"""The PC that ``collect`` reads: a small interface for every piece of on-PC I/O.

``collect`` never calls ``subprocess``, ``os.environ`` or the file system itself: it asks a
:class:`Host`. There are four: :class:`~onedrive_doctor.collect.windows.LiveWindowsHost`
(``reg export`` and PowerShell), :class:`LiveMacHost` (the OneDrive app listing),
:class:`NoHost` (Linux and anything else: network probes only) and
:class:`~onedrive_doctor.collect.fake.FakeWindowsHost` (a folder of ``.reg`` exports and command
outputs, so tests run the real ``diagnose`` path of a Windows PC on any machine).

Every export and command returns a :class:`CommandResult` whose status becomes the bundle's
attempt record (``manifest.json`` ``collection``): "not collected" never looks like "absent".
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..bundle import CollectionAttempt, CollectionStatus

__all__ = [
    "FAKE_HOST_ENV",
    "CommandResult",
    "Host",
    "HostFiles",
    "LiveMacHost",
    "LocalFiles",
    "NoHost",
    "default_host",
    "run_process",
]

# Test-only: ``diagnose`` / ``collect`` read this fake Windows host folder instead of this PC.
FAKE_HOST_ENV = "ONEDRIVE_DOCTOR_FAKE_HOST"


@dataclass(frozen=True)
class CommandResult:
    """How one export or command went; ``output`` is what it wrote (kept on ``failed`` too)."""

    status: CollectionStatus
    output: bytes = b""
    exit_code: int | None = None
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the output is there to be written."""
        return self.status is CollectionStatus.OK

    def attempt(self, file: str, command: str) -> CollectionAttempt:
        """The result as the attempt record of ``file``."""
        return CollectionAttempt(
            file, command, self.status, self.exit_code, self.error, self.elapsed_s
        )


class HostFiles(Protocol):
    """Read-only access to the PC's disk, with the PC's own path spelling."""

    def join(self, *parts: str) -> str:
        """Join path parts the way the PC does."""

    def is_file(self, path: str) -> bool:
        """Whether ``path`` is a file."""

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a folder."""

    def listdir(self, path: str) -> list[str]:
        """The names in folder ``path``; raises ``OSError`` like ``os.listdir``."""

    def read_bytes(self, path: str) -> bytes:
        """The content of file ``path``; raises ``OSError`` like ``open``."""


class Host(Protocol):
    """The PC ``collect`` reads."""

    @property
    def system(self) -> str:
        """``platform.system()``'s spelling: ``Windows``, ``Darwin``, ``Linux``."""

    @property
    def files(self) -> HostFiles:
        """The PC's disk."""

    def describe(self) -> dict[str, Any]:
        """The manifest's ``host`` object (os, release, version, machine)."""

    def environ(self) -> Mapping[str, str]:
        """The environment of the user ``collect`` runs as."""

    def export_key(self, key: str, timeout: float) -> CommandResult:
        r"""``reg export KEY`` (``HKLM\...`` spelling): the .reg bytes, or why there are none."""

    def run_powershell(self, script: str, timeout: float) -> CommandResult:
        """Run one PowerShell command line; its standard output on ``ok``."""


class LocalFiles:
    """The disk of the machine this runs on, through ``os``."""

    def join(self, *parts: str) -> str:
        """``os.path.join``."""
        return os.path.join(*parts)

    def is_file(self, path: str) -> bool:
        """``os.path.isfile``."""
        return os.path.isfile(path)

    def is_dir(self, path: str) -> bool:
        """``os.path.isdir``."""
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str]:
        """``os.listdir``."""
        return os.listdir(path)

    def read_bytes(self, path: str) -> bytes:
        """The file's bytes."""
        with open(path, "rb") as handle:
            return handle.read()


def _this_machine() -> dict[str, Any]:
    return {
        "os": platform.system(),
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine(),
    }


_NO_REGISTRY = "there is no Windows registry on this system"


class NoHost:
    """A machine without OneDrive's client (Linux, BSD): only the network probes run."""

    def __init__(self, system: str | None = None) -> None:
        self._system = system or platform.system()
        self._files = LocalFiles()

    @property
    def system(self) -> str:
        """What ``platform.system()`` says."""
        return self._system

    @property
    def files(self) -> HostFiles:
        """The disk of the machine this runs on."""
        return self._files

    def describe(self) -> dict[str, Any]:
        """The machine this runs on."""
        return _this_machine()

    def environ(self) -> Mapping[str, str]:
        """The process environment."""
        return os.environ

    def export_key(self, key: str, timeout: float) -> CommandResult:
        """Never available here."""
        return CommandResult(CollectionStatus.NOT_AVAILABLE, error=_NO_REGISTRY)

    def run_powershell(self, script: str, timeout: float) -> CommandResult:
        """Never available here: ``collect`` runs no commands off Windows."""
        return CommandResult(CollectionStatus.NOT_AVAILABLE, error="no PowerShell collection")


class LiveMacHost(NoHost):
    """The Mac this runs on: the OneDrive app listing reads its disk; no registry, no commands."""

    def __init__(self) -> None:
        super().__init__("Darwin")


def default_host() -> Host:
    """The host ``collect`` reads unless told otherwise: this machine.

    ``ONEDRIVE_DOCTOR_FAKE_HOST=DIR`` makes it the fake Windows host in ``DIR`` instead (tests
    and demonstrations: ``diagnose`` then runs its whole live path on that folder's files).
    """
    fake = os.environ.get(FAKE_HOST_ENV)
    if fake:
        from .fake import FakeWindowsHost

        return FakeWindowsHost(fake)
    system = platform.system()
    if system == "Windows":  # pragma: no cover - live Windows only
        from .windows import LiveWindowsHost

        return LiveWindowsHost()
    if system == "Darwin":  # pragma: no cover - live macOS only
        return LiveMacHost()
    return NoHost(system)


def run_process(
    argv: Sequence[str], timeout: float, not_found_markers: Sequence[str] = ()
) -> CommandResult:
    """Run ``argv``; its outcome as a result, never an exception.

    A program that cannot be started is ``not_available``, as is one whose standard error
    holds one of ``not_found_markers`` (PowerShell's ``CommandNotFoundException`` for a cmdlet
    that this Windows does not have). A non-zero exit is ``failed`` with the exit code and the
    first line of standard error; exit 0 with no output is ``failed`` too, since every command
    of the plan prints something when it works.
    """
    start = time.monotonic()
    try:
        done = subprocess.run(list(argv), capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        return CommandResult(
            CollectionStatus.NOT_AVAILABLE,
            error=f"{argv[0]}: {exc.strerror or exc}",
            elapsed_s=time.monotonic() - start,
        )
    except subprocess.TimeoutExpired:
        return CommandResult(
            CollectionStatus.TIMEOUT,
            error=f"no answer within {timeout:g} s",
            elapsed_s=time.monotonic() - start,
        )
    except OSError as exc:
        return CommandResult(
            CollectionStatus.FAILED,
            error=f"cannot start {argv[0]}: {exc.strerror or exc}",
            elapsed_s=time.monotonic() - start,
        )
    elapsed = time.monotonic() - start
    stderr = done.stderr.decode(errors="replace")
    first = next((line.strip() for line in stderr.splitlines() if line.strip()), None)
    if any(marker in stderr for marker in not_found_markers):
        return CommandResult(
            CollectionStatus.NOT_AVAILABLE,
            exit_code=done.returncode,
            error=first,
            elapsed_s=elapsed,
        )
    if done.returncode != 0:
        return CommandResult(
            CollectionStatus.FAILED,
            done.stdout,
            exit_code=done.returncode,
            error=first,
            elapsed_s=elapsed,
        )
    if not done.stdout.strip():
        return CommandResult(
            CollectionStatus.FAILED, exit_code=0, error=first or "no output", elapsed_s=elapsed
        )
    return CommandResult(CollectionStatus.OK, done.stdout, exit_code=0, elapsed_s=elapsed)

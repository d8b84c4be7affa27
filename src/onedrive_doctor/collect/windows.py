"""Collecting a Windows PC: the plan of :mod:`.plan` run through a :class:`~.hosts.Host`.

:func:`collect_windows` exports every key and runs every command through the host and leaves
one attempt record per step in the bundle (``manifest.json`` ``collection``), so a missing file
says whether the PC lacks it or the collector could not get it. :class:`LiveWindowsHost` is the
thin layer that runs the real ``reg export`` and PowerShell; it is the only code that runs
Windows commands, and its tests are marked ``windows_only``. Everything it writes is read back
by the same parsers the offline path uses.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundle import BundleWriter, CollectionAttempt, CollectionStatus
from .hosts import CommandResult, Host, HostFiles, LocalFiles, run_process
from .plan import COMMANDS, DOMAIN_QUERY, REGISTRY_KEYS, UNAVAILABLE_EXIT, strip_export

if TYPE_CHECKING:
    from ..registry.regfile import Registry

__all__ = ["LiveWindowsHost", "collect_windows"]

# PowerShell's error ID for a cmdlet or program that does not exist; the ID is not translated,
# unlike the message ("The term 'Get-TlsCipherSuite' is not recognized ...").
_NOT_FOUND = ("CommandNotFoundException",)


def collect_windows(
    writer: BundleWriter, host: Host | None = None, timeout: float = 20.0, budget: float = 90.0
) -> Registry | None:
    """Export every key into ``registry/NAME.reg``, then run the commands; the registry read.

    Each step has ``timeout``, the whole collection ``budget`` (an elevated ``dsregcmd
    /status`` waits for its diagnostics task, which can take minutes). Every step, also one the
    budget leaves out, is recorded with ``writer.record``; what was not collected makes its
    checks report ``unknown: not collected (...)``.
    """
    from ..registry.regfile import Registry, RegParseError

    host = host if host is not None else LiveWindowsHost()
    deadline = time.monotonic() + budget
    files: list[tuple[str, bytes]] = []
    for name, key in REGISTRY_KEYS:
        file, command = f"registry/{name}.reg", f"reg export {key}"
        left = _left(deadline, timeout)
        if left is None:
            writer.record(_out_of_budget(file, command, budget))
            continue
        result = host.export_key(key, left)
        writer.record(result.attempt(file, command))
        if result.ok:
            # Only allow-listed values of private keys leave the PC (plan.VALUE_ALLOWLIST).
            data = strip_export(result.output)
            writer.write(file, data)
            files.append((file, data))
    _run_commands(writer, host, timeout, budget, deadline)
    try:
        return Registry.from_files(files) if files else None
    except RegParseError:
        return None


def _out_of_budget(file: str, command: str, budget: float) -> CollectionAttempt:
    return CollectionAttempt(
        file,
        command,
        CollectionStatus.OUT_OF_BUDGET,
        error=f"the collection's {budget:g} s budget was spent",
    )


def _left(deadline: float, timeout: float) -> float | None:
    """The timeout for the next step, or ``None`` when the budget is spent."""
    left = deadline - time.monotonic()
    return None if left <= 0.5 else min(timeout, left)


def _run_commands(
    writer: BundleWriter, host: Host, timeout: float, budget: float, deadline: float
) -> None:
    left = _left(deadline, timeout)
    domain = host.run_powershell(DOMAIN_QUERY, left) if left is not None else None
    for command in COMMANDS:
        # The domain name is kept out of the record: manifest.json is not redacted.
        shown = command.powershell.format(domain="<domain>")
        left = _left(deadline, timeout)
        if left is None:
            writer.record(_out_of_budget(command.file, shown, budget))
            continue
        if command.needs_domain:
            skipped = _domain_skip(command.file, shown, domain)
            if skipped is not None:
                writer.record(skipped)
                continue
        name = _domain_name(domain) if domain is not None else ""
        result = host.run_powershell(command.guarded(name), left)
        if result.exit_code == UNAVAILABLE_EXIT and not result.ok:
            # Not on this Windows (dsregcmd before Windows 10, the TLS cmdlets before 10 / 2016):
            # its checks say not_applicable (docs/spec/bundle.md, unavailable.txt).
            missing = command.program
            if command.channel is not None:
                missing = f"{command.program} or its {command.channel} log"
            result = CommandResult(
                CollectionStatus.NOT_AVAILABLE,
                exit_code=UNAVAILABLE_EXIT,
                error=f"{missing} does not exist on this Windows",
                elapsed_s=result.elapsed_s,
            )
        elif (
            command.empty_ok
            and result.status is CollectionStatus.FAILED
            and result.exit_code == 0
            and not result.output.strip()
        ):
            # No Schannel event, no broker package for this user: the empty answer is the
            # evidence (run_process calls an empty output a failure for the other commands).
            result = CommandResult(CollectionStatus.OK, b"", 0, None, result.elapsed_s)
        elif command.keep_on_error and result.output.strip():
            # nltest's "ERROR_NO_SUCH_DOMAIN" exits nonzero, and that answer is the evidence.
            result = CommandResult(
                CollectionStatus.OK, result.output, result.exit_code, None, result.elapsed_s
            )
        writer.record(result.attempt(command.file, shown))
        if result.ok:
            writer.write(command.file, result.output)


def _domain_skip(file: str, shown: str, domain: CommandResult | None) -> CollectionAttempt | None:
    """The record of a domain command that cannot run, or ``None`` when the PC has a domain."""
    if domain is None:
        return CollectionAttempt(
            file, shown, CollectionStatus.OUT_OF_BUDGET, error="no time was left to ask the domain"
        )
    if not domain.ok:
        return CollectionAttempt(
            file,
            shown,
            CollectionStatus.FAILED,
            domain.exit_code,
            f"the PC's domain could not be read ({domain.error or domain.status.value})",
        )
    if not _domain_name(domain):
        return CollectionAttempt(
            file, shown, CollectionStatus.SKIPPED, error="the PC is not joined to a domain"
        )
    return None


def _domain_name(domain: CommandResult) -> str:
    """The domain :data:`DOMAIN_QUERY` printed (``domain=NAME``); empty for a workgroup PC."""
    for line in domain.output.decode(errors="replace").splitlines():
        if line.strip().startswith("domain="):
            return line.strip()[len("domain=") :]
    return ""


class LiveWindowsHost:  # pragma: no cover - live Windows only
    """The Windows PC this runs on: ``reg export`` and ``powershell.exe``, nothing else."""

    def __init__(self) -> None:
        self._files = LocalFiles()

    @property
    def system(self) -> str:
        """Always ``Windows``."""
        return "Windows"

    @property
    def files(self) -> HostFiles:
        """The PC's disk."""
        return self._files

    def describe(self) -> dict[str, Any]:
        """The PC, as ``platform`` tells it."""
        return {
            "os": platform.system(),
            "release": platform.release(),
            "version": platform.version(),
            "machine": platform.machine(),
        }

    def environ(self) -> Mapping[str, str]:
        """The process environment (the user ``collect`` runs as)."""
        return os.environ

    def export_key(self, key: str, timeout: float) -> CommandResult:
        """``reg export KEY FILE /y``; a key that does not exist is ``absent``."""
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "export.reg"
            result = run_process(["reg", "export", key, str(out), "/y"], timeout)
            if result.exit_code == 0 and out.is_file():
                data = out.read_bytes()
                return CommandResult(CollectionStatus.OK, data, 0, elapsed_s=result.elapsed_s)
            if result.status is CollectionStatus.FAILED and not _key_exists(key):
                return CommandResult(
                    CollectionStatus.ABSENT, exit_code=result.exit_code, error=result.error
                )
            if result.exit_code == 0:
                return CommandResult(CollectionStatus.FAILED, exit_code=0, error="no file written")
            return result

    def run_powershell(self, script: str, timeout: float) -> CommandResult:
        """``powershell.exe -Command``, with errors made terminating so they set the exit code."""
        argv = [
            "powershell.exe",
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            f"$ErrorActionPreference = 'Stop'; {script}",
        ]
        return run_process(argv, timeout, _NOT_FOUND)


def _key_exists(key: str) -> bool:  # pragma: no cover - live Windows only
    """Whether ``key`` exists, asked of the registry itself (reg.exe's message is translated)."""
    if sys.platform != "win32":
        return True  # no registry to ask: do not claim the key is absent
    import winreg

    roots = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKCU": winreg.HKEY_CURRENT_USER}
    root, _, path = key.partition("\\")
    try:
        with winreg.OpenKey(roots[root], path):
            return True
    except OSError:
        return False
    except KeyError:
        return True  # not a root we know: do not claim the key is absent

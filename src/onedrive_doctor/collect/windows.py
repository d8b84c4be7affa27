"""The thin live-Windows layer: ``reg export`` and the commands of :mod:`collection_plan`.

Only this module runs Windows commands; everything it writes is read back by the same parsers
the offline path uses. Its tests are marked ``windows_only``.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import BundleWriter
from .plan import COMMANDS, REGISTRY_KEYS, UNAVAILABLE_EXIT, strip_export

if TYPE_CHECKING:
    from ..registry.regfile import Registry

__all__ = ["collect_windows"]


def collect_windows(
    writer: BundleWriter, timeout: float = 20.0, budget: float = 90.0
) -> Registry | None:
    """Export every key into ``registry/NAME.reg``, then run the commands.

    A missing key is simply not written. Each command has ``timeout``, the whole collection
    ``budget`` (an elevated ``dsregcmd /status`` waits for its diagnostics task, which can take
    minutes): what does not fit is left out, and its checks report ``unknown``.
    """
    from ..registry.regfile import Registry, RegParseError

    deadline = time.monotonic() + budget
    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, key in REGISTRY_KEYS:
            left = _left(deadline, timeout)
            if left is None:
                break
            out = Path(scratch) / f"{name}.reg"
            try:
                done = subprocess.run(
                    ["reg", "export", key, str(out), "/y"],
                    capture_output=True,
                    timeout=left,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0 and out.is_file():
                # Only allow-listed values of private keys leave the PC (plan.VALUE_ALLOWLIST).
                data = strip_export(out.read_bytes())
                writer.write(f"registry/{name}.reg", data)
                files.append((f"registry/{name}.reg", data))
    _run_commands(writer, timeout, deadline)
    try:
        return Registry.from_files(files) if files else None
    except RegParseError:
        return None


def _powershell(script: str, timeout: float) -> bytes | None:
    try:
        done = subprocess.run(
            ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None


def _left(deadline: float, timeout: float) -> float | None:
    """The timeout for the next command, or ``None`` when the budget is spent."""
    left = deadline - time.monotonic()
    return None if left <= 0.5 else min(timeout, left)


def _run_commands(writer: BundleWriter, timeout: float, deadline: float) -> None:
    left = _left(deadline, timeout)
    domain = _domain(left) if left is not None else None
    unavailable: list[str] = []
    for command in COMMANDS:
        left = _left(deadline, timeout)
        if left is None:
            break
        if command.needs_domain and not domain:
            continue
        script = command.guarded(domain)
        try:
            done = subprocess.run(
                ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script],
                capture_output=True,
                timeout=left,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == UNAVAILABLE_EXIT:
            # Not on this Windows (dsregcmd before Windows 10, the TLS cmdlets before 10 / 2016):
            # its checks say not_applicable (spec/bundle.md, unavailable.txt).
            unavailable.append(f"{command.program} {command.file}\r\n")
        elif done.stdout.strip() and (done.returncode == 0 or command.keep_on_error):
            writer.write(command.file, done.stdout)
    if unavailable:
        writer.write("unavailable.txt", "".join(unavailable).encode("ascii"))


def _domain(timeout: float) -> str | None:
    """The PC's AD domain, or ``None`` for a workgroup PC."""
    # Get-WmiObject: Get-CimInstance needs PowerShell 3, and Windows 7 SP1 has 2.0.
    script = "$cs = Get-WmiObject Win32_ComputerSystem; if ($cs.PartOfDomain) { $cs.Domain }"
    output = _powershell(script, timeout)
    return output.decode(errors="replace").strip() if output else None

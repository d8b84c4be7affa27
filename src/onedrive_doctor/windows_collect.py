"""The thin live-Windows layer: ``reg export`` and the commands of :mod:`collection_plan`.

Only this module runs Windows commands; everything it writes is read back by the same parsers
the offline path uses. Its tests are marked ``windows_only``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .bundle import BundleWriter
from .collection_plan import COMMANDS, REGISTRY_KEYS

if TYPE_CHECKING:
    from .parsers.regfile import Registry

__all__ = ["collect_windows"]


def collect_windows(writer: BundleWriter, timeout: float = 20.0) -> Registry | None:
    """Export every key into ``registry/NAME.reg``; a missing key is simply not written."""
    from .parsers.regfile import Registry, RegParseError

    files: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, key in REGISTRY_KEYS:
            out = Path(scratch) / f"{name}.reg"
            try:
                done = subprocess.run(
                    ["reg", "export", key, str(out), "/y"],
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0 and out.is_file():
                data = out.read_bytes()
                writer.write(f"registry/{name}.reg", data)
                files.append((f"registry/{name}.reg", data))
    _run_commands(writer, timeout)
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


def _run_commands(writer: BundleWriter, timeout: float) -> None:
    domain = _domain(timeout)
    for command in COMMANDS:
        if command.needs_domain and not domain:
            continue
        output = _powershell(command.powershell.format(domain=domain), timeout)
        if output is not None:
            writer.write(command.file, output)


def _domain(timeout: float) -> str | None:
    """The PC's AD domain, or ``None`` for a workgroup PC."""
    script = "$cs = Get-CimInstance Win32_ComputerSystem; if ($cs.PartOfDomain) { $cs.Domain }"
    output = _powershell(script, timeout)
    return output.decode(errors="replace").strip() if output else None

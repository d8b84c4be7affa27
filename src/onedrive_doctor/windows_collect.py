"""The thin live-Windows layer: ``reg export`` of the keys spec/bundle.md lists.

Only this module runs Windows commands; everything it writes is read back by the same parsers
the offline path uses. Its tests are marked ``windows_only``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .bundle import BundleWriter

if TYPE_CHECKING:
    from .parsers.regfile import Registry

__all__ = ["REGISTRY_KEYS", "collect_windows"]

# (bundle file name, key) for every key of spec/bundle.md.
REGISTRY_KEYS: tuple[tuple[str, str], ...] = (
    ("currentversion", r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"),
    ("schannel", r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"),
    ("ssl-policy", r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"),
    (
        "ssl-local",
        r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local"
        r"\SSL\00010002",
    ),
    ("inet-hklm", r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"),
    (
        "inet-hklm-wow64",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings",
    ),
    ("inet-hkcu", r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"),
    (
        "inet-policy-hklm",
        r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings",
    ),
    (
        "inet-policy-hkcu",
        r"HKCU\Software\Policies\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings",
    ),
    ("onedrive-hkcu", r"HKCU\Software\Microsoft\OneDrive"),
    ("onedrive-hklm", r"HKLM\SOFTWARE\Microsoft\OneDrive"),
    ("netfx4", r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"),
    ("netfx4-wow64", r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319"),
    ("netfx2", r"HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727"),
    ("netfx2-wow64", r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727"),
)


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
    try:
        return Registry.from_files(files) if files else None
    except RegParseError:
        return None

"""Windows knowledge: release families and their TLS defaults, and the PC's version.

``families`` is data (what each release does out of the box, with sources and assumptions);
``os_version`` reads the release of the PC from a bundle's registry export.
"""

from __future__ import annotations

from ..knowledge.windows_families import (
    FAMILIES,
    KB_UPDATES,
    PROTOCOL_BITS,
    KbUpdate,
    Lifecycle,
    ProtocolDefaults,
    ProtocolState,
    Source,
    WindowsFamily,
    family_by_label,
    family_for,
    protocols_in_mask,
)
from .os_version import CURRENT_VERSION_KEY, OsVersion, OsVersionError, os_version

__all__ = [
    "CURRENT_VERSION_KEY",
    "FAMILIES",
    "KB_UPDATES",
    "PROTOCOL_BITS",
    "KbUpdate",
    "Lifecycle",
    "OsVersion",
    "OsVersionError",
    "ProtocolDefaults",
    "ProtocolState",
    "Source",
    "WindowsFamily",
    "family_by_label",
    "family_for",
    "os_version",
    "protocols_in_mask",
]

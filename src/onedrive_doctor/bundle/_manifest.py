"""The bundle's ``manifest.json``: who wrote it, when, on what, and what it holds."""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

from .._version import __version__

__all__ = ["MANIFEST_SCHEMA_VERSION", "new_manifest"]

MANIFEST_SCHEMA_VERSION = 1


def new_manifest(files: list[str], redacted: bool, network: bool) -> dict[str, Any]:
    """A manifest for a bundle collected on this machine now."""
    return {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "tool": {"name": "onedrive-doctor", "version": __version__},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "host": {
            "os": platform.system(),
            "release": platform.release(),
            "version": platform.version(),
            "machine": platform.machine(),
        },
        "files": sorted(files),
        "redacted": redacted,
        "network_probes": network,
    }

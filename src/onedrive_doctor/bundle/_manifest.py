"""The bundle's ``manifest.json``: who wrote it, when, on what, and what it holds."""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Mapping, Sequence
from typing import Any

from .._version import __version__
from ._collection import CollectionAttempt

__all__ = ["MANIFEST_SCHEMA_VERSION", "new_manifest"]

MANIFEST_SCHEMA_VERSION = 1


def new_manifest(
    files: list[str],
    redacted: bool,
    network: bool,
    host: Mapping[str, Any] | None = None,
    collection: Sequence[CollectionAttempt] | None = None,
) -> dict[str, Any]:
    """A manifest for a bundle collected now, on this machine unless ``host`` describes another.

    ``collection`` is the collector's attempt record per export and command (``_collection``).
    """
    manifest: dict[str, Any] = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "tool": {"name": "onedrive-doctor", "version": __version__},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "host": dict(host)
        if host is not None
        else {
            "os": platform.system(),
            "release": platform.release(),
            "version": platform.version(),
            "machine": platform.machine(),
        },
        "files": sorted(files),
        "redacted": redacted,
        "network_probes": network,
    }
    if collection is not None:
        manifest["collection"] = [attempt.to_json() for attempt in collection]
    return manifest

"""Bundles: the files that describe one PC (docs/spec/bundle.md), read from a folder or a .zip."""

from __future__ import annotations

from ._collection import (
    UNAVAILABLE_FILE,
    CollectionAttempt,
    CollectionStatus,
    not_collected,
    unavailable_text,
)
from ._json import BundleJsonError, load_json
from ._manifest import MANIFEST_SCHEMA_VERSION, new_manifest
from ._reader import Bundle, open_bundle
from ._writer import BundleWriter, abort_unfinished

__all__ = [
    "MANIFEST_SCHEMA_VERSION",
    "UNAVAILABLE_FILE",
    "Bundle",
    "BundleJsonError",
    "BundleWriter",
    "CollectionAttempt",
    "CollectionStatus",
    "abort_unfinished",
    "load_json",
    "new_manifest",
    "not_collected",
    "open_bundle",
    "unavailable_text",
]

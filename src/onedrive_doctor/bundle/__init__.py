"""Bundles: the files that describe one PC (docs/spec/bundle.md), read from a folder or a .zip."""

from __future__ import annotations

from ._manifest import MANIFEST_SCHEMA_VERSION, new_manifest
from ._reader import Bundle, open_bundle
from ._writer import BundleWriter

__all__ = ["MANIFEST_SCHEMA_VERSION", "Bundle", "BundleWriter", "new_manifest", "open_bundle"]

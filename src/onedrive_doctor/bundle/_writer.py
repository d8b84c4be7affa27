"""Writing a bundle folder; ``manifest.json`` is written last and lists what was written."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ._collection import UNAVAILABLE_FILE, CollectionAttempt, unavailable_text
from ._manifest import new_manifest

__all__ = ["BundleWriter"]

# Only these are removed from an existing folder: never anything a person put there.
_BUNDLE_FILES = (
    "manifest.json",
    "probes.json",
    "replay.json",
    "onedrive.json",
    "dsregcmd.txt",
    "hotfixes.txt",
    "cipher-suites.txt",
    "ecc-curves.txt",
    "nltest.txt",
    "unavailable.txt",
)


class BundleWriter:
    """Collects files into a bundle folder (created if missing)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._written: list[str] = []
        self._attempts: list[CollectionAttempt] = []
        # Folders this run made, so an interrupted run removes them and nothing else.
        self._made: list[Path] = []
        try:
            self._mkdirs(self.root)
            self._clear_previous_bundle()
        except OSError as exc:
            raise InputError(f"cannot create the bundle folder: {exc}", str(self.root)) from exc

    def _clear_previous_bundle(self) -> None:
        """Remove the files an earlier run left, so they are never read as this run's."""
        for name in _BUNDLE_FILES:
            (self.root / name).unlink(missing_ok=True)
        registry = self.root / "registry"
        if registry.is_dir():
            for path in registry.glob("*.reg"):
                path.unlink()

    def _mkdirs(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._made.extend(reversed(missing))

    def abandon(self) -> None:
        """Remove what this run wrote (an interrupted ``collect``).

        No half bundle is left that reads as a complete one, and nothing this run did not write
        is touched.
        """
        for name in reversed(self._written):
            (self.root / name).unlink(missing_ok=True)
        self._written.clear()
        for folder in reversed(self._made):
            try:
                folder.rmdir()  # only when empty: a person's files in it stay
            except OSError:
                continue
        self._made.clear()

    def write(self, name: str, data: bytes) -> None:
        """Write one file, ``name`` being its POSIX path inside the bundle."""
        path = self.root / name
        if name not in self._written:
            # Listed before writing, so an interrupted write is removed by abandon() too.
            self._written.append(name)
        try:
            self._mkdirs(path.parent)
            path.write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from exc

    def write_json(self, name: str, value: Any) -> None:
        """Write one JSON file, indented for people who open it."""
        self.write(
            name, (json.dumps(value, indent=2, sort_keys=False, allow_nan=False) + "\n").encode()
        )

    def record(self, attempt: CollectionAttempt) -> None:
        """Keep the attempt record of one export or command for ``manifest.json``."""
        self._attempts.append(attempt)

    def replace_attempts(self, attempts: list[CollectionAttempt]) -> None:
        """Replace the records kept so far (``collect --redact`` rewrites their error lines)."""
        self._attempts = list(attempts)

    @property
    def attempts(self) -> tuple[CollectionAttempt, ...]:
        """The attempt records kept so far, in the order they were made."""
        return tuple(self._attempts)

    def finish(
        self,
        redacted: bool = False,
        network: bool = True,
        host: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Write ``unavailable.txt`` (when a command did not exist) and ``manifest.json``.

        ``host`` describes the PC when it is not this machine (a fake host in tests); the
        manifest's ``collection`` list is written whenever an attempt was recorded.
        """
        unavailable = unavailable_text(self._attempts)
        if unavailable is not None:
            self.write(UNAVAILABLE_FILE, unavailable.encode())
        collection = self._attempts if self._attempts else None
        manifest = new_manifest(self._written, redacted, network, host, collection)
        self.write_json("manifest.json", manifest)
        return manifest

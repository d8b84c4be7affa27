"""Writing a bundle folder; ``manifest.json`` is written last and lists what was written.

Nothing outside the bundle is touched: see ``_place`` (issue 11 point 3).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ._collection import UNAVAILABLE_FILE, CollectionAttempt, unavailable_text
from ._manifest import new_manifest
from ._place import check_target, move_into_place

__all__ = ["BundleWriter", "abort_unfinished"]

# Writers whose bundle is not in place yet: a forced exit (the Ctrl-C watchdog of the CLI)
# throws their staging folders away, so even then nothing half-written is left.
_UNFINISHED: set[BundleWriter] = set()


def abort_unfinished() -> None:
    """Abort every bundle still being written (the process is about to end)."""
    for writer in list(_UNFINISHED):
        writer.abort()


class BundleWriter:
    """Collects files into a bundle folder, put in place by :meth:`finish`.

    The files go to a temporary sibling folder (``root``) first; ``target`` is checked now and
    again when the bundle moves into place (``_place``): a symbolic link, or a non-empty folder
    that is not a bundle of ours without ``force``, is refused with ``InputError``.
    """

    def __init__(self, root: str | Path, force: bool = False) -> None:
        # Normalised, so that "DIR/.." or "." name the folder itself, and its parent is known.
        self.target = Path(os.path.abspath(root))
        self.force = force
        self._written: list[str] = []
        self._attempts: list[CollectionAttempt] = []
        self._made: list[Path] = []
        check_target(self.target, force)
        try:
            parent = self.target.parent
            # Folders this run makes, so that an aborted run removes them (when still empty).
            self._made = [p for p in (parent, *parent.parents) if not p.exists()]
            parent.mkdir(parents=True, exist_ok=True)
            self.root = Path(
                tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".partial", dir=parent)
            )
        except OSError as exc:
            raise InputError(f"cannot create the bundle folder: {exc}", str(self.target)) from exc
        _UNFINISHED.add(self)

    def abort(self) -> None:
        """Throw the unfinished bundle away; the target stays as it was."""
        _UNFINISHED.discard(self)
        shutil.rmtree(self.root, ignore_errors=True)
        for folder in self._made:  # innermost first; a folder someone filled meanwhile stays
            try:
                folder.rmdir()
            except OSError:
                break

    def write(self, name: str, data: bytes) -> None:
        """Write one file, ``name`` being its POSIX path inside the bundle."""
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
            raise InputError("not a path inside the bundle", name)
        path = self.root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_NOFOLLOW: the staging folder is ours, but never write through a link anyway.
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
            with os.fdopen(os.open(path, flags, 0o644), "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from exc
        if name not in self._written:
            self._written.append(name)

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
        try:
            move_into_place(self.root, self.target, self.force)
        except InputError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise InputError(f"cannot put the bundle in place: {exc}", str(self.target)) from exc
        _UNFINISHED.discard(self)
        self.root = self.target
        return manifest

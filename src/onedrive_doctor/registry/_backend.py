r"""Where a fix engine applies registry changes: the interface and the bundle backend.

``RegistryBackend`` names the primitive operations a fix needs, nothing more: read a value
(or learn it is absent), set one, delete one, delete a key with its subkeys, ask whether a key
exists. Deleting something absent is not an error (a fix that is applied twice, or undone after
someone else removed the value, must not fail), so the delete operations return whether there
was something to delete.

``BundleBackend`` applies them to a bundle folder's ``registry/*.reg`` files: a fix can then be
tried on a bundle and the bundle analysed again. The live one is ``WinRegBackend``
(``_winreg.py``).
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..atomic import write_whole
from ._model import RegistryModel
from ._writer import write_reg
from .regfile import RegData, RegValue, _split_key

__all__ = ["BundleBackend", "RegistryBackend"]


@runtime_checkable
class RegistryBackend(Protocol):
    r"""The registry operations a fix engine applies changes through.

    Keys are spelt ``HKLM\...`` or ``HKEY_LOCAL_MACHINE\...``, in any case; ``""`` names the
    default value. A bad key path raises ``ValueError``.
    """

    def read_value(self, key: str, name: str) -> RegValue | None:
        """The value, or ``None`` when the key or the value is absent."""
        ...

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> None:
        """Set the value, creating the key and its parents when missing."""
        ...

    def delete_value(self, key: str, name: str) -> bool:
        """Delete the value; return whether it existed."""
        ...

    def delete_key(self, key: str) -> bool:
        """Delete the key with all its subkeys; return whether it existed."""
        ...

    def key_exists(self, key: str) -> bool:
        """Whether the key exists."""
        ...


# Where a value goes when no file of the bundle holds its key or any parent of it.
NEW_FILE = "registry/changes.reg"


class _File:
    __slots__ = ("model", "path")

    def __init__(self, path: Path, model: RegistryModel) -> None:
        self.path = path
        self.model = model


class BundleBackend:
    """A bundle folder's ``registry/*.reg`` files as one registry that can be changed.

    Reads see the files merged in name order, as ``analyze`` merges them (a later file's value
    wins). Each change goes to the files it concerns and is written to disk at once (a changed
    file is rewritten whole with the writer, into a temporary file that replaces it; a file no
    change touches keeps its bytes): a set goes to the last file that has the key, else to the
    last one holding its nearest parent (the export that covers it), else to
    ``registry/changes.reg``; a delete removes the value or key from every file. A rewritten
    file is UTF-16LE ``reg export`` format, also when it was UTF-8 or REGEDIT4 before.

    Raises ``RegParseError`` (an ``InputError``) when a file of the bundle cannot be read.
    """

    def __init__(self, folder: str | Path) -> None:
        """Read every ``registry/*.reg`` file under the bundle ``folder``."""
        self.folder = Path(folder)
        self._files: list[_File] = []
        registry = self.folder / "registry"
        paths = registry.iterdir() if registry.is_dir() else iter(())
        for path in sorted(paths, key=lambda p: p.name):
            if path.suffix.lower() == ".reg" and path.is_file() and not path.is_symlink():
                name = f"registry/{path.name}"
                self._files.append(_File(path, RegistryModel.from_reg(path.read_bytes(), name)))

    @property
    def files(self) -> tuple[Path, ...]:
        """The ``.reg`` files, in the order they are merged."""
        return tuple(f.path for f in self._files)

    def read_value(self, key: str, name: str) -> RegValue | None:
        """The value as the merged files give it, or ``None`` when absent."""
        for file in reversed(self._files):
            found = file.model.get_value(key, name)
            if found is not None:
                return found
        return None

    def key_exists(self, key: str) -> bool:
        """Whether any file has the key (or a subkey of it)."""
        return any(f.model.has_key(key) for f in self._files)

    def set_value(self, key: str, name: str, type_: int, data: RegData) -> None:
        """Set the value in the file that covers ``key`` and write that file."""
        target = self._target(key)
        target.model.set_value(key, name, type_, data)
        self._write(target)

    def delete_value(self, key: str, name: str) -> bool:
        """Delete the value from every file that has it; return whether one had it."""
        changed = [f for f in self._files if f.model.delete_value(key, name)]
        for file in changed:
            self._write(file)
        return bool(changed)

    def delete_key(self, key: str) -> bool:
        """Delete the key and its subkeys from every file; return whether one had it."""
        changed = [f for f in self._files if f.model.delete_key(key)]
        for file in changed:
            self._write(file)
        return bool(changed)

    def create_key(self, key: str) -> None:
        """Create ``key`` (an empty key, as undo recreates one) in the file that covers it."""
        target = self._target(key)
        target.model.create_key(key)
        self._write(target)

    def tree(self, key: str) -> list[tuple[str, RegValue | None]]:
        """``key`` and every key under it, as the merged files show them.

        Each key comes once with ``None``, then once per value: what a fix journal records
        before it deletes a key, so undo can build it again.
        """
        merged = RegistryModel.from_ops(op for f in self._files for op in f.model.to_ops())
        root = "\\".join(_split_key(key) or ()).upper()
        found: list[tuple[str, RegValue | None]] = []
        for name, values in merged:
            upper = name.upper()
            if upper == root or upper.startswith(root + "\\"):
                found.append((name, None))
                found.extend((name, value) for value in values)
        return found

    def _target(self, key: str) -> _File:
        parts = _split_key(key)
        if parts is None:
            raise ValueError(f"not a registry key path: {key!r}")
        for depth in range(len(parts), 1, -1):
            prefix = "\\".join(parts[:depth])
            for file in reversed(self._files):
                if file.model.has_key(prefix):
                    return file
        for file in self._files:
            if file.path == self.folder / NEW_FILE:
                return file
        created = _File(self.folder / NEW_FILE, RegistryModel())
        self._files.append(created)
        self._files.sort(key=lambda f: f.path.name)
        return created

    def _write(self, file: _File) -> None:
        if file.path.exists() and not file.path.stat().st_mode & stat.S_IWUSR:
            # A file marked read-only is not ours to rewrite (Windows refuses it too); the
            # engine then rolls back what it changed before.
            raise PermissionError(errno.EACCES, "the file is read-only", str(file.path))
        data = write_reg(file.model.to_ops())
        file.path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(file.path, data)

    def __repr__(self) -> str:
        return f"<BundleBackend {self.folder} ({len(self._files)} files)>"

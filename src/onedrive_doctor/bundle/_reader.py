"""Reading a bundle from a folder or a .zip, with limits so a hostile archive cannot hurt."""

from __future__ import annotations

import datetime as dt
import os
import stat
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import BundleError

__all__ = ["MAX_FILE_BYTES", "Bundle", "open_bundle"]

# No file a PC produces for us comes near this; it keeps a zip bomb from filling memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
_MAX_FILES = 2000
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
# A bundle is a flat folder with registry/ beside it; a deeper or wider tree is not one, and is
# not walked (issue 9 point 11: `analyze /etc` must not crawl the machine).
_MAX_DEPTH = 4
_MAX_ENTRIES = 4 * _MAX_FILES
# The names docs/spec/bundle.md gives a bundle's files: a non-empty folder with none of them at its
# top is not a bundle.
_BUNDLE_NAMES = frozenset(
    {
        "manifest.json",
        "probes.json",
        "onedrive.json",
        "replay.json",
        "dsregcmd.txt",
        "hotfixes.txt",
        "cipher-suites.txt",
        "ecc-curves.txt",
        "nltest.txt",
        "root-store.txt",
        "appx-broker.txt",
        "unavailable.txt",
        "events-schannel.xml",
        "events-aad.xml",
        "registry",
    }
)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class Bundle:
    """The files of one bundle, by their POSIX path inside it (``registry/schannel.reg``)."""

    origin: str
    files: dict[str, bytes]
    # The newest date of the bundle's files (folder mtimes, zip member dates): when the
    # evidence was collected if the manifest does not say.
    modified: dt.datetime | None = None

    def names(self, prefix: str = "") -> list[str]:
        """File names below ``prefix``, sorted."""
        return sorted(name for name in self.files if name.startswith(prefix))

    def get(self, name: str) -> bytes | None:
        """The bytes of one file, or ``None`` when the bundle does not have it."""
        return self.files.get(name)

    def derive(self, replaced: Mapping[str, bytes]) -> Bundle:
        """A copy with ``replaced`` files replaced or added; this bundle is unchanged.

        ``analyze --live`` analyses its bundle plus a fresh ``replay.json`` this way, so the
        evidence is built the one normal way from files. Same ``origin``: it is the same PC.
        """
        return Bundle(self.origin, {**self.files, **replaced})


def open_bundle(path: str | Path) -> Bundle:
    """Read every file of the bundle at ``path`` (folder or .zip); raises ``BundleError``."""
    target = Path(path)
    try:
        # stat, not open: opening a FIFO blocks until a writer comes, and zipfile.is_zipfile
        # reads /dev/zero to the end (23 GiB, issue 11 point 7).
        mode = target.stat().st_mode
    except FileNotFoundError:
        raise BundleError("no such file or directory", source=str(target)) from None
    except OSError as exc:
        raise BundleError(f"cannot read: {exc.strerror or exc}", source=str(target)) from exc
    if stat.S_ISDIR(mode):
        files, newest = _read_folder(target)
        return Bundle(str(target), files, newest)
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise BundleError(
            f"not a bundle: this is {kind}; a bundle is a folder or a .zip file",
            source=str(target),
        )
    if zipfile.is_zipfile(target):
        files, newest = _read_zip(target)
        return Bundle(str(target), files, newest)
    raise BundleError(
        "not a bundle: expected a folder or a .zip of one (see docs/spec/bundle.md)",
        source=str(target),
    )


def _read_folder(root: Path) -> tuple[dict[str, bytes], dt.datetime | None]:
    files: dict[str, bytes] = {}
    newest: float | None = None
    try:
        with os.scandir(root) as scan:
            top = {entry.name.lower() for entry in scan}
        if (
            top
            and top.isdisjoint(_BUNDLE_NAMES)
            and not any(name.startswith("events-") and name.endswith(".xml") for name in top)
        ):
            raise BundleError(
                "not a bundle: the folder holds none of the bundle files (manifest.json, "
                "registry/, dsregcmd.txt, ... see docs/spec/bundle.md)",
                source=str(root),
            )
        total = 0
        for item in _walk(root):
            if len(files) >= _MAX_FILES:
                raise BundleError(f"more than {_MAX_FILES} files", source=str(root))
            size = item.stat().st_size
            if size > MAX_FILE_BYTES:
                raise BundleError(f"file larger than {MAX_FILE_BYTES} bytes", source=str(item))
            total += size
            if total > MAX_BUNDLE_BYTES:
                raise BundleError(f"more than {MAX_BUNDLE_BYTES} bytes in all", source=str(root))
            files[item.relative_to(root).as_posix()] = item.read_bytes()
            mtime = item.stat().st_mtime
            newest = mtime if newest is None else max(newest, mtime)
    except OSError as exc:
        raise BundleError(f"cannot read: {exc.strerror or exc}", source=str(root)) from exc
    if newest is None:
        return files, None
    return files, dt.datetime.fromtimestamp(newest, dt.timezone.utc)


def _walk(root: Path) -> list[Path]:
    """The regular files below ``root`` in sorted order, within the depth and entry limits.

    Links are not followed (one could point anywhere on the machine), and FIFOs, devices and
    sockets are skipped: reading them blocks or never ends.
    """
    found: list[Path] = []
    seen = 0
    pending: list[tuple[Path, int]] = [(root, 0)]
    while pending:
        folder, depth = pending.pop()
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        seen += len(entries)
        if seen > _MAX_ENTRIES:
            raise BundleError(f"more than {_MAX_ENTRIES} files and folders", source=str(root))
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 < _MAX_DEPTH:
                    pending.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return sorted(found)


def _read_zip(archive: Path) -> tuple[dict[str, bytes], dt.datetime | None]:
    files: dict[str, bytes] = {}
    newest: dt.datetime | None = None
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [info for info in zf.infolist() if not info.is_dir()]
            if len(members) > _MAX_FILES:
                raise BundleError(f"more than {_MAX_FILES} files", source=str(archive))
            if sum(info.file_size for info in members) > MAX_BUNDLE_BYTES:
                raise BundleError(f"more than {MAX_BUNDLE_BYTES} bytes in all", str(archive))
            for info in members:
                name = PurePosixPath(info.filename.replace("\\", "/"))
                if name.is_absolute() or ".." in name.parts:
                    raise BundleError(f"unsafe path in archive: {info.filename}", str(archive))
                if info.file_size > MAX_FILE_BYTES:
                    raise BundleError(f"{info.filename} is larger than {MAX_FILE_BYTES} bytes")
                with zf.open(info) as member:
                    data = member.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    raise BundleError(f"{info.filename} is larger than {MAX_FILE_BYTES} bytes")
                files[str(name)] = data
                newest = _newer(newest, info.date_time)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile lacks (7-Zip AES, ...)
        zlib.error,
    ) as exc:
        raise BundleError(f"broken or truncated .zip: {exc}", source=str(archive)) from exc
    return _strip_common_folder(files), newest


def _newer(
    newest: dt.datetime | None, stamp: tuple[int, int, int, int, int, int]
) -> dt.datetime | None:
    """The later of ``newest`` and a zip member's date (local time without a zone: read as UTC)."""
    try:
        when = dt.datetime(*stamp, tzinfo=dt.timezone.utc)
    except ValueError:  # a DOS date of 0 (1980-00-00) or another impossible one
        return newest
    return when if newest is None or when > newest else newest


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip of the bundle folder holds ``NAME/manifest.json``: drop that one shared folder."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop() + "/"
        return {name[len(top) :]: data for name, data in files.items()}
    return files

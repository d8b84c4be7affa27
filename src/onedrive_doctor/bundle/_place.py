"""Putting a finished bundle in place without touching anything that is not the bundle's.

A bundle is written into a temporary sibling folder and moved into place only when complete
(issue 11 point 3): an interrupted run leaves the target as it was. The target is refused when
it is a symbolic link, and when it is a non-empty folder that is not a bundle written by this
tool (unless ``force``). Replacing an earlier bundle removes only the files a bundle has
(docs/spec/bundle.md), never following a symbolic link: a link named ``registry`` is removed as
a link, and nothing it points at is read or changed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

from ..errors import InputError

__all__ = [
    "BUNDLE_FILES",
    "check_target",
    "is_our_bundle",
    "move_into_place",
    "remove_bundle_files",
]

TOOL_NAME = "onedrive-doctor"

# The top-level files a bundle has (docs/spec/bundle.md), besides ``registry/*.reg``.
BUNDLE_FILES = (
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
    "events-schannel.xml",
    "events-aad.xml",
    "root-store.txt",
    "appx-broker.txt",
)
_MANIFEST_LIMIT = 4 * 1024 * 1024


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def is_our_bundle(folder: Path) -> bool:
    """Whether ``folder`` holds a regular ``manifest.json`` naming this tool."""
    manifest = folder / "manifest.json"
    info = _lstat(manifest)
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > _MANIFEST_LIMIT:
        return False
    try:
        fd = os.open(manifest, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            doc = json.loads(handle.read())
    except (OSError, ValueError):
        return False
    tool = doc.get("tool") if isinstance(doc, dict) else None
    return isinstance(tool, dict) and tool.get("name") == TOOL_NAME


def check_target(target: Path, force: bool) -> None:
    """Raise ``InputError`` unless a bundle may be written to ``target``."""
    info = _lstat(target)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise InputError("is a symbolic link; give the folder itself", str(target))
    if not stat.S_ISDIR(info.st_mode):
        raise InputError("exists and is not a folder", str(target))
    try:
        empty = not any(os.scandir(target))
    except OSError as exc:
        raise InputError(f"cannot read the folder: {exc.strerror or exc}", str(target)) from exc
    if not empty and not force and not is_our_bundle(target):
        raise InputError(
            "the folder is not empty and holds no bundle written by onedrive-doctor; "
            "choose an empty or new folder, or give --force to write the bundle into it "
            "(files with a bundle's names are then replaced, all others are kept)",
            str(target),
        )


def _unlink_entry(path: Path) -> None:
    """Remove a file or a symbolic link (the link itself) at ``path``; a folder is left."""
    info = _lstat(path)
    if info is not None and not stat.S_ISDIR(info.st_mode):
        path.unlink()


def remove_bundle_files(folder: Path) -> None:
    """Remove what an earlier bundle left in ``folder``, and nothing else."""
    for name in BUNDLE_FILES:
        _unlink_entry(folder / name)
    registry = folder / "registry"
    info = _lstat(registry)
    if info is None:
        return
    if not stat.S_ISDIR(info.st_mode):
        registry.unlink()  # a link (or a file) where the folder should be: never followed
        return
    for entry in os.scandir(registry):
        if entry.name.lower().endswith(".reg") and not entry.is_dir(follow_symlinks=False):
            os.unlink(entry.path)
    if not any(os.scandir(registry)):
        registry.rmdir()


def move_into_place(staging: Path, target: Path, force: bool) -> None:
    """Move the finished bundle in ``staging`` to ``target`` (checked again: it may change)."""
    check_target(target, force)
    if _lstat(target) is not None:
        remove_bundle_files(target)
        if not any(os.scandir(target)):
            target.rmdir()
    if _lstat(target) is None:
        os.replace(staging, target)
        return
    # Other files stay in the folder: move the bundle's files in one by one.
    for dirpath, _dirs, files in os.walk(staging):
        relative = Path(dirpath).relative_to(staging)
        destination = target / relative
        if relative.parts:
            info = _lstat(destination)
            if info is not None and not stat.S_ISDIR(info.st_mode):
                destination.unlink()
            destination.mkdir(exist_ok=True)
        for name in files:
            os.replace(Path(dirpath) / name, destination / name)
    shutil.rmtree(staging, ignore_errors=True)

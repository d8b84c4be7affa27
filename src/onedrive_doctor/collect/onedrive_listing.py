r"""``onedrive.json``: where the OneDrive client is on the PC's disk.

The shape is documented in :mod:`onedrive_doctor.parsers.onedrive_client`, which reads it back.

On Windows it looks for ``OneDrive.exe`` in the three places Microsoft's "Reset OneDrive" page
names (per user ``%LOCALAPPDATA%\Microsoft\OneDrive``, per machine ``C:\Program Files\Microsoft
OneDrive`` or ``C:\Program Files (x86)\Microsoft OneDrive``) and takes the version from the
build-number folder next to it ("Deploy OneDrive apps on Windows"); on macOS for
``OneDrive.app`` and its ``CFBundleShortVersionString``. All disk access goes through the host's
:class:`~onedrive_doctor.collect.hosts.HostFiles`, so a fake host answers for a Windows PC.
"""

from __future__ import annotations

import plistlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..parsers.onedrive_client import (
    MACOS,
    ONEDRIVE_JSON_SCHEMA,
    PER_MACHINE,
    PER_USER,
    RESET_SCRIPT_APP_STORE,
    RESET_SCRIPT_STANDALONE,
    WINDOWS,
)
from .hosts import Host, HostFiles, LocalFiles

__all__ = ["live_onedrive_json", "onedrive_listing"]

_VERSION_RE = re.compile(r"^\d+(?:\.\d+){1,3}$", re.ASCII)


def onedrive_listing(host: Host, root: str = "/") -> dict[str, Any]:
    """The content of ``onedrive.json`` for ``host``; ``{}`` off Windows and macOS."""
    return _listing(host.system, host.environ(), host.files, root)


def live_onedrive_json(
    system: str | None = None,
    environ: Mapping[str, str] | None = None,
    root: str = "/",
) -> dict[str, Any]:
    """The listing of this machine's disk (tests pass another ``system``, ``environ``, ``root``).

    ``environ`` supplies ``LOCALAPPDATA``, ``ProgramW6432``, ``ProgramFiles``,
    ``ProgramFiles(x86)`` and ``HOME``; ``root`` is the folder macOS' ``/Applications`` is under.
    On any other OS the result is ``{}``: write no file then, because OneDrive has no client
    there to look for.
    """
    import os
    import platform

    return _listing(
        system or platform.system(), os.environ if environ is None else environ, LocalFiles(), root
    )


def _listing(
    system: str, environ: Mapping[str, str], files: HostFiles, root: str
) -> dict[str, Any]:
    env = {k.upper(): v for k, v in environ.items()}
    if system == "Windows":
        return {
            "schema_version": ONEDRIVE_JSON_SCHEMA,
            "platform": WINDOWS,
            "installs": [i.to_listing() for i in _windows_installs(env, files)],
        }
    if system == "Darwin":
        return _macos_listing(env, files, root)
    return {}


@dataclass(frozen=True)
class _Found:
    path: str
    version: str | None
    scope: str

    def to_listing(self) -> dict[str, Any]:
        return {"path": self.path, "version": self.version, "scope": self.scope}


def _windows_installs(env: Mapping[str, str], files: HostFiles) -> list[_Found]:
    # In a 32-bit process on 64-bit Windows %ProgramFiles% is the (x86) folder; %ProgramW6432%
    # is the native one there and on 64-bit processes alike.
    native = env.get("PROGRAMW6432") or env.get("PROGRAMFILES") or r"C:\Program Files"
    x86 = env.get("PROGRAMFILES(X86)") or r"C:\Program Files (x86)"
    folders = []
    if env.get("LOCALAPPDATA"):
        folders.append((files.join(env["LOCALAPPDATA"], "Microsoft", "OneDrive"), PER_USER))
    folders += [
        (files.join(native, "Microsoft OneDrive"), PER_MACHINE),
        (files.join(x86, "Microsoft OneDrive"), PER_MACHINE),
    ]
    found: list[_Found] = []
    seen: set[str] = set()
    for folder, scope in folders:
        exe = files.join(folder, "OneDrive.exe")
        if exe.casefold() in seen or not files.is_file(exe):
            continue
        seen.add(exe.casefold())
        found.append(_Found(exe, _build_folder_version(files, folder), scope))
    return found


def _build_folder_version(files: HostFiles, folder: str) -> str | None:
    """The highest build-number folder next to OneDrive.exe (an update can leave two)."""
    try:
        names = [
            n
            for n in files.listdir(folder)
            if _VERSION_RE.match(n) and files.is_dir(files.join(folder, n))
        ]
    except OSError:
        return None
    if not names:
        return None
    return max(names, key=lambda n: tuple(int(p) for p in n.split(".")))


def _macos_listing(env: Mapping[str, str], files: HostFiles, root: str) -> dict[str, Any]:
    candidates = [(files.join(root, "Applications", "OneDrive.app"), PER_MACHINE)]
    if env.get("HOME"):
        candidates.append((files.join(env["HOME"], "Applications", "OneDrive.app"), PER_USER))
    apps = [(app, scope) for app, scope in candidates if files.is_dir(app)]
    listing: dict[str, Any] = {
        "schema_version": ONEDRIVE_JSON_SCHEMA,
        "platform": MACOS,
        "installs": [
            _Found(app, _app_version(files, app), scope).to_listing() for app, scope in apps
        ],
    }
    if apps:
        listing["app_path"] = apps[0][0]
        listing["standalone"] = _is_standalone(files, apps[0][0])
    return listing


def _app_version(files: HostFiles, app: str) -> str | None:
    try:
        info = plistlib.loads(files.read_bytes(files.join(app, "Contents", "Info.plist")))
    except (OSError, plistlib.InvalidFileException, ValueError):
        return None
    version = info.get("CFBundleShortVersionString") or info.get("CFBundleVersion")
    return version if isinstance(version, str) else None


def _is_standalone(files: HostFiles, app: str) -> bool:
    # Every Mac App Store app carries its receipt; the standalone download does not. The reset
    # scripts each build ships are the second sign.
    if files.is_file(files.join(app, "Contents", "_MASReceipt", "receipt")):
        return False
    resources = files.join(app, "Contents", "Resources")
    if files.is_file(files.join(resources, RESET_SCRIPT_STANDALONE)):
        return True
    return not files.is_file(files.join(resources, RESET_SCRIPT_APP_STORE))

r"""The OneDrive client on a PC: where it is installed, its version, its accounts, its reset.

Two kinds of evidence, both optional:

- the registry exports of the bundle (``registry/*.reg``), read with :func:`find_client`;
- ``onedrive.json``, a tiny listing of the client files that ``collect`` writes on the PC
  (:mod:`onedrive_doctor.collect.onedrive_listing`), so that a bundle from macOS (no registry)
  and a bundle whose registry only holds leftovers of an uninstalled client can still be judged.

``onedrive.json`` (``schema_version`` 1)::

    {
      "schema_version": 1,
      "platform": "windows",                       // or "macos"
      "installs": [                                // every client found on disk; [] = none
        {"path": "C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe",
         "version": "24.070.0407.0003",            // or null when it cannot be told
         "scope": "per-user"}                      // or "per-machine"
      ],
      // macOS only: the app the reset script lives in, and whether it is the standalone
      // build (ResetOneDriveAppStandalone.command) or the App Store one (ResetOneDriveApp.command)
      "app_path": "/Applications/OneDrive.app",
      "standalone": true
    }

On Windows, ``path`` is ``OneDrive.exe`` in one of the three places Microsoft's "Reset
OneDrive" page names (per user ``%LOCALAPPDATA%\Microsoft\OneDrive``, per machine
``C:\Program Files\Microsoft OneDrive`` or ``C:\Program Files (x86)\Microsoft OneDrive``) and
``version`` the name of the build-number folder next to it (``%localappdata%\Microsoft\
OneDrive\BuildNumber``, "Deploy OneDrive apps on Windows"). On macOS, ``path`` is the
``OneDrive.app`` bundle and ``version`` its ``CFBundleShortVersionString``. Paths are recorded
as found, so a per-user path carries the user name: redaction must treat this file like the
registry exports.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..fixes.changes import Change, ManualStep, RunCommand, Shell
from ..fixes.render import NOT_SAFE_TO_PASTE, cmd_quoted, render_steps
from ..registry.regfile import Registry

__all__ = [
    "ACCOUNTS_KEY",
    "HKCU_KEY",
    "HKLM_KEY",
    "HKLM_WOW64_KEY",
    "MACOS",
    "ONEDRIVE_JSON",
    "ONEDRIVE_JSON_SCHEMA",
    "PER_MACHINE",
    "PER_USER",
    "WINDOWS",
    "WINDOWS_LOCATIONS",
    "Account",
    "ClientInfo",
    "Install",
    "OneDriveJsonError",
    "find_client",
    "key_exported",
    "reset_changes",
    "reset_command",
    "reset_steps",
]

ONEDRIVE_JSON = "onedrive.json"
ONEDRIVE_JSON_SCHEMA = 1

PER_USER = "per-user"
PER_MACHINE = "per-machine"
_SCOPES = (PER_USER, PER_MACHINE)
WINDOWS = "windows"
MACOS = "macos"

# Per-user values. "Silently configure user accounts" documents OneAuthUnrecoverableTimestamp
# and friends under this key (https://learn.microsoft.com/sharepoint/use-silent-account-configuration).
HKCU_KEY = r"HKCU\Software\Microsoft\OneDrive"
# Accounts\Business1, Business2, ..., Personal: UserEmail, ServiceEndpointUri, SPOResourceId,
# UserFolder, Business. Not documented by Microsoft; these are the values admin and forensic
# tools read (Metasploit's post/windows/gather/enum_onedrive).
ACCOUNTS_KEY = HKCU_KEY + r"\Accounts"
# A per-machine install (OneDriveSetup.exe /allusers) is detected by the REG_SZ `Version` here,
# "32-bit on 64-bit: TRUE", so it can sit in the WOW6432Node view
# (https://learn.microsoft.com/sharepoint/per-machine-installation).
HKLM_KEY = r"HKLM\SOFTWARE\Microsoft\OneDrive"
HKLM_WOW64_KEY = r"HKLM\SOFTWARE\WOW6432Node\Microsoft\OneDrive"

# The three places of OneDrive.exe, as Microsoft's "Reset OneDrive" page lists them
# (https://support.microsoft.com/office/reset-onedrive-34701e00-bf7b-42db-b960-84905399050c).
PER_USER_EXE = r"%LOCALAPPDATA%\Microsoft\OneDrive\OneDrive.exe"
PROGRAM_FILES_EXE = r"C:\Program Files\Microsoft OneDrive\OneDrive.exe"
PROGRAM_FILES_X86_EXE = r"C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe"
WINDOWS_LOCATIONS = (PER_USER_EXE, PROGRAM_FILES_EXE, PROGRAM_FILES_X86_EXE)

MACOS_APP = "/Applications/OneDrive.app"
# In OneDrive.app/Contents/Resources; the macOS half of the same "Reset OneDrive" page.
RESET_SCRIPT_STANDALONE = "ResetOneDriveAppStandalone.command"
RESET_SCRIPT_APP_STORE = "ResetOneDriveApp.command"

_ACCOUNT_RE = re.compile(r"^(?:Business\d+|Personal)$", re.IGNORECASE)
_VERSION_RE = re.compile(r"^\d+(?:\.\d+){1,3}$", re.ASCII)


class OneDriveJsonError(InputError):
    """``onedrive.json`` does not have the shape the module docstring describes."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ONEDRIVE_JSON)


@dataclass(frozen=True)
class Install:
    r"""One OneDrive client.

    ``path`` is ``OneDrive.exe`` (Windows) or ``OneDrive.app`` (macOS). ``path_seen`` is False
    when only a registry trace shows the install and ``path`` is the documented default for
    it (for example ``C:\Program Files\Microsoft OneDrive\OneDrive.exe`` for a per-machine
    ``Version``), so the reset advice also names the other locations. ``source`` says where it
    was found; ``standalone`` tells the macOS standalone build from the App Store one (None on
    Windows, or when not known).
    """

    path: str
    scope: str
    version: str | None = None
    platform: str = WINDOWS
    source: str = ONEDRIVE_JSON
    path_seen: bool = True
    standalone: bool | None = None

    @property
    def description(self) -> str:
        """One line for messages: scope, path, version."""
        kind = self.scope
        if self.platform == MACOS and self.standalone is not None:
            kind = "standalone" if self.standalone else "App Store"
        where = self.path if self.path_seen else f"expected at {self.path}"
        version = f", version {self.version}" if self.version else ""
        return f"{kind} {where}{version}"

    def to_json(self) -> dict[str, Any]:
        """The install as findings' evidence shows it."""
        return {
            "path": self.path,
            "scope": self.scope,
            "version": self.version,
            "platform": self.platform,
            "source": self.source,
            "path_seen": self.path_seen,
            "standalone": self.standalone,
        }


@dataclass(frozen=True)
class Account:
    r"""One account OneDrive is set up with (``HKCU\...\OneDrive\Accounts\<name>``)."""

    name: str
    email: str | None = None
    service_endpoint: str | None = None
    spo_resource_id: str | None = None
    user_folder: str | None = None
    business: bool = False

    @property
    def description(self) -> str:
        """``Business1 alice@contoso.com`` style, for messages."""
        return f"{self.name} {self.email}" if self.email else self.name

    def to_json(self) -> dict[str, Any]:
        """The account as findings' evidence shows it."""
        return {
            "name": self.name,
            "email": self.email,
            "service_endpoint": self.service_endpoint,
            "spo_resource_id": self.spo_resource_id,
            "user_folder": self.user_folder,
            "business": self.business,
        }


@dataclass(frozen=True)
class ClientInfo:
    """What a bundle shows about the OneDrive client.

    ``listing`` is True when ``onedrive.json`` was read: its ``installs`` are then what is on
    disk, and registry traces only add versions. ``registry_keys`` are the OneDrive keys the
    registry export holds; with neither, nothing is known. ``trigger`` is the per-user
    ``OneDriveTrigger`` value (the OneDrive.exe the user's session starts), if exported.
    """

    platform: str | None
    installs: tuple[Install, ...] = ()
    accounts: tuple[Account, ...] = ()
    listing: bool = False
    registry_keys: tuple[str, ...] = ()
    trigger: str | None = None

    @property
    def known(self) -> bool:
        """Whether the bundle says anything at all about the client."""
        return self.listing or bool(self.registry_keys)

    @property
    def primary(self) -> Install | None:
        """The install to reset: the one ``OneDriveTrigger`` names, else the first found."""
        if self.trigger:
            wanted = self.trigger.casefold()
            for install in self.installs:
                if install.path.casefold() == wanted:
                    return install
        return self.installs[0] if self.installs else None


# --- from the registry and onedrive.json ----------------------------------------------------------


def find_client(registry: Registry | None, onedrive_json: Any = None) -> ClientInfo:
    """The client as the registry exports and ``onedrive.json`` (parsed JSON) show it.

    Raises ``OneDriveJsonError`` when ``onedrive_json`` is given but malformed.
    """
    exported = _exported_keys(registry)
    reg_installs = _registry_installs(registry) if registry is not None else ()
    accounts = _accounts(registry) if registry is not None else ()
    trigger = registry.string(HKCU_KEY, "OneDriveTrigger") if registry is not None else None
    if onedrive_json is None:
        return ClientInfo(
            platform=WINDOWS if exported else None,
            installs=reg_installs,
            accounts=accounts,
            registry_keys=exported,
            trigger=trigger,
        )
    system, listed = _parse_listing(onedrive_json)
    # The listing says what is on disk; the registry may still know a version it could not.
    versions = {i.path.casefold(): i.version for i in reg_installs if i.path_seen and i.version}
    merged = tuple(
        install
        if install.version or install.path.casefold() not in versions
        else dataclasses.replace(install, version=versions[install.path.casefold()])
        for install in listed
    )
    return ClientInfo(
        platform=system,
        installs=merged,
        accounts=accounts,
        listing=True,
        registry_keys=exported,
        trigger=trigger,
    )


def _exported_keys(registry: Registry | None) -> tuple[str, ...]:
    if registry is None:
        return ()
    wanted = {key.casefold(): key for key in (HKCU_KEY, HKLM_KEY, HKLM_WOW64_KEY)}
    exported = registry.keys()
    found = [wanted[k.casefold()] for k in exported if k.casefold() in wanted]
    return tuple(dict.fromkeys(found))


def key_exported(registry: Registry | None, key: str) -> bool:
    r"""Whether the export holds ``key`` itself (``HKCU\...`` spelling), not just a subkey."""
    if registry is None:
        return False
    wanted, exported = key.casefold(), registry.keys()
    return any(k.casefold() == wanted for k in exported)


def _registry_installs(registry: Registry) -> tuple[Install, ...]:
    installs: list[Install] = []
    user_version = registry.string(HKCU_KEY, "Version")
    # OneDriveTrigger (the OneDrive.exe the session starts, per-user or Program Files) and the
    # per-user Version are read by admin scripts but not documented by Microsoft: UNCONFIRMED.
    trigger = registry.string(HKCU_KEY, "OneDriveTrigger")
    # CurrentVersionPath: no source at all found for it (UNCONFIRMED); used only when there is
    # no OneDriveTrigger, and the path built from it is marked as not seen.
    current = registry.string(HKCU_KEY, "CurrentVersionPath")
    machine = [
        (version, key, default)
        for key, default in ((HKLM_KEY, PROGRAM_FILES_EXE), (HKLM_WOW64_KEY, PROGRAM_FILES_X86_EXE))
        if (version := registry.string(key, "Version"))
    ]
    if trigger:
        scope = _scope_of(trigger)
        version = user_version or (machine[0][0] if machine and scope == PER_MACHINE else None)
        installs.append(Install(trigger, scope, version, source=rf"{HKCU_KEY} OneDriveTrigger"))
    elif current:
        exe = _exe_from_folder(current)
        installs.append(
            Install(
                exe,
                _scope_of(exe),
                user_version,
                source=rf"{HKCU_KEY} CurrentVersionPath",
                path_seen=False,
            )
        )
    elif user_version and not machine:
        installs.append(
            Install(
                PER_USER_EXE,
                PER_USER,
                user_version,
                source=rf"{HKCU_KEY} Version",
                path_seen=False,
            )
        )
    if machine and not any(i.scope == PER_MACHINE for i in installs):
        version, key, default = machine[0]
        installs.append(
            Install(default, PER_MACHINE, version, source=rf"{key} Version", path_seen=False)
        )
    return tuple(installs)


def _scope_of(path: str) -> str:
    folded = path.casefold().replace("/", "\\")
    return PER_MACHINE if "\\program files" in folded else PER_USER


def _exe_from_folder(path: str) -> str:
    if path.casefold().endswith(".exe"):
        return path
    folder = path.rstrip("\\/")
    head, _, last = folder.replace("/", "\\").rpartition("\\")
    if head and _VERSION_RE.match(last):
        folder = head  # the build-number folder sits next to OneDrive.exe
    return folder + "\\OneDrive.exe"


def _accounts(registry: Registry) -> tuple[Account, ...]:
    found = []
    for name in registry.subkeys(ACCOUNTS_KEY):
        if not _ACCOUNT_RE.match(name):
            continue
        key = rf"{ACCOUNTS_KEY}\{name}"
        business_value = registry.value(key, "Business")
        business = (
            business_value.data in (1, "1")
            if business_value is not None
            else name.casefold().startswith("business")
        )
        found.append(
            Account(
                name=name,
                email=registry.string(key, "UserEmail"),
                service_endpoint=registry.string(key, "ServiceEndpointUri"),
                spo_resource_id=registry.string(key, "SPOResourceId"),
                user_folder=registry.string(key, "UserFolder"),
                business=business,
            )
        )
    return tuple(found)


def _parse_listing(data: Any) -> tuple[str, tuple[Install, ...]]:
    if not isinstance(data, Mapping):
        raise OneDriveJsonError("must hold a JSON object")
    system = data.get("platform", WINDOWS)
    if system not in (WINDOWS, MACOS):
        raise OneDriveJsonError(f"'platform' must be 'windows' or 'macos', not {system!r}")
    raw = data.get("installs", [])
    if not isinstance(raw, list):
        raise OneDriveJsonError("'installs' must be a list")
    standalone = data.get("standalone")
    if standalone is not None and not isinstance(standalone, bool):
        raise OneDriveJsonError("'standalone' must be true, false or null")
    installs = []
    for index, item in enumerate(raw):
        where = f"installs[{index}]"
        if not isinstance(item, Mapping):
            raise OneDriveJsonError(f"{where} must be an object")
        path, version, scope = item.get("path"), item.get("version"), item.get("scope", PER_USER)
        if not isinstance(path, str) or not path:
            raise OneDriveJsonError(f"{where} has no 'path'")
        if version is not None and not isinstance(version, str):
            raise OneDriveJsonError(f"{where}: 'version' must be a string or null")
        if scope not in _SCOPES:
            raise OneDriveJsonError(f"{where}: 'scope' must be 'per-user' or 'per-machine'")
        own = item.get("standalone", standalone)
        installs.append(
            Install(
                path,
                scope,
                version,
                system,
                source=ONEDRIVE_JSON,
                standalone=(own if isinstance(own, bool) else None) if system == MACOS else None,
            )
        )
    app_path = data.get("app_path")
    if app_path is not None and not isinstance(app_path, str):
        raise OneDriveJsonError("'app_path' must be a string")
    if system == MACOS and app_path and not installs:
        installs.append(Install(app_path, PER_MACHINE, None, MACOS, standalone=standalone))
    return system, tuple(installs)


# --- reset ----------------------------------------------------------------------------------------


def reset_command(install: Install) -> tuple[str, ...]:
    """The exact commands that reset ``install``, in order.

    Windows: ``"<path>" /reset``, then ``"<path>"``, needed only when OneDrive has not started
    again by itself within a few minutes. macOS: quit OneDrive, run the reset script of the
    build (``ResetOneDriveAppStandalone.command`` or, App Store, ``ResetOneDriveApp.command``),
    start OneDrive.
    """
    if install.platform == MACOS:
        return (
            "osascript -e 'quit app \"OneDrive\"'",
            shlex.quote(_reset_script(install)),
            f"open {shlex.quote(install.path)}",
        )
    known = any(install.path.casefold() == p.casefold() for p in WINDOWS_LOCATIONS)
    # A path from the bundle is pasted only when cmd.exe cannot read it as more than a path
    # (issue 11 point 12); ours use %localappdata% on purpose: Windows+R expands it.
    quoted = f'"{install.path}"' if known else cmd_quoted(install.path)
    exe = quoted if quoted is not None else f'"<path of OneDrive.exe: {NOT_SAFE_TO_PASTE}>"'
    return (f"{exe} /reset", exe)


def _reset_script(install: Install) -> str:
    name = RESET_SCRIPT_APP_STORE if install.standalone is False else RESET_SCRIPT_STANDALONE
    return f"{install.path.rstrip('/')}/Contents/Resources/{name}"


_RESET_NO_UNDO = (
    "a reset cannot be undone: OneDrive rebuilds its settings and re-checks the synced files "
    "from the cloud, losing nothing stored there"
)
_START_NO_UNDO = "starting OneDrive changes no setting"
_QUIT_NO_UNDO = "quitting OneDrive changes no setting; the last step starts it again"


def reset_changes(install: Install) -> tuple[Change, ...]:
    """The reset as typed changes: the exact commands of :func:`reset_command`, in order.

    Each runs as the signed-in user (OneDrive is per user), never elevated.
    """
    commands = reset_command(install)
    if install.platform == MACOS:
        script = _reset_script(install)
        other = ""
        if install.standalone is None:
            other = f" (if OneDrive came from the App Store: {RESET_SCRIPT_APP_STORE})"
        return (
            RunCommand(
                commands[0],
                Shell.SH,
                undo=None,
                undo_why=_QUIT_NO_UNDO,
                how="Quit OneDrive: select the OneDrive cloud icon in the menu bar, then Help & "
                "Settings > Quit OneDrive (or run `{command}`).",
            ),
            RunCommand(
                commands[1],
                Shell.SH,
                undo=None,
                undo_why=_RESET_NO_UNDO,
                how=f"Run `{{command}}` in Terminal{other}; in Finder that is Applications > "
                f"Control-click OneDrive > Show Package Contents > Contents > Resources > "
                f"{script.rsplit('/', 1)[1]}.",
            ),
            RunCommand(
                commands[2],
                Shell.SH,
                undo=None,
                undo_why=_START_NO_UNDO,
                how="Start OneDrive (`{command}`) and finish the setup; it then re-checks every "
                "synced library, which takes a while on large ones.",
            ),
        )
    steps: list[Change] = [
        RunCommand(
            commands[0],
            Shell.CMD,
            undo=None,
            undo_why=_RESET_NO_UNDO,
            how="Press Windows+R, enter `{command}` and select OK (as the signed-in user, not as "
            "administrator). The OneDrive cloud icon disappears and comes back after a minute or "
            "two.",
        ),
        RunCommand(
            commands[1],
            Shell.CMD,
            undo=None,
            undo_why=_START_NO_UNDO,
            how="If OneDrive has not started again after a few minutes, start it with "
            "`{command}` (Windows+R again).",
        ),
        ManualStep(
            "Sign in to OneDrive if it asks; it then re-checks every synced library, which takes "
            "a while on large ones."
        ),
    ]
    if not install.path_seen:
        others = [p for p in WINDOWS_LOCATIONS if p.casefold() != install.path.casefold()]
        steps.insert(
            1,
            ManualStep(
                "If Windows cannot find that file, use one of the other places OneDrive.exe "
                "lives: " + " or ".join(f"`{p}`" for p in others) + "."
            ),
        )
    return tuple(steps)


def reset_steps(install: Install) -> tuple[str, ...]:
    """The reset as a person follows it: :func:`reset_changes` rendered."""
    return render_steps(reset_changes(install))

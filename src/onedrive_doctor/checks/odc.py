"""ODC: the OneDrive client itself (article: "All computers", reset OneDrive).

The client is found from the registry exports and from ``onedrive.json``, the listing of the
client files ``collect`` writes on the PC (see ``onedrive_client``). On a bundle from macOS the
listing is the only evidence: ODC001 and ODC002 judge it, ODC003 (a registry value) does not
apply there.
"""

from __future__ import annotations

from typing import Any

from ..evidence import Evidence
from ..fixes import DeleteValue, ManualStep, Safety, manual, split_hive
from ..model import Fix, Outcome
from ..parsers.onedrive_client import (
    ACCOUNTS_KEY,
    HKCU_KEY,
    HKLM_KEY,
    HKLM_WOW64_KEY,
    MACOS,
    ONEDRIVE_JSON,
    WINDOWS_LOCATIONS,
    ClientInfo,
    key_exported,
    reset_changes,
    reset_command,
)
from ..registry.regfile import RegValue
from ._common import NO_WINDOWS_EVIDENCE, not_windows

__all__ = ["oneauth_unrecoverable", "onedrive_not_found", "onedrive_reset_advised"]

# "Ensure OneAuth is enabled", https://learn.microsoft.com/sharepoint/use-silent-account-configuration
ONEAUTH_VALUE = "OneAuthUnrecoverableTimestamp"
_DOWNLOAD = "https://www.microsoft.com/microsoft-365/onedrive/download"
_QUIT_WINDOWS = (
    "Quit OneDrive: select the OneDrive cloud icon in the notification area, then "
    "Help & Settings > Quit OneDrive."
)

# The exports holding the OneDrive keys (registry/<stem>.reg, docs/spec/bundle.md).
_ONEDRIVE_FILES = ("onedrive-hkcu", "onedrive-hklm", "onedrive-hklm-wow64")


def _onedrive_json(ev: Evidence) -> Any:
    """The parsed onedrive.json, or ``None`` when the bundle has none."""
    return ev.onedrive


def _client(ev: Evidence) -> tuple[ClientInfo, str | None]:
    """The client as the bundle shows it, and why onedrive.json could not be read, if so."""
    return ev.onedrive_client


def _nothing_known(ev: Evidence, problem: str | None) -> Outcome:
    """The outcome when the bundle has neither onedrive.json nor a OneDrive registry key."""
    if problem:
        return Outcome.unknown(f"unreadable evidence: {problem}")
    host = ev.host_os
    if host == "Darwin":
        return Outcome.unknown(
            f"no {ONEDRIVE_JSON} in this bundle: on macOS it is the only evidence of the "
            "OneDrive app (collect writes it)"
        )
    if host not in (None, "Windows") and ev.registry is None:
        return Outcome.not_applicable(
            f"OneDrive's sync app runs on Windows and macOS; this bundle comes from {host}"
        )
    registry_problem = ev.registry_problem(*_ONEDRIVE_FILES)
    if registry_problem:
        return Outcome.unknown(f"unreadable evidence: {registry_problem}")
    return Outcome.unknown(
        f"{NO_WINDOWS_EVIDENCE} about the OneDrive client: neither {ONEDRIVE_JSON} nor an "
        f"export of {HKCU_KEY} or {HKLM_KEY} (needs {ONEDRIVE_JSON} or registry/)"
    )


def onedrive_not_found(ev: Evidence) -> Outcome:
    r"""No OneDrive client is installed in any of its three locations.

    What it checks:
        Windows: OneDrive.exe in the per-user install %localappdata%\Microsoft\OneDrive and
        the per-machine installs (`OneDriveSetup.exe /allusers`) C:\Program Files\Microsoft
        OneDrive and C:\Program Files (x86)\Microsoft OneDrive, as listed on the PC in
        onedrive.json; without it, the registry traces: HKLM\SOFTWARE\Microsoft\OneDrive
        `Version` (also under WOW6432Node) for a per-machine install, and
        HKCU\Software\Microsoft\OneDrive `OneDriveTrigger` / `Version`. macOS: OneDrive.app in
        /Applications (or ~/Applications), standalone or App Store build. The finding also
        names the accounts OneDrive is set up with (HKCU\...\OneDrive\Accounts).

    Why it matters:
        Without a client the article's last step, resetting OneDrive (ODC002), has nothing to
        run, and the 0x8004de40 error may come from another app or a broken install. Registry
        values can outlive an uninstalled client; the file listing cannot.

    Evidence:
        onedrive.json (the client files found on the PC, written by collect) and registry/:
        the exports of HKCU\Software\Microsoft\OneDrive and HKLM\SOFTWARE\Microsoft\OneDrive.
        On macOS only onedrive.json.

    Fix:
        Install OneDrive (https://www.microsoft.com/microsoft-365/onedrive/download):
        OneDriveSetup.exe as the user for a per-user install, or `OneDriveSetup.exe
        /allusers` from an elevated prompt for a per-machine one; on macOS from the App Store
        or the standalone package. Start it and sign in.

    Fix safety:
        Manual: installing software is the user's or admin's decision.

    References:
        - Install the sync app per-machine:
          https://learn.microsoft.com/sharepoint/per-machine-installation
        - Deploy OneDrive apps on Windows:
          https://learn.microsoft.com/sharepoint/deploy-on-windows
        - Deploy and configure the OneDrive sync app for Mac:
          https://learn.microsoft.com/sharepoint/deploy-and-configure-on-macos

    """
    info, problem = _client(ev)
    if not info.known:
        return _nothing_known(ev, problem)
    evidence: dict[str, Any] = {
        "installs": [i.to_json() for i in info.installs],
        "accounts": [a.to_json() for a in info.accounts],
        "sources": ([ONEDRIVE_JSON] if info.listing else []) + list(info.registry_keys),
    }
    if info.installs:
        found = "; ".join(f"{i.description} (from {i.source})" for i in info.installs)
        message = f"OneDrive is installed: {found}."
        if info.accounts:
            message += " Accounts: " + ", ".join(a.description for a in info.accounts) + "."
        elif key_exported(ev.registry, HKCU_KEY):
            message += f" No account is set up ({ACCOUNTS_KEY} has none)."
        return Outcome.passed(message, **evidence)
    if info.platform == MACOS:
        return Outcome.failed(
            f"No OneDrive app is installed: {ONEDRIVE_JSON} lists no OneDrive.app in "
            "/Applications or ~/Applications.",
            fix=Fix(
                "Install OneDrive for Mac, start it and sign in",
                manual(
                    f"Install OneDrive from the Mac App Store, or the standalone package from "
                    f"{_DOWNLOAD}.",
                    "Start OneDrive and sign in with your work or school account.",
                ),
            ),
            **evidence,
        )
    return Outcome.failed(
        "No OneDrive client is installed: " + _why_not_found(ev, info) + ".",
        fix=Fix(
            "Install the OneDrive sync app, start it and sign in",
            manual(
                f"Download OneDriveSetup.exe from {_DOWNLOAD}.",
                "Run it as the user for a per-user install, or run `OneDriveSetup.exe "
                "/allusers` from an elevated Command Prompt for a per-machine install.",
                "Start OneDrive and sign in with your work or school account.",
            ),
        ),
        **evidence,
    )


def _why_not_found(ev: Evidence, info: ClientInfo) -> str:
    if info.listing:
        why = (
            f"OneDrive.exe is in none of its three locations ({', '.join(WINDOWS_LOCATIONS)}), "
            f"per {ONEDRIVE_JSON}"
        )
        if info.trigger:
            why += (
                f"; {HKCU_KEY} OneDriveTrigger still names {info.trigger}, "
                "a leftover of a removed client"
            )
        return why
    seen = []
    for key, values in (
        (HKCU_KEY, "OneDriveTrigger or Version"),
        (HKLM_KEY, "Version"),
        (HKLM_WOW64_KEY, "Version"),
    ):
        if key in info.registry_keys:
            seen.append(f"{key} has no {values}")
    return "the registry shows none (" + "; ".join(seen) + ")"


def onedrive_reset_advised(ev: Evidence) -> Outcome:
    r"""Informational: resetting OneDrive is the next step, with the command for this install.

    What it checks:
        Reported at info level when OneDrive is installed (ODC001), giving the exact reset
        command for the install found: `"<install path>\OneDrive.exe" /reset` for
        %localappdata%\Microsoft\OneDrive, C:\Program Files\Microsoft OneDrive or
        C:\Program Files (x86)\Microsoft OneDrive, or on macOS the app's
        ResetOneDriveAppStandalone.command (ResetOneDriveApp.command for the App Store build).
        It is advice, not a fault: the article's last step once no other check explains the
        error, or after fixes were applied.

    Why it matters:
        The article ends, for all computers: "If you have completed all the previous steps,
        consider doing a Reset of OneDrive." A reset clears OneDrive's local settings and
        cached sign-in state, which a stuck sign-in can survive every other fix with.

    Evidence:
        onedrive.json and registry/ (the OneDrive keys), as for ODC001, to pick the install
        path; HKCU\Software\Microsoft\OneDrive `OneDriveTrigger` says which install runs.

    Fix:
        Windows: press Windows+R, run `"<install path>\OneDrive.exe" /reset`; the OneDrive
        icon disappears and comes back after a minute or two. If it does not, start
        `"<install path>\OneDrive.exe"`, then sign in again. macOS: quit OneDrive, run
        /Applications/OneDrive.app/Contents/Resources/ResetOneDriveAppStandalone.command (or
        ResetOneDriveApp.command), start OneDrive.

    Fix safety:
        Needs confirmation: no admin rights or restart, but the reset stops OneDrive and makes
        it set up and re-check every synced library, which takes time on large ones.

    References:
        - Reset OneDrive:
          https://support.microsoft.com/en-us/office/reset-onedrive-34701e00-bf7b-42db-b960-84905399050c
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive

    """
    info, problem = _client(ev)
    if not info.known:
        return _nothing_known(ev, problem)
    install = info.primary
    if install is None:
        return Outcome.not_applicable("no OneDrive client was found (ODC001): nothing to reset")
    commands = reset_command(install)
    command = commands[1] if install.platform == MACOS else commands[0]
    kind = install.scope + " install"
    if install.platform == MACOS and install.standalone is not None:
        kind = "standalone app" if install.standalone else "App Store app"
    details = [kind] + ([f"version {install.version}"] if install.version else [])
    if not install.path_seen:
        details.append(f"path assumed from {install.source}")
    message = (
        "If sign-in still fails once the other findings are fixed, reset OneDrive (the "
        f"article's last step): run {command} ({', '.join(details)})."
    )
    others = [i for i in info.installs if i is not install]
    if others:
        message += " Also installed: " + "; ".join(i.description for i in others) + "."
    return Outcome.failed(
        message,
        fix=Fix(
            f"Reset OneDrive: {command}",
            reset_changes(install),
            safety=Safety.NEEDS_CONFIRMATION,
        ),
        install=install.to_json(),
        commands=list(commands),
        other_installs=[i.to_json() for i in others],
    )


def oneauth_unrecoverable(ev: Evidence) -> Outcome:
    r"""OneDrive marked its OneAuth sign-in state unrecoverable (`OneAuthUnrecoverableTimestamp`).

    What it checks:
        Whether the value `OneAuthUnrecoverableTimestamp` exists under
        HKCU\Software\Microsoft\OneDrive. Windows only: on macOS it does not apply.

    Why it matters:
        While the value is there OneDrive treats its OneAuth sign-in state as unrecoverable and
        does not use OneAuth, so sign-in keeps failing. Microsoft's silent account
        configuration guide ("Ensure OneAuth is enabled") removes it.

    Evidence:
        registry/: the HKCU\Software\Microsoft\OneDrive export (the key itself, not only its
        Accounts subkey). Without it the result is unknown, never a pass.

    Fix:
        Quit OneDrive, run
        `reg delete HKCU\Software\Microsoft\OneDrive /v OneAuthUnrecoverableTimestamp /f`, then
        start OneDrive again and sign in.

    Fix safety:
        Needs confirmation: one per-user value, no admin rights and no restart, and the old
        value is journaled so undo restores it; but OneDrive must be closed first (or it may
        rewrite the value) and then signs in afresh.

    References:
        - Silently configure user accounts (Ensure OneAuth is enabled):
          https://learn.microsoft.com/sharepoint/use-silent-account-configuration

    """
    info, _ = _client(ev)
    if info.platform == MACOS or (ev.host_os == "Darwin" and ev.registry is None):
        return Outcome.not_applicable(
            f"a Windows registry value ({HKCU_KEY}); this bundle comes from macOS"
        )
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    if not key_exported(ev.registry, HKCU_KEY):
        problem = ev.registry_problem(*_ONEDRIVE_FILES)
        if problem:
            return Outcome.unknown(f"unreadable evidence: {problem}")
        if ev.registry is None:
            return Outcome.unknown(f"{NO_WINDOWS_EVIDENCE} (needs registry/, {HKCU_KEY})")
        return Outcome.unknown(f"the registry export lacks {HKCU_KEY} (needs registry/)")
    assert ev.registry is not None  # key_exported() is False without a registry
    value = ev.registry.value(HKCU_KEY, ONEAUTH_VALUE)
    if value is None:
        return Outcome.passed(f"{HKCU_KEY} has no {ONEAUTH_VALUE} value.", key=HKCU_KEY)
    install = info.primary
    start = (
        f"Start OneDrive again (`{reset_command(install)[-1]}`) and sign in."
        if install is not None and install.platform != MACOS and install.path_seen
        else "Start OneDrive again from the Start menu and sign in."
    )
    shown = _show(value)
    return Outcome.failed(
        f"OneDrive has marked its OneAuth sign-in state unrecoverable: {ONEAUTH_VALUE} = "
        f"{shown} ({value.type_name}) at {HKCU_KEY}; while it is there OneDrive does not use "
        "OneAuth and sign-in keeps failing.",
        fix=Fix(
            f"Delete {ONEAUTH_VALUE} from {HKCU_KEY}, then restart OneDrive",
            (
                ManualStep(_QUIT_WINDOWS),
                DeleteValue(
                    *split_hive(HKCU_KEY),
                    ONEAUTH_VALUE,
                    before=value.data,
                    how="In a Command Prompt (not as administrator) run: {command}",
                ),
                ManualStep(start),
            ),
            safety=Safety.NEEDS_CONFIRMATION,
        ),
        key=HKCU_KEY,
        value=ONEAUTH_VALUE,
        data=shown,
        type=value.type_name,
    )


def _show(value: RegValue) -> str:
    data = value.data
    if isinstance(data, bytes):
        return data.hex(",") if data else "(empty)"
    if isinstance(data, tuple):
        return " | ".join(data)
    return str(data)

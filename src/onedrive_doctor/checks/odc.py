"""ODC: the OneDrive client itself (article: "All computers", reset OneDrive)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = ["oneauth_unrecoverable", "onedrive_not_found", "onedrive_reset_advised"]


def onedrive_not_found(ev: Evidence) -> Outcome:
    r"""No OneDrive client is installed in any of its three locations.

    What it checks:
        The per-user install %localappdata%\Microsoft\OneDrive\OneDrive.exe and the per-machine
        installs (`OneDriveSetup.exe /allusers`) C:\Program Files\Microsoft OneDrive\OneDrive.exe
        and C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe, with the registry traces
        HKLM\SOFTWARE\Microsoft\OneDrive `Version` (also under WOW6432Node) and
        HKCU\Software\Microsoft\OneDrive.

    Why it matters:
        Without a client the article's last step, resetting OneDrive (ODC002), has nothing to
        run, and the 0x8004de40 error may come from another app or a broken install.

    Evidence:
        registry/: the HKLM and HKCU OneDrive keys (the file probe comes with later work).

    Fix:
        Install OneDrive (OneDriveSetup.exe, per user or per machine with /allusers), start it
        and sign in.

    Fix safety:
        Manual: installing software is the user's or admin's decision.

    References:
        - Install the sync app per-machine:
          https://learn.microsoft.com/sharepoint/per-machine-installation
        - Deploy OneDrive apps by using Microsoft Configuration Manager / on Windows:
          https://learn.microsoft.com/sharepoint/deploy-on-windows

    """
    return pending(ev, ("registry/",))


def onedrive_reset_advised(ev: Evidence) -> Outcome:
    r"""Informational: resetting OneDrive is the next step, with the command for this install.

    What it checks:
        Reported at info level when no other check explains the error, or after fixes were
        applied. Gives the reset command for the install found (ODC001):
        `%localappdata%\Microsoft\OneDrive\onedrive.exe /reset`, or the same under
        C:\Program Files\Microsoft OneDrive or C:\Program Files (x86)\Microsoft OneDrive.

    Why it matters:
        The article ends, for all computers: "If you have completed all the previous steps,
        consider doing a Reset of OneDrive." A reset clears OneDrive's local settings and
        cached sign-in state, which a stuck sign-in can survive every other fix with.

    Evidence:
        registry/ (the OneDrive keys, to pick the install path) and the other findings.

    Fix:
        Quit OneDrive, run `<install path>\onedrive.exe /reset`; the OneDrive icon disappears and
        comes back after a minute or two. If it does not, start `<install path>\onedrive.exe`,
        then sign in again.

    Fix safety:
        Needs confirmation: no admin rights or restart, but the reset stops OneDrive and makes
        it set up and re-check every synced library, which takes time on large ones.

    References:
        - Reset OneDrive:
          https://support.microsoft.com/en-us/office/reset-onedrive-34701e00-bf7b-42db-b960-84905399050c
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive

    """
    return pending(ev, ("registry/",))


def oneauth_unrecoverable(ev: Evidence) -> Outcome:
    r"""OneDrive marked its OneAuth sign-in state unrecoverable (`OneAuthUnrecoverableTimestamp`).

    What it checks:
        Whether the value `OneAuthUnrecoverableTimestamp` exists under
        HKCU\Software\Microsoft\OneDrive.

    Why it matters:
        While the value is there OneDrive treats its OneAuth sign-in state as unrecoverable and
        does not use OneAuth, so sign-in keeps failing. Microsoft's silent account
        configuration guide ("Ensure OneAuth is enabled") removes it.

    Evidence:
        registry/: the HKCU\Software\Microsoft\OneDrive export.

    Fix:
        Quit OneDrive, run
        `reg delete HKCU\Software\Microsoft\OneDrive /v OneAuthUnrecoverableTimestamp /f`, then
        start OneDrive and sign in.

    Fix safety:
        Safe: one per-user value, no admin rights, no restart, and the old value is journaled
        so undo restores it. OneDrive is closed first so it does not rewrite the value.

    References:
        - Silently configure user accounts (Ensure OneAuth is enabled):
          https://learn.microsoft.com/sharepoint/use-silent-account-configuration

    """
    return pending(ev, ("registry/",))

r"""IDN006 / IDN007: the Web Account Manager that OneDrive and Office sign in through.

IDN006 reads ``Get-AppxPackage Microsoft.AAD.BrokerPlugin`` (appx-broker.txt, run as the user:
Appx packages are registered per user); IDN007 reads the Office identity switches under
``HKCU\Software\Microsoft\Office\16.0\Common\Identity``, and the HKCU Policies twin when a bundle
carries it. Sources: Microsoft's "Unable to sign in to Microsoft 365 desktop applications" (the
broker removed, its re-registration) and "Disabling ADAL or WAM not recommended for fixing
Office sign-in or activation issues" (the three switches), both in
MicrosoftDocs/SupportArticles-docs.
"""

from __future__ import annotations

from typing import Any

from ..evidence import Evidence
from ..fixes import Change, ManualStep, RunCommand, Safety, Shell
from ..model import Fix, Outcome
from ..parsers.appx import BROKER_PACKAGE
from ._common import NO_WINDOWS_EVIDENCE, not_windows
from ._windows import delete_value, exported

__all__ = ["IDENTITY_KEY", "IDENTITY_POLICY_KEY", "wam_broker_unhealthy", "wam_disabled_by_policy"]

_APPX = "appx-broker.txt"
# Build 10240 is Windows 10 1507, the first Windows with the Entra ID WAM plug-in (Windows 7 /
# 8 / 8.1 have no Microsoft.AAD.BrokerPlugin; Office uses WAM only from Windows 10 1703 on:
# "Disabling ADAL or WAM not recommended").
_FIRST_WINDOWS_10 = 10240
# "Unable to sign in to Microsoft 365 desktop applications" (MicrosoftDocs/SupportArticles-docs,
# Microsoft365/enterprise/authentication/unable-sign-in-m365-desktop-apps.md), Option 1; the
# same command in "Can't sign in to Microsoft 365 desktop applications". It runs with the user's
# credentials: Appx registrations are per user.
REREGISTER = (
    'Add-AppxPackage -Register "$env:windir\\SystemApps\\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy'
    '\\Appxmanifest.xml" -DisableDevelopmentMode -ForceApplicationShutdown'
)
_BROKER_DOC = (
    "https://learn.microsoft.com/troubleshoot/microsoft-365/enterprise/authentication/"
    "unable-sign-in-m365-desktop-apps"
)

IDENTITY_KEY = r"HKCU\Software\Microsoft\Office\16.0\Common\Identity"
IDENTITY_POLICY_KEY = r"HKCU\Software\Policies\Microsoft\Office\16.0\Common\Identity"
_IDENTITY_STEM = "office-identity"
# Each switch with the data that turns modern authentication or WAM off.
_SWITCHES: tuple[tuple[str, str], ...] = (
    ("EnableADAL", "0"),
    ("DisableAADWAM", "1"),
    ("DisableADALatopWAMOverride", "1"),
)
_ADAL_DOC = (
    "https://learn.microsoft.com/microsoft-365/troubleshoot/administration/"
    "disabling-adal-wam-not-recommended"
)


def _windows_label(ev: Evidence) -> tuple[str | None, int | None]:
    """The Windows release and build the registry export names, when it names them."""
    version = ev.os_version.value
    return (version.label, version.build) if version is not None else (None, None)


def _older_than_windows_10(ev: Evidence, lacks: str) -> Outcome | None:
    """The outcome of a PC that is not Windows 10 or later (``"<release> " + lacks``), else None.

    Not Windows at all is :func:`not_windows`' outcome; a build before 10240 is not applicable
    with ``lacks`` saying what that release has not. An unknown build is let through: the
    check then reads its own evidence.
    """
    other_os = not_windows(ev)
    if other_os is not None:
        return other_os
    label, build = _windows_label(ev)
    if build is not None and build < _FIRST_WINDOWS_10:
        return Outcome.not_applicable(f"{label} {lacks}", windows=label)
    return None


# --- IDN006 ----------------------------------------------------------------------------------


def wam_broker_unhealthy(ev: Evidence) -> Outcome:
    r"""The sign-in broker (Microsoft.AAD.BrokerPlugin) is missing or broken for this user.

    What it checks:
        `Get-AppxPackage Microsoft.AAD.BrokerPlugin` run as the signed-in user (appx-broker.txt):
        fails when it lists no package (the broker is not registered for this user) or a
        package whose `Status` is not `Ok` (e.g. `NeedsRemediation`, `Modified`); passes on a
        package with `Status : Ok`. Does not apply before Windows 10 (Windows 7 / 8 / 8.1 have
        no Entra ID WAM plug-in).

    Why it matters:
        OneDrive and the Microsoft 365 apps get their tokens from the Web Account Manager, whose
        Entra ID plug-in is this package. When it is missing or broken, sign-in windows stay
        blank, close, or end in an error, while the web apps still work ("Unable to sign in to
        Microsoft 365 desktop applications": a vulnerability scanner's remote scan removed it).

    Evidence:
        appx-broker.txt (the collectors run the cmdlet as the user; an empty file means no
        package); the Windows build from registry/currentversion.reg.

    Fix:
        Re-register the package for the user, in a normal (not elevated) PowerShell, with
        Microsoft's command `Add-AppxPackage -Register` of the broker's Appxmanifest.xml under
        `$env:windir\SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy`, with
        `-DisableDevelopmentMode -ForceApplicationShutdown` (the report shows the whole line),
        then sign in to OneDrive again. If it disappears again, look for what removes it
        (a scanner, a debloat script).

    Fix safety:
        Needs confirmation: the command closes apps that use the broker; it re-registers
        Windows' own package from its system folder, so nothing is downloaded or lost, and it
        has no undo (there is no earlier registration to go back to).

    References:
        - Unable to sign in to Microsoft 365 desktop applications:
          https://learn.microsoft.com/troubleshoot/microsoft-365/enterprise/authentication/unable-sign-in-m365-desktop-apps
        - Can't sign in to Microsoft 365 desktop applications:
          https://learn.microsoft.com/troubleshoot/microsoft-365-apps/activation/cannot-sign-in-microsoft-365-desktop-apps
        - Add-AppxPackage: https://learn.microsoft.com/powershell/module/appx/add-appxpackage

    """
    before_10 = _older_than_windows_10(
        ev,
        "has no Web Account Manager broker (Microsoft.AAD.BrokerPlugin is part of Windows 10 and "
        "later): there is nothing to check.",
    )
    if before_10 is not None:
        return before_10
    label, build = _windows_label(ev)
    if ev.appx_broker.problem is not None:
        return Outcome.unknown(f"unreadable evidence: {ev.appx_broker.problem}")
    listing = ev.appx_broker.value
    if listing is None:
        command = ev.unavailable.get(_APPX)
        if command is not None and build is None and command == "Get-AppxPackage":
            # Get-AppxPackage exists on Windows 8 and later: without it this is Windows 7.
            return Outcome.not_applicable(
                "Get-AppxPackage does not exist on this Windows (unavailable.txt): a Windows "
                "before 8, which has no Web Account Manager broker."
            )
        if command is not None:
            return Outcome.unknown(
                f"{command} could not run on this PC (unavailable.txt), so the broker's package "
                f"was not listed (needs {_APPX}: Get-AppxPackage {BROKER_PACKAGE}, as the user)"
            )
        if ev.registry is None:
            return Outcome.unknown(f"{NO_WINDOWS_EVIDENCE} (needs {_APPX})")
        return Outcome.unknown(
            f"no {_APPX} in this bundle (needs Get-AppxPackage {BROKER_PACKAGE}, run as the "
            "user who sees the error)"
        )
    records = listing.named(BROKER_PACKAGE)
    evidence: dict[str, Any] = {"windows": label, "packages": len(records)}
    if not records:
        return Outcome.failed(
            "The Web Account Manager broker OneDrive signs in through is not registered for "
            f"this user (Get-AppxPackage {BROKER_PACKAGE} lists no package).",
            fix=_reregister_fix(),
            **evidence,
        )
    statuses = [r.status for r in records]
    evidence["status"] = statuses
    evidence["version"] = [r.version for r in records]
    healthy = [r for r in records if (r.status or "").casefold() == "ok"]
    if healthy:
        return Outcome.passed(
            f"The Web Account Manager broker is registered for this user: {BROKER_PACKAGE} "
            f"{healthy[0].version or '(version not shown)'}, Status Ok.",
            **evidence,
        )
    if all(status is None for status in statuses):
        return Outcome.unknown(
            f"appx-broker.txt lists {BROKER_PACKAGE} without a Status line, so its health is "
            "not shown (needs the full Get-AppxPackage output)",
            **evidence,
        )
    shown = ", ".join(status or "(no Status)" for status in statuses)
    return Outcome.failed(
        f"The Web Account Manager broker is registered for this user but not healthy "
        f"({BROKER_PACKAGE} {records[0].version or ''} has Status {shown}, not Ok).".replace(
            "  ", " "
        ),
        fix=_reregister_fix(),
        **evidence,
    )


def _reregister_fix() -> Fix:
    return Fix(
        "Re-register Microsoft.AAD.BrokerPlugin for the user (Add-AppxPackage -Register), then "
        "sign in to OneDrive again",
        (
            RunCommand(
                REREGISTER,
                Shell.POWERSHELL,
                undo=None,
                undo_why="it re-registers Windows' own broker package from its system folder; "
                "there is no earlier registration to restore",
                needs_admin=False,
                safety=Safety.NEEDS_CONFIRMATION,
                how="In a normal (not elevated) PowerShell window of the user who sees the "
                "error, run {command}",
            ),
            ManualStep(
                "Then sign in to OneDrive again; Microsoft's article on this fix", link=_BROKER_DOC
            ),
        ),
        safety=Safety.NEEDS_CONFIRMATION,
    )


# --- IDN007 ----------------------------------------------------------------------------------


def wam_disabled_by_policy(ev: Evidence) -> Outcome:
    r"""Office identity values switch off modern authentication or the WAM broker.

    What it checks:
        `EnableADAL`=0, `DisableAADWAM`=1 and `DisableADALatopWAMOverride`=1 under
        HKCU\Software\Microsoft\Office\16.0\Common\Identity (and under its Policies twin
        HKCU\Software\Policies\Microsoft\Office\16.0\Common\Identity when a bundle carries it).
        Passes when the key has none of them, or does not exist; does not apply before
        Windows 10 (no WAM there).

    Why it matters:
        Microsoft 365 apps sign in with modern authentication through the Web Account Manager
        (from Office build 16.0.7967 on Windows 10 1703 and later); these values were old
        workarounds that turn it off, and Microsoft says disabling ADAL or WAM "is not
        recommended" and "can have adverse effects": MFA, device-based Conditional Access and
        continuous access evaluation need WAM.

    Evidence:
        registry/office-identity.reg (the collectors export only these three values of the
        key, never its Identities subkeys, which name the user's accounts).

    Fix:
        Delete the values (as the signed-in user; no admin rights), then restart OneDrive and
        the Office apps and sign in again. A value under ...\Policies\... comes from a Group
        Policy or Intune profile: its owner must remove it there.

    Fix safety:
        Needs confirmation for the user's own values (their old data is journaled and undo puts
        it back); manual for a policy-owned value, which the next policy refresh would restore.

    References:
        - Disabling ADAL or WAM not recommended for fixing Office sign-in or activation issues:
          https://learn.microsoft.com/microsoft-365/troubleshoot/administration/disabling-adal-wam-not-recommended
        - Continuous access evaluation, Office and Web Account Manager settings:
          https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation

    """
    before_10 = _older_than_windows_10(
        ev,
        "has no Web Account Manager for Office to bypass (Office signs in through WAM on "
        "Windows 10 1703 and later): the article's Windows 10 step does not apply.",
    )
    if before_10 is not None:
        return before_10
    problem = ev.registry_problem(_IDENTITY_STEM)
    if problem is not None:
        return Outcome.unknown(f"unreadable evidence: {problem}")
    collection = ev.problems.get(f"registry/{_IDENTITY_STEM}.reg")
    if collection is not None:
        return Outcome.unknown(f"unreadable evidence: {collection}")
    registry = ev.registry
    found: list[tuple[str, str, int]] = []
    if registry is not None:
        for key in (IDENTITY_KEY, IDENTITY_POLICY_KEY):
            for name, bad in _SWITCHES:
                value = registry.dword(key, name)
                if value is not None and str(value) == bad:
                    found.append((key, name, value))
    if not found:
        if registry is not None and (
            exported(registry, IDENTITY_KEY)
            or ev.key_absent(IDENTITY_KEY)
            or _collected_absent(ev, _IDENTITY_STEM)
        ):
            return Outcome.passed(
                f"No Office identity value turns off modern authentication or WAM at "
                f"{IDENTITY_KEY} (EnableADAL=0, DisableAADWAM=1, DisableADALatopWAMOverride=1 "
                "are not set).",
                key=IDENTITY_KEY,
            )
        if registry is None:
            return Outcome.unknown(f"{NO_WINDOWS_EVIDENCE} (needs registry/: {IDENTITY_KEY})")
        return Outcome.unknown(
            f"the Office Identity key was not collected (needs registry/{_IDENTITY_STEM}.reg: "
            f"{IDENTITY_KEY})"
        )
    assert registry is not None  # found holds values read from it
    shown = "; ".join(f"{name}={value} at {key}" for key, name, value in found)
    changes: list[Change] = []
    for key, name, value in found:
        if key == IDENTITY_POLICY_KEY:
            changes.append(
                ManualStep(
                    f"Have the owner of the Office policy (Group Policy or Intune) remove "
                    f"{name} (now {value}) from {key}: a policy refresh restores a local edit.",
                    link=_ADAL_DOC,
                )
            )
        else:
            changes.append(
                delete_value(
                    registry,
                    key,
                    name,
                    needs_restart=False,
                    how="As the signed-in user (not an administrator's prompt), run {command}",
                )
            )
    changes.append(ManualStep("Quit OneDrive and the Office apps, start them again, and sign in."))
    local = any(not isinstance(change, ManualStep) for change in changes)
    names = ", ".join(dict.fromkeys(name for _, name, _ in found))
    return Outcome.failed(
        f"Office identity values switch off modern authentication or the WAM broker, which "
        f"Microsoft does not recommend: {shown}.",
        fix=Fix(
            f"Delete {names} so Office and OneDrive sign in through WAM again",
            tuple(changes),
            safety=Safety.NEEDS_CONFIRMATION if local else Safety.MANUAL,
        ),
        values={f"{key}\\{name}": value for key, name, value in found},
    )


def _collected_absent(ev: Evidence, stem: str) -> bool:
    """Whether the collector's record says the key of ``registry/<stem>.reg`` does not exist."""
    records = (ev.manifest or {}).get("collection")
    if not isinstance(records, (list, tuple)):
        return False
    wanted = f"registry/{stem}.reg"
    return any(
        isinstance(r, dict) and r.get("file") == wanted and r.get("status") == "absent"
        for r in records
    )

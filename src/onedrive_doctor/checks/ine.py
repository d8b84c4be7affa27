"""INE: WinINet, the Internet Options TLS boxes (article: the inetcpl.cpl step)."""

from __future__ import annotations

from typing import Any

from ..evidence import Evidence
from ..fixes import ManualStep, Safety, manual
from ..model import Fix, Outcome
from ..windows.client_model import INET_HKCU, INET_HKLM, INET_POLICY_HKCU, INET_POLICY_HKLM
from ._windows import (
    TLS12_BIT,
    assumed_notes,
    exported,
    mask_text,
    profile_of,
    registry_of,
    set_dword,
)

__all__ = ["internet_options_tls12_off"]

# Where WinINet's SecureProtocols comes from, first match wins (the client model's order;
# docs/knowledge/windows-tls.md §4.3: the policy location is unconfirmed, §9.11).
_SOURCES = (
    (INET_POLICY_HKCU, "the user's Group Policy"),
    (INET_POLICY_HKLM, "the machine's Group Policy"),
    (INET_HKCU, "the user's Internet Options"),
    (INET_HKLM, "the machine-wide Internet Settings"),
)


def internet_options_tls12_off(ev: Evidence) -> Outcome:
    r"""TLS 1.2 is unticked in Internet Options: `SecureProtocols` lacks 0x800.

    What it checks:
        The effective REG_DWORD `SecureProtocols`: the "Turn off encryption support" policy if
        configured (Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings under
        HKCU / HKLM; this location is unconfirmed), else
        HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings, else the same value
        under HKLM. Fails when it lacks the 0x800 (TLS 1.2) bit, naming where it came from.
        Without any value the release's default is judged (and said to be assumed); that can
        pass only when the HKCU and HKLM Internet Settings keys were exported.

    Why it matters:
        This value holds the TLS boxes of inetcpl.cpl > Advanced, and WinINet offers Schannel
        only the ticked protocols. The article's step: "enable all three TLS protocols by
        selecting the check boxes for the TLS 1.0, TLS 1.1, and TLS 1.2 options". Microsoft 365
        accepts TLS 1.2 and later only.

    Evidence:
        registry/: the HKCU, HKLM and policy Internet Settings exports.

    Fix:
        Press Windows+R, run `inetcpl.cpl`, open Advanced, tick "Use TLS 1.2" (the article ticks
        TLS 1.0, 1.1 and 1.2), Apply, OK; that is HKCU `SecureProtocols` with 0x800 set, e.g.
        0xA80 = TLS 1.0 + 1.1 + 1.2 (0x2A80 adds TLS 1.3, proposed on Windows 11 / Server 2022
        and later): `reg add "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
        /v SecureProtocols /t REG_DWORD /d 0xA80 /f`. Then restart OneDrive. If the policy sets
        it, the admin must change the policy.

    Fix safety:
        Safe for the per-user HKCU value: one bit, no admin rights, no restart, old value
        journaled for undo. Manual when the "Turn off encryption support" policy controls it.

    References:
        - Error 0x8004de40 when signing in to OneDrive (Microsoft Learn):
          https://learn.microsoft.com/troubleshoot/sharepoint/sync/error-0x8004de40-in-onedrive
        - Set-MsIdWindowsTlsSettings.ps1 (AzureAD/MSIdentityTools, SecureProtocols bits):
          https://github.com/AzureAD/MSIdentityTools
        - Disabling TLS 1.0 and 1.1 for Microsoft 365:
          https://learn.microsoft.com/microsoft-365/compliance/tls-1.0-and-1.1-deprecation-for-office-365

    """
    profile = profile_of(
        ev,
        needs=(INET_HKCU,),
        reads=("inet-hkcu", "inet-hklm", "inet-policy-hkcu", "inet-policy-hklm"),
    )
    if isinstance(profile, Outcome):
        return profile
    registry = registry_of(ev)
    family = profile.family
    found = None
    for index, (key, label) in enumerate(_SOURCES):
        value = registry.dword(key, "SecureProtocols")
        if value is not None:
            found = (index, key, label, value)
            break
    evidence: dict[str, Any] = {"windows": profile.label}
    if found is None:
        missing = [key for key in (INET_HKCU, INET_HKLM) if not exported(registry, key)]
        if missing:
            return Outcome.unknown(
                "the Internet Settings keys were not exported, so SecureProtocols is unknown "
                f"(needs registry/: {', '.join(missing)})",
                **evidence,
            )
        mask = family.wininet_secure_protocols
        origin = f"the default of {family.name}"
        notes = assumed_notes(profile, "wininet_secure_protocols")
        if notes:
            evidence["assumed"] = notes
            origin += ", assumed: Internet Explorer's default is undocumented per release"
        shown = f"SecureProtocols={mask_text(mask)}"
        where, after = "", f" (default; no SecureProtocols value: {origin})"
        evidence.update(SecureProtocols=None, source="default")
        policy = False
    else:
        index, key, label, mask = found
        # A machine-wide value is in force only when the user has none: that needs HKCU exported.
        if index == 3 and not exported(registry, INET_HKCU):
            return Outcome.unknown(
                f"SecureProtocols={mask_text(mask)} at {INET_HKLM}, but the user's key was not "
                f"exported and would override it (needs registry/: {INET_HKCU})",
                **evidence,
            )
        shown = f"SecureProtocols={mask_text(mask)}"
        where, after = f" at {key} ({label})", ""
        evidence.update(SecureProtocols=mask, source=key)
        policy = index < 2
    if mask & TLS12_BIT:
        return Outcome.passed(
            f"TLS 1.2 is ticked in Internet Options: {shown}{where}{after}.", **evidence
        )
    message = (
        f"TLS 1.2 is unticked in Internet Options: {shown}{where} lacks 0x800 (TLS 1.2){after}."
    )
    target = 0x0A80 | (0x2000 if family.tls13_available else 0)
    boxes = "TLS 1.0, TLS 1.1, TLS 1.2" + (" and TLS 1.3" if family.tls13_available else "")
    if policy:
        message += " A Group Policy sets it, so the Internet Options boxes are greyed out."
        fix = Fix(
            "Change the 'Turn off encryption support' Group Policy to include TLS 1.2",
            manual(
                "Ask the Group Policy owner to set Windows Components > Internet Explorer > "
                "Internet Control Panel > Advanced Page > Turn off encryption support to a value "
                f"with TLS 1.2, e.g. 'Use {boxes}' ({target}), or to Not configured.",
                "Then run `gpupdate /force` and restart OneDrive.",
            ),
            safety=Safety.MANUAL,
            needs_admin=True,
        )
    else:
        fix = Fix(
            f"Tick TLS 1.2 in Internet Options: set SecureProtocols=0x{target:X} at {INET_HKCU}",
            (
                ManualStep(
                    "Press Windows+R, run `inetcpl.cpl`, open the Advanced tab, tick "
                    f"{boxes} under Security, then Apply and OK."
                ),
                # The same value the boxes write; HKCU, so it runs as the user, not elevated.
                set_dword(
                    registry,
                    INET_HKCU,
                    "SecureProtocols",
                    target,
                    needs_restart=False,
                    safety=Safety.SAFE,
                    how="Or, as the user: {command}",
                ),
                ManualStep("Restart OneDrive."),
            ),
            safety=Safety.SAFE,
        )
    return Outcome.failed(message, fix=fix, **evidence)

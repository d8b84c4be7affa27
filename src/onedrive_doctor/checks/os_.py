"""OS: what this version of Windows can do at all (article: TLS deprecation, Windows 8 / 7)."""

from __future__ import annotations

import datetime
from typing import Any

from ..evidence import Evidence
from ..fixes import Safety, manual
from ..model import Fix, Outcome
from ._windows import (
    assumed_notes,
    best_case,
    front_door,
    lost_by_date,
    policies_accepting,
    policies_text,
    profile_of,
)

__all__ = ["os_cannot_meet_afd_policy", "os_unsupported"]

# OneDrive's announcement (November 2021, as reported by third parties; no Microsoft page in
# docs/knowledge/): no updates for the personal sync app on Windows 7 / 8 / 8.1 from 1 January 2022,
# no syncing of personal accounts from 1 March 2022; the business app follows the Windows
# lifecycle from 1 January 2022.
ONEDRIVE_PRE10_END = datetime.date(2022, 1, 1)


_UPGRADE_STEPS = manual(
    "Upgrade the PC to a supported Windows 11 release (check the hardware with PC Health "
    "Check), or replace it.",
    "Until then, use OneDrive on the web (https://onedrive.live.com or the tenant's "
    "SharePoint site) from a supported device.",
)


def os_cannot_meet_afd_policy(ev: Evidence) -> Outcome:
    r"""No cipher suite this Windows build can ever offer is accepted by the endpoint's policy.

    What it checks:
        Whether any suite this build supports (enabled or not, with every protocol it
        implements switched on: TLS 1.3 from Windows 11 / Server 2022) is accepted by the
        endpoint's AFD policy (measured by the bundle's TLS scans, worst endpoint first; else
        TLSv1.2_2023, which the finding says it assumed). A failing finding names the policy
        generations that would still accept this build, and with which suite. Windows 7 / 8 /
        8.1 and Server 2008 R2 / 2012 / 2012 R2 have no TLS 1.3 and no ECDHE_RSA AES GCM; their
        only AFD suites are DHE_RSA AES GCM (after KB3042058 / KB2919355) and ECDHE_RSA AES CBC
        SHA384 / SHA256 (_P256 / _P384), none of which TLSv1.2_2023 accepts.

    Why it matters:
        "Windows 8.1, Windows 8, and Windows 7 aren't compatible with these ECDHE_GCM cipher
        suites." When the endpoint's policy holds nothing else, no registry setting can help,
        and the tool must say so instead of proposing changes that cannot work.

    Evidence:
        registry/: the Windows build from HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion;
        the measured AFD policy from the TLS scan in probes.json when present.

    Fix:
        Upgrade to a supported Windows 11 (or Windows 10 22H2); until then use OneDrive on the
        web. If the endpoint measures as TLSv1.2_2022, enabling
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256 / _P384 (SCH002) may be enough.

    Fix safety:
        Manual only: an OS upgrade is outside what a diagnostic tool may do.

    References:
        - Azure Front Door TLS policy: https://learn.microsoft.com/azure/frontdoor/tls-policy
        - TLS cipher suites in Windows 7:
          https://learn.microsoft.com/windows/win32/secauthn/tls-cipher-suites-in-windows-7
        - TLS cipher suites in Windows 8.1:
          https://learn.microsoft.com/windows/win32/secauthn/tls-cipher-suites-in-windows-8-1
        - Encryption in Microsoft 365, TLS cipher suites:
          https://learn.microsoft.com/microsoft-365/compliance/technical-reference-details-about-encryption

    """
    profile = profile_of(ev, reads=())
    if isinstance(profile, Outcome):
        return profile
    door = front_door(ev)
    ever = best_case(profile)
    peer, verdict = door.judge(ever)
    family = profile.family
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "front_door": door.evidence(),
        "tls13_available": family.tls13_available,
    }
    if verdict.accepted:
        return Outcome.passed(
            f"{family.name} can offer {verdict.cipher_suite} ({verdict.protocol}), which "
            f"{door.name(peer)} accepts; whether this PC does is SCH001 / SCH002's question.",
            **evidence,
        )
    working = policies_accepting(ever, door.day)
    lost = lost_by_date(ever, door.day, {policy.name for policy, _ in working})
    evidence["policies_that_would_work"] = [policy.name for policy, _ in working]
    tls13 = "TLS 1.3 or " if peer.tls13 else ""
    message = (
        f"No cipher suite {family.name} can ever offer is accepted by {door.name(peer)}: it "
        f"needs {tls13}one of {', '.join(peer.tls12) or 'no TLS 1.2 suite'}, and "
        f"{family.name} implements "
        + ("no TLS 1.3 and " if not family.tls13_available else "")
        + "none of those suites. No local setting can fix this."
    )
    if working:
        message += (
            " What will: upgrading to Windows 10 / 11, or the service owner using an AFD policy "
            "that still lists DHE or ECDHE-CBC suites: "
            + policies_text(working, verb="this PC could connect (once configured)")
            + "."
        )
    else:
        message += " What will: upgrading to Windows 10 / 11."
    if lost:
        message += f" {lost[0].upper()}{lost[1:]}."
    return Outcome.failed(
        message,
        fix=Fix(
            f"Upgrade {family.name} to Windows 11: no setting makes it meet the front door's "
            "TLS policy",
            _UPGRADE_STEPS,
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )


def os_unsupported(ev: Evidence) -> Outcome:
    r"""Windows is out of Microsoft support or too old for the current OneDrive client.

    What it checks:
        The version from HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion (ProductName,
        CurrentBuild, UBR, DisplayVersion, InstallationType; build 22000 and later is Windows 11
        even where ProductName says Windows 10). Fails for Windows 7, 8 and 8.1, Server 2008 R2
        / 2012 / 2012 R2, and Windows 10 / 11 releases past their end of servicing. The dates
        are Microsoft lifecycle dates for the edition (EditionID: Home / Pro, Enterprise /
        Education, LTSC) compared with the day of the analysis; a release newer than every one
        recorded passes with that assumption said.

    Why it matters:
        OneDrive desktop app updates for Windows 7 / 8 / 8.1 ended on 1 January 2022, and its
        business support follows the Windows lifecycle. These systems also lack TLS 1.3 and the
        ECDHE GCM suites Azure Front Door now prefers (OS001), and need KB3140245 and registry
        work before TLS 1.2 is even the default (WHT001, WHT002).

    Evidence:
        registry/: the CurrentVersion export.

    Fix:
        Upgrade to a supported Windows 11 release, then install the current OneDrive client.

    Fix safety:
        Manual only: an OS upgrade is an organisation's decision.

    References:
        - Authentication errors when connecting to SharePoint or OneDrive from Windows 7 or 8:
          https://learn.microsoft.com/sharepoint/troubleshoot/administration/authentication-errors-windows7
        - Protocols in TLS/SSL (Schannel SSP), TLS support per Windows version:
          https://learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-
        - OneDrive end of updates on Windows 7 / 8 / 8.1 (third-party report of the OneDrive
          team's announcement):
          https://windowsreport.com/outdated-devices-will-no-longer-receive-microsoft-windows-onedrive/

    """
    profile = profile_of(ev, reads=())
    if isinstance(profile, Outcome):
        return profile
    family = profile.family
    edition = profile.os.edition_id if profile.os is not None else None
    end = family.lifecycle.end_for(edition)
    # The day the evidence was collected, not the day it is analysed: an old bundle is judged
    # as of its collection.
    day = ev.today
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "edition": edition,
        "end_of_support": end.isoformat() if end else None,
        "today": day.isoformat(),
        "lifecycle": family.lifecycle.url,
    }
    notes = assumed_notes(profile, "support dates", "end of support", "ltsc_end")
    if notes:
        evidence["assumed"] = notes
    which = f"{family.name} ({edition})" if edition else family.name
    onedrive_gone = family.pre_windows10 and not family.server and day >= ONEDRIVE_PRE10_END
    if end is None:
        if family.builds[1] is None:
            return Outcome.passed(
                f"{profile.label} is the newest release this tool knows; its end of support "
                "date is not recorded yet (assumed supported).",
                **evidence,
            )
        return Outcome.unknown(
            f"the end of support date of {which} is not recorded, so whether it is supported "
            f"is unknown (see {family.lifecycle.url})",
            **evidence,
        )
    if day <= end and not onedrive_gone:
        return Outcome.passed(
            f"{profile.label} is supported until {end.isoformat()} ({which}; Microsoft "
            "lifecycle dates, see evidence).",
            **evidence,
        )
    if day > end:
        message = (
            f"{profile.label} is out of Microsoft support: security updates for {which} ended "
            f"on {end.isoformat()} ({family.lifecycle.url}); paid Extended Security Updates, "
            "if any, do not show in a bundle."
        )
    else:
        message = f"{profile.label} is within Windows support until {end.isoformat()}."
    if onedrive_gone:
        message += (
            f" The OneDrive sync app stopped getting updates on {family.name} on "
            "1 January 2022 (personal accounts stopped syncing on 1 March 2022; the business app "
            "follows the Windows lifecycle)."
        )
    return Outcome.failed(
        message,
        fix=Fix(
            "Upgrade to a supported Windows 11 release, then install the current OneDrive",
            _UPGRADE_STEPS,
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )

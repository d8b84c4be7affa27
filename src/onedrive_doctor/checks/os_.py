"""OS: what this version of Windows can do at all (article: TLS deprecation, Windows 8 / 7)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = ["os_cannot_meet_afd_policy", "os_unsupported"]


def os_cannot_meet_afd_policy(ev: Evidence) -> Outcome:
    r"""No cipher suite this Windows build can ever offer is accepted by the endpoint's policy.

    What it checks:
        Whether any suite this build supports (enabled or not) is in the endpoint's AFD policy
        (measured, else TLSv1.2_2023). Windows 7 / 8 / 8.1 and Server 2008 R2 / 2012 / 2012 R2
        have no TLS 1.3 and no ECDHE_RSA AES GCM; their only AFD suites are DHE_RSA AES GCM
        (after KB3042058 / KB2919355) and ECDHE_RSA AES CBC SHA384 / SHA256 (_P256 / _P384),
        none of which TLSv1.2_2023 accepts.

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
    return pending(ev, ("registry/",))


def os_unsupported(ev: Evidence) -> Outcome:
    r"""Windows is out of Microsoft support or too old for the current OneDrive client.

    What it checks:
        The version from HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion (ProductName,
        CurrentBuild, UBR, DisplayVersion, InstallationType; build 22000 and later is Windows 11
        even where ProductName says Windows 10). Fails for Windows 7, 8 and 8.1, Server 2008 R2
        / 2012 / 2012 R2, and Windows 10 releases past their end of servicing.

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
    return pending(ev, ("registry/",))

"""INE: WinINet, the Internet Options TLS boxes (article: the inetcpl.cpl step)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = ["internet_options_tls12_off"]


def internet_options_tls12_off(ev: Evidence) -> Outcome:
    r"""TLS 1.2 is unticked in Internet Options: `SecureProtocols` lacks 0x800.

    What it checks:
        The effective REG_DWORD `SecureProtocols`: the "Turn off encryption support" policy if
        configured (Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings under
        HKCU / HKLM; this location is unconfirmed), else
        HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings, else the same value
        under HKLM. Fails when it lacks the 0x800 (TLS 1.2) bit.

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
        0xA80 = TLS 1.0 + 1.1 + 1.2 (0x2A80 adds TLS 1.3, Windows 11 / Server 2022 and later).
        Then restart OneDrive. If the policy sets it, the admin must change the policy.

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
    return pending(ev, ("registry/",))
